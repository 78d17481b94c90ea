"""CloudEvents over real HTTP: what the cloudevents SDK sends, and the binding's edge cases, reach the router whole.

The router runs as its own functions-framework process on a free port. Senders are the real
cloudevents SDK (1.12: binary and structured, specversion 1.0 and 0.3, bytes data that it sends as
`data_base64`) and hand-written requests for what the SDK never produces: mixed-case media types,
charset parameters, percent-encoded and quoted header values, 0.3's `datacontentencoding`, batches.
Every valid event answers 2xx and can be read back through `GET /investigations/{id}`; one event
(same `source` + `id`) sent in binary and then in structured mode is one incident, handed off once;
an invalid one is a 400 that names what is wrong, and nothing of it is handed off.
"""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cloudevents.conversion import to_binary, to_structured
from cloudevents.http import CloudEvent

from bench.procs import free_port, start, stop
from devtools.http_capture import CaptureServer

ROOT = Path(__file__).resolve().parents[2]
UPDATE = "dev.knative.apiserver.resource.update"
NAMESPACE = "parity"
TEMPLATE = json.loads((ROOT / "tests" / "fixtures" / "backoff_event.json").read_text())
SPECIALISTS = ("k8s_troubleshooter", "cost_analyzer", "security_auditor")


def _event_data(pod: str) -> dict:
    """A BackOff Event of its own pod: every case is its own incident (no coalescing across cases)."""
    data = json.loads(json.dumps(TEMPLATE))
    data["involvedObject"].update(name=pod, namespace=NAMESPACE)
    data["metadata"].update(name=f"{pod}.183f54075a59322a", namespace=NAMESPACE)
    data["message"] = f"Back-off restarting failed container points-expiry in pod {pod}"
    return data


def _sdk(attrs: dict, data, mode) -> tuple[dict[str, str], bytes]:
    """The request the cloudevents SDK writes for this event (header values as the SDK's str())."""
    headers, body = mode(CloudEvent({"type": UPDATE, **attrs}, data))
    return {k: str(v) for k, v in headers.items()}, body


def _structured(event: dict, content_type: str = "application/cloudevents+json") -> tuple[dict[str, str], bytes]:
    return {"Content-Type": content_type}, json.dumps(event).encode()


def _binary(attrs: dict, data, content_type: str | None = "application/json") -> tuple[dict[str, str], bytes]:
    headers = {f"ce-{k}": v for k, v in attrs.items()}
    if content_type:
        headers["Content-Type"] = content_type
    return headers, data if isinstance(data, bytes) else json.dumps(data).encode()


def _b64(obj) -> str:
    return base64.b64encode(json.dumps(obj).encode()).decode()


def _ce(pod: str, **extra) -> dict:
    """A structured 1.0 event of the pod's own BackOff Event."""
    return {"specversion": "1.0", "type": UPDATE, "source": "https://k8s.example", "id": f"id-{pod}",
            "datacontenttype": "application/json", "data": _event_data(pod), **extra}


