"""The stdout sink: a diagnosis as a person reads it, or as one JSON line for machines."""

from __future__ import annotations

import json
import sys
import textwrap
from typing import TextIO

from shared.diagnosis import Diagnosis


def render_text(d: Diagnosis) -> str:
    """A diagnosis laid out for a person at 3 a.m.: what, why, proof, what to do."""
    inc = d.incident
    where = "/".join(str(x) for x in (inc.get("namespace"), inc.get("pod") or inc.get("object_name")) if x)
    flags = " (degraded: model unavailable)" if d.degraded else ""
    lines = [
        f"== {where} [{d.category}] confidence {d.confidence:.2f} status {d.status}{flags}",
        f"   {d.summary}",
        "",
        "Root cause:",
        *textwrap.wrap(d.root_cause, 100, initial_indent="  ", subsequent_indent="  "),
    ]
    if d.chain:
        lines += ["", "Chain (symptom first, root last):"]
        lines += [f"  {'└─' if i == len(d.chain) - 1 else '├─'} {link.object}: {link.observation[:200]}"
                  for i, link in enumerate(d.chain)]
    if d.evidence:
        lines += ["", "Evidence:"]
        for item in d.evidence:
            excerpt = " ".join(item.excerpt.split())
            lines.append(f"  - {item.source}: {excerpt[:300]}")
    if d.recommendations:
        lines += ["", "Recommendations:"]
        lines += [f"  - {r}" for r in d.recommendations]
    if d.commands:
        lines += ["", "Commands (suggested, not run):"]
        lines += [f"  $ {c}" for c in d.commands]
    tokens = d.tokens
    lines += [
        "",
        f"  planner {d.planner} · steps {d.steps} · tool calls {d.tool_calls} · tokens in/out "
        f"{tokens.input}/{tokens.output} · occurrences {d.occurrences} · {d.investigation_id}",
    ]
    return "\n".join(lines) + "\n"


class StdoutSink:
    name = "stdout"
    idempotent = False  # a person reads it; a repeat would be a second diagnosis

    def __init__(self, stream: TextIO | None = None, *, as_json: bool = False) -> None:
        self._stream = stream
        self._as_json = as_json

    def deliver(self, diagnosis: Diagnosis, deadline: float | None = None) -> None:
        stream = self._stream or sys.stdout
        if self._as_json:
            stream.write(json.dumps(diagnosis.to_dict(), sort_keys=True) + "\n")
        else:
            stream.write(render_text(diagnosis) + "\n")
        stream.flush()
