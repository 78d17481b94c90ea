"""Over real HTTP with every function started as `make run` starts them: each cost alert and question is
routed to cost_analyzer and answered by it, a crash loop still goes to the troubleshooter, and the AWS
operations moto recorded are reads only."""

import json
import re
import signal
import time

import pytest

from devtools.cost_scenarios import render_suite
from devtools.http_capture import CaptureServer
from devtools.run_local import function_names, start_functions, stop_group
from devtools.scenarios.triggers import alert, ask
from shared.cli import request_for
from tests.cost.moto_fixtures import moto  # noqa: F401 - the fixture
from tests.e2e.test_functions_over_http import _env, _free_port, _post, _wait_for, _wait_listening

pytestmark = pytest.mark.slow
READ = re.compile(r"^(Describe|Get|List)[A-Z]\w+$")
COST_TRIGGERS = [
    alert("KubeCPUOvercommit", {}, "Cluster has overcommitted CPU resource requests.", "by 2.1 CPU shares"),
    alert("KubeMemoryOvercommit", {}, "Cluster has overcommitted memory resource requests.", "by 3.2G bytes"),
    alert("AWSBudgetThresholdExceeded", {"budget_name": "shop-prod-monthly"}, "Actual spend exceeded 80% of budget",
          "AWS Budgets: actual cost is over 80% of the monthly budget."),
    alert("CostAnomaly", {"category": "cost"}, "AWS Cost Anomaly Detection: EC2", "Cost anomaly of $310 in EC2."),
    ask("default", question="why did our AWS bill jump this week?"),
    ask("shop", question="what in namespace shop is over-provisioned?"),
]


def test_cost_alerts_and_questions_reach_the_cost_analyzer_over_http(tmp_path, moto):  # noqa: F811
    (snapshot,) = render_suite(tmp_path / "suite", ["cost-aws-bill-jump-ask"])
    aws = moto.seed(json.loads((snapshot / "extra" / "aws.json").read_text()))
    names = function_names()
    assert {"router", "k8s_troubleshooter", "cost_analyzer"} <= set(names)
    ports = {name: _free_port() for name in names}
    procs = {}
    try:
        with CaptureServer() as sink:
            procs = start_functions(_env(tmp_path, snapshot, sink.url, **aws), ports)
            for port in ports.values():
                _wait_listening(port, list(procs.values()), seconds=60)
            triggers = [*COST_TRIGGERS, alert("KubePodCrashLooping", {"namespace": "shop", "pod": "checkout-0"},
                                              "Pod is crash looping.", "checkout-0 restarted 6 times")]
            for (file, payload) in triggers:
                body = json.dumps(payload).encode()
                path, headers = request_for(file.removesuffix(".json"), body)
                status, reply = _post(f"http://127.0.0.1:{ports['router']}{path}", body, headers, timeout=60)
                assert status in (200, 202), reply
                expected = "k8s_troubleshooter" if "KubePodCrashLooping" in str(payload) else "cost_analyzer"
                assert [a["specialist"] for a in reply["accepted"]] == [expected], (payload, reply)
            arrived = _wait_for(lambda: len(sink.requests) >= len(triggers), seconds=120)
            assert arrived, [(r.json()["specialist"], r.json()["category"]) for r in sink.requests]
            time.sleep(0.5)
    finally:
        for proc in procs.values():
            stop_group(proc, signal.SIGKILL)
            proc.wait(10)
    diagnoses = [r.json() for r in sink.requests]
    assert sorted(d["specialist"] for d in diagnoses) == ["cost_analyzer"] * len(COST_TRIGGERS) + ["k8s_troubleshooter"]
    bill = next(d for d in diagnoses if "bill jump" in str(d["incident"].get("question")))
    assert bill["category"] == "cost_spend_increase"
    ops = moto.operations()
    assert ops and all(READ.match(op) for _, op in ops), ops
    assert "GetCostAndUsage" in {op for _, op in ops}
