"""A Slack incoming webhook: the summary, root cause and first recommendations."""

from __future__ import annotations

from shared.diagnosis import Diagnosis
from shared.outbound import post_json


def _escape(text: str) -> str:
    # Cluster text is untrusted: `<!channel>` or `<https://evil|link>` must stay literal text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SlackSink:
    name = "slack"

    def __init__(self, url: str) -> None:
        self._url = url

    def deliver(self, diagnosis: Diagnosis) -> None:
        inc = diagnosis.incident
        where = f"{inc.get('namespace')}/{inc.get('pod') or inc.get('object_name')}"
        lines = [
            f"*{_escape(diagnosis.summary)}*",
            f"`{diagnosis.category}` · {_escape(where)} · confidence {diagnosis.confidence:.2f}",
            _escape(diagnosis.root_cause),
        ]
        lines += [f"• {_escape(r)}" for r in diagnosis.recommendations[:3]]
        if diagnosis.commands:
            lines.append("```" + _escape("\n".join(diagnosis.commands[:3])) + "```")
        post_json(self._url, {"text": "\n".join(lines)}, sink=self.name)
