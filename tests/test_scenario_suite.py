"""The bundled scenario suite, end to end: every scenario is diagnosed correctly by the rules planner.

Scenarios render from devtools/scenarios (kubectl dump layout) and go through the whole path
(intake, routing, troubleshooter) exactly as `kubetriage eval` runs them.
"""

import json

import pytest

from devtools.scenarios import SCENARIOS, render_suite
from shared.categories import ALL_CATEGORIES, K8S_CATEGORIES
from shared.evaluation import evaluate_scenario
from shared.settings import Settings


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return {p.name: p for p in render_suite(tmp_path_factory.mktemp("suite"))}


def test_every_failure_class_has_a_scenario(suite):
    classes = {json.loads((p / "expected.json").read_text())["class"] for p in suite.values()}
    assert set(K8S_CATEGORIES) - classes == set()


def test_every_scenario_has_the_kubectl_dump_layout(suite):
    for path in suite.values():
        assert (path / "nodes.json").exists()
        for ns_dir in (p for p in path.iterdir() if p.is_dir() and p.name != "extra"):
            for kind in ("events", "replication-controllers", "services", "daemonsets", "deployments",
                         "replicasets", "pods"):
                doc = json.loads((ns_dir / f"{kind}.json").read_text())
                assert doc["kind"].endswith("List") and all("kind" not in i for i in doc["items"])
        assert json.loads((path / "expected.json").read_text())["class"] in ALL_CATEGORIES


def test_rendering_is_deterministic(tmp_path):
    name = sorted(SCENARIOS)[0]
    (a,) = render_suite(tmp_path / "a", [name])
    (b,) = render_suite(tmp_path / "b", [name])
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_troubleshooter_names_the_root_cause(suite, name):
    result = evaluate_scenario(Settings(), suite[name])
    assert result["error"] is None
    assert result["found"] == result["expected"], result
    assert result["missing"] == [], result


KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32"


@pytest.mark.skipif(not __import__("os").path.exists(KUBECTL), reason="kubectl is not installed")
@pytest.mark.parametrize("name", ["oom-killed-jvm-heap", "pending-unbound-pvc-storageclass"])
def test_a_rendered_dump_equals_what_real_kubectl_writes_when_served_the_same_cluster(tmp_path, name):
    import subprocess

    from devtools.kubeapi import serve_cluster
    from shared.cluster.snapshot import load_snapshot

    (ours,) = render_suite(tmp_path / "ours", [name])
    with serve_cluster(load_snapshot(ours)) as server:
        kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
        out = subprocess.run([KUBECTL, "--kubeconfig", str(kubeconfig), "cluster-info", "dump", "--all-namespaces",
                              "--output-directory", str(tmp_path / "kubectl")], capture_output=True, text=True,
                             timeout=120)
    assert out.returncode == 0, out.stderr
    theirs = tmp_path / "kubectl"
    files = sorted(p.relative_to(theirs) for p in theirs.rglob("*") if p.is_file())
    assert files and all((ours / f).exists() for f in files)
    for f in files:
        if f.suffix == ".json":
            assert json.loads((theirs / f).read_text())["items"] == json.loads((ours / f).read_text())["items"], f
        else:
            assert (theirs / f).read_text() == (ours / f).read_text(), f
