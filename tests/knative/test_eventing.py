"""Broker, Triggers, ApiServerSource and SinkBinding: every event type reaches the function meant for it."""

from collections import Counter
from urllib.parse import urlparse

import pytest

from tests.knative.manifests import INTAKE_TYPES, SPECIALIST_TYPES, Manifests, env, env_value, iso_seconds, labels_match


def _assert_delivery(delivery, services, where):
    assert int(delivery["retry"]) >= 3, where
    assert delivery["backoffPolicy"] == "exponential", where
    assert iso_seconds(delivery["backoffDelay"]) > 0, where
    sink = delivery["deadLetterSink"]["ref"]
    assert sink["kind"] == "Service" and sink["apiVersion"] == "serving.knative.dev/v1", where
    assert sink["name"] in services, f"{where}: dead-letter sink {sink['name']} is not defined here"


def _by_subscriber(manifests: Manifests) -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {}
    for trigger in manifests.of("Trigger"):
        found.setdefault(trigger["spec"]["subscriber"]["ref"]["name"], []).append(
            trigger["spec"]["filter"]["attributes"])
    return found


def test_the_broker_retries_with_exponential_backoff_into_a_dead_letter_sink(base: Manifests):
    (broker,) = base.of("Broker")
    assert broker["apiVersion"] == "eventing.knative.dev/v1"
    _assert_delivery(broker["spec"]["delivery"], base.knative_services(), "Broker")


def test_the_broker_url_the_functions_post_to_is_this_broker(base: Manifests):
    (broker,) = base.of("Broker")
    url = urlparse(base.config()["KUBETRIAGE_BROKER_URL"])
    assert url.hostname == "broker-ingress.knative-eventing.svc.cluster.local"
    assert url.path == f"/{broker['metadata']['namespace']}/{broker['metadata']['name']}"


def test_every_trigger_delivers_from_this_broker_to_a_service_defined_here(deployment: Manifests):
    (broker,) = deployment.of("Broker")
    services = deployment.knative_services()
    for trigger in deployment.of("Trigger"):
        name, spec = trigger["metadata"]["name"], trigger["spec"]
        assert trigger["apiVersion"] == "eventing.knative.dev/v1"
        assert spec["broker"] == broker["metadata"]["name"], name
        ref = spec["subscriber"]["ref"]
        assert ref["apiVersion"] == "serving.knative.dev/v1" and ref["kind"] == "Service", name
        assert ref["name"] in services, f"{name}: subscriber {ref['name']} is not defined here"
        assert spec["filter"]["attributes"].get("type"), f"{name} would receive every event"
        _assert_delivery(spec["delivery"], services, name)


def test_the_router_gets_each_intake_type_from_a_trigger_of_its_own(deployment: Manifests):
    filters = _by_subscriber(deployment)["kubetriage-router"]
    assert all(set(f) == {"type"} for f in filters)
    assert Counter(f["type"] for f in filters) == Counter(INTAKE_TYPES)


def test_every_specialist_gets_both_of_its_types_filtered_on_its_own_name(deployment: Manifests):
    by_subscriber = _by_subscriber(deployment)
    assert deployment.specialists()
    for name, service in deployment.specialists().items():
        own = env_value(service, "KUBETRIAGE_FUNCTION")
        filters = by_subscriber.get(name, [])
        assert sorted(filters, key=lambda f: f["type"]) == [
            {"type": t, "specialist": own} for t in sorted(SPECIALIST_TYPES)], name


def test_no_investigation_event_reaches_a_service_without_a_specialist_filter(deployment: Manifests):
    for trigger in deployment.of("Trigger"):
        attrs = trigger["spec"]["filter"]["attributes"]
        if attrs["type"] in SPECIALIST_TYPES:
            subscriber = deployment.knative_services()[trigger["spec"]["subscriber"]["ref"]["name"]]
            assert attrs.get("specialist") == env_value(subscriber, "KUBETRIAGE_FUNCTION")


