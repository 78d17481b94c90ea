"""The CloudEvents HTTP binding by hand, against the cloudevents SDK as the reference and the spec's own rules.

Whatever the SDK writes (binary or structured, 1.0 or 0.3, data or bytes) must read back here exactly as
the SDK's own `from_http` reads it. Where the SDK departs from the spec (it neither percent-encodes nor
decodes `ce-` header values), the spec's examples decide.
"""

import json

import pytest
from cloudevents.conversion import to_binary, to_structured
from cloudevents.http import CloudEvent, from_http
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.errors import InvalidInput
from shared.events import binary_headers
from shared.intake.binding import (
    content_mode,
    decode_header_value,
    encode_header_value,
    event_from_http,
    events_from_http,
)

# What the SDK and the spec agree on in a header: printable ASCII but `%` and `"` (which the SDK sends raw).
plain = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters='%"'), min_size=1,
                max_size=40)
names = st.from_regex(r"\A[a-z][a-z0-9]{0,14}\Z").filter(
    lambda n: n not in ("specversion", "id", "source", "type", "data", "datacontenttype", "time", "dataschema",
                        "subject", "schemaurl", "datacontentencoding", "extensions"))
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                       max_size=3), max_leaves=8)


def _canonical(value):
    """An attribute value as a string, the way binary mode carries it (the SDK keeps JSON's types)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _sdk_reads(headers, body):
    event = from_http(headers, body)
    return {k: _canonical(v) for k, v in event.get_attributes().items()}, event.get_data()


@settings(max_examples=200, deadline=None)
@given(version=st.sampled_from(["1.0", "0.3"]), mode=st.sampled_from([to_binary, to_structured]),
       ce_id=plain, source=plain, ce_type=plain, subject=st.none() | plain,
       extensions=st.dictionaries(names, plain | st.integers(0, 10**6), max_size=3),
       data=st.dictionaries(st.text(max_size=10), json_values, max_size=4), as_bytes=st.booleans())
def test_what_the_sdk_writes_reads_back_as_the_sdk_reads_it(version, mode, ce_id, source, ce_type, subject,
                                                            extensions, data, as_bytes):
    attrs = {"specversion": version, "id": ce_id, "source": source, "type": ce_type, **extensions}
    if subject:
        attrs["subject"] = subject
    payload = json.dumps(data).encode() if as_bytes else data
    headers, body = mode(CloudEvent(attrs, payload))
    headers = {k: str(v) for k, v in headers.items()}  # what an HTTP client puts on the wire
    assert event_from_http(headers, body) == _sdk_reads(headers, body)


SPEC_HEADER_VALUES = [
    ("%2Fapis%2Fv1", "/apis/v1"),
    ("Euro%20%E2%82%AC%20%F0%9F%98%80", "Euro € 😀"),  # the binding's own example
    ("caf%c3%a9", "café"),  # decoders must accept lower-case hex
    ("%61bc", "abc"),  # needlessly encoded: accepted
    ('"a quoted \\"value\\""', 'a quoted "value"'),  # RFC 7230 quoted-string, from older senders
    ('"%2F"', "/"),  # unquoted first, then one round of percent-decoding
    ("%252F", "%2F"),  # one round only
    ("100%", "100%"),  # not an escape at all: kept as sent
    ("café", "café"),  # a sender that did not encode: kept
]


@pytest.mark.parametrize(("raw", "decoded"), SPEC_HEADER_VALUES, ids=[r for r, _ in SPEC_HEADER_VALUES])
def test_header_values_are_unquoted_then_percent_decoded(raw, decoded):
    assert decode_header_value(raw, "source") == decoded


@pytest.mark.parametrize("raw", ["%C0%A0", "%FF", "%E2%82"], ids=["overlong", "not UTF-8", "truncated"])
def test_percent_encoded_bytes_that_are_not_utf8_are_refused_by_name(raw):
    with pytest.raises(InvalidInput, match="'subject'"):
        decode_header_value(raw, "subject")


@given(st.text(min_size=1, max_size=60))
def test_what_we_encode_is_header_safe_and_decodes_back(value):
    encoded = encode_header_value(value)
    assert all(0x21 <= ord(ch) <= 0x7E and ch != '"' for ch in encoded)
    assert decode_header_value(encoded, "x") == value


def test_our_emitter_writes_headers_the_binding_reads_back():
    headers = binary_headers("io.kubetriage.investigation.requested", "/kubetriage/router",
                             {"specialist": "k8s troubleshooter", "note": "50% \"done\" ✓\r\n"}, "requested-1")
    attrs, _ = event_from_http({**headers, "Content-Type": "application/json"}, b"{}")
    assert attrs["specialist"] == "k8s troubleshooter" and attrs["note"] == '50% "done" ✓\r\n'
    assert all(0x21 <= ord(ch) <= 0x7E for v in headers.values() for ch in v)


MODES = [
    ({"Content-Type": "application/cloudevents+json"}, "structured"),
    ({"content-type": "Application/CloudEvents+JSON"}, "structured"),
    ({"Content-Type": "application/cloudevents+json; charset=UTF-8"}, "structured"),
    ({"Content-Type": "application/cloudevents+json", "ce-id": "x"}, "structured"),  # headers MAY repeat the body
    ({"Content-Type": "APPLICATION/CLOUDEVENTS-BATCH+JSON ; charset=utf-8"}, "batch"),
    ({"CE-SpecVersion": "1.0", "Content-Type": "application/json"}, "binary"),
    ({"ce-id": "1"}, "binary"),
    ({"Content-Type": "application/json"}, None),
    ({}, None),
]


@pytest.mark.parametrize(("headers", "mode"), MODES, ids=[f"{h} is {m}" for h, m in MODES])
def test_the_content_mode_follows_the_media_type_whatever_its_case(headers, mode):
    assert content_mode(headers) == mode


def test_a_0_3_event_with_datacontentencoding_base64_reads_its_data():
    event = {"specversion": "0.3", "id": "1", "source": "/s", "type": "t", "datacontentencoding": "base64",
             "schemaurl": "https://example.com/s", "datacontenttype": "application/json", "data": "eyJhIjogMX0="}
    attrs, data = event_from_http({"Content-Type": "application/cloudevents+json"}, json.dumps(event).encode())
    assert data == {"a": 1} and attrs["schemaurl"] == "https://example.com/s"


def test_data_base64_of_a_non_json_type_stays_bytes():
    event = {"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "datacontenttype": "image/png",
             "data_base64": "iVBORw0KGgo="}
    _, data = event_from_http({"Content-Type": "application/cloudevents+json"}, json.dumps(event).encode())
    assert data == b"\x89PNG\r\n\x1a\n"


def test_a_batch_of_two_reads_as_two_events_and_may_mix_versions():
    batch = [{"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "data": {"n": 1}},
             {"specversion": "0.3", "id": "2", "source": "/s", "type": "t", "data": {"n": 2}}]
    events = events_from_http({"Content-Type": "application/cloudevents-batch+json"}, json.dumps(batch).encode())
    assert [(a["id"], d) for a, d in events] == [("1", {"n": 1}), ("2", {"n": 2})]


def test_a_batch_names_every_bad_event_at_once():
    batch = [{"specversion": "1.0", "source": "/s", "type": "t"}, {"specversion": "9", "id": "2", "source": "/s",
                                                                   "type": "t"}, "nope"]
    with pytest.raises(InvalidInput) as raised:
        events_from_http({"Content-Type": "application/cloudevents-batch+json"}, json.dumps(batch).encode())
    problems = raised.value.problems
    assert [p.split(":")[0] for p in problems] == ["events[0]", "events[1]", "events[2]"], problems


def test_a_batch_is_not_taken_at_a_door_for_one_event():
    with pytest.raises(InvalidInput, match="one event per request"):
        event_from_http({"Content-Type": "application/cloudevents-batch+json"}, b"[]")
