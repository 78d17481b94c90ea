"""The security auditor's tools: reads of who can do what and how workloads run (no logs: not its question),
and what the policy engines say.

`policy_reports` reads PolicyReports (the namespace's) and ClusterPolicyReports (about the namespace itself,
or all of them for the cluster) from wgpolicyk8s.io, and Gatekeeper constraints' audit status; an engine whose
API the cluster does not serve is said as "not installed", which is an answer, not a failure. A snapshot
holds them in `extra/` as `kubectl get policyreports,clusterpolicyreports -A -o json` and
`kubectl get constraints -o json` write them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from shared.cluster.names import check_namespace
from shared.errors import NotFound
from shared.ports import Cluster
from shared.security.policy_reports import FAILING, RESULTS, PolicyResult, results_of_report, violations_of_constraint
from shared.tools.core import GET_RESOURCE, LIST_RESOURCES, OBJECT_EVENTS
from shared.tools.describe import DESCRIBE_POD, LIST_PODS
from shared.tools.infra import NETWORK_POLICIES, SECRET_KEYS
from shared.tools.spec import ToolSpec
from shared.tools.views import LIST_EVENTS

MAX_RESULTS: Final = 60  # failing results kept whole; the summary counts them all


def _in_scope(result: PolicyResult, namespace: str | None) -> bool:
    if namespace is None:
        return True
    return result.namespace == namespace or (result.kind == "Namespace" and result.name == namespace)


def _reports(cluster: Cluster, resource: str, namespace: str | None) -> tuple[str, list[PolicyResult]]:
    try:
        reports = cluster.list(resource, namespace if resource == "policyreports" else None)
    except NotFound:
        return f"not installed (no wgpolicyk8s.io {resource} API)", []
    found = [r for report in reports for r in results_of_report(report) if _in_scope(r, namespace)]
    return f"{len(reports)} read", found


def _constraints(cluster: Cluster, namespace: str | None) -> tuple[str, list[PolicyResult]]:
    read = getattr(cluster, "constraints", None)
    held = read() if read is not None else None
    if held is None:
        return "not installed (no constraints.gatekeeper.sh API)", []
    found = [r for c in held for r in violations_of_constraint(c) if _in_scope(r, namespace)]
    return f"{len(held)} constraints read", found


def _policy_reports(cluster: Cluster, args: Mapping[str, Any]) -> dict[str, Any]:
    namespace = args.get("namespace") or None
    check_namespace(namespace)
    sources, results = {}, []
    for name, (said, found) in (("policyreports", _reports(cluster, "policyreports", namespace)),
                                ("clusterpolicyreports", _reports(cluster, "clusterpolicyreports", namespace)),
                                ("gatekeeper", _constraints(cluster, namespace))):
        sources[name] = said
        results += found
    failing = [r for r in results if r.result in FAILING or r.result == "error"]
    return {
        "namespace": namespace or "",
        "sources": sources,
        "summary": {k: sum(1 for r in results if r.result == k) for k in RESULTS},
        "failing": [r.to_dict() for r in failing[:MAX_RESULTS]],
        "excepted": [r.to_dict() for r in results if r.result == "skip" and r.exceptions][:MAX_RESULTS],
        "passing": sorted({f"{r.policy}/{r.rule} on {r.resource}" for r in results if r.result == "pass"})[
            :MAX_RESULTS * 2],
    }


POLICY_REPORTS = ToolSpec(
    name="policy_reports",
    description=("What the policy engines say about a namespace (or the cluster): Kyverno's and other engines' "
                 "PolicyReports (wgpolicyk8s.io) and Gatekeeper constraints' audit violations. Failing results "
                 "whole, results skipped by a PolicyException, passing rules by name, counts; an engine that is "
                 "not installed is said so."),
    parameters={"type": "object", "properties": {
        "namespace": {"type": "string", "description": "namespace; omit for the whole cluster"}}},
    run=_policy_reports,
)
TOOLS: Final[dict[str, ToolSpec]] = {
    spec.name: spec
    for spec in (GET_RESOURCE, LIST_RESOURCES, OBJECT_EVENTS, LIST_EVENTS, DESCRIBE_POD, LIST_PODS, NETWORK_POLICIES,
                 SECRET_KEYS, POLICY_REPORTS)
}
