"""The adversarial suite's own pieces on top of the held-out suite's builders (devtools/heldout).

The cluster builders, log formats and renderer are reused as they are; what is added here is what this
suite needs and that one lacks: an expectation with a `chain`, alerts labelled as the two common
Prometheus stacks really label them, and small edits of the base cluster (node conditions, evicted pods,
controller events).
"""

# ruff: noqa: E501 -- messages are verbatim fixture data.

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from devtools.heldout import logs as L
from devtools.heldout.base import base_cluster
from devtools.heldout.cluster import Cluster
from devtools.heldout.scenario import Scenario as _Heldout
from devtools.heldout.scenario import ask_trigger, event_trigger
from devtools.heldout.shapes import container, http_probe, port, resources
from devtools.heldout.states import Run
from devtools.heldout.store import DAY
from devtools.heldout.workloads import Workload

__all__ = ["DAY", "L", "Scenario", "ask_trigger", "base_cluster", "event_trigger"]


@dataclass(frozen=True)
class Scenario:
    """A scenario and what a correct diagnosis says; `chain` (symptom first, root last) is informational."""

    name: str
    cluster: Cluster
    trigger_file: str  # event.json | alert.json | ask.json
    trigger: dict[str, Any]
    expected_class: str
    must_mention: tuple[str, ...]
    notes: str
    chain: tuple[tuple[str, str], ...] = ()  # (object, observation), as a diagnosis's `chain` lists them
    group: str = ""

    def write(self, out: Path) -> Path:
        target = _Heldout(
            self.name, self.cluster, self.trigger_file, self.trigger, self.expected_class, self.must_mention,
            self.notes,
        ).write(out)
        if self.chain:
            path = target / "expected.json"
            expected = json.loads(path.read_text())
            expected["chain"] = [{"object": o, "observation": obs} for o, obs in self.chain]
            path.write_text(json.dumps(expected, indent=2) + "\n")
        return target


def name_of(obj: dict[str, Any]) -> str:
    return str(obj["metadata"]["name"])


def node_of(pod: dict[str, Any]) -> str:
    return str(pod["spec"]["nodeName"])


def healthy_app(
    c: Cluster,
    ns: str,
    name: str,
    image: str,
    *,
    replicas: int = 2,
    port_no: int = 8080,
    log: list[str] | None = None,
    env: list[dict[str, Any]] | None = None,
    runs: list[dict[str, Run]] | None = None,
    service: bool = True,
    probe_path: str = "/healthz",
    up_since: float = 3 * DAY,
) -> Workload:
    """A Deployment whose pods have been Running and Ready for `up_since` minutes, with its Service."""
    wl = c.deployment(
        ns,
        name,
        [
            container(
                name,
                c.image(image),
                ports=[port(port_no)],
                env=env,
                resources=resources("100m", "128Mi", memory_limit="256Mi"),
                readiness=http_probe(probe_path, "http"),
                liveness=http_probe(probe_path, "http", delay=10),
            )
        ],
        replicas=replicas,
        runs=runs or [{} for _ in range(replicas)],
        updated=up_since,
    )
    for pod in wl.pods:
        if runs:
            backdate(c, pod, up_since)
        c.log(pod, name, "\n".join(log) if log else "")
    if service:
        c.service(ns, name, {"app.kubernetes.io/name": name}, [("http", 80, "http")])
    return wl


# -- alerts ----------------------------------------------------------------------------------------

_RUNBOOK = "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/"


def prom_alert(
    c: Cluster,
    alertname: str,
    labels: dict[str, str],
    *,
    summary: str,
    description: str,
    expr: str,
    started: float,
    stack: str = "kps",
    severity: str = "warning",
    scrape_pod: str = "",
) -> dict[str, Any]:
    """A firing Alertmanager v4 webhook with one kube-state-metrics alert.

    `stack` picks how the scrape labels look: "kps" is kube-prometheus-stack's Helm chart (ksm scraped
    directly on `http`, the ksm pod's own `pod` label kept when the series has none), "kp" is
    kube-prometheus (ksm behind kube-rbac-proxy: container kube-rbac-proxy-main, endpoint https-main).
    """
    if stack == "kp":
        scrape = {
            "container": "kube-rbac-proxy-main",
            "endpoint": "https-main",
            "instance": f"10.42.{c.ids._rng.randrange(1, 60)}.{c.ids._rng.randrange(2, 250)}:8443",
            "job": "kube-state-metrics",
            "prometheus": "monitoring/k8s",
            "service": "kube-state-metrics",
        }
        prom, am = "http://prometheus-k8s.monitoring.svc:9090", "http://alertmanager-main.monitoring.svc:9093"
    else:
        scrape = {
            "endpoint": "http",
            "instance": f"10.42.{c.ids._rng.randrange(1, 60)}.{c.ids._rng.randrange(2, 250)}:8080",
            "job": "kube-state-metrics",
            "prometheus": "monitoring/kps-prometheus",
            "service": "kps-kube-state-metrics",
        }
        if scrape_pod:
            scrape["pod"] = scrape_pod
            scrape["container"] = "kube-state-metrics"
        prom, am = "http://kps-prometheus.monitoring:9090", "http://kps-alertmanager.monitoring:9093"
    all_labels = dict(sorted({"alertname": alertname, "severity": severity, **scrape, **labels}.items()))
    annotations = {"description": description, "runbook_url": _RUNBOOK + alertname.lower(), "summary": summary}
    group = {"alertname": alertname, **({"namespace": labels["namespace"]} if "namespace" in labels else {})}
    return {
        "receiver": "kubetriage",
        "status": "firing",
        "alerts": [
            {
                "status": "firing",
                "labels": all_labels,
                "annotations": annotations,
                "startsAt": c.clock.ago_ms(minutes=started),
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": f"{prom}/graph?g0.expr={quote(expr, safe='')}&g0.tab=1",
                "fingerprint": c.ids.hex(16),
            }
        ],
        "groupLabels": group,
        "commonLabels": all_labels,
        "commonAnnotations": annotations,
        "externalURL": am,
        "version": "4",
        "groupKey": "{}:{" + ", ".join(f'{k}="{v}"' for k, v in group.items()) + "}",
        "truncatedAlerts": 0,
    }


