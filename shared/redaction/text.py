"""Text redaction: the rules of `rules.py` run over a text, linearly.

Linear by construction: every run in a pattern is bounded, a rule runs only where one of its trigger
words occurs (found with `in` on one lowercase copy; long texts are cut into windows around the
triggers), and case-insensitive rules run case-sensitively on that lowercase copy, which is several times
faster for Python's regex engine. A 1 MB log line costs a few hundred milliseconds at worst
(tests/test_redaction.py times it).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate
from typing import Final

from shared.redaction.rules import RULES, Edit, Rule

_TRIGGERS: Final = tuple(sorted({t for rule in RULES for t in rule.triggers}))
_WINDOW_FROM: Final = 16_384  # shorter texts are scanned whole
_AHEAD: Final = 9_000  # the longest match after its trigger (a Cookie header's 8 kB) fits


def _windows(low: str, triggers: tuple[str, ...], back: int) -> list[tuple[int, int]] | None:
    """Merged spans around every trigger, each starting after whitespace; None when scanning it all is cheaper."""
    spans: list[tuple[int, int]] = []
    for trigger in triggers:
        at = low.find(trigger)
        while at != -1:
            start = max(0, at - back - 16)
            space = max(low.rfind(" ", max(0, start - 200), start), low.rfind("\n", max(0, start - 200), start))
            spans.append((space + 1 if space >= 0 else start, min(len(low), at + _AHEAD)))
            if len(spans) > len(low) // 2_000:
                return None
            at = low.find(trigger, at + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _edits(rule: Rule, text: str, low: str) -> list[Edit]:
    folded = rule.pattern.folded and len(low) == len(text)  # lower() may change the length (rare)
    pattern, subject = (rule.pattern.lower, low) if folded else (rule.pattern.exact, text)
    spans = _windows(low, rule.triggers, rule.back) if rule.back is not None and len(text) > _WINDOW_FROM else None
    edits: list[Edit] = []
    for start, end in spans if spans is not None else [(0, len(text))]:
        for m in pattern.finditer(subject, start, end):
            edits += rule.edit(m, text)
    return edits


def _worth_a_look(text: str) -> bool:
    return len(text) >= 5 and not (len(text) < 16 and text.isalnum())


def triggered(strings: Iterable[str]) -> set[str]:
    """Of many strings, the ones some rule's trigger occurs in: one lowercase copy and one scan per trigger for all
    of them, instead of every trigger tried on every string (an object has thousands of short strings)."""
    unique = [s for s in dict.fromkeys(strings) if _worth_a_look(s)]
    joined = "\n".join(unique)
    low = joined.lower()
    if len(low) != len(joined):  # lower() changed a length: positions no longer map; look at all of them
        return set(unique)
    ends = list(accumulate(len(s) + 1 for s in unique))  # where each string's separator sits, plus one
    hit: set[int] = set()
    for trigger in _TRIGGERS:
        at = low.find(trigger)
        while at != -1:
            index = bisect_right(ends, at)
            hit.add(index)
            at = low.find(trigger, ends[index] if index < len(ends) else len(low))
    return {unique[i] for i in hit}


def redact_text(text: str) -> str:
    """Every credential in `text` replaced by a marker naming its kind; everything else unchanged."""
    if not _worth_a_look(text):
        return text
    low = text.lower()
    if not any(t in low for t in _TRIGGERS):
        return text
    for rule in RULES:
        if not any(t in low for t in rule.triggers):
            continue
        edits = _edits(rule, text, low)
        if edits:
            pieces, done = [], 0
            for start, end, replacement in sorted(edits):
                if start >= done:  # edits of one rule never overlap; stay safe if they ever do
                    pieces += [text[done:start], replacement]
                    done = end
            text = "".join([*pieces, text[done:]])
            low = text.lower()
    return text
