"""The Knative Services: one image, one function each, time budgets inside the request timeout."""

import re

import pytest

from tests.knative.manifests import ROOT, Manifests, container, env, env_value, iso_seconds, total_backoff_s

KNATIVE_MAX_TIMEOUT_S = 600  # Serving's default max-revision-timeout-seconds


def _spec(service):
    return service["spec"]["template"]["spec"]


def _annotations(service):
    return service["spec"]["template"]["metadata"]["annotations"]


def test_the_router_and_every_specialist_are_deployed(base: Manifests):
    functions = {env_value(s, "KUBETRIAGE_FUNCTION") for s in base.function_services().values()}
    assert functions == {"router", "k8s_troubleshooter", "cost_analyzer", "security_auditor"}


def test_every_function_runs_the_same_image_with_the_handle_target(deployment: Manifests):
    services = deployment.function_services().values()
    assert len({container(s)["image"] for s in services}) == 1
    assert {env_value(s, "FUNCTION_TARGET") for s in services} == {"handle"}


def test_each_service_is_named_for_the_function_it_runs(deployment: Manifests):
    for name, service in deployment.function_services().items():
        function = env_value(service, "KUBETRIAGE_FUNCTION")
        assert name == "kubetriage-" + function.replace("_", "-")
        assert re.fullmatch(r"[a-z]([-a-z0-9]*[a-z0-9])?", name) and len(name) <= 63


@pytest.mark.parametrize("name", ["router", "k8s_troubleshooter", "cost_analyzer"],
                         ids=["the router's source exists", "the troubleshooter's source exists",
                              "the cost analyzer's source exists"])
def test_every_deployed_function_has_a_handle_in_functions_dir(name):
    source = ROOT / "functions" / name / "main.py"
    assert source.is_file()
    assert re.search(r"^def handle\(", source.read_text(), re.M)


def test_the_time_budget_is_well_below_the_request_timeout(deployment: Manifests):
    for name, service in deployment.function_services().items():
        timeout = _spec(service)["timeoutSeconds"]
        budget = float(env_value(service, "KUBETRIAGE_INVOCATION_BUDGET_S"))
        assert 0 < budget <= 0.75 * timeout, name
        assert timeout <= KNATIVE_MAX_TIMEOUT_S, name


def test_a_lease_outlives_the_request_and_the_retries_outlive_the_lease(deployment: Manifests):
    triggers = deployment.of("Trigger")
    for name, service in deployment.specialists().items():
        lease = float(env_value(service, "KUBETRIAGE_LEASE_TTL_S"))
        assert lease >= _spec(service)["timeoutSeconds"], name
        own = [t for t in triggers if t["spec"]["subscriber"]["ref"]["name"] == name]
        assert own
        for trigger in own:
            assert total_backoff_s(trigger["spec"]["delivery"]) > lease, trigger["metadata"]["name"]


def test_every_trigger_waits_as_long_as_its_subscriber_may_take(deployment: Manifests):
    services = deployment.knative_services()
    for trigger in deployment.of("Trigger"):
        subscriber = services[trigger["spec"]["subscriber"]["ref"]["name"]]
        assert iso_seconds(trigger["spec"]["delivery"]["timeout"]) >= _spec(subscriber)["timeoutSeconds"]


def test_every_function_scales_to_zero_with_a_ceiling_and_a_concurrency_target(deployment: Manifests):
    for name, service in deployment.function_services().items():
        annotations = _annotations(service)
        assert annotations["autoscaling.knative.dev/min-scale"] == "0", name
        assert int(annotations["autoscaling.knative.dev/max-scale"]) >= 1
        concurrency = _spec(service)["containerConcurrency"]
        assert 0 < int(annotations["autoscaling.knative.dev/target"]) <= concurrency
        # gunicorn serves THREADS requests at once; more would queue inside the pod.
        assert int(env_value(service, "THREADS")) == concurrency, name


