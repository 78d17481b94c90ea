"""Every intake form under hostile input: a 4xx that names the field, never a 5xx, and nothing lost.

Hypothesis builds valid-looking CloudEvents, Events, webhooks and manual requests, then breaks their
fields (wrong types, lone surrogates, huge and deeply nested values, control characters in headers).
Whatever the router answers 2xx must be stored: its investigation's incident can be read back.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.router import Router
from shared.settings import Settings
from shared.state import coalescing
from tests.recording import RecordingEmitter

EVENT = {"kind": "Event", "apiVersion": "v1", "reason": "BackOff", "type": "Warning", "count": 3,
         "message": "Back-off restarting failed container api in pod api-5c9d7f6b8-q8w7x",
         "involvedObject": {"kind": "Pod", "name": "api-5c9d7f6b8-q8w7x", "namespace": "shop",
                            "fieldPath": "spec.containers{api}"},
         "source": {"component": "kubelet", "host": "node-1"}, "metadata": {"name": "api.1", "namespace": "shop"}}
WEBHOOK = {"version": "4", "status": "firing", "receiver": "kt", "groupKey": "{}", "alerts": [
    {"status": "firing", "labels": {"alertname": "KubePodCrashLooping", "namespace": "shop",
                                    "pod": "api-5c9d7f6b8-q8w7x", "container": "api", "severity": "warning"},
     "annotations": {"summary": "crash"}, "startsAt": "2026-12-07T20:00:00Z", "fingerprint": "abc123"}]}
MANUAL = {"namespace": "shop", "workload": "deployment/api", "question": "why?"}

junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)
lone = st.sampled_from(["\ud800", "x\udfffy", "\x00", "\u202e", "a" * 5000])


def _paths(obj, prefix=()):
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield (*prefix, i)
            yield from _paths(value, (*prefix, i))


def _replace(obj, path, value):
    obj = json.loads(json.dumps(obj))
    target = obj
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return obj


def _body(obj):
    return json.dumps(obj, ensure_ascii=True).encode()  # lone surrogates travel as \\ud800 escapes


def _router(tmp_path_factory, **settings):
    from shared.stores.sqlite import SqliteStore

    store = SqliteStore(str(tmp_path_factory.mktemp("fuzz") / "state.sqlite3"))
    return Router(settings=Settings(**settings), store=store, emitter=RecordingEmitter(), background_drain=False)


def _check(router, reply):
    assert reply.status < 500, reply.body
    if reply.status in (200, 202):
        for item in reply.body["accepted"]:
            if item.get("investigation_id"):
                assert coalescing.load_incident(router.store, item["investigation_id"]) is not None
    elif reply.status == 400:
        assert reply.body["problems"] and all(isinstance(p, str) for p in reply.body["problems"])


def _ce(ce_type, ce_id="f-1", **extra):
    return {"ce-specversion": "1.0", "ce-type": ce_type, "ce-source": "https://k8s", "ce-id": ce_id,
            "Content-Type": "application/json", **extra}


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])


@FUZZ
@given(data=st.data(), value=junk | lone)
def test_apiserver_events_with_any_field_broken(tmp_path_factory, data, value):
    router = _router(tmp_path_factory)
    path = data.draw(st.sampled_from(list(_paths(EVENT))))
    reply = router.handle("/", _ce("dev.knative.apiserver.resource.update"), _body(_replace(EVENT, path, value)))
    _check(router, reply)


def _policy_shapes():
    from tests.security import policy_shapes as shapes

    return [shapes.kyverno_event_on_policy(), shapes.kyverno_event_on_resource(), shapes.gatekeeper_event(),
            shapes.privileged_report()]


@FUZZ
@given(data=st.data(), value=junk | lone)
def test_policy_engine_events_and_reports_with_any_field_broken(tmp_path_factory, data, value):
    router = _router(tmp_path_factory)
    shape = data.draw(st.sampled_from(_policy_shapes()))
    path = data.draw(st.sampled_from(list(_paths(shape))))
    reply = router.handle("/", _ce("dev.knative.apiserver.resource.update"), _body(_replace(shape, path, value)))
    _check(router, reply)


@FUZZ
@given(data=st.data(), value=junk | lone)
def test_alertmanager_webhooks_with_any_field_broken(tmp_path_factory, data, value):
    router = _router(tmp_path_factory)
    path = data.draw(st.sampled_from(list(_paths(WEBHOOK))))
    reply = router.handle("/alertmanager", {"Content-Type": "application/json"}, _body(_replace(WEBHOOK, path, value)))
    _check(router, reply)
    assert reply.status in (200, 202, 400, 401, 413)


@FUZZ
@given(data=st.data(), value=junk | lone)
def test_manual_requests_with_any_field_broken(tmp_path_factory, data, value):
    router = _router(tmp_path_factory)
    path = data.draw(st.sampled_from(list(_paths(MANUAL))))
    reply = router.handle("/", _ce("io.kubetriage.diagnosis.requested"), _body(_replace(MANUAL, path, value)))
    _check(router, reply)


@FUZZ
@given(attr=st.sampled_from(["ce-id", "ce-source", "ce-type", "ce-specversion", "ce-traceparent",
                             "ce-tracestate", "Content-Type"]),
       value=st.text(max_size=300))
def test_cloudevent_headers_with_any_value(tmp_path_factory, attr, value):
    router = _router(tmp_path_factory)
    reply = router.handle("/", {**_ce("dev.knative.apiserver.resource.update"), attr: value}, _body(EVENT))
    _check(router, reply)


@FUZZ
@given(body=st.binary(max_size=400))
def test_any_bytes_as_a_body(tmp_path_factory, body):
    router = _router(tmp_path_factory)
    for path, headers in (("/", _ce("dev.knative.apiserver.resource.add")), ("/alertmanager", {}),
                          ("/", {"Content-Type": "application/cloudevents+json"})):
        _check(router, router.handle(path, headers, body))


def _cased(draw_case, text):
    """The same text with each letter's case drawn: media types and header names are case-insensitive."""
    return "".join(ch.upper() if flip else ch for ch, flip in zip(text, draw_case, strict=False))


