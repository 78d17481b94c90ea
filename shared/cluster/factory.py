"""Choosing the cluster backend: a snapshot directory, or the live API (kubeconfig or in-cluster)."""

from __future__ import annotations

from collections.abc import Mapping

from shared.ports import Cluster
from shared.settings import Settings


def open_cluster(settings: Settings, environ: Mapping[str, str] | None = None) -> Cluster:
    if settings.snapshot:
        from shared.cluster.snapshot import load_snapshot

        return load_snapshot(settings.snapshot)
    from shared.cluster.live import LiveCluster

    environ = environ or {}
    if environ.get("KUBERNETES_SERVICE_HOST") and not environ.get("KUBECONFIG"):
        return LiveCluster.in_cluster()
    return LiveCluster.from_kubeconfig(environ.get("KUBECONFIG"), settings.kube_context)
