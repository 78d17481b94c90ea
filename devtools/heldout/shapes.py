"""Container and pod-spec fragments in the API server's field order (Go struct order)."""

from typing import Any, Final

CONTAINER_KEYS: Final = (
    "name",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "envFrom",
    "env",
    "resources",
    "volumeMounts",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
)
POD_SPEC_KEYS: Final = (
    "volumes",
    "initContainers",
    "containers",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "nodeName",
    "hostNetwork",
    "hostPID",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "subdomain",
    "affinity",
    "schedulerName",
    "tolerations",
    "priorityClassName",
    "priority",
    "dnsConfig",
    "enableServiceLinks",
    "preemptionPolicy",
    "topologySpreadConstraints",
)
SA_MOUNT_PATH: Final = "/var/run/secrets/kubernetes.io/serviceaccount"


def ordered(d: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """`d` with its keys in `keys` order (unknown keys keep their place at the end)."""
    out = {k: d[k] for k in keys if k in d}
    out.update({k: v for k, v in d.items() if k not in out})
    return out


def container(
    name: str,
    image: str,
    *,
    command: list[str] | None = None,
    args: list[str] | None = None,
    ports: list[dict[str, Any]] | None = None,
    env_from: list[dict[str, Any]] | None = None,
    env: list[dict[str, Any]] | None = None,
    resources: dict[str, Any] | None = None,
    mounts: list[dict[str, Any]] | None = None,
    liveness: dict[str, Any] | None = None,
    readiness: dict[str, Any] | None = None,
    startup: dict[str, Any] | None = None,
    security: dict[str, Any] | None = None,
    pull_policy: str = "IfNotPresent",
) -> dict[str, Any]:
    """A container as the API server stores it (defaults filled in)."""
    c: dict[str, Any] = {"name": name, "image": image}
    for key, value in (
        ("command", command),
        ("args", args),
        ("ports", ports),
        ("envFrom", env_from),
        ("env", env),
    ):
        if value:
            c[key] = value
    c["resources"] = resources or {}
    if mounts:
        c["volumeMounts"] = mounts
    for key, value in (("livenessProbe", liveness), ("readinessProbe", readiness), ("startupProbe", startup)):
        if value:
            c[key] = value
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    c["imagePullPolicy"] = pull_policy
    if security:
        c["securityContext"] = security
    return c


def port(number: int, name: str = "http", protocol: str = "TCP") -> dict[str, Any]:
    return {"name": name, "containerPort": number, "protocol": protocol}


def env_value(name: str, value: str) -> dict[str, Any]:
    return {"name": name, "value": value}


def env_secret(name: str, secret: str, key: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def env_configmap(name: str, configmap: str, key: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"configMapKeyRef": {"name": configmap, "key": key}}}


def resources(
    cpu: str | None = None,
    memory: str | None = None,
    *,
    cpu_limit: str | None = None,
    memory_limit: str | None = None,
    extra_limits: dict[str, str] | None = None,
) -> dict[str, Any]:
    limits = {k: v for k, v in (("cpu", cpu_limit), ("memory", memory_limit)) if v}
    limits.update(extra_limits or {})
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}
    requests.update(extra_limits or {})
    out: dict[str, Any] = {}
    if limits:
        out["limits"] = dict(sorted(limits.items()))
    if requests:
        out["requests"] = dict(sorted(requests.items()))
    return out


def http_probe(
    path: str,
    port_ref: int | str = "http",
    *,
    delay: int = 0,
    timeout: int = 1,
    period: int = 10,
    failures: int = 3,
) -> dict[str, Any]:
    probe: dict[str, Any] = {"httpGet": {"path": path, "port": port_ref, "scheme": "HTTP"}}
    if delay:
        probe["initialDelaySeconds"] = delay
    probe.update(timeoutSeconds=timeout, periodSeconds=period, successThreshold=1, failureThreshold=failures)
    return probe


def tcp_probe(port_ref: int | str, *, delay: int = 0, period: int = 10, failures: int = 3) -> dict[str, Any]:
    probe: dict[str, Any] = {"tcpSocket": {"port": port_ref}}
    if delay:
        probe["initialDelaySeconds"] = delay
    probe.update(timeoutSeconds=1, periodSeconds=period, successThreshold=1, failureThreshold=failures)
    return probe


def mount(name: str, path: str, *, read_only: bool = False, sub_path: str = "") -> dict[str, Any]:
    m: dict[str, Any] = {"name": name}
    if read_only:
        m["readOnly"] = True
    m["mountPath"] = path
    if sub_path:
        m["subPath"] = sub_path
    return m


def configmap_volume(name: str, configmap: str, items: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    src: dict[str, Any] = {"name": configmap}
    if items:
        src["items"] = [{"key": k, "path": p} for k, p in items]
    src["defaultMode"] = 420
    return {"name": name, "configMap": src}


def secret_volume(name: str, secret: str) -> dict[str, Any]:
    return {"name": name, "secret": {"secretName": secret, "defaultMode": 420}}


def pvc_volume(name: str, claim: str) -> dict[str, Any]:
    return {"name": name, "persistentVolumeClaim": {"claimName": claim}}


def empty_dir(name: str) -> dict[str, Any]:
    return {"name": name, "emptyDir": {}}


def host_path(name: str, path: str, kind: str = "") -> dict[str, Any]:
    src: dict[str, Any] = {"path": path}
    if kind:
        src["type"] = kind
    return {"name": name, "hostPath": src}


def sa_token_volume(name: str) -> dict[str, Any]:
    """The projected service-account volume the admission plugin injects into every pod."""
    return {
        "name": name,
        "projected": {
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {
                    "downwardAPI": {
                        "items": [
                            {
                                "path": "namespace",
                                "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                            }
                        ]
                    }
                },
            ],
            "defaultMode": 420,
        },
    }


DEFAULT_TOLERATIONS: Final = (
    {
        "key": "node.kubernetes.io/not-ready",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300,
    },
    {
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300,
    },
)
DAEMONSET_TOLERATIONS: Final = (
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
)