def _b64(raw):
    import base64

    return base64.b64encode(raw).decode()


def _structured_forms(draw, ce_id):
    """One apiserver event in the JSON format, in one of the forms a sender may use: data, data_base64,
    0.3's datacontentencoding; its media type in any case, with or without parameters. Also says whether
    it is a valid event (random bytes in data_base64 are no core/v1 Event)."""
    version = draw(st.sampled_from(["1.0", "0.3"]))
    event = {"specversion": version, "type": "dev.knative.apiserver.resource.update", "source": "https://k8s",
             "id": ce_id, "datacontenttype": draw(st.sampled_from(["application/json", "Application/JSON; charset=utf-8",
                                                                   "text/json", "application/x+json"]))}
    form = draw(st.sampled_from(["data", "data_base64", "base64 of bytes", "0.3 base64"]))
    if form == "data":
        event["data"] = EVENT
    elif form == "data_base64":
        event["data_base64"] = _b64(_body(EVENT))
    elif form == "base64 of bytes":
        event["data_base64"] = _b64(draw(st.binary(max_size=200)))
    else:
        event.update(specversion="0.3", datacontentencoding="base64", data=_b64(_body(EVENT)))
    media = _cased(draw(st.lists(st.booleans(), min_size=40, max_size=40)), "application/cloudevents+json")
    media += draw(st.sampled_from(["", "; charset=utf-8", " ; charset=UTF-8", ";charset=\"utf-8\""]))
    return event, media, form != "base64 of bytes"


@FUZZ
@given(data=st.data(), value=junk | lone)
def test_structured_events_in_every_form_with_any_field_broken(tmp_path_factory, data, value):
    router = _router(tmp_path_factory)
    event, media, valid = _structured_forms(data.draw, "s-1")
    if data.draw(st.booleans()):
        event, valid = _replace(event, data.draw(st.sampled_from(list(_paths(event)))), value), False
    reply = router.handle("/", {"Content-Type": media}, _body(event))
    _check(router, reply)
    if valid:
        assert reply.status == 202, (media, event, reply.body)


@FUZZ
@given(data=st.data(), size=st.integers(0, 4))
def test_batches_of_events_in_every_form_some_broken(tmp_path_factory, data, size):
    router = _router(tmp_path_factory)
    events, all_valid = [], True
    for index in range(size):
        event, _, valid = _structured_forms(data.draw, f"b-{index}")
        if data.draw(st.integers(0, 3)) == 0:
            event, valid = _replace(event, data.draw(st.sampled_from(list(_paths(event)))), data.draw(junk | lone)), False
        events.append(event)
        all_valid = all_valid and valid
    media = _cased(data.draw(st.lists(st.booleans(), min_size=40, max_size=40)), "application/cloudevents-batch+json")
    reply = router.handle("/", {"Content-Type": media}, _body(events))
    _check(router, reply)
    if reply.status == 400:
        assert router.emitter.events == []  # all or nothing: a refused batch hands nothing off
    if all_valid:
        assert reply.status == (202 if size else 200) and len(reply.body["accepted"]) == size, reply.body


