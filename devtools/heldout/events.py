"""The event trails the kubelet and controllers leave for the common failure stories."""

from datetime import UTC, datetime
from typing import Any

from devtools.heldout.cluster import Cluster


def _pod_ref(pod: dict[str, Any]) -> str:
    return f"{pod['metadata']['name']}_{pod['metadata']['namespace']}({pod['metadata']['uid']})"


def age(c: Cluster, obj: dict[str, Any]) -> float:
    """Minutes since `obj` was created."""
    created = datetime.strptime(obj["metadata"]["creationTimestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=UTC
    )
    return (c.clock.now - created).total_seconds() / 60


def crashloop_trail(
    c: Cluster,
    pod: dict[str, Any],
    container: str,
    *,
    restarts: int,
    since: float | None = None,
    last: float = 1.5,
    init: bool = False,
) -> dict[str, Any]:
    """Pulled/Created/Started repeating and the BackOff Warning; returns the BackOff Event."""
    since = min(since or 1e9, age(c, pod) - 0.05)
    node, image = pod["spec"]["nodeName"], _image(pod, container)
    fp = f"spec.{'initContainers' if init else 'containers'}{{{container}}}"
    c.event(
        pod,
        "Pulled",
        f'Container image "{image}" already present on machine',
        type_="Normal",
        count=restarts,
        first=since - 0.2,
        last=last + 0.8,
        host=node,
        field_path=fp,
    )
    c.event(
        pod,
        "Created",
        f"Created container: {container}",
        type_="Normal",
        count=restarts + 1,
        first=since,
        last=last + 0.8,
        host=node,
        field_path=fp,
    )
    c.event(
        pod,
        "Started",
        f"Started container {container}",
        type_="Normal",
        count=restarts + 1,
        first=since,
        last=last + 0.8,
        host=node,
        field_path=fp,
    )
    return c.event(
        pod,
        "BackOff",
        f"Back-off restarting failed container {container} in pod {_pod_ref(pod)}",
        count=restarts * 18,
        first=since - 0.3,
        last=last,
        host=node,
        field_path=fp,
    )


def pull_failure_trail(
    c: Cluster, pod: dict[str, Any], container: str, error: str, *, since: float = 50, count: int = 14
) -> dict[str, Any]:
    """Pulling, Failed (the registry's error), Failed ErrImagePull, BackOff; returns the detailed Failed."""
    node, image = pod["spec"]["nodeName"], _image(pod, container)
    fp = f"spec.containers{{{container}}}"
    c.event(
        pod,
        "Pulling",
        f'Pulling image "{image}"',
        type_="Normal",
        count=count,
        first=since,
        last=3,
        host=node,
        field_path=fp,
    )
    failed = c.event(
        pod,
        "Failed",
        f'Failed to pull image "{image}": {error}',
        count=count,
        first=since - 0.1,
        last=2.9,
        host=node,
        field_path=fp,
    )
    c.event(
        pod,
        "Failed",
        "Error: ErrImagePull",
        count=count,
        first=since - 0.1,
        last=2.9,
        host=node,
        field_path=fp,
    )
    c.event(
        pod,
        "BackOff",
        f'Back-off pulling image "{image}"',
        count=count * 16,
        first=since - 0.2,
        last=0.7,
        host=node,
        field_path=fp,
    )
    c.event(
        pod,
        "Failed",
        "Error: ImagePullBackOff",
        count=count * 16,
        first=since - 0.2,
        last=0.7,
        host=node,
        field_path=fp,
    )
    return failed


def config_error_trail(
    c: Cluster, pod: dict[str, Any], container: str, error: str, *, since: float = 45
) -> dict[str, Any]:
    node, image = pod["spec"]["nodeName"], _image(pod, container)
    fp = f"spec.containers{{{container}}}"
    c.event(
        pod,
        "Pulled",
        f'Container image "{image}" already present on machine',
        type_="Normal",
        count=212,
        first=since,
        last=0.4,
        host=node,
        field_path=fp,
    )
    return c.event(
        pod, "Failed", f"Error: {error}", count=212, first=since, last=0.4, host=node, field_path=fp
    )


def probe_trail(
    c: Cluster,
    pod: dict[str, Any],
    container: str,
    probe: str,
    failure: str,
    *,
    count: int,
    since: float = 40,
    kills: int = 0,
) -> dict[str, Any]:
    """Unhealthy Warnings for one probe (and the Killing that follows a liveness/startup failure)."""
    node = pod["spec"]["nodeName"]
    fp = f"spec.containers{{{container}}}"
    ev = c.event(
        pod,
        "Unhealthy",
        f"{probe} probe failed: {failure}",
        count=count,
        first=since,
        last=0.3,
        host=node,
        field_path=fp,
    )
    if kills:
        c.event(
            pod,
            "Killing",
            f"Container {container} failed {probe.lower()} probe, will be restarted",
            type_="Normal",
            count=kills,
            first=since - 0.5,
            last=1.2,
            host=node,
            field_path=fp,
        )
    return ev


def _image(pod: dict[str, Any], container: str) -> str:
    for c in [*pod["spec"].get("initContainers", []), *pod["spec"]["containers"]]:
        if c["name"] == container:
            return str(c["image"])
    raise KeyError(container)


def pod_ref(pod: dict[str, Any]) -> str:
    return _pod_ref(pod)