# name -> (pod, (headers, body)): each a valid event, to be answered 2xx and stored.
VALID = {
    "the SDK's binary 1.0 event": ("sdk-bin-ten", _sdk({"source": "/sdk", "id": "sdk-1"}, _event_data("sdk-bin-ten"),
                                                      to_binary)),
    "the SDK's structured 1.0 event": ("sdk-str-ten", _sdk({"source": "/sdk", "id": "sdk-2"},
                                                          _event_data("sdk-str-ten"), to_structured)),
    "the SDK's binary 0.3 event": ("sdk-bin-v03", _sdk({"specversion": "0.3", "source": "/sdk", "id": "sdk-3",
                                                       "schemaurl": "https://schemas.example/event"},
                                                      _event_data("sdk-bin-v03"), to_binary)),
    "the SDK's structured 0.3 event": ("sdk-str-v03", _sdk({"specversion": "0.3", "source": "/sdk", "id": "sdk-4"},
                                                          _event_data("sdk-str-v03"), to_structured)),
    "the SDK's bytes data, structured as data_base64": (
        "sdk-b64", _sdk({"source": "/sdk", "id": "sdk-5", "datacontenttype": "application/json"},
                        json.dumps(_event_data("sdk-b64")).encode(), to_structured)),
    "the SDK's bytes data in a 0.3 event, structured": (
        "sdk-b64-v03", _sdk({"specversion": "0.3", "source": "/sdk", "id": "sdk-6"},
                           json.dumps(_event_data("sdk-b64-v03")).encode(), to_structured)),
    "the SDK's event with extension attributes": (
        "sdk-ext", _sdk({"source": "/sdk", "id": "sdk-7", "subject": "café", "comexampleflag": True,
                         "comexamplecount": 5, "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
                        _event_data("sdk-ext"), to_binary)),
    "Application/CloudEvents+JSON (media types are case-insensitive)": (
        "mixed-case", _structured(_ce("mixed-case"), "Application/CloudEvents+JSON")),
    "application/cloudevents+json with a charset parameter": (
        "charset", _structured(_ce("charset"), "application/cloudevents+json; charset=UTF-8")),
    "an upper-case structured media type with spaces around its parameter": (
        "upper-spaces", _structured(_ce("upper-spaces"), "APPLICATION/CLOUDEVENTS+JSON ;  charset=utf-8")),
    "binary mode with Application/JSON and a charset": (
        "bin-charset", _binary({"specversion": "1.0", "type": UPDATE, "source": "/b", "id": "b-1"},
                               _event_data("bin-charset"), "Application/JSON; charset=utf-8")),
    "binary mode with upper-case ce- header names": (
        "bin-upper", ({"CE-SPECVERSION": "1.0", "CE-TYPE": UPDATE, "CE-SOURCE": "/b", "CE-ID": "b-2",
                       "Content-Type": "application/json"}, json.dumps(_event_data("bin-upper")).encode())),
    "data_base64 holding a JSON payload": (
        "b64", _structured({**{k: v for k, v in _ce("b64").items() if k != "data"},
                            "data_base64": _b64(_event_data("b64"))})),
    "a 0.3 event with datacontentencoding base64 and schemaurl": (
        "enc-v03", _structured({"specversion": "0.3", "type": UPDATE, "source": "/o", "id": "o-1",
                               "datacontenttype": "application/json", "datacontentencoding": "base64",
                               "schemaurl": "https://schemas.example/e", "data": _b64(_event_data("enc-v03"))})),
    "a 0.3 binary event": (
        "bin-v03", _binary({"specversion": "0.3", "type": UPDATE, "source": "/o", "id": "o-2",
                           "schemaurl": "https://schemas.example/e"}, _event_data("bin-v03"))),
    "a structured event with extension attributes of every JSON type": (
        "ext-types", _structured(_ce("ext-types", comexamplestr="x", comexampleint=7, comexamplebool=False))),
    "a structured event whose data is JSON text in a string": (
        "data-string", _structured({**_ce("data-string"), "data": json.dumps(_event_data("data-string"))})),
}

# name -> (first, second): one event (same source and id) twice, in two modes or spellings.
SAME = {
    "the SDK's event, binary then structured": (
        _sdk({"source": "/sdk", "id": "dup-1"}, _event_data("dup-sdk"), to_binary),
        _sdk({"source": "/sdk", "id": "dup-1"}, _event_data("dup-sdk"), to_structured)),
    "a percent-encoded ce-source, then its structured source": (
        _binary({"specversion": "1.0", "type": UPDATE, "source": "%2Fapis%2Fv1", "id": "dup-2",
                 "subject": "caf%C3%A9%20%E2%82%AC%20%F0%9F%98%80"}, _event_data("dup-pct")),
        _structured({**_ce("dup-pct"), "source": "/apis/v1", "id": "dup-2", "subject": "café € 😀"})),
    "a quoted-string ce-id with escapes, then its structured id": (
        _binary({"specversion": "1.0", "type": UPDATE, "source": "/q", "id": '"dup \\"3\\""'}, _event_data("dup-q")),
        _structured({**_ce("dup-q"), "source": "/q", "id": 'dup "3"'})),
    "a needlessly percent-encoded ce-id (lower-case hex), then its structured id": (
        _binary({"specversion": "1.0", "type": UPDATE, "source": "/p", "id": "%64up-%34"}, _event_data("dup-lower")),
        _structured({**_ce("dup-lower"), "source": "/p", "id": "dup-4"}, "Application/CloudEvents+JSON")),
    "a 0.3 structured event, then the same event in binary mode": (
        _structured({"specversion": "0.3", "type": UPDATE, "source": "/o", "id": "dup-5",
                     "datacontenttype": "application/json", "data": _event_data("dup-v03")}),
        _binary({"specversion": "0.3", "type": UPDATE, "source": "/o", "id": "dup-5"}, _event_data("dup-v03"))),
}

# name -> ((headers, body), what the 400 must name); the n-th case is about pod bad-nN
INVALID = {
    "a binary event without ce-id": (
        _binary({"specversion": "1.0", "type": UPDATE, "source": "/x"}, _event_data("bad-n1")), "'id'"),
    "a structured event without source": (
        _structured({k: v for k, v in _ce("bad-n2").items() if k != "source"}), "'source'"),
    "an unknown specversion": (_structured({**_ce("bad-n3"), "specversion": "2.0"}), "specversion"),
    "an unknown specversion in binary mode": (
        _binary({"specversion": "0.2", "type": UPDATE, "source": "/x", "id": "bad-4"}, _event_data("bad-n4")),
        "specversion"),
    "an overlong UTF-8 sequence in a percent-encoded header": (
        _binary({"specversion": "1.0", "type": UPDATE, "source": "/x%C0%A0", "id": "bad-5"}, _event_data("bad-n5")),
        "'source'"),
    "data_base64 that is not base64": (
        _structured({**{k: v for k, v in _ce("bad-n6").items() if k != "data"}, "data_base64": "not base64!"}),
        "data_base64"),
    "data_base64 holding bytes that are not JSON": (
        _structured({**{k: v for k, v in _ce("bad-n7").items() if k != "data"},
                     "data_base64": base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()}), "data"),
    "both data and data_base64": (_structured({**_ce("bad-n8"), "data_base64": _b64({})}), "data_base64"),
    "an id that is a number": (_structured({**_ce("bad-n9"), "id": 9}), "'id'"),
}


@pytest.fixture(scope="module")
def router(tmp_path_factory):
    state = tmp_path_factory.mktemp("parity")
    with CaptureServer() as specialist:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KUBETRIAGE_", "ANTHROPIC_", "REDIS_URL"))}
        env.update(KUBETRIAGE_STATE_DIR=str(state),
                   KUBETRIAGE_SPECIALIST_URLS=",".join(f"{n}={specialist.url}" for n in SPECIALISTS))
        port = free_port()
        proc = start(ROOT / "functions" / "router" / "main.py", port, env)
        try:
            _wait_listening(port, proc)
            yield f"http://127.0.0.1:{port}", specialist
        finally:
            stop(proc)


def _wait_listening(port, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the router exited at start"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/investigations?limit=1", timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answers on {port}")


def _send(url, headers, body, path="/"):
    request = urllib.request.Request(url + path, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _stored(url, investigation_id):
    with urllib.request.urlopen(f"{url}/investigations/{investigation_id}", timeout=30) as response:
        return json.loads(response.read())


def _handed_off(specialist, investigation_id):
    return [r for r in specialist.requests if r.json().get("investigation_id") == investigation_id]


def _handed_off_pod(specialist, pod):
    return [r for r in specialist.requests if r.json().get("object_name") == pod]


@pytest.mark.parametrize("case", list(VALID), ids=list(VALID))
def test_a_valid_event_is_accepted_and_stored(router, case):
    url, specialist = router
    pod, (headers, body) = VALID[case]
    status, answer = _send(url, headers, body)
    assert status == 202, answer
    (accepted,) = answer["accepted"]
    assert accepted["new"], accepted  # its own incident, not coalesced into another case's
    stored = _stored(url, accepted["investigation_id"])
    assert (stored["incident"]["namespace"], stored["incident"]["object_name"]) == (NAMESPACE, pod)
    assert len(_handed_off(specialist, accepted["investigation_id"])) == 1


@pytest.mark.parametrize("case", list(SAME), ids=list(SAME))
def test_one_event_in_two_modes_is_one_incident(router, case):
    url, specialist = router
    (first_headers, first_body), (second_headers, second_body) = SAME[case]
    status, first = _send(url, first_headers, first_body)
    assert status == 202, first
    status, second = _send(url, second_headers, second_body)
    assert status in (200, 202), second
    (a,), (b,) = first["accepted"], second["accepted"]
    assert b["investigation_id"] == a["investigation_id"]
    assert b.get("redelivery") is True, second  # known as the same CloudEvent, not a second sighting
    assert _stored(url, a["investigation_id"])["occurrences"] == 1
    assert len(_handed_off(specialist, a["investigation_id"])) == 1


@pytest.mark.parametrize("case", list(INVALID), ids=list(INVALID))
def test_an_invalid_event_is_a_400_naming_what_is_wrong(router, case):
    url, specialist = router
    (headers, body), names = INVALID[case]
    status, answer = _send(url, headers, body)
    assert status == 400, answer
    assert names in " ".join(answer["problems"]), answer
    assert not _handed_off_pod(specialist, f"bad-n{list(INVALID).index(case) + 1}")


BATCH = "application/cloudevents-batch+json"


def test_a_batch_stores_every_event_in_it(router):
    url, specialist = router
    _, sdk_body = _sdk({"source": "/sdk", "id": "batch-sdk"}, _event_data("batch-sdk"), to_structured)
    events = [json.loads(sdk_body), _ce("batch-two"),
              {**{k: v for k, v in _ce("batch-three").items() if k != "data"},
               "data_base64": _b64(_event_data("batch-three"))}]
    status, answer = _send(url, {"Content-Type": "Application/CloudEvents-Batch+JSON; charset=utf-8"},
                           json.dumps(events).encode())
    assert status == 202, answer
    assert len(answer["accepted"]) == 3
    pods = {_stored(url, a["investigation_id"])["incident"]["object_name"] for a in answer["accepted"]}
    assert pods == {"batch-sdk", "batch-two", "batch-three"}
    # The same batch again (a sender's retry) is a redelivery of each event: nothing counted twice.
    status, again = _send(url, {"Content-Type": BATCH}, json.dumps(events).encode())
    assert status in (200, 202) and all(a.get("redelivery") for a in again["accepted"]), again
    for a in answer["accepted"]:
        assert len(_handed_off(specialist, a["investigation_id"])) == 1


def test_a_batch_with_one_bad_event_is_refused_whole_and_names_it(router):
    url, specialist = router
    events = [_ce("batch-ok"), {k: v for k, v in _ce("batch-bad").items() if k != "id"}]
    status, answer = _send(url, {"Content-Type": BATCH}, json.dumps(events).encode())
    assert status == 400, answer
    assert any(p.startswith("events[1]") and "'id'" in p for p in answer["problems"]), answer
    assert not _handed_off_pod(specialist, "batch-ok")  # all or nothing: a fixed resend stores both


@pytest.mark.parametrize(("body", "says"), [(b"[]", None), (b'{"specversion": "1.0"}', "array"),
                                            (b"[1, 2]", "events[0]")],
                         ids=["an empty batch is valid and stores nothing", "a batch that is not an array",
                              "a batch of things that are not events"])
def test_batch_edges(router, body, says):
    url, _ = router
    status, answer = _send(url, {"Content-Type": BATCH}, body)
    if says is None:
        assert status == 200 and answer["accepted"] == [], answer
    else:
        assert status == 400 and says in " ".join(answer["problems"]), answer
