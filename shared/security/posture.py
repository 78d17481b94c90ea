"""Workload posture graded against the Pod Security Standards (baseline, then restricted).

Each check names the PSS level and control it breaks and, where one applies, the CIS Kubernetes
Benchmark item. Components that must be privileged by design (a CNI or CSI node agent in a system
namespace) are recognised and said as such, not reported as findings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from shared.security.issues import SecurityIssue

SYSTEM_NAMESPACES: Final = frozenset({"kube-system", "kube-node-lease", "calico-system", "tigera-operator",
                                      "cilium", "kube-flannel"})
# Node agents whose job needs host access: networking (CNI), storage (CSI), kube-proxy.
_BY_DESIGN_HINTS: Final = ("calico", "cilium", "flannel", "weave", "kube-proxy", "aws-node", "csi", "canal",
                           "antrea", "kube-router", "node-local-dns")
BASELINE_CAPS: Final = frozenset({"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
                                  "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"})
_PSS: Final = "Pod Security Standards"


def is_by_design(namespace: str | None, name: str, labels: Mapping[str, str]) -> bool:
    """A system node agent whose privileges are its job (the CNI DaemonSet, a CSI node plugin)."""
    text = " ".join([name, *labels.values()]).lower()
    return namespace in SYSTEM_NAMESPACES and any(h in text for h in _BY_DESIGN_HINTS)


def workload_pod_spec(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    if obj.get("kind") == "Pod":
        return obj.get("spec") or {}
    if obj.get("kind") == "CronJob":
        return (((obj.get("spec") or {}).get("jobTemplate") or {}).get("spec") or {}).get("template", {}).get(
            "spec") or {}
    return ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}


def audit_pod_spec(owner: str, spec: Mapping[str, Any]) -> list[SecurityIssue]:
    """Every PSS control the pod spec breaks, most severe first."""
    issues = list(_pod_level(owner, spec))
    for where, container in _containers(spec):
        issues += list(_container_level(owner, where, container, spec))
    return sorted(issues, key=lambda i: i.rank)


def _pod_level(owner: str, spec: Mapping[str, Any]) -> Iterator[SecurityIssue]:
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field):
            yield SecurityIssue(field.lower(), "high", owner, f"spec.{field}: true",
                                f"{_PSS} baseline: Host Namespaces; CIS 5.2.4-5.2.6",
                                f"Remove {field} unless the workload is a node agent that needs it")
    for volume in spec.get("volumes") or []:
        if "hostPath" in volume:
            path = (volume.get("hostPath") or {}).get("path", "?")
            severity = "critical" if path in ("/", "/var/run/docker.sock", "/run/containerd/containerd.sock",
                                              "/etc", "/var/lib/kubelet") else "high"
            yield SecurityIssue("host_path", severity, owner, f"volume {volume.get('name')}: hostPath {path}",
                                f"{_PSS} baseline: HostPath Volumes; CIS 5.2.12",
                                "Use a PersistentVolumeClaim, ConfigMap or emptyDir instead of a hostPath")
    if spec.get("automountServiceAccountToken") is not False and not spec.get("serviceAccountName"):
        yield SecurityIssue("automount_default_token", "low", owner,
                            "the default service account's token is mounted (automountServiceAccountToken not false)",
                            "CIS 5.1.6 (service account tokens only where needed)",
                            "Set automountServiceAccountToken: false unless the pod calls the Kubernetes API")


def _containers(spec: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(key) or []:
            yield f"{key}[{c.get('name')}]", c


def _container_level(owner: str, where: str, c: Mapping[str, Any], pod: Mapping[str, Any]) -> Iterator[SecurityIssue]:
    sc = c.get("securityContext") or {}
    psc = pod.get("securityContext") or {}
    if sc.get("privileged"):
        yield SecurityIssue("privileged", "critical", owner, f"{where}.securityContext.privileged: true",
                            f"{_PSS} baseline: Privileged Containers; CIS 5.2.1",
                            "Remove privileged: true; grant the one capability needed, if any")
    added = [cap for cap in ((sc.get("capabilities") or {}).get("add") or []) if cap not in BASELINE_CAPS]
    if added:
        severity = "critical" if "SYS_ADMIN" in added or "ALL" in added else "high"
        yield SecurityIssue("added_capabilities", severity, owner, f"{where} adds capabilities {', '.join(added)}",
                            f"{_PSS} baseline: Capabilities; CIS 5.2.8-5.2.9",
                            f"Drop {', '.join(added)} and add only what the process needs")
    if sc.get("allowPrivilegeEscalation") is not False:
        yield SecurityIssue("privilege_escalation", "medium", owner,
                            f"{where}.securityContext.allowPrivilegeEscalation is not false",
                            f"{_PSS} restricted: Privilege Escalation; CIS 5.2.5",
                            "Set allowPrivilegeEscalation: false")
    run_as_user = sc.get("runAsUser", psc.get("runAsUser"))
    non_root = sc.get("runAsNonRoot", psc.get("runAsNonRoot"))
    if run_as_user == 0:
        yield SecurityIssue("runs_as_root", "high", owner, f"{where} runs as UID 0",
                            f"{_PSS} restricted: Running as Non-root user; CIS 5.2.6",
                            "Run as a non-zero UID (runAsUser) and set runAsNonRoot: true")
    elif non_root is not True:
        yield SecurityIssue("may_run_as_root", "medium", owner, f"{where}: runAsNonRoot is not set",
                            f"{_PSS} restricted: Running as Non-root; CIS 5.2.6",
                            "Set runAsNonRoot: true (and a non-zero runAsUser)")
    seccomp = (sc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type")
    if seccomp not in ("RuntimeDefault", "Localhost"):
        yield SecurityIssue("no_seccomp", "low", owner, f"{where}: seccompProfile is {seccomp or 'unset'}",
                            f"{_PSS} restricted: Seccomp", "Set seccompProfile.type: RuntimeDefault")
