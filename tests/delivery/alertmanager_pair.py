"""Two real Alertmanager processes (Debian's `prometheus-alertmanager`) clustered on loopback, as an HA pair.

Each replica gets its own free web and cluster ports, its own storage directory, and the other as its
`--cluster.peer`. The intervals are seconds instead of minutes and hours, and `--cluster.peer-timeout`
is 0: the second replica does not wait for the first one's notification log to arrive by gossip, so
every notification comes from both replicas, the worst case of HA that a router must take.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.delivery.platform import free_port

# A webhook receiver as kube-prometheus users add it for a tool like ours, with the timings shrunk.
CONFIG = """\
route:
  receiver: kubetriage
  group_by: [namespace]
  group_wait: {group_wait}
  group_interval: {group_interval}
  repeat_interval: {repeat_interval}
receivers:
  - name: kubetriage
    webhook_configs:
      - url: {url}
        send_resolved: true
        http_config:
          authorization:
            credentials: {token}
"""


def binary() -> str:
    """The Alertmanager binary; without it the test skips here and fails under CI."""
    found = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("prometheus-alertmanager must be installed (.ci/setup.d/50-alertmanager.sh)")
    pytest.skip("no prometheus-alertmanager here (.ci/setup.d/50-alertmanager.sh installs it)")


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Replica:
    name: str
    web: int
    cluster: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web}"

    def metric(self, name: str, **labels: str) -> float:
        """One counter of the replica's /metrics (0 when it has not been written yet)."""
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=5) as response:
            text = response.read().decode()
        wanted = "".join(f'(?=[^}}]*{k}="{re.escape(v)}")' for k, v in labels.items())
        pattern = re.compile(rf"^{re.escape(name)}(?:\{{{wanted}[^}}]*\}})?\s+(\S+)$", re.M)
        return sum(float(m.group(1)) for m in pattern.finditer(text))


@dataclass
class AlertmanagerPair:
    """The HA pair, started by `start`, stopped by `stop`; `post` sends to both, as Prometheus does."""

    workdir: Path
    receiver_url: str
    token: str
    group_wait: str = "200ms"
    group_interval: str = "1s"
    repeat_interval: str = "2s"
    replicas: list[Replica] = field(default_factory=list)

    def start(self) -> None:
        exe = binary()
        config = self.workdir / "alertmanager.yml"
        config.write_text(CONFIG.format(url=self.receiver_url, token=self.token, group_wait=self.group_wait,
                                        group_interval=self.group_interval, repeat_interval=self.repeat_interval))
        self.replicas = [Replica(f"am{i}", free_port(), free_port()) for i in range(2)]
        for replica in self.replicas:
            peers = [f"--cluster.peer=127.0.0.1:{other.cluster}" for other in self.replicas if other is not replica]
            storage = self.workdir / replica.name
            storage.mkdir(exist_ok=True)
            cmd = [exe, f"--config.file={config}", f"--storage.path={storage}",
                   f"--web.listen-address=127.0.0.1:{replica.web}", f"--web.external-url={replica.url}",
                   f"--cluster.listen-address=127.0.0.1:{replica.cluster}", *peers,
                   "--cluster.peer-timeout=0s", "--cluster.gossip-interval=50ms", "--cluster.pushpull-interval=1s",
                   "--cluster.settle-timeout=1s", "--cluster.probe-interval=200ms", "--cluster.reconnect-interval=1s",
                   "--log.level=debug"]
            log = (self.workdir / f"{replica.name}.log").open("wb")
            replica.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        for replica in self.replicas:
            self._wait_ready(replica)
        self._wait_clustered()

    def _wait_ready(self, replica: Replica, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert replica.proc is not None and replica.proc.poll() is None, self.log(replica)
            try:
                with urllib.request.urlopen(f"{replica.url}/-/ready", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"{replica.name} never became ready:\n{self.log(replica)}")

    def _wait_clustered(self, seconds: float = 30) -> None:
        """Until each replica sees both peers and its gossip has settled (it notifies only then)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            states = [self.status(r)["cluster"] for r in self.replicas]
            if all(s["status"] == "ready" and len(s.get("peers") or []) == 2 for s in states):
                return
            time.sleep(0.05)
        raise AssertionError(f"the pair never clustered: {states}")

    def status(self, replica: Replica) -> dict[str, Any]:
        with urllib.request.urlopen(f"{replica.url}/api/v2/status", timeout=5) as response:
            return json.loads(response.read())

    def log(self, replica: Replica) -> str:
        return (self.workdir / f"{replica.name}.log").read_text(errors="replace")[-4000:]

    def post(self, *alerts: dict[str, Any]) -> None:
        """The same alerts to both replicas (`POST /api/v2/alerts`), as Prometheus sends to every one."""
        for replica in self.replicas:
            self.post_to(replica, *alerts)

    def post_to(self, replica: Replica, *alerts: dict[str, Any]) -> None:
        """Alerts to one replica, as one Prometheus of a pair whose post to the other is still on its way."""
        request = urllib.request.Request(f"{replica.url}/api/v2/alerts", data=json.dumps(list(alerts)).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200, response.read()

    def notifications(self) -> list[float]:
        """Per replica: webhook requests answered 2xx so far. (`alertmanager_notifications_total` counts
        an attempt when it starts; the request counters only once the receiver has answered.)"""
        return [r.metric("alertmanager_notification_requests_total", integration="webhook")
                - r.metric("alertmanager_notification_requests_failed_total", integration="webhook")
                for r in self.replicas]

    def failed_requests(self) -> list[float]:
        """Per replica: webhook requests that failed (each retry counts), so an outage is seen as one."""
        return [r.metric("alertmanager_notification_requests_failed_total", integration="webhook")
                for r in self.replicas]

    def gave_up(self) -> list[float]:
        """Per replica: notifications it stopped trying to deliver (a 4xx at once, a 5xx after its retries)."""
        return [r.metric("alertmanager_notifications_failed_total", integration="webhook") for r in self.replicas]

    def stop(self) -> None:
        """SIGKILL: a graceful stop of the last replica waits out its cluster leave (10 s, nobody to tell)."""
        for replica in self.replicas:
            if replica.proc is not None:
                os.killpg(replica.proc.pid, signal.SIGKILL)
                replica.proc.wait(10)


def firing(labels: dict[str, str], starts_at: datetime, summary: str | None = None) -> dict[str, Any]:
    """An alert as Prometheus posts it: still firing, `endsAt` a while ahead (it re-posts before then)."""
    return {"labels": dict(labels), "annotations": {"summary": summary or labels["alertname"]},
            "startsAt": stamp(starts_at), "endsAt": stamp(now() + timedelta(hours=1)),
            "generatorURL": "http://prometheus-k8s-0:9090/graph?g0.expr=ALERTS"}


def resolved(labels: dict[str, str], starts_at: datetime) -> dict[str, Any]:
    """The same alert once its expression stopped matching: Prometheus posts it with `endsAt` now."""
    return {**firing(labels, starts_at), "endsAt": stamp(now())}
