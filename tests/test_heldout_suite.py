"""The held-out suite (devtools/heldout, written blind to the analyzers by another author) end to end."""

import pytest

from devtools.heldout import SCENARIOS, render_suite
from shared.evaluation import evaluate_scenario
from shared.settings import Settings


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return {p.name: p for p in render_suite(tmp_path_factory.mktemp("heldout"))}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_troubleshooter_names_the_root_cause_of_a_held_out_scenario(suite, name):
    result = evaluate_scenario(Settings(), suite[name])
    assert result["error"] is None
    assert (result["found"], result["missing"]) == (result["expected"], []), result
