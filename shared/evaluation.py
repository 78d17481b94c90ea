"""Scoring diagnoses against scenarios' expected.json (the ARCHITECTURE's correctness rule)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from shared.settings import Settings

TRIGGER_FILES = (("event", "event.json"), ("alert", "alert.json"), ("ask", "ask.json"))


def readable_text(diagnosis: Mapping[str, Any]) -> str:
    """The text a person reads: summary, root cause, recommendations, commands."""
    parts = [diagnosis.get("summary", ""), diagnosis.get("root_cause", "")]
    parts += list(diagnosis.get("recommendations") or []) + list(diagnosis.get("commands") or [])
    return "\n".join(str(p) for p in parts).lower()


def judge(diagnosis: Mapping[str, Any] | None, expected: Mapping[str, Any]) -> tuple[bool, list[str]]:
    """Correct when the category matches and every must_mention appears; also what was missing."""
    if diagnosis is None:
        return False, ["no diagnosis"]
    text = readable_text(diagnosis)
    missing = [m for m in expected.get("must_mention", []) if m.lower() not in text]
    return diagnosis.get("category") == expected.get("class") and not missing, missing


def scenario_dirs(suite: Path) -> list[Path]:
    return sorted(p.parent for p in suite.rglob("expected.json"))


def evaluate_scenario(settings: Settings, scenario: Path) -> dict[str, Any]:
    import json

    from shared.cli import diagnose

    expected = json.loads((scenario / "expected.json").read_text())
    kind, file = next(((k, f) for k, f in TRIGGER_FILES if (scenario / f).exists()), (None, None))
    found: dict[str, Any] | None = None
    error = None
    if kind is None:
        error = "no event.json, alert.json or ask.json"
    else:
        try:
            diagnoses, reply = diagnose(settings, scenario, kind, (scenario / file).read_bytes())
            found = diagnoses[0] if diagnoses else None
            if found is None:
                error = f"no diagnosis (router said {reply.get('status')})"
        except Exception as exc:  # noqa: BLE001 - one broken scenario must not stop the suite
            error = f"{type(exc).__name__}: {exc}"
    correct, missing = judge(found, expected)
    return {
        "scenario": scenario.name,
        "expected": expected.get("class"),
        "found": found.get("category") if found else None,
        "correct": correct,
        "missing": missing,
        "confidence": found.get("confidence") if found else None,
        "error": error,
    }


def evaluate_suite(settings: Settings, suite: Path) -> list[dict[str, Any]]:
    return [evaluate_scenario(settings, s) for s in scenario_dirs(suite)]


def format_table(results: list[dict[str, Any]]) -> str:
    width = max([len(r["scenario"]) for r in results] + [8])
    lines = [f"{'scenario':<{width}}  {'expected':<42} {'found':<42} correct"]
    for r in results:
        note = ""
        if not r["correct"]:
            note = "  missing: " + ", ".join(r["missing"]) if r["missing"] else ""
            note += f"  ({r['error']})" if r["error"] else ""
        lines.append(
            f"{r['scenario']:<{width}}  {r['expected'] or '-':<42} {r['found'] or '-':<42} "
            f"{'yes' if r['correct'] else 'NO'}{note}"
        )
    correct = sum(r["correct"] for r in results)
    lines.append(f"\naccuracy: {100 * correct / len(results):.1f}% ({correct}/{len(results)} correct)")
    return "\n".join(lines)
