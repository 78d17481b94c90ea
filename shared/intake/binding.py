"""The CloudEvents HTTP binding: binary, structured and batched modes, specversion 1.0 and 0.3.

Kept by hand rather than through the SDK's `cloudevents.http.from_http` (1.12), chosen by measurement
and by the cases in tests/intake/test_cloudevents_over_http.py: importing the SDK costs the cold start
nothing (functions-framework imports `cloudevents.http` anyway, `python -X importtime`), but the SDK
does not percent-decode `ce-` header values or unescape quoted strings (one event in two modes would
count twice), has no batched mode, reads JSON without a depth cap, takes attribute values of any JSON
type, and names a missing attribute as `{'ce-id'}`; wrapped to fix all that, it would parse each body
twice (it reads the JSON once for `specversion`, again for the event) for nothing left to share. The
SDK stays in the tests, as the sender the router must understand and as the reference parser.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote, unquote_to_bytes

from shared.errors import InvalidInput
from shared.intake.limits import parse_json

Attributes = dict[str, str]
Event = tuple[Attributes, Any]

SPECVERSIONS: Final = ("1.0", "0.3")
STRUCTURED: Final = "application/cloudevents+json"
BATCH: Final = "application/cloudevents-batch+json"
MAX_BATCH_EVENTS: Final = 100  # each event may cost a hand-off: a batch stays well inside one request's time
REQUIRED: Final = ("specversion", "id", "source", "type")
# The spec's String: no control characters, no lone surrogates, no noncharacters (U+FDD0-FDEF, U+nFFFE/F).
_NONCHARACTERS: Final = "".join(chr(plane * 0x10000 + low) for plane in range(17) for low in (0xFFFE, 0xFFFF))
_NOT_TEXT: Final = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTERS + "]")
MAX_ATTRIBUTE_CHARS: Final = 1024
_NAME: Final = re.compile(r"^[a-z0-9]{1,64}$")  # the spec's attribute names (lower-case letters and digits)
_QUOTED_PAIR: Final = re.compile(r"\\(.)")
_HEADER_SAFE: Final = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"%')
NOT_A_CLOUDEVENT: Final = (
    "not a CloudEvent (no ce-* headers, application/cloudevents+json or application/cloudevents-batch+json); "
    "raw Alertmanager webhooks go to /alertmanager"
)


def media_type(headers: Mapping[str, str]) -> str:
    """The Content-Type's media type, lower-case and without parameters (`Application/JSON; charset=x`)."""
    value = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return value.split(";", 1)[0].strip().lower()


def content_mode(headers: Mapping[str, str]) -> str | None:
    """`structured`, `batch` or `binary` by the binding's rules; None when the request is no CloudEvent."""
    kind = media_type(headers)
    if kind == STRUCTURED:
        return "structured"
    if kind == BATCH:
        return "batch"
    if any(k.lower() in ("ce-specversion", "ce-type", "ce-id", "ce-source") for k in headers):
        return "binary"
    return None


def is_cloudevent(headers: Mapping[str, str]) -> bool:
    return content_mode(headers) is not None


def encode_header_value(value: str) -> str:
    """A `ce-` header value as the binding writes it: space, `"`, `%` and all but printable ASCII %-encoded."""
    return quote(value, safe=_HEADER_SAFE)


