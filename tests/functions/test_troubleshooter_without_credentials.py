"""A troubleshooter started with no snapshot and no cluster credentials answers with the reason, once."""

import json
import logging
import sys
from pathlib import Path

from functions_framework import create_app

ROOT = Path(__file__).resolve().parents[2]


def test_no_credentials_is_a_503_naming_the_reason_not_tracebacks(tmp_path, monkeypatch, caplog):
    for name in ("KUBETRIAGE_SNAPSHOT", "KUBERNETES_SERVICE_HOST", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "no-such-kubeconfig"))
    monkeypatch.setenv("KUBETRIAGE_STATE_DIR", str(tmp_path / "state"))
    sys.modules.pop("main", None)
    client = create_app("handle", str(ROOT / "functions" / "k8s_troubleshooter" / "main.py")).test_client()
    incident = {"investigation_id": "inv-nocreds", "fingerprint": "f" * 16, "source": "apiserver",
                "family": "crashloop", "reason": "BackOff", "message": "x", "cluster": "c", "namespace": "shop",
                "object_kind": "Pod", "object_name": "api-1", "pod": "api-1"}
    headers = {"ce-specversion": "1.0", "ce-type": "io.kubetriage.investigation.requested", "ce-source": "/router",
               "ce-id": "nocreds-1", "ce-specialist": "k8s_troubleshooter", "Content-Type": "application/json"}
    with caplog.at_level(logging.ERROR):
        response = client.post("/", data=json.dumps(incident), headers=headers)
    assert response.status_code == 503  # the platform redelivers once credentials exist
    body = response.get_json()
    assert body["error"] == "cluster unavailable" and "no cluster credentials" in body["detail"]
    assert "Traceback" not in caplog.text and "ConfigException" not in caplog.text
