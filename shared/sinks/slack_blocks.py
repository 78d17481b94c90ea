"""A diagnosis as one Slack Block Kit message, readable on a phone at 3 a.m., within Slack's limits.

Order: what is wrong and how bad (header, severity, where), why (root cause, chain), proof (the top
evidence in code blocks), what to do (recommendations, commands), and a footer that says which
investigation, which planner, what it cost. Slack rejects a message over its limits (50 blocks, 3,000
characters a section, 150 a header), so every text is trimmed here with a note, never left to Slack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from shared.diagnosis import Diagnosis

MAX_BLOCKS: Final = 50
MAX_SECTION: Final = 3000
MAX_HEADER: Final = 150
MAX_FIELD: Final = 2000
MAX_CONTEXT_ELEMENT: Final = 2000
MAX_FALLBACK: Final = 3000
EVIDENCE_SHOWN: Final = 3
TRIMMED: Final = " … (trimmed; `kubetriage show {id}` has it whole)"

_SEVERITY_ICON: Final = {"critical": ":red_circle:", "warning": ":large_orange_circle:", "info": ":white_circle:"}
_VERDICTS: Final = ("healthy", "not_found")


def escape(text: str) -> str:
    """Cluster text is untrusted: `<!channel>` or `<https://evil|link>` must stay literal text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def severity(diagnosis: Diagnosis) -> str:
    """critical / warning / info: an alert's own severity, else what the verdict implies."""
    if diagnosis.category in _VERDICTS:
        return "info"
    given = str(diagnosis.incident.get("severity") or "").lower()
    if given in _SEVERITY_ICON:
        return given
    return "warning" if diagnosis.category == "unknown" or diagnosis.status != "completed" else "critical"


def render(diagnosis: Diagnosis, *, occurrences: int | None = None, last_seen: str | None = None) -> dict[str, Any]:
    """The chat.postMessage / incoming-webhook body: `text` (the notification) and `blocks`."""
    d = diagnosis
    inc = d.incident
    sev = severity(d)
    note = TRIMMED.format(id=d.investigation_id)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                    "text": _cut(f"{_SEVERITY_ICON[sev]} {d.summary}", MAX_HEADER, " …")}},
        {"type": "section", "fields": [
            _field(f"*Severity*\n{sev}"),
            _field(f"*Class*\n`{escape(d.category)}`"),
            _field(f"*Where*\n{escape(_where(inc))}"),
            _field(f"*Confidence*\n{d.confidence:.2f} · {escape(d.status)}"),
        ]},
        _section(f"*Root cause*\n{escape(d.root_cause)}", note),
    ]
    chain = _chain_lines(getattr(d, "chain", ()) or ())
    if chain:
        blocks.append(_section("*From symptom to root*\n" + "\n".join(chain), note))
    for item in d.evidence[:EVIDENCE_SHOWN]:
        blocks.append(_code_section(f"*{escape(item.source)}*", item.excerpt, note))
    if len(d.evidence) > EVIDENCE_SHOWN:
        blocks.append(_context(f"{len(d.evidence) - EVIDENCE_SHOWN} more evidence items in "
                               f"`kubetriage show {d.investigation_id}`"))
    if d.recommendations:
        blocks.append(_section("*What to do*\n" + "\n".join(f"• {escape(r)}" for r in d.recommendations), note))
    if d.commands:
        blocks.append(_code_section("*Commands* (suggested, not run)", "\n".join(d.commands), note))
    blocks.append(_context(_footer(d, occurrences, last_seen)))
    if len(blocks) > MAX_BLOCKS:  # cannot happen with the shape above; kept so a new block never breaks a post
        blocks = blocks[: MAX_BLOCKS - 1] + [_context(f"{len(blocks) - MAX_BLOCKS + 1} blocks trimmed")]
    fallback = f"[{sev}] {d.summary} ({d.category}) in {_where(inc)}"
    return {"text": _cut(escape(fallback), MAX_FALLBACK, " …"), "blocks": blocks}


def _where(inc: Mapping[str, Any]) -> str:
    cluster = inc.get("cluster") or "default"
    ns = inc.get("namespace")
    obj = inc.get("pod") or inc.get("object_name")
    kind = inc.get("object_kind") or ""
    target = f"{kind}/{obj}" if kind and obj else (obj or "")
    return " / ".join(str(x) for x in (cluster, ns, target) if x)


def _footer(d: Diagnosis, occurrences: int | None, last_seen: str | None) -> str:
    inc = d.incident
    model = "no model call" if d.planner == "rules" or not (d.tokens.input or d.tokens.output) else d.planner
    parts = [
        f"cluster `{escape(str(inc.get('cluster') or 'default'))}`",
        f"namespace `{escape(str(inc.get('namespace') or '-'))}`",
        f"investigation `{escape(d.investigation_id)}`",
        f"planner {escape(d.planner)} ({escape(model)})" if model != d.planner else f"planner {escape(d.planner)}",
        f"tokens {d.tokens.input + d.tokens.output}",
    ]
    seconds = _duration_s(d.started_at, d.finished_at)
    if seconds is not None:
        parts.append(f"took {seconds:.1f} s")
    parts.append(f"seen {occurrences or d.occurrences}×")
    if last_seen:
        parts.append(f"last {escape(last_seen)}")
    return " · ".join(parts)


def _duration_s(start: str, end: str) -> float | None:
    try:
        return (datetime.fromisoformat(end.replace("Z", "+00:00"))
                - datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()
    except (AttributeError, ValueError):
        return None


def _chain_lines(chain: Sequence[Any]) -> list[str]:
    lines = []
    for i, link in enumerate(chain, 1):
        link = link if isinstance(link, Mapping) else getattr(link, "__dict__", {})
        lines.append(f"{i}. `{escape(str(link.get('object', '?')))}` {escape(str(link.get('observation', '')))}")
    return lines


def _cut(text: str, limit: int, note: str) -> str:
    return text if len(text) <= limit else text[: limit - len(note)] + note


def _field(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": _cut(text, MAX_FIELD, " …")}


def _section(text: str, note: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, MAX_SECTION, note)}}


def _code_section(title: str, code: str, note: str) -> dict[str, Any]:
    # ``` inside cluster text would close the block early and let the rest render as markup
    body = escape(code.replace("```", "ˋˋˋ"))
    room = MAX_SECTION - len(title) - len("\n``````") - len(note)
    if len(body) > room:
        return _section(f"{title}\n```{body[:room]}```{note}", note)
    return _section(f"{title}\n```{body}```", note)


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, MAX_CONTEXT_ELEMENT, " …")}]}
