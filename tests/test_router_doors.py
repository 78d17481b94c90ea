"""One door, one lock: what was parsed decides which token it needs, whatever the path."""

import json
from pathlib import Path

import pytest

from shared.router import Router
from shared.settings import Settings
from tests import store_fixtures
from tests.recording import RecordingEmitter

FIXTURES = Path(__file__).parent / "fixtures"
EVENT = (FIXTURES / "backoff_event.json").read_bytes()
WEBHOOK = (FIXTURES / "alert_image_pull.json").read_bytes()
MANUAL = json.dumps({"namespace": "shop", "workload": "deployment/web", "question": "why is web down?"}).encode()
TOKEN = "s3cret-token"
store = store_fixtures.store


def _ce(ce_type, ce_id):
    return {"ce-specversion": "1.0", "ce-type": ce_type, "ce-source": "https://k8s.example", "ce-id": ce_id,
            "Content-Type": "application/json"}


FORMS = {  # name -> (headers, body)
    "raw webhook": ({"Content-Type": "application/json"}, WEBHOOK),
    "apiserver CloudEvent": (_ce("dev.knative.apiserver.resource.update", "ev-1"), EVENT),
    "alertmanager CloudEvent": (_ce("io.kubetriage.alertmanager.webhook", "am-1"), WEBHOOK),
    "manual CloudEvent": (_ce("io.kubetriage.diagnosis.requested", "ask-1"), MANUAL),
}
GIVEN = {"no token": None, "wrong token": "Bearer nope", "right token": f"Bearer {TOKEN}"}


def _expected(form, path, given, token_set, cloudevents_locked):
    """The contract, written out: 2xx accepted, 400 wrong door, 401 missing or wrong token."""
    raw = form == "raw webhook"
    if path == "/alertmanager" and token_set and given != "right token":
        return 401  # /alertmanager's lock comes before its body is read
    if raw != (path == "/alertmanager"):
        return 400  # a raw webhook only on /alertmanager, and nothing else there
    needs_token = token_set and (raw or form == "manual CloudEvent" or cloudevents_locked)
    if needs_token and given != "right token":
        return 401
    return 202


CASES = [(form, path, given, token_set, locked)
         for form in FORMS for path in ("/", "/alertmanager", "/events")
         for given in GIVEN for token_set in (True, False) for locked in (False, True)
         if not (locked and not token_set)]


@pytest.mark.parametrize(("form", "path", "given", "token_set", "locked"), CASES,
                         ids=[f"{f} on {p} with {g}, token {'set' if t else 'unset'}"
                              f"{', CloudEvents locked' if lk else ''}" for f, p, g, t, lk in CASES])
def test_every_form_on_every_path_with_every_token(store, form, path, given, token_set, locked):
    headers, body = FORMS[form]
    headers = dict(headers)
    if GIVEN[given]:
        headers["Authorization"] = GIVEN[given]
    settings = Settings(alertmanager_token=TOKEN if token_set else None, cloudevents_require_token=locked)
    emitter = RecordingEmitter()
    reply = Router(settings=settings, store=store, emitter=emitter).handle(path, headers, body)
    want = _expected(form, path, given, token_set, locked)
    assert reply.status == want, reply.body
    assert len(emitter.events) == (1 if want == 202 else 0)  # refused: nothing handed off
    if want != 202:
        assert reply.body.get("error")


def test_a_raw_webhook_on_the_cloudevent_door_says_where_it_belongs(store):
    reply = Router(settings=Settings(alertmanager_token=TOKEN), store=store, emitter=None).handle(
        "/", {"Content-Type": "application/json"}, WEBHOOK)
    assert reply.status == 400 and "/alertmanager" in " ".join(reply.body["problems"])


def test_a_refused_token_is_decided_before_the_body_is_read(store):
    reply = Router(settings=Settings(alertmanager_token=TOKEN), store=store, emitter=None).handle(
        "/alertmanager", {"Content-Type": "application/json"}, b"{broken")
    assert reply.status == 401 and reply.headers.get("WWW-Authenticate") == "Bearer"


def test_settings_read_the_cloudevent_lock_from_the_environment():
    assert Settings.from_env({"KUBETRIAGE_CLOUDEVENTS_REQUIRE_TOKEN": "true"}).cloudevents_require_token
    assert not Settings.from_env({}).cloudevents_require_token
    with pytest.raises(Exception, match="KUBETRIAGE_CLOUDEVENTS_REQUIRE_TOKEN"):
        Settings.from_env({"KUBETRIAGE_CLOUDEVENTS_REQUIRE_TOKEN": "perhaps"})


def test_a_manual_request_without_the_token_is_told_to_go_to_the_router_not_the_broker(store):
    reply = Router(settings=Settings(alertmanager_token=TOKEN), store=store, emitter=RecordingEmitter()).handle(
        "/", _ce("io.kubetriage.diagnosis.requested", "ask-broker"), MANUAL)
    assert reply.status == 401
    assert "router itself" in reply.body["error"] and "Broker" in reply.body["error"]


def test_a_batch_holding_one_manual_request_needs_the_token_for_all_of_it(store):
    events = [{"specversion": "1.0", "type": "dev.knative.apiserver.resource.update", "source": "/k", "id": "b-1",
               "data": json.loads(EVENT)},
              {"specversion": "1.0", "type": "io.kubetriage.diagnosis.requested", "source": "/me", "id": "b-2",
               "data": json.loads(MANUAL)}]
    emitter = RecordingEmitter()
    router = Router(settings=Settings(alertmanager_token=TOKEN), store=store, emitter=emitter)
    headers = {"Content-Type": "application/cloudevents-batch+json"}
    assert router.handle("/", headers, json.dumps(events).encode()).status == 401
    assert emitter.events == []
    reply = router.handle("/", {**headers, "Authorization": f"Bearer {TOKEN}"}, json.dumps(events).encode())
    assert reply.status == 202 and len(reply.body["accepted"]) == 2