CRASHLOOP_EXPR = 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", job="kube-state-metrics"}[5m]) >= 1'
NOT_READY_EXPR = (
    'sum by (namespace, pod, cluster) (max by (namespace, pod, cluster) (kube_pod_status_phase{job="kube-state-metrics", '
    'phase=~"Pending|Unknown|Failed"}) * on (namespace, pod, cluster) group_left(owner_kind) topk by (namespace, pod, cluster) '
    '(1, max by (namespace, pod, owner_kind, cluster) (kube_pod_owner{owner_kind!="Job"}))) > 0'
)


def ksm_pod(c: Cluster) -> str:
    """The kube-state-metrics pod of the base cluster (kube-prometheus-stack keeps it as the `pod` label)."""
    return next(name_of(p) for p in c.dump["monitoring"]["pods"] if name_of(p).startswith("kps-kube-state-metrics-"))


def crashloop_alert(c: Cluster, ns: str, pod: str, container_name: str, *, stack: str = "kps", started: float = 17) -> dict[str, Any]:
    return prom_alert(
        c,
        "KubePodCrashLooping",
        {"namespace": ns, "pod": pod, "container": container_name, "reason": "CrashLoopBackOff"},
        summary="Pod is crash looping.",
        description=f'Pod {ns}/{pod} ({container_name}) is in waiting state (reason: "CrashLoopBackOff").',
        expr=CRASHLOOP_EXPR,
        started=started,
        stack=stack,
    )


def not_ready_alert(c: Cluster, ns: str, pod: str, *, stack: str = "kps", started: float = 4) -> dict[str, Any]:
    return prom_alert(
        c,
        "KubePodNotReady",
        {"namespace": ns, "pod": pod},
        summary="Pod has been in a non-ready state for more than 15 minutes.",
        description=f"Pod {ns}/{pod} has been in a non-ready state for longer than 15 minutes.",
        expr=NOT_READY_EXPR,
        started=started,
        stack=stack,
    )


# -- edits of what the builders made ---------------------------------------------------------------

def set_node_condition(c: Cluster, node: str, kind: str, status: str, reason: str, message: str, since: float) -> None:
    for cond in c.nodes[node]["obj"]["status"]["conditions"]:
        if cond["type"] == kind:
            cond.update(status=status, reason=reason, message=message, lastTransitionTime=c.clock.ago(minutes=since))


def add_taint(c: Cluster, node: str, key: str, effect: str, since: float) -> None:
    spec = c.nodes[node]["obj"]["spec"]
    spec.setdefault("taints", []).append({"key": key, "effect": effect, "timeAdded": c.clock.ago(minutes=since)})
    if node in c.worker_nodes:
        c.worker_nodes.remove(node)


def controller_event(
    c: Cluster,
    obj: dict[str, Any],
    kind: str,
    reason: str,
    message: str,
    *,
    component: str,
    count: int = 1,
    first: float = 5,
    last: float | None = None,
    type_: str = "Warning",
    api_version: str = "apps/v1",
) -> dict[str, Any]:
    """An Event a controller (not a kubelet) writes about `obj`."""
    return c.event(obj, reason, message, kind=kind, api_version=api_version, type_=type_, count=count, first=first,
                   last=last, component=component, instance="")


def backdate(c: Cluster, pod: dict[str, Any], created: float) -> None:
    """Make `pod` `created` minutes old (the builders cap pods with explicit states at 70 minutes)."""
    when = c.clock.ago(minutes=created)
    pod["metadata"]["creationTimestamp"] = when
    status = pod["status"]
    if "startTime" in status:
        status["startTime"] = when
    started = [s["state"]["running"]["startedAt"] for s in status.get("containerStatuses", []) if "running" in s["state"]]
    for cond in status.get("conditions", []):
        if cond["type"] in ("PodScheduled", "Initialized", "PodReadyToStartContainers"):
            cond["lastTransitionTime"] = when
        elif cond["status"] == "True" and started:
            cond["lastTransitionTime"] = max(started)  # Ready since the last container (re)start


