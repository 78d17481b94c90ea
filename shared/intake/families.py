"""Failure families from Event reasons and alert names: tables, not if-chains.

A family is coarse on purpose: it keys coalescing and routing. The diagnosis category is decided
by the investigation, from the evidence.
"""

from __future__ import annotations

import re
from typing import Final

# Warning reasons that flood clusters without meaning a failure. Kept short: an unknown Warning is
# investigated (family `generic`), because missing a real failure costs more than one look.
NOT_FAILURES: Final[frozenset[str]] = frozenset({
    "DNSConfigForming",  # too many nameservers/search domains: noisy and harmless
    "ProvisioningFailed_Retrying",
    "SandboxChanged",  # a pod sandbox recreated; the real cause shows as its own event
    "FailedToUpdateEndpointSlices",  # transient controller conflicts, retried by the controller
    "ScalingReplicaSet",
})

# (reason, message pattern or None) -> family; first match wins.
_EVENT_RULES: Final[tuple[tuple[str, str | None, str], ...]] = (
    ("BackOff", r"pull|image", "image_pull"),
    ("BackOff", None, "crashloop"),
    ("CrashLoopBackOff", None, "crashloop"),
    ("Failed", r"pull|image|manifest", "image_pull"),
    ("Failed", r"configmap|secret|couldn't find key|CreateContainerConfigError", "container_config"),
    ("Failed", r"containerd task|failed to start|executable file|exec format|RunContainerError|"
               r"StartError|oci runtime", "run_container"),
    ("Failed", None, "crashloop"),
    ("ErrImagePull", None, "image_pull"),
    ("ImagePullBackOff", None, "image_pull"),
    ("InspectFailed", None, "image_pull"),
    ("ErrImageNeverPull", None, "image_pull"),
    ("FailedToRetrieveImagePullSecret", None, "image_pull"),
    ("CreateContainerConfigError", None, "container_config"),
    ("CreateContainerError", None, "container_config"),
    ("Unhealthy", None, "probe"),
    ("ProbeWarning", None, "probe"),
    ("Killing", r"liveness|startup", "probe"),
    ("FailedScheduling", None, "scheduling"),
    ("NotTriggerScaleUp", None, "scheduling"),
    ("FailedMount", None, "mount"),
    ("FailedAttachVolume", None, "mount"),
    ("FailedMapVolume", None, "mount"),
    ("ProvisioningFailed", None, "scheduling"),
    ("Evicted", None, "eviction"),
    ("Preempted", None, "eviction"),
    ("NodeNotReady", None, "node"),
    ("NodeNotSchedulable", None, "node"),
    ("EvictionThresholdMet", None, "node"),
    ("NodeHasDiskPressure", None, "node"),
    ("NodeHasInsufficientMemory", None, "node"),
    ("NodeHasInsufficientPID", None, "node"),
    ("FreeDiskSpaceFailed", None, "node"),
    ("ImageGCFailed", None, "node"),
    ("ContainerGCFailed", None, "node"),
    ("SystemOOM", None, "oom"),
    ("OOMKilling", None, "oom"),
    ("OOMKilled", None, "oom"),
    ("BackoffLimitExceeded", None, "job"),
    ("DeadlineExceeded", None, "job"),
    ("FailedGetResourceMetric", None, "hpa"),
    ("FailedGetExternalMetric", None, "hpa"),
    ("FailedGetPodsMetric", None, "hpa"),
    ("FailedGetObjectMetric", None, "hpa"),
    ("FailedComputeMetricsReplicas", None, "hpa"),
    ("FailedGetScale", None, "hpa"),
    ("FailedRescale", None, "hpa"),
    ("FailedCreate", r"quota|forbidden", "quota"),
    ("FailedCreate", None, "rollout"),
    ("ProgressDeadlineExceeded", None, "rollout"),
    ("FailedCreatePodSandBox", None, "run_container"),
    ("FailedToCreateEndpoint", None, "service"),
    ("FailedInitContainer", None, "init_container"),
)