def decode_header_value(value: str, name: str) -> str:
    """Quoted-string unescaping, then one round of strict percent-decoding (invalid UTF-8 is a 400)."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = _QUOTED_PAIR.sub(r"\1", value[1:-1])
    if "%" not in value:
        return value
    try:
        # A value already holding non-ASCII (a sender that did not encode it) keeps those characters.
        return unquote_to_bytes(value.encode("utf-8")).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"CloudEvent attribute {name!r} (header ce-{name}) is not percent-encoded UTF-8") from None


def events_from_http(headers: Mapping[str, str], body: bytes) -> list[Event]:
    """Every CloudEvent of a request: one in binary or structured mode, any number in a batch."""
    mode = content_mode(headers)
    if mode == "binary":
        return [_binary(headers, body)]
    if mode == "structured":
        return [structured_event(parse_json(body, "the structured CloudEvent"))]
    if mode == "batch":
        return _batch(parse_json(body, "the CloudEvents batch"))
    if media_type(headers).startswith("application/cloudevents"):
        raise InvalidInput(f"Content-Type: {media_type(headers)!r} is not an event format taken here "
                           f"({STRUCTURED} or {BATCH})")
    raise InvalidInput(NOT_A_CLOUDEVENT)


def event_from_http(headers: Mapping[str, str], body: bytes) -> Event:
    """The one CloudEvent of a request (the specialists' door: the Broker sends no batches)."""
    if content_mode(headers) == "batch":
        raise InvalidInput(f"Content-Type: {BATCH} is not taken here; send one event per request")
    (event,) = events_from_http(headers, body)
    return event


def _binary(headers: Mapping[str, str], body: bytes) -> Event:
    attrs = {}
    for key, value in headers.items():
        low = key.lower()
        if low.startswith("ce-") and _NAME.match(low[3:]):
            attrs[low[3:]] = decode_header_value(value, low[3:])
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if content_type:
        attrs["datacontenttype"] = content_type
    _check(attrs)
    return attrs, parse_json(body, "the CloudEvent's data")


def structured_event(event: Any, where: str = "") -> Event:
    """One event in the JSON format (a structured body, or one member of a batch)."""
    if not isinstance(event, Mapping):
        raise InvalidInput(f"{where}a structured CloudEvent must be a JSON object")
    attrs: Attributes = {}
    problems = []
    for name, value in event.items():
        if name in ("data", "data_base64") or value is None or not _NAME.match(name):
            continue  # null is an absent attribute; a name outside the spec's alphabet is no attribute
        if isinstance(value, str):
            attrs[name] = value
        elif name not in REQUIRED and isinstance(value, bool):
            attrs[name] = "true" if value else "false"  # the canonical string, as binary mode carries it
        elif name not in REQUIRED and isinstance(value, int):
            attrs[name] = str(value)
        else:
            problems.append(f"{where}CloudEvent attribute {name!r} must be a string, got {type(value).__name__}")
    if problems:
        raise InvalidInput(problems)
    _check(attrs, where)
    return attrs, _structured_data(event, attrs, where)


def _structured_data(event: Mapping[str, Any], attrs: Attributes, where: str) -> Any:
    json_data = _is_json(attrs.get("datacontenttype"))
    if "data_base64" in event:
        if "data" in event:
            raise InvalidInput(f"{where}data_base64: an event has data or data_base64, not both")
        raw = _base64(event["data_base64"], f"{where}data_base64")
    elif attrs["specversion"] == "0.3" and attrs.get("datacontentencoding", "").lower() == "base64":
        raw = _base64(event.get("data"), f"{where}data (datacontentencoding base64)")
    else:
        data = event.get("data")
        if isinstance(data, str) and json_data:
            try:  # JSON text in a string, as some senders double-encode it
                return parse_json(data.encode("utf-8", "surrogatepass"), f"{where}the CloudEvent's data")
            except (InvalidInput, UnicodeEncodeError):
                return data
        return data
    return parse_json(raw, f"{where}data_base64") if json_data else raw


def _base64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise InvalidInput(f"{what}: must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{what}: not valid base64") from None


def _is_json(content_type: str | None) -> bool:
    """JSON data by the JSON format's rule: absent, `application/json`, or any `+json` suffix."""
    kind = (content_type or "application/json").split(";", 1)[0].strip().lower()
    return kind in ("application/json", "text/json") or kind.endswith("+json")


def _batch(value: Any) -> list[Event]:
    """All or nothing: every event is checked before any is taken, and the 400 names each bad one."""
    if not isinstance(value, list):
        raise InvalidInput(f"a batch ({BATCH}) must be a JSON array of events")
    if len(value) > MAX_BATCH_EVENTS:
        raise InvalidInput(f"events: at most {MAX_BATCH_EVENTS} events in one batch, got {len(value)}")
    events, problems = [], []
    for index, item in enumerate(value):
        try:
            events.append(structured_event(item, f"events[{index}]: "))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    return events


def _check(attrs: Attributes, where: str = "") -> None:
    missing = [f"{where}CloudEvent attribute {name!r} is missing" for name in REQUIRED if not attrs.get(name)]
    if missing:
        raise InvalidInput(missing)
    bad = [f"{where}CloudEvent attribute {name!r} must be text of at most {MAX_ATTRIBUTE_CHARS} characters, "
           "without control characters or noncharacters"
           for name in REQUIRED if len(attrs[name]) > MAX_ATTRIBUTE_CHARS or _NOT_TEXT.search(attrs[name])]
    if bad:
        raise InvalidInput(bad)
    if attrs["specversion"] not in SPECVERSIONS:
        raise InvalidInput(f"{where}specversion must be one of {', '.join(SPECVERSIONS)}, "
                           f"got {attrs['specversion']!r}")
