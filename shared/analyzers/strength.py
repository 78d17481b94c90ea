"""How strong a finding's evidence is, named: findings compete by this, and confidence follows from it.

An analyzer says what kind of evidence it has (the terminal error itself, an object that demonstrably
does not exist, the scheduler naming the reason, ...), not a hand-set float. The ranking rule is
visible here: the stronger evidence wins; at equal strength the analyzer of the trigger's own family
wins; a finding loses confidence when another finding of a different class is nearly as strong
(they compete) or when it carries a caveat (a later error it does not explain).

`CONCLUSIVE` is where the model gate closes: a finding at least that strong, uncontested and without
caveats is the answer; anything weaker is handed to Claude (when a key is set) with its competitors.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from shared.diagnosis import Finding


class Strength(IntEnum):
    HISTORY_ONLY = 1  # a failure that happened and has recovered: said as history, never the diagnosis
    GUESS = 2  # the commonest cause of a bare symptom; nothing names it (a back-off with no message)
    CONTEXT = 3  # true, but about something around the trigger rather than the trigger itself
    SYMPTOM = 4  # the failure is seen (an exit code, an unready pod) but nothing names its cause
    LOG_SIGNAL = 5  # a known signal in the logs that is not shown to be the terminal error
    STATE_SAYS = 6  # an object's own status names the failure (OOMKilled, NotReady, Evicted, a condition)
    SCHEDULER_SAYS = 7  # the scheduler, kubelet or a controller names the reason in its message
    TERMINAL_ERROR = 8  # the process's terminal error (its last words) names the cause
    OBJECT_MISSING = 9  # an object the trigger names or the workload needs demonstrably does not exist


CONFIDENCE: Final[dict[Strength, float]] = {
    Strength.HISTORY_ONLY: 0.3,
    Strength.GUESS: 0.5,
    Strength.CONTEXT: 0.55,
    Strength.SYMPTOM: 0.65,
    Strength.LOG_SIGNAL: 0.75,
    Strength.STATE_SAYS: 0.88,
    Strength.SCHEDULER_SAYS: 0.9,
    Strength.TERMINAL_ERROR: 0.92,
    Strength.OBJECT_MISSING: 0.95,
}
CONCLUSIVE: Final = Strength.STATE_SAYS
CORROBORATED: Final = 0.03  # two independent readings agree (the message and the objects)
CONTESTED: Final = 0.15  # another class is (nearly) as strong: nobody should trust either at face value
CAVEAT: Final = 0.15  # per caveat: a later error left unexplained, a reading that disagrees


def confidence_for(strength: Strength, *, corroborated: bool = False, caveats: int = 0) -> float:
    value = CONFIDENCE[strength] + (CORROBORATED if corroborated else 0.0) - CAVEAT * caveats
    return round(min(max(value, 0.05), 0.99), 2)


def strength_of(confidence: float) -> Strength:
    """The strongest level a bare confidence reaches (for findings that carry only a number)."""
    reached = [s for s, c in CONFIDENCE.items() if confidence + 1e-9 >= c]
    return max(reached) if reached else Strength.HISTORY_ONLY


def strength_named(name: str) -> Strength | None:
    try:
        return Strength[name]
    except KeyError:
        return None


def strength(finding: Finding) -> Strength:
    """The named strength of a finding's evidence (derived from its confidence when it names none)."""
    return strength_named(finding.strength) or strength_of(finding.confidence)


def is_conclusive(finding: Finding | None, gate: float) -> bool:
    """The model gate: only a finding at least STATE_SAYS strong, uncontested, at or above the gate, is final."""
    return finding is not None and strength(finding) >= CONCLUSIVE and finding.confidence >= gate
