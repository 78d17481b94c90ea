"""Issue 12's gates, kept: the adversarial suite passes at 90 % or more, and on every suite no diagnosis at
confidence 0.85 or above (where the model gate closes) is wrong."""

import pytest

from devtools import adversarial, heldout, scenarios
from shared.evaluation import evaluate_suite
from shared.settings import Settings

SUITES = {"bundled": scenarios, "heldout": heldout, "adversarial": adversarial}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("gates")
    found = {}
    for name, package in SUITES.items():
        package.render_suite(out / name)
        found[name] = evaluate_suite(Settings(), out / name)
    return found


def test_the_adversarial_suite_passes_at_ninety_percent_or_more(results):
    adversarial_results = results["adversarial"]
    wrong = [(r["scenario"], r["expected"], r["found"]) for r in adversarial_results if not r["correct"]]
    assert len(adversarial_results) >= 44
    assert sum(r["correct"] for r in adversarial_results) / len(adversarial_results) >= 0.9, wrong


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_no_confident_diagnosis_is_wrong(results, suite):
    confident_and_wrong = [(r["scenario"], r["expected"], r["found"], r["confidence"]) for r in results[suite]
                           if not r["correct"] and (r["confidence"] or 0) >= 0.85]
    assert not confident_and_wrong
