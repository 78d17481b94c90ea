"""What the router will read at all: body size, JSON depth, text that encodes, W3C trace context."""

from __future__ import annotations

import json
import re
from typing import Any, Final

from shared.errors import InvalidInput

MAX_BODY_BYTES: Final = 1024 * 1024  # an Alertmanager group of a few hundred alerts fits many times over
MAX_DEPTH: Final = 32  # the deepest real payload (a webhook's alerts[].labels) is 4
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE: Final = re.compile(rb"\\u[dD][89a-fA-F]")  # how a lone surrogate gets into valid UTF-8 JSON
_TRACEPARENT: Final = re.compile(r"^(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$")
_TRACESTATE_MEMBER: Final = re.compile(r"^[a-z0-9][a-z0-9_\-*/@]{0,255}=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$")


def parse_json(body: bytes, what: str) -> Any:
    """JSON within the depth cap, with lone surrogates (from \\ud800 escapes) replaced so it encodes."""
    try:
        value = json.loads(body.decode("utf-8") if body else "null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise InvalidInput(f"{what} is not valid JSON{where}") from None
    except RecursionError:
        raise InvalidInput(f"{what} is nested too deep (more than {MAX_DEPTH} levels)") from None
    # The walk is needed only when the body could break a rule: deeper than the cap needs more openers than
    # the cap, and a surrogate can only come from an escape (UTF-8 itself cannot carry one). Most events are
    # small and plain, and skip it (a storm's events are read once each).
    if body.count(b"{") + body.count(b"[") <= MAX_DEPTH and not _SURROGATE_ESCAPE.search(body):
        return value
    return _clean(value, what)


def _clean(value: Any, what: str) -> Any:
    """Walk without recursion: cap the depth, fix strings that would not encode."""
    root = [value]
    stack: list[tuple[Any, Any, int]] = [(root, 0, 0)]
    while stack:
        parent, key, depth = stack.pop()
        item = parent[key]
        if depth > MAX_DEPTH:
            raise InvalidInput(f"{what} is nested too deep (more than {MAX_DEPTH} levels)")
        if isinstance(item, str):
            if _SURROGATE.search(item):
                parent[key] = _SURROGATE.sub("\ufffd", item)
        elif isinstance(item, list):
            stack.extend((item, i, depth + 1) for i in range(len(item)))
        elif isinstance(item, dict):
            for k in list(item):
                if isinstance(k, str) and _SURROGATE.search(k):
                    item[_SURROGATE.sub("\ufffd", k)] = item.pop(k)
            stack.extend((item, k, depth + 1) for k in item)
    return root[0]


def valid_traceparent(value: str | None) -> str | None:
    """The traceparent when it is W3C's format (version 00-fe, non-zero ids), else None: never forwarded raw."""
    return value if value and _TRACEPARENT.match(value) else None


def valid_tracestate(value: str | None) -> str | None:
    """The tracestate when every list member is `key=value` as W3C defines them (≤ 32 members, 512 chars)."""
    if not value or len(value) > 512:
        return None
    members = [m.strip() for m in value.split(",") if m.strip()]
    if not members or len(members) > 32 or not all(_TRACESTATE_MEMBER.match(m) for m in members):
        return None
    return value
