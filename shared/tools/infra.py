"""Views of what pods depend on: secrets' key names, PVCs, service endpoints, HPAs, quotas, policies, ingresses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.analyzers.target import is_unhealthy
from shared.cluster.selectors import matches_match_labels
from shared.ports import Cluster
from shared.tools.spec import ToolSpec

_NS_NAME = {"type": "object", "properties": {"namespace": {"type": "string"}, "name": {"type": "string"}},
            "required": ["namespace", "name"]}
_NS = {"type": "object", "properties": {"namespace": {"type": "string"}}, "required": ["namespace"]}


def _secret_keys(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    secret = cluster.get("secrets", args["name"], args["namespace"])
    if secret is None:
        return None
    return {"name": args["name"], "type": secret.get("type"), "keys": secret.get("keys", "(not known: metadata only)")}


def _pvc_status(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    pvc = cluster.get("persistentvolumeclaims", args["name"], args["namespace"])
    if pvc is None:
        return None
    spec = pvc.get("spec") or {}
    sc_name = spec.get("storageClassName")
    sc = cluster.get("storageclasses", sc_name) if sc_name else None
    pv = cluster.get("persistentvolumes", spec.get("volumeName")) if spec.get("volumeName") else None
    events = cluster.list("events", args["namespace"], field_selector=f"involvedObject.name={args['name']}")
    return {"phase": (pvc.get("status") or {}).get("phase"), "storage_class": sc_name,
            "storage_class_exists": sc is not None if sc_name else None,
            "binding_mode": (sc or {}).get("volumeBindingMode"), "access_modes": spec.get("accessModes"),
            "requested": (spec.get("resources") or {}).get("requests"), "volume": spec.get("volumeName"),
            "volume_phase": ((pv or {}).get("status") or {}).get("phase"),
            "events": [f"{e.get('reason')}: {e.get('message')}" for e in events[-10:]]}


def _service_endpoints(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    svc = cluster.get("services", args["name"], args["namespace"])
    if svc is None:
        return None
    selector = (svc.get("spec") or {}).get("selector") or {}
    pods = [p for p in cluster.list("pods", args["namespace"])
            if selector and matches_match_labels((p.get("metadata") or {}).get("labels") or {},
                                                 {"matchLabels": selector})]
    ep = cluster.get("endpoints", args["name"], args["namespace"])
    return {"selector": selector, "ports": (svc.get("spec") or {}).get("ports"),
            "matching_pods": [{"name": p["metadata"]["name"], "ready": not is_unhealthy(p)} for p in pods],
            "ready_addresses": None if ep is None else sum(len(s.get("addresses") or []) for s in ep.get("subsets") or []),
            "not_ready_addresses": None if ep is None else sum(len(s.get("notReadyAddresses") or [])
                                                                for s in ep.get("subsets") or [])}


def _hpa_status(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    hpa = cluster.get("horizontalpodautoscalers", args["name"], args["namespace"])
    if hpa is None:
        return None
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    return {"target": spec.get("scaleTargetRef"), "min": spec.get("minReplicas"), "max": spec.get("maxReplicas"),
            "metrics": spec.get("metrics"), "current": status.get("currentReplicas"),
            "desired": status.get("desiredReplicas"), "current_metrics": status.get("currentMetrics"),
            "conditions": [{k: c.get(k) for k in ("type", "status", "reason", "message")}
                           for c in status.get("conditions") or []]}


def _quota_status(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    return {"resourcequotas": [{"name": q["metadata"]["name"], "hard": (q.get("status") or {}).get("hard") or
                                (q.get("spec") or {}).get("hard"), "used": (q.get("status") or {}).get("used")}
                               for q in cluster.list("resourcequotas", args["namespace"])],
            "limitranges": [{"name": lr["metadata"]["name"], "limits": (lr.get("spec") or {}).get("limits")}
                            for lr in cluster.list("limitranges", args["namespace"])]}


def _network_policies(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    return [{"name": p["metadata"]["name"], "pod_selector": (p.get("spec") or {}).get("podSelector"),
             "policy_types": (p.get("spec") or {}).get("policyTypes"), "ingress": (p.get("spec") or {}).get("ingress"),
             "egress": (p.get("spec") or {}).get("egress")} for p in cluster.list("networkpolicies", args["namespace"])]


def _ingresses(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    return [{"name": i["metadata"]["name"], "class": (i.get("spec") or {}).get("ingressClassName"),
             "rules": (i.get("spec") or {}).get("rules"), "tls": (i.get("spec") or {}).get("tls"),
             "status": (i.get("status") or {}).get("loadBalancer")} for i in cluster.list("ingresses", args["namespace"])]


SECRET_KEYS = ToolSpec("secret_keys", "A Secret's type and key names. Values are never available.", _NS_NAME,
                       _secret_keys)
PVC_STATUS = ToolSpec("pvc_status", "A PersistentVolumeClaim: phase, storage class (and whether it exists), "
                      "binding mode, bound volume, events.", _NS_NAME, _pvc_status)
SERVICE_ENDPOINTS = ToolSpec("service_endpoints", "A Service's selector and ports, the pods it matches with their "
                             "readiness, and its ready/not-ready endpoint counts.", _NS_NAME, _service_endpoints)
HPA_STATUS = ToolSpec("hpa_status", "A HorizontalPodAutoscaler: target, min/max, metrics, current/desired, "
                      "conditions (AbleToScale, ScalingActive, ScalingLimited).", _NS_NAME, _hpa_status)
QUOTA_STATUS = ToolSpec("quota_status", "ResourceQuotas (hard and used) and LimitRanges of a namespace.", _NS,
                        _quota_status)
NETWORK_POLICIES = ToolSpec("network_policies", "NetworkPolicies of a namespace.", _NS, _network_policies)
INGRESSES = ToolSpec("ingresses", "Ingresses of a namespace with rules, TLS and load balancer status.", _NS,
                     _ingresses)