def test_diagnoses_posted_to_the_broker_reach_a_subscriber(base: Manifests):
    types = {t["spec"]["filter"]["attributes"]["type"] for t in base.of("Trigger")}
    assert "io.kubetriage.diagnosis.completed" in types


def test_the_apiserversource_sends_every_namespaces_core_events_to_the_broker(base: Manifests):
    source = base.named("ApiServerSource", "kubetriage-k8s-events")
    spec = source["spec"]
    assert source["apiVersion"] == "sources.knative.dev/v1"
    assert spec["mode"] == "Resource"
    assert spec["resources"] == [{"apiVersion": "v1", "kind": "Event"}]
    assert spec["namespaceSelector"] == {}, "an empty selector is Knative's all namespaces"
    (broker,) = base.of("Broker")
    assert spec["sink"]["ref"] == {"apiVersion": "eventing.knative.dev/v1", "kind": "Broker",
                                   "name": broker["metadata"]["name"]}


def test_the_apiserversource_runs_under_its_own_account_that_may_only_watch_events(base: Manifests):
    account = base.named("ApiServerSource", "kubetriage-k8s-events")["spec"]["serviceAccountName"]
    assert account != "kubetriage-functions"
    base.named("ServiceAccount", account)
    roles = [b["roleRef"]["name"] for b in base.of("ClusterRoleBinding")
             if {"kind": "ServiceAccount", "name": account, "namespace": "kubetriage"} in b["subjects"]]
    assert len(roles) == 1
    rules = base.named("ClusterRole", roles[0])["rules"]
    assert rules == [{"apiGroups": [""], "resources": ["events"], "verbs": ["get", "list", "watch"]}]


