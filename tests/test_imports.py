"""`import shared` and its contract modules load no heavy SDK: cold start counts."""

import subprocess
import sys

HEAVY = ("anthropic", "kubernetes", "boto3", "redis", "opentelemetry.sdk")


def test_shared_contracts_import_no_heavy_sdk():
    code = (
        "import sys, shared, shared.ports, shared.incident, shared.diagnosis, shared.settings, "
        "shared.evidence, shared.analyzers.target\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