def test_every_function_has_resources_probes_and_a_locked_down_container(deployment: Manifests):
    for name, service in deployment.function_services().items():
        c = container(service)
        assert {"cpu", "memory"} <= set(c["resources"]["requests"]) and "memory" in c["resources"]["limits"], name
        port = c["ports"][0]["containerPort"]
        for probe in ("readinessProbe", "livenessProbe"):
            assert c[probe]["tcpSocket"]["port"] == port, (name, probe)
        security = c["securityContext"]
        assert security["runAsNonRoot"] and security["readOnlyRootFilesystem"], name
        assert security["allowPrivilegeEscalation"] is False and security["capabilities"]["drop"] == ["ALL"]
        assert env_value(service, "TMPDIR") == "/dev/shm", "a read-only root needs a writable temp dir"
        assert _spec(service)["serviceAccountName"] == "kubetriage-functions"


def test_the_anthropic_key_comes_from_an_optional_secret_reference(deployment: Manifests):
    for name, service in deployment.function_services().items():
        ref = env(service)["ANTHROPIC_API_KEY"]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": "kubetriage-anthropic", "key": "api-key", "optional": True}, name


def test_the_router_cannot_start_without_its_alertmanager_token(base: Manifests):
    ref = env(base.named("Service", "kubetriage-router"))["KUBETRIAGE_ALERTMANAGER_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert ref["name"] == "kubetriage-alertmanager" and ref["optional"] is False


def test_no_credential_is_written_into_a_manifest(deployment: Manifests):
    sensitive = re.compile(r"KEY|TOKEN|PASSWORD|SECRET|WEBHOOK_URL")
    for service in deployment.knative_services().values():
        for name, entry in env(service).items():
            if sensitive.search(name):
                assert "value" not in entry and "secretKeyRef" in entry["valueFrom"], name
    assert not any(sensitive.search(k) for k in deployment.config())


def test_every_function_reads_the_shared_settings(deployment: Manifests):
    for name, service in deployment.function_services().items():
        refs = [e["configMapRef"]["name"] for e in container(service)["envFrom"]]
        assert refs == ["kubetriage-config"], name


def test_only_specialists_get_a_sink_binding_label_and_every_function_may_reach_redis(deployment: Manifests):
    for name, service in deployment.function_services().items():
        is_specialist = env_value(service, "KUBETRIAGE_FUNCTION") != "router"
        assert (service["metadata"]["labels"].get("kubetriage.io/role") == "specialist") is is_specialist, name
        assert service["spec"]["template"]["metadata"]["labels"]["kubetriage.io/redis-client"] == "true"
    for name, service in deployment.knative_services().items():
        if name not in deployment.function_services():
            assert "kubetriage.io/redis-client" not in service["spec"]["template"]["metadata"].get("labels", {})


def test_every_service_is_reachable_only_inside_the_cluster(deployment: Manifests):
    for name, service in deployment.knative_services().items():
        assert service["metadata"]["labels"]["networking.knative.dev/visibility"] == "cluster-local", name


def test_every_trigger_honours_retry_after_up_to_a_bound(deployment: Manifests):
    # Knative honours Retry-After (on 429 and 503) only where retryAfterMax is set; our 503s ask for 2 s.
    for trigger in deployment.of("Trigger"):
        delivery = trigger["spec"]["delivery"]
        bound = iso_seconds(delivery["retryAfterMax"])
        assert 2 <= bound <= iso_seconds(delivery["timeout"]), trigger["metadata"]["name"]


def test_a_hand_off_claim_left_by_a_killed_router_lapses_before_the_router_triggers_give_up(deployment: Manifests):
    from shared.state.coalescing import HAND_OFF_CLAIM_S, HAND_OFF_EMIT_S

    router_triggers = [t for t in deployment.of("Trigger") if t["spec"]["subscriber"]["ref"]["name"] == "kubetriage-router"]
    assert router_triggers
    assert HAND_OFF_EMIT_S < HAND_OFF_CLAIM_S  # the claim never lapses while its own emit still runs
    for trigger in router_triggers:
        # The claim lapses, and at least one retry still comes after it (with room for the clock).
        assert total_backoff_s(trigger["spec"]["delivery"]) >= 2 * HAND_OFF_CLAIM_S, trigger["metadata"]["name"]