SECURITY_SOURCES = {
    "kubetriage-rbac-bindings": [{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding"},
                                 {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding"}],
    "kubetriage-policy-reports": [{"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport"},
                                  {"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "ClusterPolicyReport"}],
}


@pytest.mark.parametrize("name", sorted(SECURITY_SOURCES), ids=[
    "new and changed RoleBindings and ClusterRoleBindings in every namespace reach the broker",
    "PolicyReports and ClusterPolicyReports (Kyverno and other engines) in every namespace reach the broker"])
def test_the_security_sources_send_every_namespaces_objects_to_the_broker(base: Manifests, name):
    spec = base.named("ApiServerSource", name)["spec"]
    assert spec["mode"] == "Resource" and spec["resources"] == SECURITY_SOURCES[name]
    assert spec["namespaceSelector"] == {}
    (broker,) = base.of("Broker")
    assert spec["sink"]["ref"] == {"apiVersion": "eventing.knative.dev/v1", "kind": "Broker",
                                   "name": broker["metadata"]["name"]}


def test_every_kind_a_source_watches_is_one_the_router_takes():
    from shared.intake.rbac_events import BINDING_KINDS
    from shared.security.policy_reports import REPORT_KINDS

    watched = {r["kind"] for resources in SECURITY_SOURCES.values() for r in resources}
    assert watched == set(BINDING_KINDS) | set(REPORT_KINDS)


def test_the_security_sources_account_may_only_watch_what_they_watch(base: Manifests):
    accounts = {base.named("ApiServerSource", n)["spec"]["serviceAccountName"] for n in SECURITY_SOURCES}
    (account,) = accounts
    assert account not in ("kubetriage-functions", base.named("ApiServerSource", "kubetriage-k8s-events")[
        "spec"]["serviceAccountName"])
    roles = [b["roleRef"]["name"] for b in base.of("ClusterRoleBinding")
             if {"kind": "ServiceAccount", "name": account, "namespace": "kubetriage"} in b["subjects"]]
    (role,) = roles
    granted = {(g, r, v) for rule in base.named("ClusterRole", role)["rules"] for g in rule["apiGroups"]
               for r in rule["resources"] for v in rule["verbs"]}
    wanted = {(api["apiVersion"].split("/")[0], api["kind"].lower() + "s", verb)
              for resources in SECURITY_SOURCES.values() for api in resources for verb in ("get", "list", "watch")}
    assert granted == wanted


def test_the_sink_binding_gives_k_sink_to_exactly_the_specialists(deployment: Manifests):
    (binding,) = deployment.of("SinkBinding")
    subject = binding["spec"]["subject"]
    assert (subject["apiVersion"], subject["kind"]) == ("serving.knative.dev/v1", "Service")
    selected = {n for n, s in deployment.knative_services().items()
                if labels_match(subject["selector"]["matchLabels"], s["metadata"].get("labels", {}))}
    assert selected == set(deployment.specialists())
    assert binding["spec"]["sink"]["ref"]["kind"] == "Broker"


def test_every_registered_specialist_has_its_service_and_triggers_in_the_base(base: Manifests):
    from shared.specialists import SPECIALISTS

    deployed = {env_value(s, "KUBETRIAGE_FUNCTION") for s in base.specialists().values()}
    assert set(SPECIALISTS) <= deployed
    by_subscriber = _by_subscriber(base)
    for name in SPECIALISTS:
        filters = by_subscriber[f"kubetriage-{name.replace('_', '-')}"]
        assert {f.get("specialist") for f in filters} == {name}


# A valid event of each type a Trigger may deliver to the router, as the Broker delivers it: no Authorization.
_ROUTER_SAMPLES = {
    "dev.knative.apiserver.resource.add": "backoff_event.json",
    "dev.knative.apiserver.resource.update": "backoff_event.json",
    "io.kubetriage.alertmanager.webhook": "alert_image_pull.json",
    "io.kubetriage.diagnosis.requested": None,  # written below: a person's question
}


def test_no_trigger_delivers_to_the_router_what_the_router_refuses_without_the_token(deployment: Manifests, tmp_path):
    """The Broker cannot add a bearer token: every type a Trigger sends the router must be taken without one.

    Run through the router's own code, with the settings the manifests give it (the token is required
    there), so a lock on a Broker-delivered type shows up here as the 401 the Broker would dead-letter.
    """
    import json
    from pathlib import Path

    from shared.router import Router
    from shared.settings import Settings
    from shared.stores.sqlite import SqliteStore
    from tests.recording import RecordingEmitter

    router_service = deployment.knative_services()["kubetriage-router"]
    assert "KUBETRIAGE_ALERTMANAGER_TOKEN" in env(router_service)  # the token is set in a cluster
    environ = {**deployment.config(), **{k: v for k, v in ((n, env_value(router_service, n))
                                                            for n in env(router_service)) if v is not None},
               "KUBETRIAGE_ALERTMANAGER_TOKEN": "the-secret", "KUBETRIAGE_STATE_DIR": str(tmp_path)}
    settings = Settings.from_env({k: v for k, v in environ.items() if k != "REDIS_URL"})
    router = Router(settings=settings, store=SqliteStore(str(tmp_path / "s.sqlite3")), emitter=RecordingEmitter(),
                    background_drain=False)
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    delivered = [f["type"] for f in _by_subscriber(deployment)["kubetriage-router"]]
    assert delivered
    for index, ce_type in enumerate(delivered):
        assert ce_type in _ROUTER_SAMPLES, f"no sample event for {ce_type}: add one above"
        sample = _ROUTER_SAMPLES[ce_type]
        body = ((fixtures / sample).read_bytes() if sample
                else json.dumps({"namespace": "shop", "workload": "deployment/web"}).encode())
        headers = {"ce-specversion": "1.0", "ce-type": ce_type, "ce-source": "/broker", "ce-id": f"t-{index}",
                   "Content-Type": "application/json"}
        reply = router.handle("/", headers, body)
        assert reply.status != 401, f"the Trigger for {ce_type} would dead-letter every event: {reply.body}"

