"""The stdout sink: a diagnosis as a person reads it, or as one JSON line for machines."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TextIO

from shared.diagnosis import Diagnosis


def render_text(d: Diagnosis) -> str:
    """A diagnosis laid out for a person at 3 a.m.: what, why, proof, what to do.

    Names, images and commands are never broken across lines or cut: a person copies them.
    """
    flags = " (degraded: model unavailable)" if d.degraded else ""
    lines = [
        f"== {_where(d.incident)} [{d.category}] confidence {d.confidence:.2f} status {d.status}{flags}",
        f"   {d.summary}",
    ]
    if seen := _how_often(d):
        lines.append(f"   {seen}")
    lines += ["", "Root cause:", *_wrap(d.root_cause)]
    if d.chain:
        lines += ["", "Chain (symptom first, root last):"]
        lines += [f"  {'└─' if i == len(d.chain) - 1 else '├─'} {link.object}: {link.observation}"
                  for i, link in enumerate(d.chain)]
    if d.evidence:
        lines += ["", "Evidence:"]
        for item in d.evidence:
            excerpt = [line.rstrip() for line in item.excerpt.strip("\n").splitlines()] or [""]
            if len(excerpt) == 1:
                lines.append(f"  - {item.source}: {excerpt[0].strip()}")
            else:
                lines.append(f"  - {item.source}:")
                lines += [f"      {line}" for line in excerpt]
    if d.recommendations:
        lines += ["", "Recommendations:"]
        for r in d.recommendations:
            lines += _wrap(r, first="  - ", rest="    ")
    if d.commands:
        lines += ["", "Commands (suggested, not run):"]
        lines += [f"  $ {c}" for c in d.commands]
    lines += ["", "  " + " · ".join(_footer(d))]
    return "\n".join(lines) + "\n"


def _wrap(text: str, first: str = "  ", rest: str = "  ") -> list[str]:
    return textwrap.wrap(text, 100, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False,
                         break_long_words=False) or [first.rstrip()]


def _where(inc: Mapping[str, Any]) -> str:
    kind, name, ns = inc.get("object_kind"), inc.get("pod") or inc.get("object_name"), inc.get("namespace")
    if kind == "Namespace" or (ns and name == ns and not inc.get("pod")):
        return f"namespace {ns}"
    return "/".join(str(x) for x in (ns, name) if x) or "cluster"


def _how_often(d: Diagnosis) -> str:
    inc = d.incident
    count = int(inc.get("count") or 1)
    if inc.get("reason") == "ManualRequest" or (count <= 1 and d.occurrences <= 1):
        return ""
    parts = [f"seen {max(count, d.occurrences)} times"]
    if inc.get("first_seen"):
        parts.append(f"since {inc['first_seen']}")
    if inc.get("last_seen"):
        parts.append(f"last {inc['last_seen']}")
    return " ".join(parts)


def _footer(d: Diagnosis) -> list[str]:
    tokens = d.tokens
    called = tokens.input or tokens.output
    model = f"{d.planner}, {tokens.input}/{tokens.output} tokens in/out" if called else f"{d.planner}, no model call"
    parts = [f"planner {model}", f"steps {d.steps}", f"tool calls {d.tool_calls}"]
    seconds = _duration_s(d.started_at, d.finished_at)
    if seconds is not None:
        parts.append(f"took {seconds:.1f} s")
    parts += [f"occurrences {d.occurrences}", d.investigation_id]
    return parts


def _duration_s(start: str, end: str) -> float | None:
    try:
        return (datetime.fromisoformat(end.replace("Z", "+00:00"))
                - datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()
    except (AttributeError, ValueError):
        return None


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
