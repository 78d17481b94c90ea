"""PeopleApi on both stores, without HTTP: ?wait holds until the diagnosis exists, the token, the page's escaping."""

import json
from html.parser import HTMLParser

import pytest

from shared.api import PeopleApi
from shared.incident import Incident
from shared.investigations import ListQuery, record_started
from shared.page import render_page

INCIDENT = Incident(fingerprint="fp1", source="manual", family="manual", reason="ManualRequest", message="why?",
                    cluster="prod", namespace="shop", object_kind="Deployment", object_name="api")


def _start(store, iid="inv-api-1"):
    from shared.state.keys import inv_key

    store.put(inv_key(iid, "incident"), json.dumps(INCIDENT.to_dict()), 60)  # as the router's coalescing writes it
    record_started(store, iid, INCIDENT)
    return iid


class _Clock:
    def __init__(self, on_sleep=None):
        self.now, self.sleeps, self.on_sleep = 0.0, 0, on_sleep

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
        self.sleeps += 1
        if self.on_sleep:
            self.on_sleep(self.sleeps)


def test_wait_holds_the_answer_until_the_diagnosis_exists(store):
    iid = _start(store)
    diagnosis = {"status": "completed", "category": "oom_killed", "summary": "api OOMKilled"}

    def finish_on_third_poll(n):
        if n == 3:
            from shared.state import checkpoints

            store.put(checkpoints._key(iid), json.dumps({"diagnosis": diagnosis}), 60)

    clock = _Clock(finish_on_third_poll)
    reply = PeopleApi(store, clock=clock, sleep=clock.sleep).get(f"/investigations/{iid}", {"wait": "30"}, {})
    assert reply.status == 200 and reply.body["status"] == "completed" and clock.sleeps == 3
    assert reply.body["diagnosis"]["category"] == "oom_killed"


def test_wait_gives_up_after_n_seconds_with_the_status_as_it_stands(store):
    iid = _start(store, "inv-api-2")
    clock = _Clock()
    reply = PeopleApi(store, clock=clock, sleep=clock.sleep).get(f"/investigations/{iid}", {"wait": "2"}, {})
    assert reply.status == 200 and reply.body["status"] == "queued" and 1.99 <= clock.now <= 2.01


@pytest.mark.parametrize(
    ("path", "auth", "status"),
    [("/investigations", None, 401), ("/investigations", "Bearer wrong", 401), ("/investigations", "Bearer t0k", 200),
     ("/investigations/inv-x", None, 401), ("/", None, 401), ("/", "Bearer t0k", 200)],
    ids=["a list without the token is refused", "a wrong token is refused", "the right token reads the list",
         "one investigation needs it too", "so does the page", "the page with the token"],
)
def test_every_read_takes_the_token_when_one_is_set(store, path, auth, status):
    headers = {"Authorization": auth} if auth else {}
    assert PeopleApi(store, token="t0k").get(path, {}, headers).status == status


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_cluster_text_on_the_page_stays_text():
    hostile = "<img src=x onerror=alert(1)><script>alert(2)</script><a href='javascript:x'>"
    item = {"investigation_id": "inv-1", "status": "completed",
            "incident": {**INCIDENT.to_dict(), "object_name": hostile},
            "diagnosis": {"category": "crashloop_app_error", "summary": hostile, "root_cause": hostile,
                          "evidence": [{"source": hostile, "excerpt": hostile}], "recommendations": [hostile],
                          "commands": [hostile], "chain": [{"object": hostile, "observation": hostile}],
                          "confidence": 0.5, "planner": "rules"}}
    parser = _Tags()
    parser.feed(render_page([item], ListQuery()))
    tags = {t for t, _ in parser.tags}
    assert "img" not in tags and "script" not in tags
    assert all(not (a.get("href") or "").startswith("javascript") for _, a in parser.tags)
