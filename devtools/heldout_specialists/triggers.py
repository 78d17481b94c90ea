"""What starts each held-out case: an Alertmanager webhook (kube-prometheus, a FinOps rule, falcosidekick
through Alertmanager), an RBAC object as ApiServerSource delivers it, or a person's question."""

from __future__ import annotations

from typing import Any

from devtools.scenarios.kube import safe, ts

CLUSTER = "payments-prod-use2"


def alert(labels: dict[str, str], annotations: dict[str, str], *, minutes_ago: float = 25,
          prometheus: bool = True) -> tuple[str, dict[str, Any]]:
    """One firing alert in Alertmanager's v4 webhook body. Prometheus rules carry the external labels
    (cluster, prometheus); what falcosidekick posts carries only its own labels."""
    all_labels = {**({"cluster": CLUSTER, "prometheus": "monitoring/kps-prometheus"} if prometheus else {}), **labels}
    name = all_labels.get("alertname") or all_labels.get("rule", "")
    starts = ts(minutes_ago).replace("Z", ".318Z")
    body = {
        "receiver": "kubetriage", "status": "firing",
        "alerts": [{"status": "firing", "labels": all_labels, "annotations": annotations, "startsAt": starts,
                    "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": ("http://kps-prometheus.monitoring:9090/graph?g0.expr=" if prometheus else ""),
                    "fingerprint": safe(name + str(sorted(all_labels.items())), 16)}],
        "groupLabels": {k: all_labels[k] for k in ("alertname", "namespace", "rule") if k in all_labels},
        "commonLabels": all_labels, "commonAnnotations": annotations,
        "externalURL": "http://kps-alertmanager.monitoring:9093", "version": "4",
        "groupKey": f'{{}}:{{alertname="{name}"}}', "truncatedAlerts": 0,
    }
    return "alert.json", body


def falco(rule: str, priority: str, output: str, fields: dict[str, str], tags: list[str], hostname: str,
          minutes_ago: float = 4) -> tuple[str, dict[str, Any]]:
    """A Falco event as falcosidekick's Alertmanager output posts it (outputs/alertmanager.go): output
    fields as labels with unsafe characters made `_`, plus source, rule, eventsource, hostname, sorted
    tags, priority and the severity mapped from it; the output line as `description`/`info`."""
    severity = {"Notice": "information", "Informational": "information", "Warning": "warning", "Error": "warning",
                "Critical": "critical", "Alert": "critical", "Emergency": "critical"}[priority]
    labels = {k.replace(".", "_").replace("[", "_").replace("]", ""): v for k, v in fields.items()}
    labels.update({"source": "falco", "rule": rule, "eventsource": "syscall", "hostname": hostname,
                   "tags": ",".join(sorted(tags)), "priority": priority, "severity": severity})
    return alert(labels, {"info": output, "description": output, "summary": rule}, minutes_ago=minutes_ago,
                 prometheus=False)


def ask(namespace: str, question: str, specialist: str, **fields: str) -> tuple[str, dict[str, Any]]:
    return "ask.json", {"namespace": namespace, "question": question, "specialist": specialist, **fields}


def expected(cls: str, must: list[str], notes: str) -> dict[str, Any]:
    return {"class": cls, "must_mention": must, "notes": notes}