_ALERT_FAMILIES: Final[dict[str, str]] = {
    "KubePodCrashLooping": "crashloop",
    "KubePodNotReady": "pod_not_ready",
    "KubeContainerWaiting": "pod_not_ready",
    "KubeDeploymentReplicasMismatch": "rollout",
    "KubeDeploymentRolloutStuck": "rollout",
    "KubeDeploymentGenerationMismatch": "rollout",
    "KubeStatefulSetReplicasMismatch": "rollout",
    "KubeStatefulSetUpdateNotRolledOut": "rollout",
    "KubeDaemonSetRolloutStuck": "rollout",
    "KubeDaemonSetNotScheduled": "scheduling",
    "KubeDaemonSetMisScheduled": "scheduling",
    "KubeJobFailed": "job",
    "KubeJobNotCompleted": "job",
    "KubeJobCompletion": "job",
    "KubeHpaMaxedOut": "hpa",
    "KubeHpaReplicasMismatch": "hpa",
    "KubeNodeNotReady": "node",
    "KubeNodeUnreachable": "node",
    "KubeNodeReadinessFlapping": "node",
    "KubeNodePressure": "node",
    "KubeletTooManyPods": "node",
    "NodeFilesystemSpaceFillingUp": "node",
    "NodeFilesystemAlmostOutOfSpace": "node",
    "NodeMemoryHighUtilization": "node",
    "KubeQuotaExceeded": "quota",
    "KubeQuotaFullyUsed": "quota",
    "KubeQuotaAlmostFull": "quota",
    "KubePersistentVolumeFillingUp": "mount",
    "KubePersistentVolumeErrors": "mount",
    # Requests past what the cluster can hold with a node gone: a question of what is paid for (cost).
    "KubeMemoryOvercommit": "cost",
    "KubeCPUOvercommit": "cost",
    "KubeCPUQuotaOvercommit": "cost",
    "KubeMemoryQuotaOvercommit": "cost",
    "TargetDown": "service",
    "KubeContainerOOMKilled": "oom",
    "KubePodOOMKilled": "oom",
    "ContainerOOMKilled": "oom",
}
# kube_pod_container_status_waiting_reason values, for KubeContainerWaiting's `reason` label.
_WAITING_REASONS: Final[dict[str, str]] = {
    "CrashLoopBackOff": "crashloop",
    "ImagePullBackOff": "image_pull",
    "ErrImagePull": "image_pull",
    "InvalidImageName": "image_pull",
    "CreateContainerConfigError": "container_config",
    "CreateContainerError": "container_config",
    "RunContainerError": "run_container",
    "ContainerCreating": "mount",
    "PodInitializing": "init_container",
}
_COST = re.compile(r"cost|spend|idle|overprovision|rightsiz|budget", re.I)
_SECURITY = re.compile(r"falco|privileged|security|cve|vulnerab|rbac|intrusion|cryptomin", re.I)


def family_for_event(reason: str, message: str) -> str:
    for rule_reason, pattern, family in _EVENT_RULES:
        if reason == rule_reason and (pattern is None or re.search(pattern, message or "", re.I)):
            return family
    if reason.startswith("Init") or "init container" in (message or "").lower():
        return "init_container"
    return "generic"


def family_for_alert(alertname: str, labels: dict[str, str]) -> str:
    if alertname == "KubeContainerWaiting" and labels.get("reason") in _WAITING_REASONS:
        return _WAITING_REASONS[labels["reason"]]
    if alertname in _ALERT_FAMILIES:
        return _ALERT_FAMILIES[alertname]
    category = labels.get("category", "") + " " + alertname
    if _SECURITY.search(category):
        return "security"
    if _COST.search(category):
        return "cost"
    if labels.get("reason") in _WAITING_REASONS:
        return _WAITING_REASONS[labels["reason"]]
    return "generic"


def is_noise_reason(reason: str) -> bool:
    return reason in NOT_FAILURES
