"""The CLI for a person at a terminal: a live cluster through a kubeconfig, list/show, --version, pipes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.kubeapi import serve_cluster
from shared.cluster.snapshot import load_snapshot
from tests.test_cli import _run, scenario  # noqa: F401 - scenario is the module's fixture

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def api(scenario, tmp_path):  # noqa: F811 - the fixture imported above
    with serve_cluster(load_snapshot(scenario)) as server:
        server.kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
        yield server


def test_diagnose_reads_the_current_context_says_which_and_never_writes(api, scenario, tmp_path):  # noqa: F811
    expected = json.loads((scenario / "expected.json").read_text())
    namespace = _namespace_of(scenario)
    out = _run(["diagnose", "--namespace", namespace, "--question", "what is wrong here?", "--json"], tmp_path,
               KUBECONFIG=str(api.kubeconfig))
    assert out.returncode == 0, out.stderr
    assert f"reading context local at {api.url}" in out.stderr
    assert json.loads(out.stdout)["category"] == expected["class"]
    assert api.requests and {r["method"] for r in api.requests} == {"GET"}


def _namespace_of(path):
    for file, find in (("ask.json", lambda d: d["namespace"]), ("event.json", lambda d: d["involvedObject"]["namespace"]),
                       ("alert.json", lambda d: d["alerts"][0]["labels"]["namespace"])):
        if (path / file).exists():
            return find(json.loads((path / file).read_text()))
    raise AssertionError("no trigger")


def test_a_named_context_that_does_not_exist_is_one_line_naming_the_ones_that_do(api, tmp_path):
    out = _run(["diagnose", "--context", "prod", "-n", "shop"], tmp_path, KUBECONFIG=str(api.kubeconfig))
    assert out.returncode == 2
    assert out.stderr.strip() == "kubetriage: no context 'prod' in the kubeconfig (it has: local)"


def test_no_credentials_at_all_is_one_clear_line_and_no_traceback(tmp_path):
    out = _run(["diagnose", "-n", "shop"], tmp_path, HOME=str(tmp_path), KUBECONFIG=str(tmp_path / "missing"))
    assert out.returncode == 2
    assert out.stderr.startswith("kubetriage: no cluster credentials") and len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


def test_pod_without_namespace_is_refused_with_a_reason(tmp_path):
    out = _run(["diagnose", "--snapshot", str(tmp_path), "--event", "x.json", "--pod", "p"], tmp_path)
    assert out.returncode == 2 and "--namespace" in out.stderr


def test_version_names_the_installed_version(tmp_path):
    out = _run(["--version"], tmp_path)
    from importlib.metadata import version

    assert out.returncode == 0 and out.stdout.strip() == f"kubetriage {version('kubetriage')}"


def test_list_and_show_read_what_the_functions_stored(scenario, tmp_path):  # noqa: F811
    from dataclasses import replace

    from shared.cli import diagnose
    from shared.settings import Settings
    from shared.stores.sqlite import SqliteStore

    state = tmp_path / "state"
    state.mkdir()
    store = SqliteStore(str(state / "state.sqlite3"))
    trigger = next(f for f in ("event.json", "alert.json", "ask.json") if (scenario / f).exists())
    (found,), _ = diagnose(replace(Settings()), scenario, trigger.removesuffix(".json"),
                           (scenario / trigger).read_bytes(), store=store)
    listed = _run(["list", "--json"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    (item,) = json.loads(listed.stdout)
    assert item["investigation_id"] == found["investigation_id"] and item["status"] == "completed"
    human = _run(["list"], tmp_path).stdout
    assert found["investigation_id"] in human and found["summary"] in human
    shown = _run(["show", found["investigation_id"]], tmp_path)
    assert shown.returncode == 0 and found["root_cause"].split()[0] in shown.stdout
    assert json.loads(_run(["show", found["investigation_id"], "--json"], tmp_path).stdout)["diagnosis"][
        "category"] == found["category"]
    missing = _run(["show", "inv-nope"], tmp_path)
    assert missing.returncode == 1 and "no investigation inv-nope" in missing.stderr
    assert _run(["list", "--status", "failed"], tmp_path).stdout.startswith("no investigations with status failed")


def test_a_closed_pipe_ends_quietly(scenario, tmp_path):  # noqa: F811
    env = {"PATH": "/usr/bin:/bin", "KUBETRIAGE_STATE_DIR": str(tmp_path / "state"),
           "PYTHONPATH": os.pathsep.join(sys.path)}
    trigger = next(f for f in ("event.json", "alert.json", "ask.json") if (scenario / f).exists())
    cmd = (f"{sys.executable} -m shared.cli diagnose --snapshot {scenario} "
           f"--{trigger.removesuffix('.json')} {scenario / trigger} | head -1")
    out = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=120)
    assert "BrokenPipeError" not in out.stderr and "Traceback" not in out.stderr
    assert out.returncode == 0 and out.stdout.count("\n") == 1


def test_eval_shows_progress_on_a_terminal_while_it_works(scenario, tmp_path):  # noqa: F811
    import pty

    primary, secondary = pty.openpty()
    env = {"PATH": "/usr/bin:/bin", "KUBETRIAGE_STATE_DIR": str(tmp_path / "state"), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "shared.cli", "eval", str(scenario.parent)], stdout=subprocess.PIPE,
                          stderr=secondary, env=env, cwd=ROOT, timeout=120)
    os.close(secondary)
    shown = os.read(primary, 65536).decode()
    os.close(primary)
    assert proc.returncode == 0
    assert f"[1/1] {scenario.name}" in shown


def test_eval_into_a_log_says_how_far_it_got(scenario, tmp_path):  # noqa: F811
    out = _run(["eval", str(scenario.parent)], tmp_path)
    assert "evaluated 1/1" in out.stderr
