"""The bundled scenario suite: Python definitions rendered on demand as kubectl dump directories.

Rendered output is not kept in the repository (it is large and a script makes it again):
`render_suite(out_dir)` writes every scenario, deterministically; `python -m devtools.scenarios DIR`
does the same from the shell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final

from devtools.scenarios import platform_failures as plat
from devtools.scenarios import pod_failures as pods

Scenario = Callable[[], tuple[Any, tuple[str, Any], dict[str, Any]]]

SCENARIOS: Final[dict[str, Scenario]] = {
    "crashloop-missing-env-python-checkout": pods.crashloop_missing_env_python,
    "crashloop-missing-env-go-alert": pods.crashloop_missing_env_go_alert,
    "crashloop-missing-env-ruby-ask": plat.crashloop_missing_env_ask,
    "crashloop-missing-config-file-node": pods.crashloop_missing_config_file_node,
    "crashloop-bad-command-renamed-flag": pods.crashloop_bad_command_flag,
    "crashloop-permission-denied-volume": pods.crashloop_permission_denied_volume,
    "crashloop-port-in-use-sidecar": pods.crashloop_port_in_use_sidecar,
    "crashloop-app-error-flyway": pods.crashloop_app_error_java,
    "oom-killed-jvm-heap": pods.oom_killed_jvm,
    "oom-killed-alert-running": pods.oom_killed_alert_running,
    "image-pull-not-found-tag-prefix": pods.image_pull_not_found_typo,
    "image-pull-unauthorized-ghcr": pods.image_pull_unauthorized_ghcr,
    "image-pull-registry-unreachable-dns": pods.image_pull_registry_unreachable,
    "create-config-missing-configmap": pods.missing_configmap_env,
    "create-config-missing-secret-alert": pods.missing_secret,
    "create-config-missing-secret-key": pods.missing_secret_key,
    "run-container-bad-entrypoint": pods.bad_entrypoint,
    "probe-liveness-wrong-port": pods.liveness_wrong_port,
    "probe-readiness-404-alert": pods.readiness_404,
    "probe-startup-too-short": pods.startup_probe_too_short,
    "init-container-waits-for-db-ask": pods.init_container_waits_for_db,
    "pending-insufficient-cpu": plat.pending_insufficient_cpu,
    "pending-taint-gpu": plat.pending_taint_gpu,
    "pending-node-selector-typo-alert": plat.pending_node_selector_typo,
    "pending-unbound-pvc-storageclass": plat.pending_unbound_pvc,
    "evicted-memory-pressure": plat.evicted_memory,
    "node-not-ready-kubelet": plat.node_not_ready,
    "node-disk-pressure-alert": plat.node_disk_pressure,
    "stuck-rollout-db-pool-alert": plat.stuck_rollout_env_change,
    "service-no-endpoints-selector-ask": plat.service_selector_mismatch,
    "job-backoff-limit-s3-denied": plat.job_backoff_limit,
    "hpa-metrics-missing-cpu-request": plat.hpa_missing_requests,
    "hpa-maxed-out-alert": plat.hpa_maxed_out,
    "quota-exceeded-replicaset-alert": plat.quota_exceeded,
    "failed-mount-missing-tls-secret": plat.failed_mount_missing_secret_volume,
}


def render_suite(out_dir: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Render the named scenarios (default: all) under out_dir; returns their directories, sorted."""
    from devtools.scenarios.render import render_world

    out_dir = Path(out_dir)
    chosen = sorted(names) if names is not None else sorted(SCENARIOS)
    paths = []
    for name in chosen:
        world, trigger, expected = SCENARIOS[name]()
        paths.append(render_world(world, out_dir / name, trigger, expected))
    return paths
