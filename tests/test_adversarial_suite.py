"""The adversarial suite (devtools/adversarial, issue 12) renders to valid scenarios.

Only the format is checked here: the accuracy on this suite is what the analyzers are measured by, and it
is asserted by their own tests once they pass it.
"""

import json
import os
from collections import Counter

import pytest

from devtools.adversarial import SCENARIOS, render_suite
from shared.categories import ALL_CATEGORIES
from shared.cluster.snapshot import load_snapshot
from shared.incident import Incident
from shared.intake.alertmanager import incidents_from_webhook
from shared.intake.apiserver import UPDATE, incident_from_event
from shared.intake.manual import incident_from_request

VERDICTS = {"healthy", "not_found"}
DUMP_KINDS = ("events", "replication-controllers", "services", "daemonsets", "deployments", "replicasets", "pods")


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return {p.name: p for p in render_suite(tmp_path_factory.mktemp("adversarial"))}


def test_the_suite_has_at_least_44_scenarios_in_the_groups_the_issue_asks_for():
    groups = Counter(build().group for build in SCENARIOS.values())
    assert len(SCENARIOS) >= 44
    minimum = {"healthy": 6, "not_found": 5, "dying_words": 8, "red_herring": 6, "cascade": 12, "sweep": 4,
               "alert_labels": 4}
    assert {g: groups[g] for g in minimum} == {g: max(groups[g], n) for g, n in minimum.items()}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_scenario_is_a_kubectl_dump_with_a_valid_trigger_and_expectation(suite, name):
    path = suite[name]
    assert (path / "nodes.json").exists()
    for ns_dir in (p for p in path.iterdir() if p.is_dir() and p.name != "extra"):
        for kind in DUMP_KINDS:
            doc = json.loads((ns_dir / f"{kind}.json").read_text())
            assert doc["kind"].endswith("List") and all("kind" not in i for i in doc["items"])
    cluster = load_snapshot(path)
    assert cluster is not None
    expected = json.loads((path / "expected.json").read_text())
    assert expected["class"] in ALL_CATEGORIES | VERDICTS
    assert expected["must_mention"] and all(isinstance(m, str) and m for m in expected["must_mention"])
    assert expected["notes"]
    assert all(set(link) == {"object", "observation"} for link in expected.get("chain", []))
    triggers = [f for f in ("event.json", "alert.json", "ask.json") if (path / f).exists()]
    assert len(triggers) == 1
    data = json.loads((path / triggers[0]).read_text())
    if triggers[0] == "event.json":
        assert isinstance(incident_from_event({"type": UPDATE}, data, "prod-euw1"), Incident)
        events = json.loads((path / data["metadata"]["namespace"] / "events.json").read_text())["items"]
        assert data["metadata"]["name"] in {e["metadata"]["name"] for e in events}
    elif triggers[0] == "alert.json":
        assert data["version"] == "4" and data["status"] == "firing"
        assert all(isinstance(i, Incident) for i in incidents_from_webhook(data, "prod-euw1"))
    else:
        assert isinstance(incident_from_request(data, "prod-euw1"), Incident)


def test_cascades_name_their_chain_from_symptom_to_root():
    for build in SCENARIOS.values():
        scenario = build()
        if scenario.group == "cascade":
            assert len(scenario.chain) >= 2, scenario.name


def test_rendering_is_deterministic(tmp_path):
    name = sorted(SCENARIOS)[0]
    (a,) = render_suite(tmp_path / "a", [name])
    (b,) = render_suite(tmp_path / "b", [name])
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


# The real kubectl comes from the Google Cloud SDK's apt source, which a fresh CI machine may not have (no
# Debian package ships it), so like tests/test_scenario_suite.py this skips without it, even under CI.
KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32"


@pytest.mark.skipif(not os.path.exists(KUBECTL), reason="kubectl 1.32 (Google Cloud SDK) is not installed")
@pytest.mark.parametrize("name", ["healthy-storefront-old-unhealthy-ask", "cascade-quota-blocks-dependency"])
def test_a_rendered_dump_equals_what_real_kubectl_writes_when_served_the_same_cluster(tmp_path, name):
    import subprocess

    from devtools.kubeapi import serve_cluster

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
