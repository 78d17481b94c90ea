"""A moto server on loopback for the cost tests, and what it recorded (the AWS operations we made)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest
import requests

from shared.cost.aws_state import environ_for, moto_server, seed


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoAws]:
    pytest.importorskip("moto.server", reason="moto[server] is the dev extra")
    import moto.moto_api

    # The recorder writes where it was told at import; point it into this module's directory.
    moto.moto_api.recorder._location = str(tmp_path_factory.mktemp("moto") / "moto-recording.jsonl")
    with moto_server() as endpoint:
        yield MotoAws(endpoint)


class MotoAws:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.seeded: dict[str, dict[str, str]] = {}

    def seed(self, state: dict) -> dict[str, str]:
        """Create the state (once per module), then start recording: what is recorded after is what we did."""
        key = json.dumps(state, sort_keys=True)
        if key not in self.seeded:
            if self.seeded:
                raise AssertionError("one AWS state per test module: moto keeps one state per process")
            seed(self.endpoint, state)
            self.seeded[key] = environ_for(self.endpoint, state.get("region", "us-east-1"))
        requests.post(f"{self.endpoint}/moto-api/recorder/reset-recording", timeout=5)
        requests.post(f"{self.endpoint}/moto-api/recorder/start-recording", timeout=5)
        return self.seeded[key]

    def operations(self) -> list[tuple[str, str]]:
        """(HTTP method, AWS operation) of every request the server received since `seed`."""
        text = requests.get(f"{self.endpoint}/moto-api/recorder/download-recording", timeout=5).text
        out = []
        for line in filter(None, text.splitlines()):
            entry = json.loads(line)
            headers = {k.lower(): v for k, v in entry["headers"].items()}
            target = headers.get("x-amz-target", "")
            if target:
                out.append((entry["method"], target.split(".")[-1]))
            else:
                body = entry.get("body") or ""
                if entry.get("body_encoded"):
                    body = base64.b64decode(body).decode("utf-8", "replace")
                action = parse_qs(body).get("Action", ["?"])[0]
                out.append((entry["method"], action))
        return out
