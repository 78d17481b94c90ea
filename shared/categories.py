"""The failure classes a diagnosis's `category` may take (the ARCHITECTURE contract)."""

from typing import Final

K8S_CATEGORIES: Final[tuple[str, ...]] = (
    "crashloop_app_error",
    "crashloop_missing_env",
    "crashloop_missing_config_file",
    "crashloop_bad_command",
    "crashloop_permission_denied",
    "crashloop_port_in_use",
    "oom_killed",
    "image_pull_not_found",
    "image_pull_unauthorized",
    "image_pull_registry_unreachable",
    "create_container_config_missing_configmap",
    "create_container_config_missing_secret",
    "create_container_config_missing_secret_key",
    "run_container_error_bad_entrypoint",
    "liveness_probe_failure",
    "readiness_probe_failure",
    "startup_probe_failure",
    "pending_insufficient_resources",
    "pending_taint",
    "pending_node_selector",
    "pending_unbound_pvc",
    "init_container_failure",
    "evicted_node_pressure",
    "node_not_ready",
    "node_pressure",
    "stuck_rollout",
    "service_no_endpoints",
    "job_backoff_limit",
    "hpa_metrics_unavailable",
    "hpa_cannot_scale",
    "resource_quota_exceeded",
    "failed_mount",
)
UNKNOWN: Final = "unknown"
# Verdicts that are not failures: the named object exists and shows no failure now, or it does not exist.
HEALTHY: Final = "healthy"
NOT_FOUND: Final = "not_found"
VERDICTS: Final[tuple[str, ...]] = (HEALTHY, NOT_FOUND)
ALL_CATEGORIES: Final[frozenset[str]] = frozenset(K8S_CATEGORIES) | {UNKNOWN, *VERDICTS}


def is_known_category(name: str) -> bool:
    """True for a K8s class, `unknown`, or another specialist's prefixed class."""
    return name in ALL_CATEGORIES or name.startswith(("cost_", "security_"))
