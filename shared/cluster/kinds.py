"""Kind names: `Pod`, `pod`, `pods`, `po` all mean the resource `pods`."""

from __future__ import annotations

from typing import Final

# resource -> (Kind, apiVersion, short names)
RESOURCES: Final[dict[str, tuple[str, str, tuple[str, ...]]]] = {
    "pods": ("Pod", "v1", ("po",)),
    "nodes": ("Node", "v1", ("no",)),
    "namespaces": ("Namespace", "v1", ("ns",)),
    "events": ("Event", "v1", ("ev",)),
    "services": ("Service", "v1", ("svc",)),
    "endpoints": ("Endpoints", "v1", ("ep",)),
    "configmaps": ("ConfigMap", "v1", ("cm",)),
    "secrets": ("Secret", "v1", ()),
    "serviceaccounts": ("ServiceAccount", "v1", ("sa",)),
    "persistentvolumeclaims": ("PersistentVolumeClaim", "v1", ("pvc",)),
    "persistentvolumes": ("PersistentVolume", "v1", ("pv",)),
    "resourcequotas": ("ResourceQuota", "v1", ("quota",)),
    "limitranges": ("LimitRange", "v1", ("limits",)),
    "replicationcontrollers": ("ReplicationController", "v1", ("rc",)),
    "deployments": ("Deployment", "apps/v1", ("deploy",)),
    "replicasets": ("ReplicaSet", "apps/v1", ("rs",)),
    "statefulsets": ("StatefulSet", "apps/v1", ("sts",)),
    "daemonsets": ("DaemonSet", "apps/v1", ("ds",)),
    "jobs": ("Job", "batch/v1", ()),
    "cronjobs": ("CronJob", "batch/v1", ("cj",)),
    "horizontalpodautoscalers": ("HorizontalPodAutoscaler", "autoscaling/v2", ("hpa",)),
    "ingresses": ("Ingress", "networking.k8s.io/v1", ("ing",)),
    "networkpolicies": ("NetworkPolicy", "networking.k8s.io/v1", ("netpol",)),
    "endpointslices": ("EndpointSlice", "discovery.k8s.io/v1", ()),
    "storageclasses": ("StorageClass", "storage.k8s.io/v1", ("sc",)),
    "poddisruptionbudgets": ("PodDisruptionBudget", "policy/v1", ("pdb",)),
    # RBAC, for the security auditor's graph (read-only like everything else)
    "roles": ("Role", "rbac.authorization.k8s.io/v1", ()),
    "rolebindings": ("RoleBinding", "rbac.authorization.k8s.io/v1", ()),
    "clusterroles": ("ClusterRole", "rbac.authorization.k8s.io/v1", ()),
    "clusterrolebindings": ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1", ()),
    # Policy engines' reports (Kyverno and others write the wg-policy CRD), where installed
    "policyreports": ("PolicyReport", "wgpolicyk8s.io/v1alpha2", ("polr",)),
    "clusterpolicyreports": ("ClusterPolicyReport", "wgpolicyk8s.io/v1alpha2", ("cpolr",)),
}
CLUSTER_SCOPED: Final[frozenset[str]] = frozenset(
    {"nodes", "namespaces", "persistentvolumes", "storageclasses", "clusterroles", "clusterrolebindings",
     "clusterpolicyreports"}
)
# Served only where their CustomResourceDefinitions are installed: elsewhere the API answers 404.
CUSTOM: Final[frozenset[str]] = frozenset({"policyreports", "clusterpolicyreports"})

_ALIASES: dict[str, str] = {}
for _resource, (_kind, _api, _shorts) in RESOURCES.items():
    for _alias in (_resource, _kind.lower(), *_shorts):
        _ALIASES[_alias] = _resource
_ALIASES["replication-controllers"] = "replicationcontrollers"


def resource_for_kind(kind: str) -> str:
    """The plural resource name for a kind or alias; unknown names come back lower-cased."""
    key = kind.strip().lower()
    return _ALIASES.get(key, key)


def kind_for_resource(resource: str) -> str:
    entry = RESOURCES.get(resource_for_kind(resource))
    return entry[0] if entry else resource


def api_version_for(resource: str) -> str:
    entry = RESOURCES.get(resource_for_kind(resource))
    return entry[1] if entry else "v1"


def is_known_resource(kind: str) -> bool:
    return resource_for_kind(kind) in RESOURCES


def known_resource(kind: str) -> str | None:
    """The plural resource for a kind spelled exactly as one of ours (any case, no stray characters), else None."""
    return _ALIASES.get(kind.lower()) if isinstance(kind, str) else None
