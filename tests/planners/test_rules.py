"""The rules planner's ranking: findings compete by the named strength of their evidence, visibly."""

from __future__ import annotations

import pytest

from shared.analyzers.strength import Strength, confidence_for
from shared.cluster.memory import InMemoryCluster
from shared.diagnosis import Finding
from shared.evidence import direct_evidence
from shared.incident import Incident
from shared.planners.rules import is_conclusive, run_analyzers

INCIDENT = Incident("fp", "apiserver", "crashloop", "BackOff", "", "c", "shop", "Pod", "api-1", pod="api-1")


class _Says:
    def __init__(self, name: str, family: str, category: str, strength: Strength) -> None:
        self.name, self.family, self.category, self.strength = name, family, category, strength
        self.looks_for = f"{name} failures"

    def handles(self, incident):
        return True

    def first_tools(self, incident):
        return []

    def conclude(self, evidence):
        if self.strength is None:
            return None
        return Finding(self.category, f"{self.name} says so", "because", confidence=confidence_for(self.strength),
                       analyzer=self.name, strength=self.strength.name)


def _ranked(*analyzers):
    return run_analyzers({a.name: a for a in analyzers}, direct_evidence(INCIDENT, InMemoryCluster([])))


@pytest.mark.parametrize(
    ("analyzers", "winner", "conclusive"),
    [
        ([_Says("roll", "rollout", "stuck_rollout", Strength.STATE_SAYS),
          _Says("img", "image_pull", "image_pull_not_found", Strength.SCHEDULER_SAYS)], "image_pull_not_found", True),
        ([_Says("probe", "probe", "readiness_probe_failure", Strength.SYMPTOM),
          _Says("crash", "crashloop", "crashloop_missing_env", Strength.TERMINAL_ERROR)],
         "crashloop_missing_env", True),
        ([_Says("svc", "service", "service_no_endpoints", Strength.STATE_SAYS),
          _Says("crash", "crashloop", "crashloop_app_error", Strength.STATE_SAYS)], "crashloop_app_error", False),
        ([_Says("a", "x", "oom_killed", Strength.STATE_SAYS),
          _Says("b", "y", "oom_killed", Strength.STATE_SAYS)], "oom_killed", True),
    ],
    ids=["the kubelet naming the bad tag beats the rollout's condition",
         "the terminal error beats a probe failing as a symptom",
         "equally strong rivals: the trigger's family wins the tie but is contested, not conclusive",
         "two analyzers agreeing on the class do not contest each other"],
)
def test_the_stronger_evidence_wins_and_a_rival_of_equal_strength_contests_it(analyzers, winner, conclusive):
    findings, _ = _ranked(*analyzers)
    assert findings[0].category == winner
    assert is_conclusive(findings[0], 0.85) is conclusive


def test_a_contested_finding_names_its_rival_in_the_evidence():
    findings, _ = _ranked(_Says("svc", "service", "service_no_endpoints", Strength.STATE_SAYS),
                          _Says("crash", "crashloop", "crashloop_app_error", Strength.STATE_SAYS))
    assert any("service_no_endpoints" in e.excerpt for e in findings[0].evidence)
    assert findings[0].confidence < confidence_for(Strength.STATE_SAYS)


def test_what_the_analyzers_that_found_nothing_looked_for_is_the_ruled_out_list():
    _, checked = _ranked(_Says("oom", "oom", "oom_killed", None),
                         _Says("crash", "crashloop", "crashloop_app_error", Strength.SYMPTOM))
    assert checked == ["oom failures"]


def test_a_guess_is_never_conclusive_however_high_its_number():
    guess = Finding("image_pull_not_found", "s", "r", confidence=0.9, strength="GUESS")
    assert not is_conclusive(guess, 0.85)
