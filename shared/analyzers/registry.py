"""The troubleshooter's registry: one analyzer per failure reason, keyed by family (see the package's docstring).

Its own module, not the package's `__init__`: the other specialists import the package's shared pieces
(`base`, `facts`, `strength`, `quantities`) and must not load the troubleshooter's analyzers with them.
"""

from __future__ import annotations

from typing import Final

from shared.analyzers import (
    chain,
    container_config,
    crashloop,
    evicted,
    hpa,
    image_pull,
    init_container,
    jobs,
    mounts,
    nodes,
    oomkilled,
    probes,
    quota,
    rollout,
    run_container,
    scheduling,
    service,
)
from shared.analyzers.base import Analyzer

ANALYZERS: Final[dict[str, Analyzer]] = {
    "oomkilled": oomkilled.ANALYZER,
    "container_config": container_config.ANALYZER,
    "image_pull": image_pull.ANALYZER,
    "run_container": run_container.ANALYZER,
    "init_container": init_container.ANALYZER,
    "probes": probes.ANALYZER,
    "crashloop": crashloop.ANALYZER,
    "scheduling": scheduling.ANALYZER,
    "mounts": mounts.ANALYZER,
    "evicted": evicted.ANALYZER,
    "nodes": nodes.ANALYZER,
    "quota": quota.ANALYZER,
    "jobs": jobs.ANALYZER,
    "hpa": hpa.ANALYZER,
    "service": service.ANALYZER,
    "rollout": rollout.ANALYZER,
    "chain": chain.ANALYZER,
}

# family -> the analyzers that can explain it, the family's own first (it wins ties).
POD_LEVEL: Final = ("nodes", "chain")  # every pod failure: the node under it, or what it needs, may be the root
FAMILIES: Final[dict[str, tuple[str, ...]]] = {
    "crashloop": ("crashloop", "oomkilled", "run_container", "probes", "rollout", "chain"),
    "oom": ("oomkilled", "crashloop", "evicted"),
    "image_pull": ("image_pull", "rollout"),
    "container_config": ("container_config", "run_container", "rollout"),
    "run_container": ("run_container", "container_config", "crashloop", "rollout"),
    "init_container": ("init_container", "image_pull", "container_config", "chain", "rollout"),
    "probe": ("probes", "crashloop", "rollout", "chain"),
    "pod_not_ready": ("probes", "crashloop", "rollout", "chain"),
    "scheduling": ("scheduling", "quota", "rollout"),
    "mount": ("mounts", "scheduling"),
    "eviction": ("evicted", "oomkilled"),
    "node": ("nodes", "evicted"),
    "job": ("jobs", "chain"),
    "hpa": ("hpa", "quota"),
    "quota": ("quota", "rollout"),
    "rollout": ("rollout", "quota", "chain"),
    "service": ("service", "chain"),
}