def pod_from(c: Cluster, wl: Workload, **kwargs: Any) -> dict[str, Any]:
    """One more pod of the workload's newest ReplicaSet (evicted or otherwise special)."""
    rs = wl.replicasets[-1]
    ref = {"apiVersion": "apps/v1", "kind": "ReplicaSet", **rs["metadata"]}
    ns = rs["metadata"]["namespace"]
    name = f"{rs['metadata']['name']}-{c.ids.suffix()}"
    pod = c.pod(ns, name, rs["spec"]["template"], owner=ref, generate_name=f"{rs['metadata']['name']}-", **kwargs)
    wl.pods.append(pod)
    return pod


def crash_app(
    c: Cluster,
    ns: str,
    name: str,
    image: str,
    text: str,
    *,
    restarts: int = 12,
    since: float = 45,
    exit_code: int = 1,
    replicas: int = 1,
    command: list[str] | None = None,
    args: list[str] | None = None,
    env: list[dict[str, Any]] | None = None,
    env_from: list[dict[str, Any]] | None = None,
    memory_limit: str = "512Mi",
    ran_for: float = 0.1,
    reason: str = "Error",
    service_port: int | None = 8080,
    security: dict[str, Any] | None = None,
    nodes: list[str] | None = None,
    cpu: str = "100m",
    memory_request: str = "256Mi",
    volumes: list[dict[str, Any]] | None = None,
    mounts: list[dict[str, Any]] | None = None,
) -> tuple[Workload, dict[str, Any]]:
    """A Deployment rolled out `since` minutes ago whose pods crash-loop with `text` as their last words.

    Returns the workload and the first pod's BackOff Event.
    """
    from devtools.heldout.events import crashloop_trail
    from devtools.heldout.states import crashloop

    wl = c.deployment(
        ns,
        name,
        [
            container(
                name,
                c.image(image),
                command=command,
                args=args,
                ports=[port(service_port)] if service_port else None,
                env=env,
                env_from=env_from,
                resources=resources(cpu, memory_request, memory_limit=memory_limit),
                readiness=http_probe("/healthz", "http") if service_port else None,
                security=security,
                mounts=mounts,
            )
        ],
        replicas=replicas,
        nodes=nodes,
        volumes=volumes,
        runs=[
            {name: crashloop(exit_code, restarts=restarts - i, last_finished=1.5 + 1.1 * i, ran_for=ran_for, reason=reason)}
            for i in range(replicas)
        ],
        updated=since,
    )
    for pod in wl.pods:
        c.crash_log(pod, name, text)
    trig = crashloop_trail(c, wl.pods[0], name, restarts=restarts, since=since - 0.5)
    for pod in wl.pods[1:]:
        crashloop_trail(c, pod, name, restarts=restarts - 1, since=since - 0.5, last=2.6)
    if service_port:
        c.service(ns, name, {"app.kubernetes.io/name": name}, [("http", 80, "http")])
    return wl, trig


def without_pods(c: Cluster, wl: Workload, failure: str, *, since: float) -> None:
    """The workload's newest ReplicaSet cannot create its pods (`failure`): no pods, and the statuses say so."""
    ns = wl.obj["metadata"]["namespace"]
    names = {name_of(p) for p in wl.pods}
    c.dump[ns]["pods"] = [p for p in c.dump[ns]["pods"] if name_of(p) not in names]
    wl.pods.clear()
    when = c.clock.ago(minutes=since)
    for rs in wl.replicasets:
        rs["status"] = {"replicas": 0, "observedGeneration": 2}
    wl.replicasets[-1]["status"]["conditions"] = [
        {"lastTransitionTime": when, "message": failure, "reason": "FailedCreate", "status": "True", "type": "ReplicaFailure"}
    ]
    # Go drops the zero counts (omitempty); key order as the API server writes it.
    status = wl.obj["status"] = {"observedGeneration": wl.obj["status"]["observedGeneration"],
                                 "unavailableReplicas": wl.obj["spec"]["replicas"]}
    status["conditions"] = [
        {"type": "Available", "status": "False", "lastUpdateTime": when, "lastTransitionTime": when,
         "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability."},
        {"type": "ReplicaFailure", "status": "True", "lastUpdateTime": when, "lastTransitionTime": when,
         "reason": "FailedCreate", "message": failure},
        {"type": "Progressing", "status": "False", "lastUpdateTime": c.clock.ago(minutes=since - 10),
         "lastTransitionTime": c.clock.ago(minutes=since - 10), "reason": "ProgressDeadlineExceeded",
         "message": f'ReplicaSet "{name_of(wl.replicasets[-1])}" has timed out progressing.'},
    ]

