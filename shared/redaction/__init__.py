"""Redaction: credentials out of everything before it reaches a model, a sink, a log line, a span or the store.

Structural first (`structure.py`: Kubernetes objects lose secret values by where they sit: env values,
flag values, secret-named annotations and ConfigMap keys, Secret data, docker `auths`), then text
(`text.py`: token families, headers, command lines, `password=…` pairs). A secret becomes a marker that
keeps its kind, `[REDACTED:github_token]`; names stay, so a diagnosis can still say "DB_PASSWORD is set
inline". Look-alikes (UUIDs, SHAs, digests, trace ids, `${VAR}` references, `****` masks) stay as they
are. The corpus that holds it to this is tests/redaction_corpus/.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, is_dataclass, replace
from typing import Any, Final, TypeVar

from shared.redaction.names import PREFIX, marker
from shared.redaction.structure import redact_structure
from shared.redaction.text import redact_text, triggered

T = TypeVar("T")
MASK: Final = PREFIX  # every marker starts with it: `[REDACTED:<kind>]`

__all__ = ["MASK", "marker", "redact", "redact_diagnosis", "redact_fields", "redact_obj"]


def redact(text: str) -> str:
    """Text rules only: for log text, messages, errors, anything that is not an object any more."""
    return redact_text(text) if text else text


def redact_obj(obj: T) -> T:
    """Structural then text rules over dicts, lists, tuples and dataclasses; returns a redacted copy."""
    if isinstance(obj, str):
        return redact_text(obj)  # type: ignore[return-value]
    if isinstance(obj, tuple):
        return tuple(redact_obj(v) for v in obj)  # type: ignore[return-value]
    if is_dataclass(obj) and not isinstance(obj, type):
        return replace(obj, **{f.name: redact_obj(getattr(obj, f.name)) for f in fields(obj)})  # type: ignore
    if isinstance(obj, (dict, list)):
        seen = list(_strings(obj))
        look = triggered(seen)
        known = set(seen)
        # Strings no trigger occurs in are returned as they are; strings made on the way (the inside of a
        # last-applied-configuration) were never seen, so they get the full text rules.
        return redact_structure(obj, lambda s: redact_text(s) if s in look or s not in known else s)  # type: ignore
    return obj


def _strings(obj: Any) -> Iterator[str]:
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def redact_fields(obj: T, names: tuple[str, ...]) -> T:
    """Only the named fields of a frozen dataclass, the ones free text reaches (the router's hot path: an
    incident's names are DNS names, its message, question and labels are what a sender wrote)."""
    changed = {}
    for name in names:
        value = getattr(obj, name)
        redacted = redact_obj(value)
        if redacted != value:
            changed[name] = redacted
    return replace(obj, **changed) if changed else obj  # type: ignore[type-var]


def redact_diagnosis(diagnosis: Any) -> Any:
    return redact_obj(diagnosis)
