"""The one image: pinned base, runtime dependencies only, byte-compiled, non-root, the function chosen by env."""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.knative.manifests import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
DOCKERIGNORE = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]


def _instructions(name: str) -> list[str]:
    joined = DOCKERFILE.replace("\\\n", " ")
    return [m.group(1).strip() for m in re.finditer(rf"^{name}\s+(.*)$", joined, re.M)]


def test_every_stage_starts_from_a_pinned_python_3_11_slim():
    (default,) = [a.split("=", 1)[1] for a in _instructions("ARG") if a.startswith("PYTHON_IMAGE=")]
    assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?(@sha256:[0-9a-f]{64})?", default), default
    assert all(f.split()[0] == "${PYTHON_IMAGE}" for f in _instructions("FROM"))


def test_only_runtime_dependencies_are_installed_and_then_byte_compiled():
    run = " ".join(_instructions("RUN"))
    assert re.search(r"pip install [^&]*\.(\s|$)", run) and "[dev]" not in run
    assert "python -m compileall" in run


def test_the_image_runs_as_a_numeric_non_root_user():
    (user,) = _instructions("USER")
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0


def test_every_file_the_build_copies_from_the_context_passes_the_dockerignore():
    assert DOCKERIGNORE[0] == "*", "an allowlist keeps stray files (.venv, .git, secrets) out of the context"
    allowed = {p[1:] for p in DOCKERIGNORE if p.startswith("!")}
    sources = [s for c in _instructions("COPY") if not c.startswith("--from") for s in c.split()[:-1]]
    assert sources
    for source in sources:
        assert source in allowed, source
        assert (ROOT / source).exists(), source


def _run_cmd(tmp_path: Path, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the image's CMD with a stand-in functions-framework that prints the arguments it got."""
    (cmd,) = _instructions("CMD")
    argv = json.loads(cmd)
    stub = tmp_path / "functions-framework"
    stub.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    stub.chmod(0o755)
    env = {"PATH": f"{tmp_path}:{os.environ['PATH']}", **environ}
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=10)


@pytest.mark.parametrize("function", ["router", "k8s_troubleshooter"],
                         ids=["the router's image command", "the troubleshooter's image command"])
def test_the_command_serves_the_function_named_in_the_environment(tmp_path, function):
    out = _run_cmd(tmp_path, {"KUBETRIAGE_FUNCTION": function, "FUNCTION_TARGET": "handle", "PORT": "8080"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["--source", f"functions/{function}/main.py", "--target", "handle", "--port", "8080"]


def test_the_command_refuses_to_start_without_a_function(tmp_path):
    out = _run_cmd(tmp_path, {"FUNCTION_TARGET": "handle"})
    assert out.returncode != 0
    assert "KUBETRIAGE_FUNCTION" in out.stderr
