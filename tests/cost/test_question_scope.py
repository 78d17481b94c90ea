"""What a cost question is about decides what is read, and a question about something the analyzer cannot
read is answered `unknown`, saying what it can read, never `healthy` about something else."""

import pytest

from shared.cost.analyzers import ANALYZERS
from shared.cost.planner import analyze
from tests.cost.cluster import evidence, incident, pod, pod_metrics


def _planned(inc):
    """The analyzers that take part in answering, and the reads they start with."""
    chosen = {name: a for name, a in ANALYZERS.items() if a.handles(inc)}
    return set(chosen), {c.tool for a in chosen.values() for c in a.first_tools(inc)}


@pytest.mark.parametrize("namespace, question, analyzer, tool", [
    ("web", "We shut the sandbox environment down in spring. What did it leave around that still costs us money?",
     "cost_idle_resources", "aws_idle_resources"),
    ("web", "Is anything orphaned from the QA teardown that we keep paying for?",
     "cost_idle_resources", "aws_idle_resources"),
    ("payments", "What are we still paying for that nobody uses any more?", "cost_idle_resources",
     "aws_idle_resources"),
    ("checkout", "Our costs doubled since Monday, what went up?", "cost_spend_increase", "aws_cost_by"),
    ("checkout", "Is checkout requesting more CPU than it needs?", "cost_overprovisioned", "pod_usage"),
    ("", "Which nodes are sitting mostly empty?", "cost_node_underutilized", "node_usage"),
], ids=["leftovers of an environment read the cloud's idle resources without the word AWS",
        "orphans from a teardown read the cloud's idle resources",
        "'still paying for, nobody uses' reads the cloud's idle resources",
        "costs that went up read the bill by service without the word bill",
        "a question about requests reads usage",
        "a question about empty nodes reads node usage"])
def test_the_plan_follows_what_the_question_asks(namespace, question, analyzer, tool):
    chosen, tools = _planned(incident(namespace, question))
    assert analyzer in chosen and tool in tools


@pytest.mark.parametrize("question", [
    "Is checkout requesting more CPU than it needs?",
    "Where can we save money in namespace checkout?",
], ids=["a requests question reads no AWS", "a namespace's savings question reads no AWS"])
def test_a_namespace_question_about_its_own_workloads_reads_no_cloud(question):
    _, tools = _planned(incident("checkout", question))
    assert not any(t.startswith("aws_") for t in tools)


def _wasteful_checkout():
    """checkout over-provisioned: a verdict about it would answer some other question than the one asked."""
    pods = [pod("checkout", f"api-7d9f8c6b5-{i}", cpu="2", memory="4Gi", owner="api") for i in range(3)]
    usage = [pod_metrics("checkout", f"api-7d9f8c6b5-{i}", cpu="40m", memory="300Mi") for i in range(3)]
    return pods + usage


@pytest.mark.parametrize("question, source", [
    ("What does our Snowflake warehouse cost us per month for checkout's reports?", "Snowflake"),
    ("Did the GitHub Actions bill go up because of checkout's builds?", "GitHub"),
    ("How much is New Relic charging for the checkout APM agents?", "New Relic"),
    ("Why is our GCP spend higher this month?", "GCP"),
    ("Are we overpaying Azure for the checkout backups?", "Azure"),
    ("How much do we pay Quillworks for checkout's log shipping?", "Quillworks"),
], ids=["a data warehouse vendor's bill", "a CI vendor's bill", "an APM vendor's charges",
        "another cloud's spend", "another cloud, asked as overpaying",
        "a vendor the analyzer has never heard of, named as the payee"])
def test_a_question_about_a_source_it_cannot_read_is_unknown_and_says_what_it_reads(question, source):
    (verdict, *_) = analyze(ANALYZERS, evidence(incident("checkout", question), _wasteful_checkout()))
    assert verdict.category == "unknown", verdict.summary
    assert source in verdict.summary
    assert "AWS" in verdict.root_cause and "Kubernetes" in verdict.root_cause  # what it can read
    assert verdict.confidence <= 0.3


@pytest.mark.parametrize("question", [
    "Where does checkout waste money?",
    "Is our AWS bill for checkout higher than the Snowflake one?",
], ids=["a question about the cluster's own spending is answered",
        "a question that also names what it reads is answered from that"])
def test_a_question_it_can_read_is_not_turned_unknown(question):
    (verdict, *_) = analyze(ANALYZERS, evidence(incident("checkout", question), _wasteful_checkout()))
    assert verdict.category == "cost_overprovisioned"


def test_leftovers_without_any_aws_environment_say_the_cloud_was_not_read():
    """Nothing is read without an AWS environment; the answer must not claim the cloud is clean."""
    inc = incident("web", "What did the old staging environment leave behind that we still pay for?")
    (verdict, *_) = analyze(ANALYZERS, evidence(inc, []))
    assert verdict.category in ("unknown", "healthy")
    said = " ".join((verdict.summary, verdict.root_cause, *(e.excerpt for e in verdict.evidence)))
    assert "aws_idle_resources" in said and "not configured" in said
    assert verdict.category == "unknown" or verdict.confidence < 0.55


def test_a_question_one_check_answered_is_not_unknown_because_another_could_not_read():
    """Unused disks: the PersistentVolumes were read (all Bound), the account could not be: a `healthy` that
    says what it could not read, weaker than one that read everything; never `unknown`."""
    from tests.cost.cluster import pv

    inc = incident("ledger", "Are we paying for unused disks in ledger?")
    volumes = [pv("pvc-ledger-0", size="200Gi", phase="Bound", claim=("ledger", "data-ledger-0"))]
    (verdict,) = analyze(ANALYZERS, evidence(inc, volumes))
    said = " ".join((verdict.root_cause, *(e.excerpt for e in verdict.evidence)))
    assert verdict.category == "healthy" and "aws_idle_resources" in said
    assert verdict.confidence < 0.7
