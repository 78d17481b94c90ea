"""The Diagnosis contract: JSON round trips, with the optional `chain` absent when empty."""

from __future__ import annotations

from shared.diagnosis import ChainLink, Diagnosis, EvidenceItem, Finding, Tokens

CHAIN = (ChainLink("Pod/shop/cart-api-7c9d8-x2x4q", "crash-loops: ECONNREFUSED redis:6379"),
         ChainLink("Service/shop/redis", "no ready endpoints"),
         ChainLink("StorageClass/fast-ssd", "does not exist"))


def _diagnosis(**kw):
    fields = dict(investigation_id="inv-1", incident={"namespace": "shop"}, specialist="k8s_troubleshooter",
                  status="completed", summary="s", root_cause="r", category="pending_unbound_pvc",
                  evidence=(EvidenceItem("pod/shop/x status", "Pending"),), recommendations=("fix",),
                  commands=("kubectl get sc",), confidence=0.9, planner="rules", steps=3, tool_calls=3,
                  tokens=Tokens(1, 2, 3), occurrences=1, started_at="2025-05-14T08:40:00Z",
                  finished_at="2025-05-14T08:40:01Z")
    return Diagnosis(**{**fields, **kw})


def test_a_diagnosis_with_a_chain_round_trips_through_json():
    import json

    d = _diagnosis(chain=CHAIN)
    data = json.loads(json.dumps(d.to_dict()))
    assert data["chain"][0] == {"object": "Pod/shop/cart-api-7c9d8-x2x4q",
                                "observation": "crash-loops: ECONNREFUSED redis:6379"}
    assert Diagnosis.from_dict(data) == d


def test_without_a_chain_the_field_is_absent_and_older_diagnoses_still_load():
    data = _diagnosis().to_dict()
    assert "chain" not in data
    assert Diagnosis.from_dict(data).chain == ()


def test_a_finding_carries_its_chain_through_the_checkpoint():
    f = Finding("pending_unbound_pvc", "s", "r", chain=CHAIN)
    assert Finding.from_dict(f.to_dict()) == f
    assert Finding.from_dict({"category": "unknown", "summary": "s", "root_cause": "r"}).chain == ()


def test_a_person_reads_the_chain_symptom_first_root_last():
    from shared.sinks.stdout import render_text

    text = render_text(_diagnosis(chain=CHAIN))
    lines = [line for line in text.splitlines() if "Pod/shop" in line or "StorageClass/fast-ssd" in line]
    assert lines[0].strip().startswith("├─ Pod/shop/cart-api-7c9d8-x2x4q")
    assert lines[-1].strip() == "└─ StorageClass/fast-ssd: does not exist"
    assert "Chain" not in render_text(_diagnosis())


def test_the_model_sees_the_chain_and_keeps_it_when_it_agrees_with_the_root():
    from shared.incident import Incident
    from shared.planners.claude import _finding
    from shared.planners.prompts import opening_message

    best = Finding("pending_unbound_pvc", "s", "r", chain=CHAIN, confidence=0.7)
    inc = Incident("fp", "apiserver", "crashloop", "BackOff", "m", "c", "shop", "Pod", "cart-api-7c9d8-x2x4q")
    opening = opening_message(inc, [best], [])
    assert "StorageClass/fast-ssd" in opening and "does not exist" in opening
    agreed = _finding({"category": "pending_unbound_pvc", "summary": "x", "root_cause": "y"}, best)
    other = _finding({"category": "crashloop_app_error", "summary": "x", "root_cause": "y"}, best)
    assert agreed.chain == CHAIN and other.chain == ()
