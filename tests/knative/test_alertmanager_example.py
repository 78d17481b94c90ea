"""The Alertmanager example points a bearer-authenticated webhook at the router's /alertmanager."""

import os
import shutil
import subprocess
from urllib.parse import urlparse

import pytest
import yaml

from tests.knative.manifests import KNATIVE, Manifests

EXAMPLE = KNATIVE / "examples" / "alertmanager-receiver.yaml"


def _webhooks():
    config = yaml.safe_load(EXAMPLE.read_text())
    return [w for r in config["receivers"] for w in r.get("webhook_configs", [])], config


def test_the_webhook_goes_to_the_routers_alertmanager_path_inside_the_cluster(base: Manifests):
    (webhook,), _ = _webhooks()
    router = base.named("Service", "kubetriage-router")
    url = urlparse(webhook["url"])
    assert url.hostname == f"{router['metadata']['name']}.{router['metadata']['namespace']}.svc.cluster.local"
    assert url.path == "/alertmanager"


def test_the_webhook_sends_bearer_credentials_without_writing_them_down():
    (webhook,), _ = _webhooks()
    authorization = webhook["http_config"]["authorization"]
    assert authorization["type"] == "Bearer"
    assert authorization.get("credentials_file") and "credentials" not in authorization


def test_the_route_sends_alerts_to_kubetriage_without_stopping_other_receivers():
    _, config = _webhooks()
    (route,) = [r for r in config["route"]["routes"] if r["receiver"] == "kubetriage"]
    assert route["continue"] is True


def test_the_webhook_sends_resolutions_which_close_the_alerts_episode():
    (webhook,), _ = _webhooks()
    assert webhook["send_resolved"] is True  # a re-fire after the resolution is a new investigation


def test_the_real_alertmanager_accepts_the_example():
    amtool = shutil.which("amtool")
    if not amtool:
        if os.environ.get("CI"):
            pytest.fail("amtool must be installed (prometheus-alertmanager, .ci/setup.d/50-alertmanager.sh)")
        pytest.skip("no amtool here (.ci/setup.d/50-alertmanager.sh installs prometheus-alertmanager)")
    checked = subprocess.run([amtool, "check-config", str(EXAMPLE)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stdout + checked.stderr
