"""The README as a new user follows it: every setting documented, every curl run as written, `make run` loud."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools.run_local import DEMO_SCENARIO, busy_ports, function_names, stop_group
from devtools.scenarios import render_suite
from tests.e2e.test_functions_over_http import _free_port

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KUBETRIAGE_", "K_SINK", "REDIS_URL", "SLACK"))}
    env.pop("ANTHROPIC_API_KEY", None)
    return {**env, "KUBETRIAGE_STATE_DIR": str(tmp_path / "state"), "PYTHONPATH": str(ROOT), **extra}


def test_every_setting_the_code_reads_is_in_the_readme():
    source = (ROOT / "shared" / "settings.py").read_text()
    names = re.findall(r'^[A-Z_]+: Final = "([A-Z][A-Z0-9_]+)"', source, flags=re.M)
    assert len(names) > 20
    missing = [n for n in names if f"`{n}`" not in README]
    assert not missing, f"settings missing from the README's table: {missing}"


def test_every_category_the_specialists_can_produce_has_a_line_in_the_readme():
    from shared.cost.brief import CATEGORIES as COST
    from shared.security.brief import CATEGORIES as SECURITY

    rows = set(re.findall(r"^\| `((?:security|cost)_[a-z_]+)` \|", README, flags=re.M))
    assert len(SECURITY) >= 10 and set(SECURITY) | set(COST) <= rows, sorted(set(SECURITY) | set(COST) - rows)


def test_the_example_files_belong_to_the_demo_cluster(tmp_path):
    (snapshot,) = render_suite(tmp_path, [DEMO_SCENARIO])
    event = json.loads((ROOT / "examples" / "event.json").read_text())
    assert event == json.loads((snapshot / "event.json").read_text())
    assert json.loads((ROOT / "examples" / "event.cloudevent.json").read_text())["data"] == event
    alert = json.loads((ROOT / "examples" / "alert.json").read_text())
    pod = alert["alerts"][0]["labels"]["pod"]
    pods = json.loads((snapshot / "payments" / "pods.json").read_text())["items"]
    assert pod in [p["metadata"]["name"] for p in pods]


def _blocks(section: str) -> list[str]:
    start = README.index(section)
    end = README.find("\n## ", start + 1)
    text = README[start:end if end > 0 else None]
    return [b for b in re.findall(r"```sh\n(.*?)```", text, flags=re.S) if "curl" in b]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("readme")
    port = _free_run()
    proc = subprocess.Popen([sys.executable, "-m", "devtools.run_local", "--demo"], cwd=ROOT,
                            env=_env(tmp, KUBETRIAGE_PORT=str(port)), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        line = ""
        deadline = time.monotonic() + 90
        while "reading snapshot" not in line and time.monotonic() < deadline and proc.poll() is None:
            line = proc.stdout.readline()
        assert "reading snapshot" in line, f"make run-demo did not start: {line!r}"
        yield port
    finally:
        stop_group(proc, signal.SIGTERM)
        proc.wait(20)


def _free_run() -> int:
    """A base port with every port `make run` takes after it free too (one per function)."""
    while True:
        port = _free_port()
        if port + len(function_names()) < 65536 and not busy_ports(
                {str(i): port + i for i in range(len(function_names()))}):
            return port


def test_every_curl_in_the_readme_runs_as_written_against_make_run_demo(demo):
    blocks = _blocks("## Running the functions locally") + _blocks("### Following an investigation")
    assert len(blocks) >= 5
    for block in blocks:
        script = block.replace("localhost:8080", f"localhost:{demo}")
        out = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=ROOT, capture_output=True, text=True,
                             timeout=90)
        assert out.returncode == 0, (block, out.stderr)
        if "curl -si" in block:
            status = int(out.stdout.split()[1])
            assert 200 <= status < 300, (block, out.stdout)
        else:
            answer = json.loads(out.stdout)
            assert answer.get("status") == "completed" or "investigations" in answer, (block, answer)


def test_make_run_on_a_busy_port_says_so_and_fails(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = subprocess.run([sys.executable, "-m", "devtools.run_local", "--demo"], cwd=ROOT, capture_output=True,
                             text=True, timeout=60, env=_env(tmp_path, KUBETRIAGE_PORT=str(port)))
    assert out.returncode != 0
    # the ports after it may be taken too (other servers on this machine): the router's must be named
    assert out.stderr.startswith("kubetriage: port ") and f"{port} (router)" in out.stderr
    assert "already in use" in out.stderr


def test_make_run_without_credentials_is_one_line_and_no_function_starts(tmp_path):
    out = subprocess.run([sys.executable, "-m", "devtools.run_local"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, env=_env(tmp_path, HOME=str(tmp_path), KUBECONFIG=str(tmp_path / "none"),
                                              KUBETRIAGE_PORT=str(_free_run())))
    assert out.returncode != 0
    assert out.stderr.startswith("kubetriage: no cluster credentials") and len(out.stderr.strip().splitlines()) == 1


def test_make_manifests_writes_yaml_and_nothing_else():
    kubectl = shutil.which("kubectl") or "/usr/lib/google-cloud-sdk/bin/kubectl.1.32"
    if not Path(kubectl).exists():
        pytest.skip("no kubectl here")
    import yaml

    out = subprocess.run(["make", "-s", "manifests"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    docs = [d for d in yaml.safe_load_all(out.stdout) if d]
    assert docs and all("apiVersion" in d and "kind" in d for d in docs)
