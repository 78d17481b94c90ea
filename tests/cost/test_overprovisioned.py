"""Over-provisioned workloads: requests far above usage, said with the saving and the price assumed."""

import pytest

from shared.cost.analyzers.overprovisioned import ANALYZER, over_provisioned
from shared.cost.workloads import Workload
from tests.cost.cluster import evidence, incident, node, pod, pod_metrics

GI = 1024**3


def _wl(cpu_req, mem_req_gi, cpu_used, mem_used_gi, pods=2, measured=None):
    return Workload("Deployment", "w", "ns", pods=[f"p{i}" for i in range(pods)], cpu_request=cpu_req,
                    memory_request=mem_req_gi * GI, cpu_used=cpu_used, memory_used=mem_used_gi * GI,
                    measured_pods=pods if measured is None else measured)


@pytest.mark.parametrize("wl, wasted", [
    (_wl(4, 16, 0.08, 1.4), True),
    (_wl(4, 16, 3.2, 13), False),
    (_wl(4, 16, 0.08, 13), True),  # CPU alone is idle: still worth saying
    (_wl(0.2, 0.25, 0.01, 0.02), False),  # idle, but too small to be worth a change
    (_wl(4, 16, 0.08, 1.4, measured=1), False),  # one pod has no reading: it may be the busy one
    (_wl(2, 4, 0.75, 1.5), False),  # 37%: just above the line
], ids=["requests 4 CPU / 16Gi, uses 2% / 9%: over-provisioned",
        "uses 80% of both: not over-provisioned",
        "CPU idle, memory used: over-provisioned on CPU",
        "tiny requests barely used: below the floor worth reporting",
        "a pod without metrics: no verdict",
        "uses 37% of its requests: not over-provisioned"])
def test_when_a_workload_is_over_provisioned(wl, wasted):
    assert (over_provisioned(wl) is not None) == wasted


def _objects(used_cpu, used_mem):
    objects = [node("n1")]
    for i in range(2):
        objects.append(pod("analytics", f"spark-7d9f8c6b5-{i}", cpu="2", memory="8Gi", owner="spark"))
        objects.append(pod_metrics("analytics", f"spark-7d9f8c6b5-{i}", cpu=used_cpu, memory=used_mem))
    objects.append(pod("batch", "etl-7d9f8c6b5-0", cpu="4", memory="8Gi", owner="etl"))
    objects.append(pod_metrics("batch", "etl-7d9f8c6b5-0", cpu="50m", memory="100Mi"))
    return objects


def test_the_finding_names_the_workload_the_saving_and_the_price_it_assumed():
    finding = ANALYZER.conclude(evidence(incident("analytics", "what is over-provisioned?"), _objects("40m", "700Mi")))
    assert finding.category == "cost_overprovisioned"
    assert "deploy/spark" in finding.summary and "etl" not in finding.summary  # scoped to the namespace
    (rec,) = finding.recommendations
    assert "~$" in rec and "estimate; assumes $0.031611/core-hour" in rec
    assert finding.commands == ("kubectl -n analytics top pods", "kubectl -n analytics describe deploy/spark")


def test_a_namespace_that_uses_what_it_asks_for_is_not_reported():
    assert ANALYZER.conclude(evidence(incident("analytics", "?"), _objects("1800m", "7Gi"))) is None


def test_without_metrics_there_is_no_verdict_and_the_failed_read_is_kept():
    ev = evidence(incident("analytics", "?"), [node("n1"), pod("analytics", "a-7d9f8c6b5-0", cpu="2", memory="8Gi",
                                                               owner="a")])
    assert ANALYZER.conclude(ev) is None
    assert "metrics-server" in ev.failed("pod_usage", {"namespace": "analytics"})
