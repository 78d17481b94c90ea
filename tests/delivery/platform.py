"""A small stand-in for Knative around real function processes: a Broker that redelivers until an answer
is final, K_SINK and Slack that record what they were given, and the counts (lost, doubled, wrong).

The functions run as functions-framework processes (gunicorn: a worker SIGKILLed mid-request is
replaced by its arbiter, as a pod's container is restarted) from devtools/faulty_function.py, so a
test can arm a named fault point in a running process.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devtools.http_capture import CaptureServer
from devtools.messages_api import message, serve_messages_api, text, tool_use
from devtools.run_local import stop_group

ROOT = Path(__file__).resolve().parents[2]
FINAL = frozenset({200, 202, 400})
RETRYABLE = frozenset({409, 429, 500, 502, 503, 504})


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port: int, path: str, body: bytes, headers: dict[str, str], timeout: float = 60) -> tuple[int | None, Any]:
    """One POST; (None, reason) when the connection broke (the worker was killed)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", path, body, headers)
        response = conn.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data or b"{}")
        except ValueError:
            return response.status, {}
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()


def model_script(namespace: str, category: str):
    """The Messages API's side: read the namespace's events once, then submit `category`."""

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        last = body["messages"][-1]
        answered = isinstance(last.get("content"), list) and any(
            b.get("type") == "tool_result" for b in last["content"])
        if not answered:
            return message([text("Reading the events."),
                            tool_use("list_events", {"namespace": namespace}, f"toolu_{uuid.uuid4().hex[:20]}")],
                           "tool_use")
        submit = {"category": category, "summary": "checkout needs STRIPE_API_KEY",
                  "root_cause": "The container exits on a missing environment variable.", "confidence": 0.9}
        return message([tool_use("submit_diagnosis", submit, f"toolu_{uuid.uuid4().hex[:20]}")], "tool_use")

    return answer


@dataclass
class Function:
    name: str
    port: int
    proc: subprocess.Popen[bytes]


@dataclass
class Platform:
    """Routers and troubleshooters over one Redis, a Broker that redelivers, and the sinks."""

    env: dict[str, str]
    functions: dict[str, list[Function]] = field(default_factory=dict)
    delivered: int = 0  # broker events handed on so far
    attempts: Counter = field(default_factory=Counter)

    def start(self, name: str, count: int = 1) -> None:
        for _ in range(count):
            port = free_port()
            env = {**self.env, "KUBETRIAGE_TEST_FUNCTION": name}
            cmd = [sys.executable, "-m", "functions_framework", "--source", str(ROOT / "devtools/faulty_function.py"),
                   "--target", "handle", "--host", "127.0.0.1", "--port", str(port)]
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.functions.setdefault(name, []).append(Function(name, port, proc))
        for fn in self.functions[name]:
            self._wait_answering(fn)

    def _wait_answering(self, fn: Function, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert fn.proc.poll() is None, f"{fn.name} exited at start"
            status, _ = post(fn.port, "/__fault", b"{}", {"Content-Type": "application/json"}, timeout=5)
            if status == 200:
                return
            time.sleep(0.1)
        raise AssertionError(f"{fn.name} on {fn.port} never answered")

    def stop(self) -> None:
        for fns in self.functions.values():
            for fn in fns:
                stop_group(fn.proc, signal.SIGKILL)
                fn.proc.wait(10)

    def arm(self, name: str, point: str, action: str, skip: int = 0, index: int = 0) -> None:
        fn = self.functions[name][index]
        body = json.dumps({"point": point, "action": action, "skip": skip}).encode()
        assert post(fn.port, "/__fault", body, {"Content-Type": "application/json"})[0] == 200

    def disarm(self) -> None:
        for fns in self.functions.values():
            for fn in fns:
                post(fn.port, "/__fault", b"{}", {"Content-Type": "application/json"}, timeout=10)

    def deliver(self, name: str, body: bytes, headers: dict[str, str], path: str = "/", index: int = 0,
                tries: int = 80) -> tuple[int, Any]:
        """As the Broker does: again after a retryable answer or a broken connection, until final."""
        fn = self.functions[name][index % len(self.functions[name])]
        for _ in range(tries):
            self.attempts[name] += 1
            status, answer = post(fn.port, path, body, headers)
            if status in FINAL:
                return status, answer
            if status is None:  # killed: the arbiter starts a new worker
                self._wait_answering(fn)
                continue
            assert status in RETRYABLE, status
            time.sleep(0.1)
        raise AssertionError(f"{name}: no final answer after {tries} deliveries")

    def pump(self, broker: CaptureServer, troubleshooters: int = 1) -> int:
        """Hand every event the functions emitted so far to a troubleshooter; until none is left."""
        handed = 0
        while self.delivered < len(broker.requests):
            event = broker.requests[self.delivered]
            self.delivered += 1
            self.deliver("k8s_troubleshooter", event.body, dict(event.headers), index=self.delivered % troubleshooters)
            handed += 1
        return handed


def counts(sink: CaptureServer, slack: CaptureServer | None, expected: dict[str, str]) -> dict[str, int]:
    """Per investigation: lost (no diagnosis at K_SINK), doubled (two distinct diagnosis events, or a
    second Slack message), wrong (another category), and repeats of one event id (dropped by a
    de-duplicating sink, so neither doubled nor lost)."""
    by_id: dict[str, Counter] = {}
    categories: dict[str, set[str]] = {}
    for request in list(sink.requests):
        diagnosis = json.loads(request.body)
        inv = diagnosis["investigation_id"]
        by_id.setdefault(inv, Counter())[request.headers.get("ce-id")] += 1
        categories.setdefault(inv, set()).add(diagnosis["category"])
    slack_posts = Counter()
    for request in list(slack.requests) if slack is not None else []:
        slack_posts[_slack_investigation(request.body, expected)] += 1
    result = Counter()
    for inv, category in expected.items():
        ids = by_id.get(inv, Counter())
        result["lost"] += not ids
        result["doubled"] += len(ids) > 1 or slack_posts.get(inv, 0) > 1
        result["wrong"] += bool(categories.get(inv, set()) - {category})
        result["repeated_same_id"] += sum(ids.values()) - len(ids)
    result["slack_lost"] = sum(1 for inv in expected if slack is not None and slack_posts.get(inv, 0) == 0)
    return dict(result)


def _slack_investigation(body: bytes, expected: dict[str, str]) -> str | None:
    raw = body.decode()
    return next((inv for inv in expected if inv in raw), None)


def base_env(tmp: Path, snapshot: Path, redis_url: str, prefix: str, broker: str, sink: str, slack: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KUBETRIAGE_", "K_SINK", "REDIS_URL", "SLACK_", "ANTHROPIC_"))}
    env.update({"KUBETRIAGE_SNAPSHOT": str(snapshot), "KUBETRIAGE_STATE_DIR": str(tmp / "state"),
                "REDIS_URL": redis_url, "KUBETRIAGE_REDIS_PREFIX": prefix, "KUBETRIAGE_BROKER_URL": broker,
                "K_SINK": sink, "SLACK_WEBHOOK_URL": slack, "KUBETRIAGE_STEPS_PER_INVOCATION": "4",
                "KUBETRIAGE_TEST_HAND_OFF_CLAIM_S": "1",
                # What a killed invocation leaves behind lapses in seconds here, not minutes.
                "KUBETRIAGE_LEASE_TTL_S": "3", "PYTHONPATH": str(ROOT)})
    return env


__all__ = ["Platform", "base_env", "counts", "model_script", "serve_messages_api", "threading"]