# The spec's String: any Unicode but control characters, surrogates and noncharacters.
attribute_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]).filter(
    lambda ch: not (0xFDD0 <= ord(ch) <= 0xFDEF or ord(ch) & 0xFFFE == 0xFFFE)), min_size=1, max_size=60)


@FUZZ
@given(data=st.data(), ce_id=attribute_text, source=attribute_text, subject=attribute_text)
def test_one_event_in_binary_then_structured_mode_is_one_sighting(tmp_path_factory, data, ce_id, source, subject):
    """Percent-encoded or quoted header values, header names in any case: the same event, counted once."""
    from shared.intake.binding import encode_header_value

    router = _router(tmp_path_factory)
    quoted = data.draw(st.booleans())

    def header(value):
        encoded = encode_header_value(value)
        return '"' + encoded.replace("\\", "\\\\") + '"' if quoted else encoded

    names = {n: _cased(data.draw(st.lists(st.booleans(), min_size=16, max_size=16)), n)
             for n in ("ce-specversion", "ce-type", "ce-source", "ce-id", "ce-subject")}
    binary = {names["ce-specversion"]: "1.0", names["ce-type"]: "dev.knative.apiserver.resource.update",
              names["ce-source"]: header(source), names["ce-id"]: header(ce_id), names["ce-subject"]: header(subject),
              "Content-Type": "application/json"}
    first = router.handle("/", binary, _body(EVENT))
    assert first.status == 202, first.body
    structured = {"specversion": "1.0", "type": "dev.knative.apiserver.resource.update", "source": source,
                  "id": ce_id, "subject": subject, "data": EVENT}
    second = router.handle("/", {"Content-Type": "application/cloudevents+json"}, _body(structured))
    assert second.status in (200, 202) and second.body.get("redelivery") is True, (binary, second.body)
    assert len(router.emitter.events) == 1


@pytest.mark.parametrize(("field", "value", "names"), [
    (("count",), "many", "count"),
    (("source",), "kubelet", "source"),
    (("involvedObject", "name"), ["a"], "involvedObject.name"),
    (("reason",), {"x": 1}, "reason"),
    (("message",), "\ud800", None),
], ids=["a count that is not a number", "a source that is not an object", "a name that is a list",
        "a reason that is an object", "a lone surrogate in the message is kept as text"])
def test_bad_event_fields_are_named_in_a_400(tmp_path_factory, field, value, names):
    router = _router(tmp_path_factory)
    reply = router.handle("/", _ce("dev.knative.apiserver.resource.update"), _body(_replace(EVENT, field, value)))
    if names is None:
        assert reply.status == 202
    else:
        assert reply.status == 400, reply.body
        assert any(names in p for p in reply.body["problems"])


def test_annotations_that_are_a_list_are_named(tmp_path_factory):
    router = _router(tmp_path_factory)
    bad = _replace(WEBHOOK, ("alerts", 0, "annotations"), ["summary"])
    reply = router.handle("/alertmanager", {"Content-Type": "application/json"}, _body(bad))
    assert reply.status == 400 and any("alerts[0].annotations" in p for p in reply.body["problems"])


def test_json_nested_a_thousand_deep_is_a_400(tmp_path_factory):
    router = _router(tmp_path_factory)
    deep = b'{"a":' * 1000 + b"1" + b"}" * 1000
    for path, headers in (("/", _ce("dev.knative.apiserver.resource.add")), ("/alertmanager", {})):
        reply = router.handle(path, headers, deep)
        assert reply.status == 400 and any("deep" in p for p in reply.body["problems"])


def test_a_body_over_the_cap_is_a_413(tmp_path_factory):
    router = _router(tmp_path_factory)
    huge = _body({**EVENT, "message": "x" * (2 * 1024 * 1024)})
    assert router.handle("/", _ce("dev.knative.apiserver.resource.add"), huge).status == 413
    assert router.handle("/alertmanager", {}, huge).status == 413


@pytest.mark.parametrize("traceparent", ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\x00",
                                         "garbage", "00-00000000000000000000000000000000-b7ad6b7169203331-01",
                                         "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"],
                         ids=["a NUL byte", "not the format", "an all-zero trace id", "version ff"])
def test_an_invalid_traceparent_is_not_forwarded(tmp_path_factory, traceparent):
    router = _router(tmp_path_factory)
    reply = router.handle("/", _ce("dev.knative.apiserver.resource.add", **{"ce-traceparent": traceparent}),
                          _body(EVENT))
    assert reply.status == 202
    (_, _, extensions), = router.emitter.events
    assert extensions.get("traceparent", "") != traceparent
