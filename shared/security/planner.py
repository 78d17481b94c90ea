"""The security auditor's rules planner: the audit is the answer, and it always has one.

Security findings do not compete with failure classes: the audit reports what it found, most severe
first, or says that nothing was found and what was checked (a `healthy` verdict).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from shared.analyzers.base import Analyzer, Evidence, StopReading
from shared.diagnosis import Finding

log = logging.getLogger(__name__)


def analyze(analyzers: Mapping[str, Analyzer], evidence: Evidence) -> list[Finding]:
    findings = []
    for name, analyzer in analyzers.items():
        if not analyzer.handles(evidence.incident):
            continue
        try:
            finding = analyzer.conclude(evidence)
        except StopReading:
            raise
        except Exception:  # noqa: BLE001 - an analyzer's own bug is contained; the store's failures are not
            log.exception("security analyzer failed", extra={"analyzer": name})
            continue
        if finding is not None:
            findings.append(finding)
    return sorted(findings, key=lambda f: f.confidence, reverse=True)
