"""Which cluster kubetriage would read, and whether it can, said in one line before any read.

A person starting `make run` or `kubetriage diagnose` against their own cluster needs to know at once
that it is "context kind-dev at https://127.0.0.1:6443" they are reading, or why nothing can be read,
instead of tracebacks at the first event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shared.errors import ClusterUnavailable
from shared.settings import Settings


@dataclass(frozen=True)
class ClusterAccess:
    mode: str  # snapshot, kubeconfig, in-cluster
    description: str  # what is read, for a person: "context kind-dev at https://127.0.0.1:6443"


def check_access(settings: Settings, environ: Mapping[str, str]) -> ClusterAccess:
    """Say which cluster the settings point at; raise ClusterUnavailable with the one-line reason."""
    if settings.snapshot:
        from pathlib import Path

        if not Path(settings.snapshot).is_dir():
            raise ClusterUnavailable(f"snapshot {settings.snapshot} is not a directory")
        return ClusterAccess("snapshot", f"snapshot {settings.snapshot}")
    if environ.get("KUBERNETES_SERVICE_HOST") and not environ.get("KUBECONFIG"):
        return ClusterAccess("in-cluster", f"in-cluster API at {environ['KUBERNETES_SERVICE_HOST']}")
    from kubernetes.config import list_kube_config_contexts
    from kubernetes.config.config_exception import ConfigException

    path = environ.get("KUBECONFIG") or None
    try:
        contexts, active = list_kube_config_contexts(config_file=path)
    except (ConfigException, OSError, ValueError, TypeError) as exc:
        where = path or "~/.kube/config"
        raise ClusterUnavailable(f"no cluster credentials: cannot read kubeconfig {where} "
                                 f"({_first_line(exc)}); set KUBECONFIG, pass --context, or use a snapshot") from None
    wanted = settings.kube_context or (active or {}).get("name")
    context = next((c for c in contexts or [] if c.get("name") == wanted), None)
    if context is None:
        names = ", ".join(sorted(c.get("name", "?") for c in contexts or [])) or "none"
        raise ClusterUnavailable(f"no context {wanted!r} in the kubeconfig (it has: {names})")
    server = _server_of(path, context)
    return ClusterAccess("kubeconfig", f"context {wanted} at {server}" if server else f"context {wanted}")


def _server_of(path: str | None, context: Mapping[str, object]) -> str | None:
    import os

    import yaml

    try:
        with open(os.path.expanduser(path or "~/.kube/config")) as fh:
            doc = yaml.safe_load(fh) or {}
    except (OSError, ValueError):
        return None
    cluster = (context.get("context") or {}).get("cluster")  # type: ignore[union-attr]
    for entry in doc.get("clusters") or []:
        if entry.get("name") == cluster:
            return (entry.get("cluster") or {}).get("server")
    return None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
