"""A held-out scenario suite, written blind to the analyzers by another author (its own DSL and renderer).

Kept separate from devtools/scenarios so that the analyzers are measured on cases their author did not
write. `python -m devtools.heldout OUT_DIR [NAME ...]` writes each scenario as a snapshot directory.
"""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final

from devtools.heldout import catalog_crashloop as crash
from devtools.heldout import catalog_images as img
from devtools.heldout import catalog_probes as probe
from devtools.heldout.scenario import Scenario

SCENARIOS: Final[dict[str, Callable[[], Scenario]]] = {
    "crashloop-missing-env-go": crash.missing_env_go,
    "crashloop-missing-env-python-alert": crash.missing_env_python,
    "crashloop-missing-config-file-spring": crash.missing_config_file_java,
    "crashloop-missing-config-file-nginx-alert": crash.missing_config_file_nginx,
    "crashloop-app-error-rust-migration": crash.app_error_rust,
    "crashloop-app-error-node-alert": crash.app_error_node,
    "crashloop-bad-command-celery": crash.bad_command_celery,
    "crashloop-bad-command-go-flag-ask": crash.bad_command_go_flag,
    "crashloop-permission-denied-readonly-fs": crash.permission_denied_python,
    "crashloop-permission-denied-redis-alert": crash.permission_denied_redis,
    "crashloop-port-in-use-sidecar": crash.port_in_use_sidecar,
    "crashloop-port-in-use-hostnetwork-ask": crash.port_in_use_hostnetwork,
    "oom-killed-jvm-heap": crash.oom_java,
    "oom-killed-pandas-alert": crash.oom_python,
    "image-pull-not-found-typo": img.image_not_found_event,
    "image-pull-not-found-wrong-repo-ask": img.image_not_found_ask,
    "image-pull-unauthorized-missing-pull-secret": img.image_unauthorized_event,
    "image-pull-unauthorized-ecr-cross-account-alert": img.image_unauthorized_alert,
    "image-pull-registry-unreachable": img.registry_unreachable,
    "create-container-config-missing-configmap": img.missing_configmap,
    "create-container-config-missing-configmap-ask": img.missing_configmap_key_ask,
    "create-container-config-missing-secret-alert": img.missing_secret_alert,
    "create-container-config-missing-secret-key": img.missing_secret_key,
    "run-container-error-missing-binary": img.bad_entrypoint_event,
    "run-container-error-entrypoint-not-executable-alert": img.bad_entrypoint_alert,
    "liveness-probe-wrong-path": probe.liveness_wrong_path,
    "liveness-probe-timeout-gc-alert": probe.liveness_timeout_alert,
    "readiness-probe-wrong-port": probe.readiness_wrong_port,
    "readiness-probe-dependency-alert": probe.readiness_dependency_alert,
    "startup-probe-budget-too-short": probe.startup_too_short,
    "pending-insufficient-memory": probe.insufficient_memory,
    "pending-insufficient-gpu-alert": probe.insufficient_gpu_alert,
    "pending-untolerated-taint": probe.pending_taint,
    "pending-node-selector-no-match": probe.pending_node_selector,
    "pending-unbound-pvc-missing-storageclass": probe.unbound_pvc_storage_class,
    "pending-unbound-pvc-rwx-ask": probe.unbound_pvc_rwx_ask,
}


def render_suite(out_dir: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Write the named scenarios (all by default) under `out_dir`; returns their directories."""
    out_dir = Path(out_dir)
    selected = list(names) if names is not None else sorted(SCENARIOS)
    unknown = [n for n in selected if n not in SCENARIOS]
    if unknown:
        raise KeyError(f"unknown scenario(s): {', '.join(unknown)}")
    return [SCENARIOS[name]().write(out_dir) for name in selected]
