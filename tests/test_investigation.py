"""The investigation loop: budgets, resume from checkpoint, leases, partial and degraded results."""

from collections import Counter

import pytest

from shared.cluster.memory import InMemoryCluster
from shared.diagnosis import EvidenceItem, Finding
from shared.errors import InvalidInput, LeaseHeld
from shared.evidence import run_directly
from shared.incident import Incident
from shared.investigation import Investigator
from shared.settings import Settings
from shared.state import leases
from shared.stores.sqlite import SqliteStore

POD = {
    "kind": "Pod",
    "apiVersion": "v1",
    "metadata": {"name": "api-7c9f8d6b5-x2k4q", "namespace": "shop"},
    "spec": {"containers": [{"name": "api", "image": "shop/api:1.4.2"}]},
    "status": {
        "phase": "Running",
        "containerStatuses": [
            {"name": "api", "ready": False, "restartCount": 7,
             "state": {"waiting": {"reason": "CrashLoopBackOff"}},
             "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}
        ],
    },
}
INCIDENT = Incident(
    fingerprint="fp1", source="apiserver", family="crashloop", reason="BackOff", message="Back-off",
    cluster="c", namespace="shop", object_kind="Pod", object_name="api-7c9f8d6b5-x2k4q",
    pod="api-7c9f8d6b5-x2k4q", container="api",
)


class ReadsThreeThings:
    """A fake analyzer: three reads, then a finding from the previous log."""

    name = family = "crashloop"

    def handles(self, incident):
        return True

    def first_tools(self, incident):
        return []

    def conclude(self, evidence):
        pod = evidence.get("pods", evidence.incident.pod, "shop")
        evidence.events_for("Pod", pod["metadata"]["name"], "shop")
        log = evidence.logs("shop", pod["metadata"]["name"], "api", previous=True) or ""
        if "KeyError" not in log:
            return None
        return Finding("crashloop_missing_env", "api needs DATABASE_URL", "DATABASE_URL is not set",
                       (EvidenceItem("logs", log.strip()),), confidence=0.9)


@pytest.fixture
def cluster():
    c = InMemoryCluster([POD])
    c.add_log("shop", "api-7c9f8d6b5-x2k4q", "api", "boot\nKeyError: 'DATABASE_URL'\n", previous=True)
    return c


@pytest.fixture
def store(tmp_path):
    return SqliteStore(str(tmp_path / "state.sqlite3"))


def _investigator(store, cluster, counter, **settings):
    direct = run_directly(cluster)

    def run_tool(call):
        counter[call.key] += 1
        return direct(call)

    return Investigator(settings=Settings(**settings), store=store, run_tool=run_tool,
                        analyzers={"crashloop": ReadsThreeThings()})


def test_an_investigation_finishes_in_one_invocation_when_the_budget_allows(store, cluster):
    calls = Counter()
    outcome = _investigator(store, cluster, calls).advance("inv-1", INCIDENT)
    assert outcome.finished
    assert outcome.diagnosis.category == "crashloop_missing_env"
    assert outcome.diagnosis.status == "completed"
    assert outcome.diagnosis.tool_calls == 3 and sum(calls.values()) == 3


def test_a_small_per_invocation_budget_resumes_from_the_checkpoint_without_rerunning_tools(store, cluster):
    calls = Counter()
    outcomes = []
    for _ in range(6):
        # A new Investigator each time: a new invocation (maybe another replica) after a restart.
        outcome = _investigator(store, cluster, calls, steps_per_invocation=1).advance("inv-2", INCIDENT)
        outcomes.append(outcome)
        if outcome.finished:
            break
    assert [o.finished for o in outcomes] == [False, False, True]  # three reads, one per invocation
    assert outcomes[-1].diagnosis.category == "crashloop_missing_env"
    assert set(calls.values()) == {1}  # every tool ran exactly once across invocations


def test_a_finished_investigation_answers_again_with_the_same_diagnosis(store, cluster):
    calls = Counter()
    first = _investigator(store, cluster, calls).advance("inv-3", INCIDENT)
    again = _investigator(store, cluster, calls).advance("inv-3", INCIDENT)
    assert again.diagnosis == first.diagnosis
    assert sum(calls.values()) == 3


def test_the_total_step_budget_ends_with_a_partial_diagnosis(store, cluster):
    outcome = _investigator(store, cluster, Counter(), max_steps=2).advance("inv-4", INCIDENT)
    assert outcome.finished
    assert outcome.diagnosis.status == "partial"
    assert outcome.diagnosis.category == "unknown"


def test_another_holder_of_the_lease_makes_the_invocation_answer_lease_held(store, cluster):
    leases.acquire(store, "inv-5", "someone-else", 60)
    with pytest.raises(LeaseHeld):
        _investigator(store, cluster, Counter()).advance("inv-5", INCIDENT)


def test_an_unknown_investigation_without_an_incident_is_invalid_input(store, cluster):
    with pytest.raises(InvalidInput):
        _investigator(store, cluster, Counter()).advance("inv-never-requested")
