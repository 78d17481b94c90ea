"""knative/: every manifest parses and validates, and the pieces reference each other correctly."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from shared.cluster.kinds import RESOURCES

KNATIVE = Path(__file__).resolve().parents[2] / "knative"
KUBECTL = shutil.which("kubectl") or "/usr/lib/google-cloud-sdk/bin/kubectl.1.32"
INTAKE_TYPES = {"dev.knative.apiserver.resource.add", "dev.knative.apiserver.resource.update",
                "io.kubetriage.alertmanager.webhook", "io.kubetriage.diagnosis.requested"}
SPECIALIST_TYPES = {"io.kubetriage.investigation.requested", "io.kubetriage.investigation.continued"}
WRITE_VERBS = {"create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate"}


def _docs():
    listed = yaml.safe_load((KNATIVE / "kustomization.yaml").read_text())["resources"]
    return [d for f in listed for d in yaml.safe_load_all((KNATIVE / f).read_text()) if d]


DOCS = _docs()


def _of(kind):
    return [d for d in DOCS if d["kind"] == kind]


def _services():
    return {d["metadata"]["name"]: d for d in DOCS if d["apiVersion"].startswith("serving.knative.dev")}


def test_every_file_in_the_kustomization_exists_and_parses():
    assert len(DOCS) >= 20
    assert all({"apiVersion", "kind", "metadata"} <= set(d) for d in DOCS)


def test_core_kinds_validate_against_the_kubernetes_schemas():
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    core = [d for d in DOCS if "knative" not in d["apiVersion"]]
    assert core
    for doc in core:
        kubernetes_validate.validate(doc, "1.32", strict=True)


def test_every_trigger_has_a_subscriber_defined_here_and_a_dead_letter_sink():
    services = _services()
    for trigger in _of("Trigger"):
        spec = trigger["spec"]
        assert spec["subscriber"]["ref"]["name"] in services, trigger["metadata"]["name"]
        delivery = spec["delivery"]
        assert delivery["retry"] >= 3 and delivery["backoffPolicy"] == "exponential"
        assert delivery["deadLetterSink"]["ref"]["name"] in services


def test_the_router_subscribes_to_every_intake_type_and_the_troubleshooter_to_both_of_its_types():
    by_subscriber = {}
    for trigger in _of("Trigger"):
        attrs = trigger["spec"]["filter"]["attributes"]
        by_subscriber.setdefault(trigger["spec"]["subscriber"]["ref"]["name"], []).append(attrs)
    assert {a["type"] for a in by_subscriber["kubetriage-router"]} == INTAKE_TYPES
    troubleshooter = by_subscriber["kubetriage-k8s-troubleshooter"]
    assert {a["type"] for a in troubleshooter} == SPECIALIST_TYPES
    assert all(a.get("specialist") == "k8s_troubleshooter" for a in troubleshooter)


def _env(service):
    container = service["spec"]["template"]["spec"]["containers"][0]
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def test_functions_share_one_image_and_their_time_budget_is_below_the_request_timeout():
    functions = {n: s for n, s in _services().items() if "KUBETRIAGE_FUNCTION" in _env(s)}
    assert {_env(s)["KUBETRIAGE_FUNCTION"] for s in functions.values()} >= {"router", "k8s_troubleshooter"}
    assert len({s["spec"]["template"]["spec"]["containers"][0]["image"] for s in functions.values()}) == 1
    for name, service in functions.items():
        spec = service["spec"]["template"]["spec"]
        budget = float(_env(service).get("KUBETRIAGE_INVOCATION_BUDGET_S") or 240)
        assert budget < spec["timeoutSeconds"], name
        assert spec["serviceAccountName"] == "kubetriage-functions"
        assert service["spec"]["template"]["metadata"]["annotations"]["autoscaling.knative.dev/min-scale"] == "0"


def test_rbac_reads_exactly_what_the_tools_read_never_secrets_never_writes():
    role = next(r for r in _of("ClusterRole") if r["metadata"]["name"] == "kubetriage-reader")
    granted = set()
    for rule in role["rules"]:
        assert not WRITE_VERBS & set(rule["verbs"])
        for group in rule["apiGroups"]:
            granted |= {(group, r) for r in rule["resources"]}
    wanted = {(api.split("/")[0] if "/" in api else "", res) for res, (_, api, _) in RESOURCES.items()
              if res != "secrets"} | {("", "pods/log")}
    assert granted == wanted
    assert not any(res == "secrets" for _, res in granted)


def test_the_apiserversource_watches_core_events_in_resource_mode_with_its_own_account():
    (source,) = _of("ApiServerSource")
    spec = source["spec"]
    assert spec["mode"] == "Resource"
    assert {"apiVersion": "v1", "kind": "Event"} in spec["resources"]
    assert spec["serviceAccountName"] != "kubetriage-functions"
    assert spec["sink"]["ref"]["kind"] == "Broker"


@pytest.mark.skipif(not Path(KUBECTL).exists(), reason="kubectl is not installed")
def test_kubectl_kustomize_renders_the_whole_deployment():
    out = subprocess.run([KUBECTL, "kustomize", str(KNATIVE)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("\nkind: Trigger") + out.stdout.startswith("kind: Trigger") >= 6
