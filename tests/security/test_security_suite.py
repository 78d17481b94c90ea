"""The auditor end to end: its scenario suite through the whole path, a live cluster read with GETs only,
and a Falco alert over HTTP through the router to the security_auditor function."""

import json
import signal

import pytest

from devtools.kubeapi import serve_cluster
from devtools.security_scenarios import SCENARIOS, render_suite
from shared.cluster.snapshot import load_snapshot
from shared.evaluation import evaluate_suite
from shared.settings import Settings


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    out = tmp_path_factory.mktemp("security")
    render_suite(out)
    return out


def test_the_suite_has_audits_events_alerts_and_look_alikes_that_must_stay_quiet():
    names = sorted(SCENARIOS)
    assert len(names) >= 12
    assert sum("lookalike" in n or "healthy" in n for n in names) >= 3


def test_every_scenario_is_diagnosed_right_through_router_and_auditor(suite):
    results = evaluate_suite(Settings(), suite)
    wrong = [(r["scenario"], r["expected"], r["found"], r["missing"]) for r in results if not r["correct"]]
    assert len(results) == len(SCENARIOS) and not wrong


def test_an_audit_of_a_live_cluster_reads_with_get_only(suite, tmp_path):
    from tests.test_cli import _run

    scenario = suite / "security-root-pod-whose-account-reads-secrets"
    with serve_cluster(load_snapshot(scenario)) as api:
        kubeconfig = api.write_kubeconfig(tmp_path / "kubeconfig")
        out = _run(["diagnose", "-n", "reporting", "--question", "audit namespace reporting", "--json"], tmp_path,
                   KUBECONFIG=str(kubeconfig))
    assert out.returncode == 0, out.stderr
    diagnosis = json.loads(out.stdout)
    assert diagnosis["specialist"] == "security_auditor" and diagnosis["category"] == "security_runs_as_root"
    assert api.requests and {r["method"] for r in api.requests} == {"GET"}
    assert not [r for r in api.requests if "/secrets" in r["path"]]  # the audit never asks for a Secret


def test_a_falco_alert_over_http_reaches_the_security_auditor_function(suite, tmp_path):
    from devtools.http_capture import CaptureServer
    from devtools.run_local import start_functions, stop_group
    from tests.e2e.test_functions_over_http import _env, _free_port, _post, _wait_for, _wait_listening

    scenario = suite / "security-falco-shell-in-secret-reader-pod"
    with CaptureServer() as sink:
        names = ["router", "k8s_troubleshooter", "cost_analyzer", "security_auditor"]
        ports = {name: _free_port() for name in names}
        procs = start_functions(_env(tmp_path, scenario, sink.url), ports)
        try:
            for port in ports.values():
                _wait_listening(port, list(procs.values()))
            status, reply = _post(f"http://127.0.0.1:{ports['router']}/alertmanager",
                                  (scenario / "alert.json").read_bytes(), {"Content-Type": "application/json"})
            assert status == 202 and reply["accepted"][0]["specialist"] == "security_auditor", reply
            assert _wait_for(lambda: len(sink.requests) >= 1, seconds=60)
        finally:
            for proc in procs.values():
                stop_group(proc, signal.SIGKILL)
                proc.wait(10)
    diagnosis = sink.requests[0].json()
    assert diagnosis["specialist"] == "security_auditor" and diagnosis["category"] == "security_runtime_alert"


def test_a_kyverno_event_against_a_live_cluster_reads_its_reports_with_get_only(suite, tmp_path):
    """The kubernetes client against the local API server serving the scenario (PolicyReports and all)."""
    from tests.test_cli import _run

    scenario = suite / "security-kyverno-privileged-pod-whose-account-reads-secrets"
    with serve_cluster(load_snapshot(scenario)) as api:
        kubeconfig = api.write_kubeconfig(tmp_path / "kubeconfig")
        out = _run(["diagnose", "--event", str(scenario / "event.json"), "--json"], tmp_path,
                   KUBECONFIG=str(kubeconfig))
    assert out.returncode == 0, out.stderr
    diagnosis = json.loads(out.stdout)
    assert diagnosis["specialist"] == "security_auditor" and diagnosis["category"] == "security_privileged_workload"
    assert "disallow-privileged-containers" in diagnosis["root_cause"]
    assert {r["method"] for r in api.requests} == {"GET"}
    paths = {r["path"] for r in api.requests}
    assert "/apis/wgpolicyk8s.io/v1alpha2/namespaces/payments/policyreports" in paths
    assert "/apis/constraints.gatekeeper.sh/v1beta1" in paths  # asked, and told Gatekeeper is not installed
    assert not [p for p in paths if "/secrets" in p]


def test_a_policy_report_over_http_reaches_the_security_auditor_function(suite, tmp_path):
    """ApiServerSource's CloudEvent (binary mode) carrying a PolicyReport: router → security_auditor → K_SINK."""
    from devtools.http_capture import CaptureServer
    from devtools.run_local import start_functions, stop_group
    from tests.e2e.test_functions_over_http import _env, _free_port, _post, _wait_for, _wait_listening

    scenario = suite / "security-policyreport-host-pid-fail"
    with CaptureServer() as sink:
        names = ["router", "k8s_troubleshooter", "cost_analyzer", "security_auditor"]
        ports = {name: _free_port() for name in names}
        procs = start_functions(_env(tmp_path, scenario, sink.url), ports)
        try:
            for port in ports.values():
                _wait_listening(port, list(procs.values()))
            headers = {"ce-specversion": "1.0", "ce-type": "dev.knative.apiserver.resource.update",
                       "ce-source": "https://kubernetes.default.svc", "ce-id": "polr-1",
                       "Content-Type": "application/json"}
            status, reply = _post(f"http://127.0.0.1:{ports['router']}/", (scenario / "event.json").read_bytes(),
                                  headers)
            assert status == 202 and [a["specialist"] for a in reply["accepted"]] == ["security_auditor"], reply
            assert len(reply["dropped"]) == 3  # the passing rules: episodes closed, nothing started
            assert _wait_for(lambda: len(sink.requests) >= 1, seconds=60)
        finally:
            for proc in procs.values():
                stop_group(proc, signal.SIGKILL)
                proc.wait(10)
    diagnosis = sink.requests[0].json()
    assert diagnosis["specialist"] == "security_auditor" and diagnosis["category"] == "security_host_access"
    assert "disallow-host-namespaces" in diagnosis["root_cause"]
