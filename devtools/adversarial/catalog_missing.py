"""Triggers naming objects that do not exist: a pod already replaced, a renamed HPA, typos, wrong namespaces."""

# ruff: noqa: E501 -- log lines and messages are verbatim fixture data.

from devtools.adversarial.kit import (
    DAY,
    L,
    Scenario,
    ask_trigger,
    base_cluster,
    crashloop_alert,
    event_trigger,
    healthy_app,
    ksm_pod,
    prom_alert,
)
from devtools.heldout.events import crashloop_trail
from devtools.heldout.shapes import container, env_value, port, resources
from devtools.heldout.states import crashloop


def alert_for_replaced_pod() -> Scenario:
    c = base_cluster("notfound-alert-pod-gone")
    healthy_app(c, "payments", "checkout", "payments/checkout:5.8.1", replicas=3, up_since=4,
                log=[L.zap(c.clock, 3.8, "info", "cmd/checkout/main.go:71", "serving", addr=":8080"),
                     L.zap(c.clock, 1, "info", "http/log.go:33", "request", path="/v1/checkout", status=200, ms=48)])
    gone = "checkout-6d9c7b8f4d-q7kxz"
    return Scenario(
        "notfound-alert-pod-gone", c, "alert.json",
        crashloop_alert(c, "payments", gone, "checkout", started=19),
        "not_found", (gone,),
        "The alert names pod checkout-6d9c7b8f4d-q7kxz, which no longer exists: a rollout 4 minutes ago "
        "replaced the ReplicaSet and the 3 new checkout pods are Running and Ready. The alert is stale; say "
        "the pod is gone and what exists now.",
        group="not_found",
    )


def hpa_alert_renamed() -> Scenario:
    c = base_cluster("notfound-hpa-alert")
    c.namespace("orders", labels={"team": "fulfilment"})
    healthy_app(c, "orders", "orders-api", "orders/orders-api:3.2.0", replicas=4, up_since=2 * DAY)
    hpa = c.hpa("orders", "orders-api-autoscaler", "orders-api", min_replicas=3, max_replicas=10, current=4, desired=4,
          cpu_current=52, created=9, conditions=[
              ("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size"),
              ("ScalingActive", "True", "ValidMetricFound", "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)"),
              ("ScalingLimited", "False", "DesiredWithinRange", "the desired count is within the acceptable range")])
    for cond in hpa["status"]["conditions"]:
        cond["lastTransitionTime"] = c.clock.ago(minutes=8.5)
    hpa["status"]["lastScaleTime"] = c.clock.ago(minutes=8)
    # Noise elsewhere: a CronJob-like worker crash-looping in another namespace.
    c.namespace("batch", labels={"team": "data"})
    wl = c.deployment("batch", "legacy-importer", [container(
        "legacy-importer", c.image("data/legacy-importer:0.9.2"), resources=resources("100m", "256Mi", memory_limit="256Mi"))],
        replicas=1, runs=[{"legacy-importer": crashloop(1, restarts=31)}], updated=3 * 60)
    c.crash_log(wl.pod, "legacy-importer", L.lines(
        L.pylog(c.clock, 2.1, "INFO", "importer", "starting"),
        "Traceback (most recent call last):",
        '  File "/app/importer.py", line 12, in <module>',
        '    FTP_HOST = os.environ["FTP_HOST"]',
        '  File "<frozen os>", line 714, in __getitem__',
        "KeyError: 'FTP_HOST'"))
    crashloop_trail(c, wl.pod, "legacy-importer", restarts=31, since=58)
    alert = prom_alert(
        c, "KubeHpaMaxedOut", {"horizontalpodautoscaler": "orders-api", "namespace": "orders"},
        summary="HPA is running at max replicas",
        description="HPA orders/orders-api has been running at max replicas for longer than 15 minutes.",
        expr='kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics"} == kube_horizontalpodautoscaler_spec_max_replicas{job="kube-state-metrics"}',
        started=24, stack="kps", scrape_pod=ksm_pod(c))
    return Scenario(
        "notfound-hpa-alert", c, "alert.json", alert, "not_found", ("orders-api",),
        "There is no HPA named orders-api in orders: a chart upgrade 9 minutes ago replaced it with "
        "orders-api-autoscaler (4/10 replicas, not maxed). The crash-looping legacy-importer in batch is "
        "another namespace and another object; it must not be the answer.",
        group="not_found",
    )


