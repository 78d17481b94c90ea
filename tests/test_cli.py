"""The `kubetriage` command as a person runs it: diagnose, eval, demo, and their exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.scenarios import SCENARIOS, render_suite

KUBETRIAGE = [sys.executable, "-m", "shared.cli"]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    name = next(n for n in sorted(SCENARIOS) if "missing-env" in n)
    (path,) = render_suite(tmp_path_factory.mktemp("suite"), [name])
    return path


def _trigger(path: Path) -> list[str]:
    for flag, file in (("--event", "event.json"), ("--alert", "alert.json"), ("--ask", "ask.json")):
        if (path / file).exists():
            return [flag, str(path / file)]
    raise AssertionError("scenario without a trigger")


def _run(args, tmp_path, **env):
    environ = {"PATH": "/usr/bin:/bin", "KUBETRIAGE_STATE_DIR": str(tmp_path / "state"), **env}
    return subprocess.run(KUBETRIAGE + args, capture_output=True, text=True, env=environ, timeout=120)


def test_diagnose_json_prints_the_diagnosis_object_alone_with_every_contract_field(scenario, tmp_path):
    out = _run(["diagnose", "--snapshot", str(scenario), *_trigger(scenario), "--json"], tmp_path)
    assert out.returncode == 0, out.stderr
    diagnosis = json.loads(out.stdout)
    for key in ("investigation_id", "incident", "specialist", "status", "summary", "root_cause",
                "evidence", "recommendations", "commands", "confidence", "planner", "steps",
                "tool_calls", "tokens", "occurrences", "started_at", "finished_at", "category"):
        assert key in diagnosis, key
    assert diagnosis["planner"] == "rules"
    assert set(diagnosis["tokens"]) >= {"input", "output", "cache_read"}
    expected = json.loads((scenario / "expected.json").read_text())
    assert diagnosis["category"] == expected["class"]


def test_diagnose_for_a_person_prints_the_root_cause_and_commands(scenario, tmp_path):
    out = _run(["diagnose", "--snapshot", str(scenario), *_trigger(scenario)], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Root cause:" in out.stdout and "Commands (suggested, not run):" in out.stdout


def test_diagnose_of_noise_exits_non_zero_with_a_one_line_reason(scenario, tmp_path):
    event = {"apiVersion": "v1", "kind": "Event", "type": "Normal", "reason": "Pulled",
             "message": "Successfully pulled image", "metadata": {"name": "x.1", "namespace": "default"},
             "involvedObject": {"kind": "Pod", "name": "x", "namespace": "default"}}
    path = tmp_path / "normal.json"
    path.write_text(json.dumps(event))
    out = _run(["diagnose", "--snapshot", str(scenario), "--event", str(path)], tmp_path)
    assert out.returncode == 1
    assert out.stderr.strip().count("\n") == 0 and "noise" in out.stderr


def test_diagnose_of_a_missing_snapshot_says_so(tmp_path):
    out = _run(["diagnose", "--snapshot", str(tmp_path / "nope"), "--event", "x.json"], tmp_path)
    assert out.returncode == 2 and "not a directory" in out.stderr


def test_eval_prints_the_table_and_the_accuracy(scenario, tmp_path):
    out = _run(["eval", str(scenario.parent), "--json"], tmp_path)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["total"] == 1
    assert {"scenario", "expected", "found", "correct", "confidence"} <= set(report["results"][0])
    assert sum(band["total"] for band in report["calibration"]) == 1


def test_eval_for_a_person_prints_the_calibration_per_confidence_band(scenario, tmp_path):
    out = _run(["eval", str(scenario.parent)], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "accuracy: 100.0% (1/1 correct)" in out.stdout
    assert "calibration" in out.stdout and "0.85-0.95" in out.stdout


def test_eval_with_no_suite_reads_the_rendered_suites_and_says_how_to_render_them_when_missing(tmp_path):
    out = _run(["eval"], tmp_path)
    assert out.returncode == 2 and "make suites" in out.stderr
    demo = _run(["demo"], tmp_path)
    assert demo.returncode == 2 and "make suites" in demo.stderr


def _render_suites(tmp_path):
    from devtools.suites import render_all

    render_all(tmp_path / "state" / "suites")


def test_eval_and_demo_never_import_devtools(scenario, tmp_path):
    _render_suites(tmp_path)
    code = ("import sys; from shared.cli import main; "
            f"assert main(['eval', {str(scenario.parent)!r}]) == 0; assert main(['demo']) == 0; "
            "assert not [m for m in sys.modules if m.split('.')[0] == 'devtools'], 'devtools imported'")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "KUBETRIAGE_STATE_DIR": str(tmp_path / "state")})
    assert out.returncode == 0, out.stderr


def test_the_demo_prints_a_diagnosis_per_bundled_incident_and_remembers_them_on_a_second_run(tmp_path):
    _render_suites(tmp_path)
    first = _run(["demo"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("\n== ") >= 6 and "Root cause:" in first.stdout
    second = _run(["demo"], tmp_path)
    assert second.returncode == 0 and second.stdout.count("(seen before") >= 6
