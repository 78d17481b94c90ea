"""The router's read-only page: recent investigations and their diagnoses, server-rendered.

One self-contained HTML document: no script, no external asset, every cluster-sourced string escaped
(cluster text is data: a pod name or a log line must never become markup or a link).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any, Final

from shared.investigations import STATUSES, ListQuery

_STYLE: Final = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:980px;padding:12px;color:#1b1f24;background:#f6f7f9}
h1{font-size:20px;margin:4px 0 12px} form{display:flex;gap:8px;flex-wrap:wrap;margin-bottom:12px}
input,select,button{font:inherit;padding:4px 8px}
article{background:#fff;border:1px solid #d8dce1;border-radius:6px;padding:10px 12px;margin:0 0 10px}
.top{display:flex;gap:8px;flex-wrap:wrap;align-items:baseline}
.badge{border-radius:10px;padding:0 8px;font-size:13px;color:#fff;background:#6b7280}
.completed{background:#1f7a3a}.partial{background:#b45309}.failed,.undelivered{background:#b91c1c}
.running,.queued{background:#2563eb} .cat{font-family:ui-monospace,monospace;font-size:13px}
.where{color:#4b5563} .summary{font-weight:600;margin:4px 0}
pre{background:#0f172a;color:#e2e8f0;padding:8px;border-radius:4px;overflow-x:auto;white-space:pre-wrap;
word-break:break-all;font-size:13px} h3{font-size:14px;margin:10px 0 4px} .foot{color:#6b7280;font-size:13px}
"""


def render_page(items: Sequence[Mapping[str, Any]], query: ListQuery) -> str:
    """The whole page for these investigations (each a status_of answer) under these filters."""
    cards = "\n".join(_card(item) for item in items) or "<p>No investigations match.</p>"
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>kubetriage: recent investigations</title><style>{_STYLE}</style></head><body>"
        f"<h1>kubetriage: recent investigations</h1>{_filters(query)}<main>{cards}</main></body></html>"
    )


def _filters(query: ListQuery) -> str:
    options = "".join(
        f"<option value='{s}'{' selected' if s == query.status else ''}>{s}</option>" for s in ("", *STATUSES)
    )
    return (
        "<form method=get action='/'>"
        f"<label>namespace <input name=namespace value='{escape(query.namespace or '')}'></label>"
        f"<label>status <select name=status>{options}</select></label>"
        "<button type=submit>Filter</button></form>"
    )


def _card(item: Mapping[str, Any]) -> str:
    incident = item.get("incident") or {}
    diagnosis = item.get("diagnosis") or {}
    status = str(item.get("status") or "queued")
    where = " / ".join(str(x) for x in (incident.get("cluster"), incident.get("namespace"),
                                         f"{incident.get('object_kind')}/{incident.get('object_name')}") if x)
    iid = str(item.get("investigation_id"))
    parts = [
        f"<article id='{escape(iid)}' data-status='{escape(status)}'><div class=top>"
        f"<span class='badge {escape(status)}'>{escape(status)}</span>"
        f"<span class=cat>{escape(str(diagnosis.get('category') or incident.get('reason') or ''))}</span>"
        f"<span class=where>{escape(where)}</span></div>",
        f"<div class=summary>{escape(str(diagnosis.get('summary') or 'not diagnosed yet'))}</div>",
    ]
    if diagnosis:
        parts.append(_details(diagnosis))
    link = "/investigations/" + escape(iid)
    parts.append(f"<div class=foot>{escape(iid)} · seen {int(item.get('occurrences') or 1)}× · "
                 f"<a href='{link}'>JSON</a></div></article>")
    return "".join(parts)


def _details(diagnosis: Mapping[str, Any]) -> str:
    out = [f"<h3>Root cause</h3><p>{escape(str(diagnosis.get('root_cause') or ''))}</p>"]
    chain = diagnosis.get("chain") or []
    if chain:
        links = "".join(f"<li><code>{escape(str(c.get('object')))}</code> {escape(str(c.get('observation')))}</li>"
                        for c in chain if isinstance(c, Mapping))
        out.append(f"<h3>From symptom to root</h3><ol class=chain>{links}</ol>")
    evidence = diagnosis.get("evidence") or []
    if evidence:
        out.append("<h3>Evidence</h3>" + "".join(
            f"<div>{escape(str(e.get('source')))}</div><pre>{escape(str(e.get('excerpt')))}</pre>" for e in evidence))
    if diagnosis.get("recommendations"):
        out.append("<h3>What to do</h3><ul>" + "".join(
            f"<li>{escape(str(r))}</li>" for r in diagnosis["recommendations"]) + "</ul>")
    if diagnosis.get("commands"):
        out.append("<h3>Commands (suggested, not run)</h3><pre class=commands>"
                   + escape("\n".join(str(c) for c in diagnosis["commands"])) + "</pre>")
    model = "no model call" if diagnosis.get("planner") == "rules" else str(diagnosis.get("planner"))
    out.append(f"<div class=foot>confidence {float(diagnosis.get('confidence') or 0):.2f} · {escape(model)} · "
               f"{escape(str(diagnosis.get('finished_at') or ''))}</div>")
    return "<details open><summary>Diagnosis</summary>" + "".join(out) + "</details>"

