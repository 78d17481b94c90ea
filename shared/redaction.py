"""Redaction: credentials out of every text before it reaches a model, a sink, a log or a span.

Tuned to keep what a diagnosis needs: variable NAMES (`DB_PASSWORD is not set`), registry answers
(`unauthorized: authentication required`), image tags and digests, pod uids.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from typing import Any, Final, TypeVar

T = TypeVar("T")
MASK: Final = "[REDACTED]"

_PATTERNS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.S), MASK),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{12,}"), r"\1 " + MASK),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), MASK),  # JWT
    (re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b"), MASK),
    (re.compile(r"\bsk-ant-[A-Za-z0-9_-]{10,}"), MASK),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), MASK),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}"), MASK),
    (re.compile(r"hooks\.slack\.com/services/[A-Za-z0-9/]+"), "hooks.slack.com/services/" + MASK),
    # userinfo in URLs: scheme://user:password@host and redis://:password@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@]*):[^\s@/]+@"), r"\1:" + MASK + "@"),
    # key=value / key: value / "key": "value" where the key names a credential
    (re.compile(
        r"""(?ix)
        (["']?(?<![\w.-])[\w.-]{0,40}(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|
        credentials?|auth[_-]?key)["']?)
        (\s*[:=]\s*)
        (?!\s*(?:required|missing|not\b|is\b|must\b|was\b|none\b|null\b|empty\b|\[REDACTED\]))
        (["']?)(?=[^\s"',;}&]{0,200}[\d_/+=.-]|[^\s"',;}&]{16})([^\s"',;}&]{4,512})(["']?)
        """), r"\1\2\3" + MASK + r"\5"),
    (re.compile(r"(?i)\baws_secret_access_key\b\s*[:=]?\s*[A-Za-z0-9/+=]{40}"), "aws_secret_access_key=" + MASK),
)


def redact(text: str) -> str:
    # Every pattern is bounded (no unbounded run before a literal), so a 50 kB log line costs
    # linear time: tests/test_redaction.py guards against catastrophic backtracking.
    if not text:
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_obj(obj: T) -> T:
    """Every string inside dicts, lists, tuples and dataclasses, redacted."""
    if isinstance(obj, str):
        return redact(obj)  # type: ignore[return-value]
    if isinstance(obj, dict):
        return {k: redact_obj(v) for k, v in obj.items()}  # type: ignore[return-value]
    if isinstance(obj, list):
        return [redact_obj(v) for v in obj]  # type: ignore[return-value]
    if isinstance(obj, tuple):
        return tuple(redact_obj(v) for v in obj)  # type: ignore[return-value]
    if is_dataclass(obj) and not isinstance(obj, type):
        return replace(obj, **{f.name: redact_obj(getattr(obj, f.name)) for f in fields(obj)})  # type: ignore
    return obj


def redact_diagnosis(diagnosis: Any) -> Any:
    return redact_obj(diagnosis)
