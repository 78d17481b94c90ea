"""The rules planner's knowledge: one analyzer per failure reason, one literal registry."""

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
