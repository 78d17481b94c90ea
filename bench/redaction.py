"""Redaction against its corpus (tests/redaction_corpus): recall over planted secrets, look-alikes left alone."""

from __future__ import annotations

from typing import Any


def run() -> dict[str, Any]:
    from shared.redaction import redact, redact_obj
    from tests import redaction_corpus

    s = redaction_corpus.score(redact, redact_obj)
    s["met"] = s["recall"] == 1.0 and s["lookalikes_untouched"] == 1.0
    s["table"] = [
        f"{'redaction: recall (secrets caught)':<44} {s['recall']:>14} {'=1.0':>22}  {s['caught']} of "
        f"{s['secret_lines'] + s['secret_objects']} ({s['secret_lines']} lines, {s['secret_objects']} objects): "
        f"{'met' if s['met'] else 'MISSED'}",
        f"{'redaction: look-alikes untouched':<44} {s['lookalikes_untouched']:>14} {'=1.0':>22}  {s['untouched']} of "
        f"{s['lookalike_lines'] + s['lookalike_objects']}, precision {s['precision']}",
    ]
    return s
