"""The specialists' held-out suite (devtools/heldout_specialists) is well-formed: it renders with the others,
every scenario loads as a snapshot and carries one trigger and an expected answer. Its accuracy is a
measurement (make eval), deliberately not a gate here: the suite was written blind to the analyzers."""

import json

import pytest

from devtools.heldout_specialists import SCENARIOS
from devtools.suites import SUITES, render_all
from shared.categories import is_known_category
from shared.evaluation import TRIGGER_FILES, scenario_dirs


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("suites")
    counts = render_all(out)
    return counts, {p.name: p for p in scenario_dirs(out / "heldout_specialists")}


def test_make_suites_renders_it_beside_the_others(rendered):
    counts, scenarios = rendered
    assert SUITES["heldout_specialists"] == "devtools.heldout_specialists"
    assert counts["heldout_specialists"] == len(SCENARIOS) == len(scenarios)


def test_a_dozen_each_for_cost_and_security_with_a_third_look_alikes(rendered):
    _, scenarios = rendered
    classes = {name: json.loads((path / "expected.json").read_text())["class"] for name, path in scenarios.items()}
    for prefix, specialist in (("cost-", "cost_"), ("sec-", "security_")):
        mine = {n: c for n, c in classes.items() if n.startswith(prefix)}
        assert len(mine) >= 12
        positives = [c for c in mine.values() if c.startswith(specialist)]
        assert len(positives) == len(mine) - sum(c in ("healthy", "unknown") for c in mine.values())
        assert len(mine) / 4 <= len(mine) - len(positives) <= len(mine) / 2


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_each_scenario_has_one_trigger_an_expected_answer_and_loads(rendered, name):
    from shared.cluster.snapshot import load_snapshot

    path = rendered[1][name]
    expected = json.loads((path / "expected.json").read_text())
    assert set(expected) == {"class", "must_mention", "notes"} and expected["notes"]
    assert is_known_category(expected["class"]) and all(isinstance(m, str) and m for m in expected["must_mention"])
    triggers = [f for _, f in TRIGGER_FILES if (path / f).exists()]
    assert len(triggers) == 1
    trigger = json.loads((path / triggers[0]).read_text())
    if triggers[0] == "alert.json":
        assert trigger["version"] == "4" and trigger["alerts"][0]["status"] == "firing"
        assert trigger["alerts"][0]["labels"].get("alertname") or trigger["alerts"][0]["labels"]["source"] == "falco"
    elif triggers[0] == "ask.json":
        assert trigger["namespace"] and trigger["question"] and trigger["specialist"] in (
            "cost_analyzer", "security_auditor")
    else:
        assert trigger["kind"] in ("ClusterRoleBinding", "RoleBinding") and trigger["roleRef"]["name"]
    cluster = load_snapshot(str(path))
    assert cluster.metrics("pods") and cluster.metrics("nodes")
    aws = path / "extra" / "aws.json"
    if aws.exists():
        assert json.loads(aws.read_text())["region"] == "us-east-2"
