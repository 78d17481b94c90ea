"""What a model reads of a tool result: the fields that matter, logs folded, a hard size cap, redacted."""

from __future__ import annotations

import json
import re
from typing import Any, Final

from shared.redaction import redact
from shared.tools.spec import ToolResult

_DROP_KEYS: Final = frozenset({
    "managedFields", "uid", "resourceVersion", "generation", "selfLink", "creationTimestamp_", "imageID",
    "containerID", "terminationMessagePath", "terminationMessagePolicy", "dnsPolicy", "schedulerName",
    "enableServiceLinks", "preemptionPolicy", "priority", "securityContext_", "tolerations_",
    "podIPs", "hostIPs", "qosClass", "revisionHistoryLimit", "progressDeadlineSeconds_",
})
_ERROR_LINE = re.compile(r"(?i)\b(error|exception|fatal|panic|traceback|failed|refused|denied|killed|caused by)")
LOG_TAIL_LINES: Final = 60


def _prune(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _prune(v) for k, v in obj.items() if k not in _DROP_KEYS and v not in (None, "", [], {})}
    if isinstance(obj, list):
        return [_prune(v) for v in obj]
    return obj


def fold_log(text: str, tail: int = LOG_TAIL_LINES) -> str:
    """Repeated lines collapsed, the tail kept, and error lines from before the tail kept too."""
    folded: list[str] = []
    for line in text.splitlines():
        if folded and folded[-1].split(" … (×")[0] == line:
            head, _, count = folded[-1].partition(" … (×")
            folded[-1] = f"{head} … (×{int(count.rstrip(')') or 1) + 1})"
        else:
            folded.append(line)
    if len(folded) <= tail:
        return "\n".join(folded)
    early = [ln for ln in folded[:-tail] if _ERROR_LINE.search(ln)][-10:]
    cut = len(folded) - tail - len(early)
    return "\n".join([*early, f"… ({cut} earlier lines not shown)", *folded[-tail:]])


def render_for_model(result: ToolResult, max_chars: int = 6000) -> str:
    if not result.ok:
        return redact(f"ERROR: {result.error}")
    data = result.data
    if data is None:
        text = "(nothing: the object does not exist or the container has no log)"
    elif isinstance(data, str):
        text = fold_log(data)
    else:
        # Characters as they are (not \u escapes), so the untrusted block strips the invisible ones.
        text = json.dumps(_prune(data), separators=(",", ":"), sort_keys=True, default=str, ensure_ascii=False)
    text = redact(text)
    if len(text) > max_chars:
        text = text[: max_chars - 80] + f"… [cut: {len(text) - max_chars + 80} more characters]"
    return text
