"""`import shared` and its contract modules load no heavy SDK: cold start counts."""

import subprocess
import sys

import pytest

HEAVY = ("anthropic", "kubernetes", "boto3", "redis", "opentelemetry.sdk")


def test_shared_contracts_import_no_heavy_sdk():
    code = (
        "import sys, shared, shared.ports, shared.incident, shared.diagnosis, shared.settings, "
        "shared.evidence, shared.analyzers.target\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(filter(None, out.stdout.strip().split(",")))


def test_the_router_and_the_specialist_registry_load_no_boto3_and_no_specialist():
    loaded = _loaded_after(
        "import sys, shared.router, shared.specialists, shared.runtime\n"
        "assert not [m for m in sys.modules if m.startswith(('shared.cost', 'shared.analyzers', 'shared.tools'))]")
    assert "boto3" not in loaded


def test_the_cost_analyzer_builds_its_tools_without_importing_boto3():
    loaded = _loaded_after(
        "import sys\nfrom shared.settings import Settings\nfrom shared.specialists import load_parts\n"
        "parts = load_parts('cost_analyzer', Settings(), {})\n"
        "assert 'aws_idle_resources' in parts.tools and 'shared.tools.catalog' not in sys.modules")
    assert "boto3" not in loaded


def test_the_troubleshooter_loads_none_of_the_cost_analyzers_parts():
    _loaded_after(
        "import sys\nfrom shared.settings import Settings\nfrom shared.specialists import load_parts\n"
        "load_parts('k8s_troubleshooter', Settings(), {})\n"
        "assert not [m for m in sys.modules if m.startswith('shared.cost')]")


_INVESTIGATE = """
import sys, tempfile
from shared.cluster.memory import InMemoryCluster
from shared.incident import Incident
from shared.runtime import build_specialist, open_state
from shared.settings import Settings

settings = Settings(state_dir=tempfile.mkdtemp())
specialist = build_specialist(settings, open_state(settings), name={name!r}, environ={{}}, cluster=InMemoryCluster([]))
incident = Incident("fp", "manual", {family!r}, "ManualRequest", {question!r}, "c", "shop", "Namespace", "shop",
                    question={question!r})
outcome = specialist.investigator.advance("imports-1", incident)
assert outcome.finished, outcome
loaded = sorted(m for m in sys.modules if m in {forbidden!r})
print("LOADED=" + ",".join(loaded))
"""


@pytest.mark.parametrize(("name", "family", "question"), [
    ("cost_analyzer", "cost", "what in namespace shop is over-provisioned?"),
    ("security_auditor", "security", "audit namespace shop"),
], ids=["the cost analyzer", "the security auditor"])
def test_a_specialist_investigates_without_loading_the_troubleshooters_analyzers(name, family, question):
    from shared.analyzers.registry import ANALYZERS

    forbidden = sorted({type(a).__module__ for a in ANALYZERS.values()}
                       | {"shared.analyzers.registry", "shared.analyzers.verdicts", "shared.planners.rules"})
    code = _INVESTIGATE.format(name=name, family=family, question=question, forbidden=forbidden)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "LOADED="
