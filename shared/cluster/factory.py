"""Choosing the cluster backend: a snapshot directory, or the live API (kubeconfig or in-cluster)."""

from __future__ import annotations

from collections.abc import Mapping

from shared.ports import Cluster
from shared.settings import Settings


def open_cluster(settings: Settings, environ: Mapping[str, str] | None = None) -> Cluster:
    if settings.snapshot:
        from shared.cluster.snapshot import load_snapshot

        return load_snapshot(settings.snapshot)
    from kubernetes.config.config_exception import ConfigException

    from shared.cluster.live import LiveCluster
    from shared.errors import ClusterUnavailable

    environ = environ or {}
    try:
        if environ.get("KUBERNETES_SERVICE_HOST") and not environ.get("KUBECONFIG"):
            return LiveCluster.in_cluster()
        return LiveCluster.from_kubeconfig(environ.get("KUBECONFIG"), settings.kube_context)
    except (ConfigException, OSError) as exc:
        # One line a person can act on, not a traceback at every event.
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ClusterUnavailable(f"no cluster credentials: {reason}; set KUBECONFIG or "
                                 f"KUBETRIAGE_KUBE_CONTEXT, run in-cluster, or set KUBETRIAGE_SNAPSHOT") from None
