"""The cost analyzer's scenario suite, rendered on demand like the bundled one (`render_suite(out_dir)`).

Each scenario is a kubectl dump plus `extra/metrics/pods.json` and `nodes.json` (as `kubectl get --raw
/apis/metrics.k8s.io/v1beta1/pods` writes them) and, where the question is about AWS, `extra/aws.json`:
the AWS state `kubetriage eval` stands up in a moto server for that scenario (shared/cost/aws_state.py).
Where the cluster runs OpenCost, `extra/opencost/allocation.json` is its answer for the last week
(`/allocation/compute?window=7d&aggregate=namespace,controller&accumulate=true`), read offline.
Look-alikes must come back `healthy`: a batch namespace whose requests match its usage, a memory
overcommit that is real demand, bound volumes, a bill that did not move, AWS resources all in use.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

from devtools.cost_scenarios import cases

SCENARIOS: Final = {
    "cost-overprovisioned-analytics-ask": cases.overprovisioned_analytics_ask,
    "cost-batch-requests-match-usage-ask": cases.batch_matches_usage_ask,
    "cost-cpu-overcommit-alert-idle-requests": cases.cpu_overcommit_idle_requests,
    "cost-memory-overcommit-real-demand-alert": cases.memory_overcommit_real_demand,
    "cost-released-volumes-ask": cases.released_volumes_ask,
    "cost-bound-volumes-ask": cases.bound_volumes_ask,
    "cost-node-mostly-empty-alert": cases.node_mostly_empty_alert,
    "cost-aws-bill-jump-ask": cases.aws_bill_jump_ask,
    "cost-budget-alert-data-transfer": cases.budget_alert_data_transfer,
    "cost-steady-bill-ask": cases.steady_bill_ask,
    "cost-idle-aws-resources-ask": cases.idle_aws_resources_ask,
    "cost-anomaly-alert-orphaned-load-balancer": cases.anomaly_orphaned_load_balancer,
    "cost-stopped-instances-volumes-ask": cases.stopped_instances_ask,
    "cost-aws-all-in-use-ask": cases.aws_all_in_use_ask,
    "cost-spend-by-team-tag-ask": cases.spend_by_team_tag_ask,
    "cost-old-ebs-snapshots-ask": cases.old_snapshots_ask,
    "cost-overprovisioned-opencost-ask": cases.overprovisioned_opencost_ask,
    "cost-reporting-quiet-now-busy-week-opencost-ask": cases.reporting_quiet_now_busy_week_ask,
    "cost-cpu-overcommit-opencost-alert": cases.cpu_overcommit_opencost_alert,
}


def render_suite(out_dir: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Render the named scenarios (default: all) under out_dir; their directories, sorted."""
    from devtools.cost_scenarios.world import render

    out_dir = Path(out_dir)
    paths = []
    for name in sorted(names) if names is not None else sorted(SCENARIOS):
        world, trigger, expected = SCENARIOS[name]()
        paths.append(render(world, out_dir / name, trigger, expected))
    return paths
