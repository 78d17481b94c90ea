"""The router's fast model: which specialist a free-text question belongs to, when rules cannot tell."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from shared.planners.model_client import ModelClient, ModelUnavailable
from shared.redaction import redact

log = logging.getLogger(__name__)


def classify_request(client: ModelClient, model: str, question: str, specialists: Sequence[str],
                     deadline: float | None = None) -> str | None:
    """One short model call; the answer must be exactly one of the specialists, else None."""
    prompt = ("Which specialist should investigate this request? Answer with one word, one of: "
              f"{', '.join(specialists)}.\n<request>\n{redact(question)[:2000]}\n</request>")
    try:
        response = client.create(deadline=deadline, model=model, max_tokens=16, messages=[{"role": "user", "content": prompt}])
    except ModelUnavailable as exc:
        log.warning("router model unavailable; rules decide: %s", exc, extra={"error": redact(str(exc))})
        return None
    text = " ".join(b.get("text", "") for b in response.get("content") or [] if b.get("type") == "text")
    words = set(re.findall(r"[a-z0-9_]+", text.lower()))  # k8s_troubleshooter has a digit
    chosen = [s for s in specialists if s in words]
    return chosen[0] if len(chosen) == 1 else None
