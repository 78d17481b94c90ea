"""Policy engines' verdicts in one form: wgpolicyk8s.io PolicyReports and Gatekeeper constraints' audit status.

A `PolicyResult` is one line of a report: which engine, policy and rule, what it said (pass, fail, warn, error,
skip), about which object. Kyverno writes PolicyReport/ClusterPolicyReport (`wgpolicyk8s.io/v1alpha2`): one
report per resource since 1.10 (the resource is the report's `scope`), or per namespace with each result's
`resources`; a namespaced Policy is named `ns/name`; rules it generated for Pod controllers are called
`autogen-<rule>` (`autogen-cronjob-<rule>`); a PolicyException turns a result into `skip` with the property
`exceptions`. Gatekeeper lists the latest audit's violations in each constraint's `status.violations`
(capped by --constraint-violations-limit, 20 by default). Pure functions: validation names every bad field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final

from shared.errors import InvalidInput

REPORT_KINDS: Final = frozenset({"PolicyReport", "ClusterPolicyReport"})
RESULTS: Final = ("pass", "fail", "warn", "error", "skip")
FAILING: Final = frozenset({"fail", "warn"})  # requirements not met (warn: the policy is not scored)
GATEKEEPER_GROUP: Final = "constraints.gatekeeper.sh"
_AUTOGEN: Final = ("autogen-cronjob-", "autogen-")


@dataclass(frozen=True)
class PolicyResult:
    engine: str  # the result's `source` (kyverno, kube-bench, …) or gatekeeper
    policy: str  # the policy, or the Gatekeeper constraint's name
    rule: str  # the rule without Kyverno's autogen- prefix, or the Gatekeeper constraint's kind
    result: str  # one of RESULTS
    kind: str
    namespace: str
    name: str
    message: str
    severity: str = ""  # the report's own: critical, high, medium, low, info
    category: str = ""
    exceptions: str = ""  # the PolicyException(s) that skipped it
    action: str = ""  # Gatekeeper's enforcement action: deny, dryrun, warn
    report: str = ""  # where it was read: PolicyReport/ns/name, K8sPSPPrivilegedContainer/name

    @property
    def resource(self) -> str:
        return "/".join(p for p in (self.kind, self.namespace, self.name) if p)

    @property
    def line(self) -> str:
        """The result as a person reads it in the report (the evidence of a finding)."""
        extra = f" [{self.severity}]" if self.severity else ""
        return f"{self.engine} {self.policy}/{self.rule}: {self.result}{extra} on {self.resource}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PolicyResult:
        return cls(**{k: str(data.get(k) or "") for k in cls.__dataclass_fields__})


def base_rule(rule: str) -> str:
    """A Kyverno rule as its policy names it (autogen rules are the same rule on a Pod controller)."""
    for prefix in _AUTOGEN:
        if rule.startswith(prefix):
            return rule[len(prefix):]
    return rule


def short_policy(policy: str) -> str:
    """A namespaced Kyverno Policy appears as `ns/name` in reports and as `name` in Events."""
    return policy.rpartition("/")[2]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def results_of_report(report: Mapping[str, Any]) -> list[PolicyResult]:
    """Every result of a PolicyReport or ClusterPolicyReport, one per resource it names."""
    problems: list[str] = []
    meta = report.get("metadata")
    if meta is not None and not isinstance(meta, Mapping):
        problems.append("data.metadata must be an object")
        meta = {}
    meta = meta or {}
    scope = report.get("scope") if isinstance(report.get("scope"), Mapping) else {}
    raw = report.get("results")
    if raw is not None and not isinstance(raw, list):
        problems.append("data.results must be a list")
        raw = []
    where = f"{report.get('kind') or 'PolicyReport'}/" + "/".join(
        p for p in (_text(meta.get("namespace")), _text(meta.get("name"))) if p)
    found: list[PolicyResult] = []
    for index, item in enumerate(raw or []):
        if not isinstance(item, Mapping):
            problems.append(f"data.results[{index}] must be an object")
            continue
        bad = [f for f in ("policy", "rule", "result", "message", "severity", "category", "source")
               if item.get(f) is not None and not isinstance(item[f], str)]
        if bad or not item.get("policy") or item.get("result") not in RESULTS:
            problems.append(f"data.results[{index}]: policy (a string) and result (one of {', '.join(RESULTS)}) "
                            f"are required" + (f"; not strings: {', '.join(bad)}" if bad else ""))
            continue
        properties = item.get("properties") if isinstance(item.get("properties"), Mapping) else {}
        resources = [r for r in item.get("resources") or [] if isinstance(r, Mapping)] if isinstance(
            item.get("resources"), list) else []
        for ref in resources or [scope]:
            found.append(PolicyResult(
                engine=_text(item.get("source")) or "unknown", policy=short_policy(item["policy"]),
                rule=base_rule(_text(item.get("rule"))), result=item["result"], kind=_text(ref.get("kind")),
                namespace=_text(ref.get("namespace")) or _text(meta.get("namespace")), name=_text(ref.get("name")),
                message=_text(item.get("message") or item.get("description"))[:1000],
                severity=_text(item.get("severity")), category=_text(item.get("category")),
                exceptions=_text(properties.get("exceptions")), report=where))
    if problems:
        raise InvalidInput(problems)
    return found


def violations_of_constraint(constraint: Mapping[str, Any]) -> list[PolicyResult]:
    """A Gatekeeper constraint's audit violations (its status) as failing results."""
    meta = constraint.get("metadata") if isinstance(constraint.get("metadata"), Mapping) else {}
    kind, name = _text(constraint.get("kind")), _text(meta.get("name"))
    status = constraint.get("status") if isinstance(constraint.get("status"), Mapping) else {}
    violations = status.get("violations") if isinstance(status.get("violations"), list) else []
    return [PolicyResult(
        engine="gatekeeper", policy=name, rule=kind, result="fail", kind=_text(v.get("kind")),
        namespace=_text(v.get("namespace")), name=_text(v.get("name")), message=_text(v.get("message"))[:1000],
        action=_text(v.get("enforcementAction")), report=f"{kind}/{name}")
        for v in violations if isinstance(v, Mapping)]