def ask_typo() -> Scenario:
    c = base_cluster("notfound-ask-typo")
    c.namespace("shop", labels={"team": "shop"})
    for name in ("checkout", "cart", "catalog"):
        healthy_app(c, "shop", name, f"shop/{name}:2.{len(name)}.0", replicas=2, up_since=3 * DAY)
    return Scenario(
        "notfound-ask-typo", c, "ask.json",
        ask_trigger("shop", workload="chekout", question="why is chekout slow?"),
        "not_found", ("chekout", "checkout"),
        "No workload called chekout exists in shop; checkout (a one-letter typo) does, 2/2 Ready. Say so "
        "rather than diagnose something else.",
        group="not_found",
    )


def ask_wrong_namespace() -> Scenario:
    c = base_cluster("notfound-ask-wrong-namespace")
    c.namespace("finance", labels={"team": "finance"})
    healthy_app(c, "finance", "billing-worker", "finance/billing-worker:1.3.3", replicas=2, up_since=DAY, service=False,
                log=[L.pylog(c.clock, 3, "INFO", "billing.worker", "processed 118 invoices")])
    return Scenario(
        "notfound-ask-wrong-namespace", c, "ask.json",
        ask_trigger("default", workload="billing-worker", question="is billing-worker running?"),
        "not_found", ("billing-worker", "finance"),
        "billing-worker does not exist in default; a Deployment of that name runs in finance (2/2 Ready). "
        "The answer names the namespace where it does exist.",
        group="not_found",
    )


def event_for_deleted_pod() -> Scenario:
    c = base_cluster("notfound-event-deleted-pod")
    c.namespace("reports", labels={"team": "data"})
    wl = c.deployment("reports", "report-builder", [container(
        "report-builder", c.image("data/report-builder:0.4.0"), ports=[port(8080)],
        env=[env_value("REPORTS_BUCKET", "acme-reports")], resources=resources("200m", "512Mi", memory_limit="512Mi"))],
        replicas=1, runs=[{"report-builder": crashloop(1, restarts=9, last_finished=8)}], updated=40)
    trig = crashloop_trail(c, wl.pod, "report-builder", restarts=9, since=39, last=7.5)
    # The team deleted the Deployment 6 minutes ago; only its Events remain (they live an hour).
    for kind in ("deployments", "replicasets", "pods"):
        c.dump["reports"][kind] = [o for o in c.dump["reports"][kind] if not o["metadata"]["name"].startswith("report-builder")]
    healthy_app(c, "reports", "report-api", "data/report-api:2.2.0", replicas=2, up_since=5 * DAY)
    return Scenario(
        "notfound-event-deleted-pod", c, "event.json", event_trigger(trig), "not_found",
        (wl.pod["metadata"]["name"],),
        "The BackOff Event is about a pod that no longer exists: its Deployment report-builder was deleted "
        "6 minutes ago. Nothing named report-builder remains; report-api in the same namespace is healthy.",
        group="not_found",
    )


def ask_namespace_typo() -> Scenario:
    c = base_cluster("notfound-ask-namespace-typo")
    return Scenario(
        "notfound-ask-namespace-typo", c, "ask.json",
        ask_trigger("paymnets", question="what is wrong in paymnets?"),
        "not_found", ("paymnets", "payments"),
        "There is no namespace paymnets; payments exists. A sweep of a namespace that does not exist must say "
        "so (and not report on another namespace).",
        group="not_found",
    )


SCENARIOS = {
    "notfound-alert-pod-gone": alert_for_replaced_pod,
    "notfound-hpa-alert": hpa_alert_renamed,
    "notfound-ask-typo": ask_typo,
    "notfound-ask-wrong-namespace": ask_wrong_namespace,
    "notfound-event-deleted-pod": event_for_deleted_pod,
    "notfound-ask-namespace-typo": ask_namespace_typo,
}
