"""What a person reads on a terminal: whole copyable strings, how long and how often, whether a model ran."""

import dataclasses

from shared.diagnosis import EvidenceItem, Tokens
from shared.sinks.stdout import render_text
from tests.sinks.test_sinks import _diagnosis

IMAGE = "registry.example.com/platform-team/payments-reconciliation-service-with-a-long-name:v2024.11.03-rc-17"


def test_long_images_and_names_are_never_broken_at_their_hyphens():
    text = render_text(_diagnosis(root_cause=f"The image {IMAGE} does not exist in the registry " * 3,
                                  recommendations=(f"Pin {IMAGE} to the last tag that pulled " * 2,)))
    assert IMAGE in text
    assert all(len(line) <= 100 or IMAGE in line for line in text.splitlines())


def test_evidence_is_shown_whole_line_by_line_not_cut():
    trace = "\n".join(f"  File \"/app/x{i}.py\", line {i}, in handler-{i}" for i in range(12)) + "\nKeyError: 'DB'"
    text = render_text(_diagnosis(evidence=(EvidenceItem("logs shop/api/api (previous)", trace),)))
    assert "KeyError: 'DB'" in text and "handler-11" in text and "…" not in text


def test_it_says_how_often_since_when_how_long_it_took_and_that_no_model_ran():
    d = _diagnosis(incident={"namespace": "shop", "pod": "api-1", "object_name": "api-1", "count": 319,
                             "first_seen": "2026-12-05T08:00:00Z", "reason": "BackOff"})
    text = render_text(d)
    assert "seen 319 times since 2026-12-05T08:00:00Z" in text
    assert "took 1.0 s" in text and "rules, no model call" in text


def test_a_model_that_ran_is_named_with_its_tokens():
    d = _diagnosis(planner="claude:claude-sonnet-4-6", tokens=Tokens(input=1200, output=300))
    assert "claude:claude-sonnet-4-6, 1200/300 tokens in/out" in render_text(d)


def test_a_namespace_sweep_reads_as_the_namespace_not_an_internal_pair():
    d = dataclasses.replace(_diagnosis(), incident={"namespace": "payments", "object_kind": "Namespace",
                                                    "object_name": "payments", "reason": "ManualRequest"})
    first = render_text(d).splitlines()[0]
    assert first.startswith("== namespace payments [") and "payments/payments" not in first
    assert "ManualRequest" not in render_text(d)
