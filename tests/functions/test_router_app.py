"""The router and troubleshooter as functions-framework apps, over the framework's HTTP test client."""

import json
from pathlib import Path

import pytest
from functions_framework import create_app

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def router(tmp_path, monkeypatch):
    from devtools.http_capture import CaptureServer

    with CaptureServer() as specialist:
        monkeypatch.setenv("KUBETRIAGE_STATE_DIR", str(tmp_path))
        monkeypatch.setenv("KUBETRIAGE_SPECIALIST_URLS", f"k8s_troubleshooter={specialist.url}")
        monkeypatch.setenv("KUBETRIAGE_ALERTMANAGER_TOKEN", "am-token")
        monkeypatch.delenv("REDIS_URL", raising=False)
        import sys

        sys.modules.pop("main", None)
        app = create_app("handle", str(ROOT / "functions" / "router" / "main.py"))
        yield app.test_client(), specialist


def _binary(ce_type, ce_id):
    return {"ce-specversion": "1.0", "ce-type": ce_type, "ce-source": "https://k8s", "ce-id": ce_id,
            "Content-Type": "application/json"}


def test_a_binary_mode_apiserver_event_is_accepted_and_handed_off(router):
    client, specialist = router
    body = (FIXTURES / "backoff_event.json").read_bytes()
    response = client.post("/", data=body, headers=_binary("dev.knative.apiserver.resource.update", "b1"))
    assert response.status_code == 202 and response.json["accepted"][0]["new"]
    assert specialist.requests[0].headers["ce-type"] == "io.kubetriage.investigation.requested"


def test_a_structured_mode_manual_request_is_accepted(router):
    client, specialist = router
    event = {"specversion": "1.0", "type": "io.kubetriage.diagnosis.requested", "source": "/me", "id": "s1",
             "datacontenttype": "application/json", "data": {"namespace": "shop", "workload": "deployment/web",
                                                             "question": "why is web crashing?"}}
    headers = {"Content-Type": "application/cloudevents+json"}
    assert client.post("/", data=json.dumps(event), headers=headers).status_code == 401  # a person: the token
    response = client.post("/", data=json.dumps(event), headers={**headers, "Authorization": "Bearer am-token"})
    assert response.status_code == 202
    assert specialist.requests[0].json()["workload"] == "web"


def test_a_raw_alertmanager_webhook_needs_the_bearer_token(router):
    client, specialist = router
    body = (FIXTURES / "alert_image_pull.json").read_bytes()
    assert client.post("/alertmanager", data=body, content_type="application/json").status_code == 401
    ok = client.post("/alertmanager", data=body, content_type="application/json",
                     headers={"Authorization": "Bearer am-token"})
    assert ok.status_code == 202 and len(specialist.requests) == 1


def test_an_alertmanager_webhook_as_a_cloudevent_is_accepted(router):
    client, _ = router
    body = (FIXTURES / "alert_image_pull.json").read_bytes()
    response = client.post("/", data=body, headers=_binary("io.kubetriage.alertmanager.webhook", "a1"))
    assert response.status_code == 202


@pytest.mark.parametrize(
    ("body", "headers", "says"),
    [(b"{nope", _binary("dev.knative.apiserver.resource.add", "x1"), "not valid JSON"),
     (b"{}", _binary("com.example.other", "x2"), "is not one of"),
     (b'{"kind": "Event"}', _binary("dev.knative.apiserver.resource.add", "x3"), "involvedObject"),
     (b'{"namespace": "Bad Name!"}', {**_binary("io.kubetriage.diagnosis.requested", "x4"),
                                       "Authorization": "Bearer am-token"}, "namespace"),
     (b"{}", {"ce-type": "dev.knative.apiserver.resource.add", "Content-Type": "application/json"}, "missing")],
    ids=["broken JSON", "an unknown type", "an Event without its object", "a bad namespace",
         "missing CloudEvent attributes"],
)
def test_bad_input_is_a_400_whose_json_says_what_is_wrong(router, body, headers, says):
    client, specialist = router
    response = client.post("/", data=body, headers=headers)
    assert response.status_code == 400
    assert says in " ".join(response.json["problems"])
    assert specialist.requests == []


def test_a_normal_event_is_acknowledged_with_the_reason_it_was_dropped(router):
    client, specialist = router
    event = {**json.loads((FIXTURES / "backoff_event.json").read_text()), "type": "Normal", "reason": "Scheduled"}
    response = client.post("/", data=json.dumps(event), headers=_binary("dev.knative.apiserver.resource.add", "n1"))
    assert response.status_code == 200 and "Normal event" in response.json["dropped"][0]["reason"]
    assert specialist.requests == []
