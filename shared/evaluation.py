"""Scoring diagnoses against scenarios' expected.json (the ARCHITECTURE's correctness rule)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

from shared.settings import Settings

TRIGGER_FILES = (("event", "event.json"), ("alert", "alert.json"), ("ask", "ask.json"))
# Confidence bands for calibration: how many diagnoses in each band were right. 0.85 is the model gate.
BANDS: Final = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.85), (0.85, 0.95), (0.95, 1.0))


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
            from shared.cost.aws_state import scenario_aws

            with scenario_aws(scenario) as aws_environ:  # extra/aws.json: a moto server for this scenario
                diagnoses, reply = diagnose(settings, scenario, kind, (scenario / file).read_bytes(),
                                            environ=aws_environ)
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
        "tool_calls": found.get("tool_calls") if found else None,
        "error": error,
    }


def evaluate_suite(
    settings: Settings, suite: Path, on_progress: Callable[[int, int, str], None] | None = None
) -> list[dict[str, Any]]:
    """Every scenario under `suite`; each result names its suite (the first directory below `suite` when the
    scenarios sit two levels down, as `python -m devtools.suites` renders them, else the directory's name).

    `on_progress(done, total, scenario)` is called after each scenario (a person should see it move).
    """
    results = []
    scenarios = scenario_dirs(suite)
    for done, scenario in enumerate(scenarios, 1):
        parts = scenario.relative_to(suite).parts
        results.append({"suite": parts[0] if len(parts) > 1 else suite.name, **evaluate_scenario(settings, scenario)})
        if on_progress is not None:
            on_progress(done, len(scenarios), scenario.name)
    return results


def calibration(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each confidence band, how many diagnoses fell in it and how many of those were right."""
    rows = []
    for low, high in BANDS:
        inside = [r for r in results if r.get("confidence") is not None
                  and low <= r["confidence"] < high + (0.001 if high == 1.0 else 0.0)]
        rows.append({"band": f"{low:.2f}-{high:.2f}", "total": len(inside),
                     "correct": sum(1 for r in inside if r["correct"])})
    return rows


def summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy and calibration, per suite and over all (the `--json` report)."""
    suites = {}
    for name in dict.fromkeys(r.get("suite", "") for r in results):
        mine = [r for r in results if r.get("suite", "") == name]
        suites[name] = _score(mine)
    return {"results": results, **_score(results), "suites": suites}


def _score(results: list[dict[str, Any]]) -> dict[str, Any]:
    correct = sum(r["correct"] for r in results)
    return {"correct": correct, "total": len(results), "accuracy": correct / len(results) if results else 0.0,
            "calibration": calibration(results)}


def format_table(results: list[dict[str, Any]]) -> str:
    """One table per suite with its accuracy and calibration; the overall figures when there are several."""
    suites = list(dict.fromkeys(r.get("suite", "") for r in results))
    blocks = [_format_suite(name, [r for r in results if r.get("suite", "") == name]) for name in suites]
    if len(suites) > 1:
        blocks.append("all suites:\n" + _format_scores(results))
    return "\n\n".join(blocks)


def _format_suite(name: str, results: list[dict[str, Any]]) -> str:
    width = max([len(r["scenario"]) for r in results] + [8])
    lines = [f"== suite {name}" if name else "", f"{'scenario':<{width}}  {'expected':<42} {'found':<42} conf  correct"]
    for r in results:
        note = ""
        if not r["correct"]:
            note = "  missing: " + ", ".join(r["missing"]) if r["missing"] else ""
            note += f"  ({r['error']})" if r["error"] else ""
        conf = f"{r['confidence']:.2f}" if r.get("confidence") is not None else "  - "
        lines.append(
            f"{r['scenario']:<{width}}  {r['expected'] or '-':<42} {r['found'] or '-':<42} {conf}  "
            f"{'yes' if r['correct'] else 'NO'}{note}"
        )
    lines.append("")
    lines.append(_format_scores(results))
    return "\n".join(line for i, line in enumerate(lines) if line or i)


def _format_scores(results: list[dict[str, Any]]) -> str:
    correct = sum(r["correct"] for r in results)
    lines = [f"accuracy: {100 * correct / len(results):.1f}% ({correct}/{len(results)} correct)",
             "calibration (confidence band: right/diagnoses):"]
    for row in calibration(results):
        share = f"{100 * row['correct'] / row['total']:.0f}%" if row["total"] else "-"
        lines.append(f"  {row['band']}: {row['correct']}/{row['total']} ({share})")
    return "\n".join(lines)
