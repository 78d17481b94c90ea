"""Context economy: bytes (and estimated tokens) sent to the model per diagnosis, against a naive loop.

Both are driven by the same scripted model (read the pod, its events, its previous logs, submit); the
naive loop is the usual tutorial agent: raw `kubectl get -o json` objects and whole logs as tool results,
no analyzers, so every incident costs a conversation.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

from devtools.messages_api import message, serve_messages_api, tool_use
from devtools.scenarios import SCENARIOS, render_suite
from shared.analyzers import ANALYZERS
from shared.cluster.snapshot import load_snapshot
from shared.evidence import RecordedEvidence
from shared.intake.http import parse_request
from shared.planners import rules
from shared.planners.claude import ClaudePlanner
from shared.planners.model_client import ModelClient
from shared.settings import Settings
from shared.tools.catalog import TOOLS
from shared.tools.compaction import render_for_model
from shared.tools.executor import ToolExecutor

SUBMIT = {"category": "unknown", "summary": "s", "root_cause": "r", "confidence": 0.5}


def _script(incident: Any, cluster: Any) -> list[dict[str, Any]]:
    pod = incident.pod or next((p["metadata"]["name"] for p in cluster.list("pods", incident.namespace)), "x")
    obj = cluster.get("pods", pod, incident.namespace) or {"spec": {"containers": [{"name": "app"}]}}
    container = (obj["spec"].get("containers") or [{"name": "app"}])[0]["name"]
    ns = incident.namespace or "default"
    calls = [("get_resource", {"kind": "pods", "name": pod, "namespace": ns}),
             ("object_events", {"kind": "Pod", "name": pod, "namespace": ns}),
             ("pod_logs", {"namespace": ns, "pod": pod, "container": container, "previous": True})]
    return [message([tool_use(t, a, f"tu_{i}")], "tool_use") for i, (t, a) in enumerate(calls)] + [
        message([tool_use("submit_diagnosis", SUBMIT, "tu_s")], "tool_use")]


def _ours(incident: Any, cluster: Any, settings: Settings) -> tuple[int, bool]:
    executor = ToolExecutor(cluster, TOOLS)
    findings = rules.analyze(ANALYZERS, RecordedEvidence(incident, executor.run))
    if findings and findings[0].confidence >= settings.model_skip_confidence:
        return 0, True
    with serve_messages_api(_script(incident, cluster)) as api:
        planner = ClaudePlanner(client=ModelClient("bench", api.url), model="claude-sonnet-4-6",
                                tools=list(TOOLS.values()), token_budget=10**9)
        session: dict[str, Any] = {}
        for _ in range(8):
            if planner.step(session, incident, findings, [], executor.run, render_for_model).done:
                break
        return sum(len(json.dumps(r)) for r in api.requests), False


def _naive(incident: Any, cluster: Any) -> int:
    import anthropic

    tools = [{"name": n, "description": "kubectl", "input_schema": {"type": "object"}} for n in
             ("get_resource", "object_events", "pod_logs", "submit_diagnosis")]
    with serve_messages_api(_script(incident, cluster)) as api:
        client = anthropic.Anthropic(api_key="bench", base_url=api.url, max_retries=0)
        messages: list[dict[str, Any]] = [{"role": "user", "content": f"Diagnose this Kubernetes event: "
                                           f"{json.dumps(incident.to_dict())}"}]
        for _ in range(8):
            reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=2048, tools=tools, messages=messages,
                                           system="You are a Kubernetes expert.").model_dump()
            messages.append({"role": "assistant", "content": [{k: b[k] for k in ("type", "id", "name", "input")}
                                                               for b in reply["content"]]})
            use = reply["content"][0]
            if use["name"] == "submit_diagnosis":
                break
            args = use["input"]
            if use["name"] == "get_resource":
                raw = json.dumps(cluster.get(args["kind"], args["name"], args["namespace"]), indent=2)
            elif use["name"] == "object_events":
                raw = json.dumps({"items": cluster.list("events", args["namespace"])}, indent=2)
            else:
                raw = cluster.logs(args["namespace"], args["pod"], args["container"], previous=True) or ""
            messages.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": use["id"],
                                                          "content": raw}]})
        return sum(len(json.dumps(r)) for r in api.requests)


def run() -> dict[str, Any]:
    settings = Settings()
    ours, naive, skipped = [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for snapshot in render_suite(Path(tmp) / "suite", sorted(SCENARIOS)):
            kind = next(k for k, f in (("event", "event.json"), ("alert", "alert.json"), ("ask", "ask.json"))
                        if (snapshot / f).exists())
            from shared.cli import request_for

            body = (snapshot / f"{kind}.json").read_bytes()
            path, headers = request_for(kind, body)
            incident = next(i for i in parse_request(path, headers, body, "bench").items if hasattr(i, "fingerprint"))
            cluster = load_snapshot(snapshot)
            sent, no_call = _ours(incident, cluster, settings)
            ours.append(sent)
            skipped += no_call
            naive.append(_naive(incident, cluster))
    total_ours, total_naive = sum(ours), sum(naive)
    share = skipped / len(ours)
    ratio = total_ours / total_naive
    return {"scenarios": len(ours), "bytes_ours_total": total_ours, "bytes_naive_total": total_naive,
            "tokens_ours_per_diagnosis_est": round(statistics.mean(ours) / 4), "tokens_naive_per_diagnosis_est":
            round(statistics.mean(naive) / 4), "ratio": round(ratio, 4), "no_model_call_share": round(share, 3),
            "target_ratio": 0.2, "target_share": 0.6, "met": ratio <= 0.2 and share >= 0.6}
