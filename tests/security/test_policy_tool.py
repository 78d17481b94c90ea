"""The policy_reports tool: what Kyverno (PolicyReports) and Gatekeeper (constraints' audit status) say about a
namespace, from a snapshot or a live cluster, GETs only; an engine that is not installed is said, not an error."""

import pytest

from devtools.kubeapi import serve_cluster
from shared.cluster.live import LiveCluster, request_policy
from shared.cluster.memory import InMemoryCluster
from shared.errors import Forbidden
from shared.security.tools import POLICY_REPORTS, TOOLS
from tests.security import policy_shapes as shapes

EXCEPTED = shapes.policy_report([
    shapes.report_result("disallow-privileged-containers", "autogen-privileged-containers", "skip",
                         exceptions="payments/csi-agent-privileged"),
    shapes.report_result("disallow-host-path", "autogen-host-path", "pass")], name="csi-agent")
CLUSTER_REPORT = {"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "ClusterPolicyReport",
                  "metadata": {"name": "4f2a0c1e-ns-payments"},
                  "scope": {"apiVersion": "v1", "kind": "Namespace", "name": "payments"},
                  "results": [shapes.report_result("require-ns-labels", "check-team-label", "fail",
                                                   category="Best Practices", message="label team is required")]}
OTHER_NS = shapes.privileged_report(ns="web", name="frontend")


def _everything():
    return [shapes.privileged_report(), EXCEPTED, CLUSTER_REPORT, OTHER_NS, shapes.constraint(),
            shapes.constraint("K8sDisallowedTags", "no-latest", violations=[
                {"group": "apps", "version": "v1", "kind": "Deployment", "namespace": "web", "name": "frontend",
                 "message": "container <web> uses a disallowed tag <nginx:latest>", "enforcementAction": "warn"}])]


def _read(cluster, namespace="payments"):
    return POLICY_REPORTS.run(cluster, {"namespace": namespace})


def test_the_auditor_has_the_tool_beside_the_core_reads():
    assert {"policy_reports", "list_resources", "get_resource"} <= set(TOOLS)


def test_a_namespaces_failing_results_exceptions_and_counts_from_both_engines():
    out = _read(InMemoryCluster(_everything()))
    failing = {(r["engine"], r["policy"], r["rule"], r["kind"], r["name"]) for r in out["failing"]}
    assert failing == {("kyverno", "disallow-privileged-containers", "privileged-containers", "Deployment",
                        "card-tokenizer"),
                       ("kyverno", "require-ns-labels", "check-team-label", "Namespace", "payments"),
                       ("gatekeeper", "psp-privileged-container", "K8sPSPPrivilegedContainer", "Pod", shapes.POD)}
    (skipped,) = out["excepted"]
    assert skipped["exceptions"] == "payments/csi-agent-privileged" and skipped["name"] == "csi-agent"
    assert out["summary"] == {"pass": 3, "fail": 3, "warn": 0, "error": 0, "skip": 1}
    assert "disallow-host-path/host-path on Deployment/payments/card-tokenizer" in out["passing"]
    assert all(r["namespace"] in ("payments", "") or r["kind"] == "Namespace" for r in out["failing"])


def test_engines_that_are_not_installed_are_said_not_raised():
    out = _read(InMemoryCluster([]))
    assert out["failing"] == [] and out["summary"]["fail"] == 0
    assert all("not installed" in said for said in out["sources"].values()), out["sources"]


@pytest.fixture
def api():
    with serve_cluster(InMemoryCluster(_everything())) as server:
        yield server


def test_the_live_cluster_reads_the_same_with_gets_only(api, tmp_path):
    live = LiveCluster.from_kubeconfig(str(api.write_kubeconfig(tmp_path / "kubeconfig")))
    assert _read(live) == _read(InMemoryCluster(_everything()))
    assert {r["method"] for r in api.requests} == {"GET"}
    paths = {r["path"] for r in api.requests}
    assert "/apis/wgpolicyk8s.io/v1alpha2/namespaces/payments/policyreports" in paths
    assert "/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports" in paths
    assert "/apis/constraints.gatekeeper.sh/v1beta1" in paths  # which constraint kinds exist
    assert "/apis/constraints.gatekeeper.sh/v1beta1/k8spspprivilegedcontainer" in paths


def test_a_live_cluster_without_the_crds_says_not_installed(tmp_path):
    with serve_cluster(InMemoryCluster([])) as server:
        live = LiveCluster.from_kubeconfig(str(server.write_kubeconfig(tmp_path / "kubeconfig")))
        out = _read(live)
    assert all("not installed" in said for said in out["sources"].values()), out["sources"]
    assert {r["method"] for r in server.requests} == {"GET"}


@pytest.mark.parametrize("path", [
    "/apis/constraints.gatekeeper.sh/v1beta1/k8spspprivilegedcontainer/psp-privileged-container/status/..",
    "/apis/constraints.gatekeeper.sh/v1beta1/namespaces/payments/k8spspprivilegedcontainer",
    "/apis/constraints.gatekeeper.sh/v1beta1/k8spsp%2e%2e",
    "/apis/templates.gatekeeper.sh/v1/constrainttemplates/x/../../../api/v1/secrets",
    "/apis/wgpolicyk8s.io/v1alpha2/namespaces/payments/policyreports/x/proxy",
], ids=["a constraint's subresource and a dot-dot", "constraints are cluster-scoped: no namespace",
        "an encoded dot-dot", "another gatekeeper group walking to Secrets", "a report's proxy subresource"])
def test_the_request_policy_admits_constraint_lists_and_nothing_more(path):
    with pytest.raises(Forbidden):
        request_policy(path, "application/json")


def test_the_request_policy_admits_the_constraint_discovery_and_lists():
    for path in ("/apis/constraints.gatekeeper.sh/v1beta1", "/apis/constraints.gatekeeper.sh/v1beta1/k8sallowedrepos",
                 "/apis/wgpolicyk8s.io/v1alpha2/namespaces/payments/policyreports"):
        assert request_policy(path, "application/json") == ("application/json", False)
