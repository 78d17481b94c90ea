"""The real Alertmanager as an HA pair in front of the router: one investigation per alert episode.

Two Debian `prometheus-alertmanager` processes, clustered on loopback, get every alert (as Prometheus
sends to each), group it by namespace and send it to the router's `/alertmanager` door, both of them
every time (`--cluster.peer-timeout=0s`). The router runs as a functions-framework process on Redis and
hands off to a recording Broker; it is the real router behind devtools/faulty_function.py's fault door,
as in tests/delivery/platform.py, with the hand-off claim a killed worker leaves behind shortened to
5 s (from 20). Each test has its own pair and its own namespace (its own group), and
counts investigations two ways: the router's `GET /investigations?namespace=` and the distinct
investigations handed off to the Broker. Timings: group_wait 200 ms, group_interval 1 s, repeat_interval 2 s.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from devtools.http_capture import CaptureServer
from devtools.run_local import stop_group
from tests.delivery.alertmanager_pair import AlertmanagerPair, binary, firing, now, resolved
from tests.delivery.platform import free_port
from tests.intake.kube_prometheus import KSM_CHART, LABEL_SETS
from tests.store_fixtures import REDIS_URL, redis_listening, remove_keys

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "am-webhook-token"
# What Alertmanager takes as delivered (2xx), drops for good (4xx) and retries (5xx, no answer).
DELIVERED = {200, 202}
RETRIED = {500, 502, 503, 504}


def crashloop(namespace: str) -> dict[str, str]:
    """KubePodCrashLooping from kube-state-metrics as the kube-prometheus-stack chart scrapes it: the
    exporter's `service`, `endpoint`, `instance` and `job` beside the crashing pod's own labels."""
    return {**KSM_CHART, **LABEL_SETS["KubePodCrashLooping"], "namespace": namespace,
            "pod": "checkout-7d9f8b6c5d-x2x9k"}


def job_failed(namespace: str) -> dict[str, str]:
    """KubeJobFailed through kube-rbac-proxy (`container="kube-rbac-proxy-main"`, no pod or service)."""
    return {**LABEL_SETS["KubeJobFailed"], "namespace": namespace}


class RouterProcess:
    """The router function on one port, stopped and started again on the same one (an outage)."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env, self.logs, self.port = env, logs, free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.starts += 1
        cmd = [sys.executable, "-m", "functions_framework", "--source", str(ROOT / "devtools/faulty_function.py"),
               "--target", "handle", "--host", "127.0.0.1", "--port", str(self.port)]
        log = (self.logs / f"router-{self.starts}.log").open("wb")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        assert wait_for(self._answers, 60), f"the router never answered:\n{self.output()[-3000:]}"

    def _answers(self) -> bool:
        assert self.proc is not None and self.proc.poll() is None, self.output()[-3000:]
        try:
            self.get("/investigations?limit=1")
            return True
        except OSError:
            return False

    def kill_worker(self) -> None:
        """SIGKILL the worker serving requests, as an OOM kill would; gunicorn's arbiter starts a new one."""
        assert self.proc is not None
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                pid, rest = stat.read_text().split(" ", 1)
            except OSError:
                continue
            if int(rest.rsplit(")", 1)[1].split()[1]) == self.proc.pid:  # its parent is the arbiter
                os.kill(int(pid), signal.SIGKILL)

    def kill(self) -> None:
        """SIGKILL, as a pod that vanishes: nothing answers on the port until `start`."""
        if self.proc is not None:
            stop_group(self.proc, signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None

    def get(self, path: str) -> Any:
        request = urllib.request.Request(self.url + path, headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def investigations(self, namespace: str) -> list[dict[str, Any]]:
        return self.get(f"/investigations?namespace={namespace}&limit=100")["investigations"]

    def output(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.logs.glob("router-*.log")))

    def requests(self) -> list[dict[str, Any]]:
        """The router's one log line per request to `/alertmanager`, from every start."""
        lines = []
        for line in self.output().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get("message") == "request" and entry.get("path") == "/alertmanager":
                lines.append(entry)
        return lines


def wait_for(predicate: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@contextlib.contextmanager
def running_router(tmp: Path, window_s: int) -> Iterator[tuple[RouterProcess, CaptureServer]]:
    """The router on Redis (its own key prefix, removed after), handing off to a recording Broker."""
    binary()
    if not redis_listening():
        if os.environ.get("CI"):
            pytest.fail(f"no Redis at {REDIS_URL} (.ci/setup starts one)")
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"test:{uuid.uuid4().hex}:"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KUBETRIAGE_", "K_SINK", "REDIS_URL", "SLACK_", "ANTHROPIC_"))}
    with CaptureServer() as broker:
        env.update({"REDIS_URL": REDIS_URL, "KUBETRIAGE_REDIS_PREFIX": prefix, "KUBETRIAGE_BROKER_URL": broker.url,
                    "KUBETRIAGE_ALERTMANAGER_TOKEN": TOKEN, "KUBETRIAGE_STATE_DIR": str(tmp / "state"),
                    "KUBETRIAGE_COALESCE_WINDOW_S": str(window_s), "KUBETRIAGE_TEST_FUNCTION": "router",
                    "KUBETRIAGE_TEST_HAND_OFF_CLAIM_S": "5", "PYTHONPATH": str(ROOT)})
        router = RouterProcess(env, tmp)
        try:
            router.start()
            yield router, broker
        finally:
            router.kill()
            remove_keys(prefix)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Re-sends come after the coalescing window has closed, as in production (12 h against 10 min):
    only the alert's episode can tell them from a new failure."""
    with running_router(tmp_path_factory.mktemp("am-ha"), window_s=1) as started:
        yield started


@pytest.fixture(scope="module")
def world_long_window(tmp_path_factory):
    """The default 10-minute window: a re-fire comes inside it, and only the resolution opens a new one."""
    with running_router(tmp_path_factory.mktemp("am-ha-long"), window_s=600) as started:
        yield started


@pytest.fixture
def start_pair(tmp_path):
    """Starts an HA pair in front of a router. After the test: the router never answered a status
    Alertmanager drops (any 4xx but 400/401/413), and neither replica gave up on a notification."""
    started: list[tuple[AlertmanagerPair, RouterProcess, int]] = []

    def start(router: RouterProcess) -> AlertmanagerPair:
        am = AlertmanagerPair(tmp_path, f"{router.url}/alertmanager", TOKEN)
        started.append((am, router, len(router.requests())))
        am.start()
        return am

    yield start
    for am, router, seen in started:
        gave_up = am.gave_up()
        am.stop()
        statuses = {r["status"] for r in router.requests()[seen:]}
        assert statuses <= DELIVERED | RETRIED, sorted(statuses)
        assert gave_up == [0, 0], gave_up


@pytest.fixture
def pair(world, start_pair):
    return start_pair(world[0])


def handed_off(broker: CaptureServer, namespace: str) -> dict[str, set[str]]:
    """Investigation id → the CloudEvent ids of its hand-offs the Broker accepted, for one namespace."""
    found: dict[str, set[str]] = {}
    for request, status in list(zip(broker.requests, broker.answered, strict=True)):
        data = request.json()
        if data.get("namespace") == namespace and status < 300:
            found.setdefault(data["investigation_id"], set()).add(request.headers.get("ce-id", ""))
    return found


def delivered_at_least(am: AlertmanagerPair, counts: list[float]) -> Callable[[], bool]:
    """True once every replica has delivered at least its count of notifications."""
    return lambda: all(sent >= want for sent, want in zip(am.notifications(), counts, strict=True))


def assert_one_hand_off_each(broker: CaptureServer, namespace: str, listed: list[dict[str, Any]]) -> None:
    handed = handed_off(broker, namespace)
    assert set(handed) == {i["investigation_id"] for i in listed}, (handed, listed)
    assert all(len(ids) == 1 for ids in handed.values()), handed  # a repeat carries the same id (dropped)


def test_re_sends_from_both_replicas_start_one_investigation(world, pair):
    router, broker = world
    namespace = "shop-resend"
    pair.post(firing(crashloop(namespace), now() - timedelta(minutes=10)))
    # The first notification and a repeat_interval re-send (after the window closed), from each replica.
    assert wait_for(delivered_at_least(pair, [2, 2]), 30), pair.notifications()
    listed = router.investigations(namespace)
    print(f"re-sends: notifications per replica {pair.notifications()}, investigations {len(listed)}")
    assert len(listed) == 1, listed
    assert listed[0]["object"] == "Pod/checkout-7d9f8b6c5d-x2x9k" and listed[0]["reason"] == "KubePodCrashLooping"
    incident = router.get(f"/investigations/{listed[0]['investigation_id']}")["incident"]
    assert incident["container"] == "checkout", incident  # the crashing container, not the exporter's
    assert_one_hand_off_each(broker, namespace, listed)
    mine = [r for r in router.requests() if r.get("investigation_id") == listed[0]["investigation_id"]]
    assert len(mine) >= 4 and {r["status"] for r in mine} <= DELIVERED, mine


def test_a_group_update_investigates_only_the_alert_that_joined(world, pair):
    router, broker = world
    namespace = "batch-update"
    pair.post(firing(crashloop(namespace), now() - timedelta(minutes=10)))
    assert wait_for(delivered_at_least(pair, [1, 1]), 30), pair.notifications()
    (first,) = router.investigations(namespace)
    before = pair.notifications()
    pair.post(firing(job_failed(namespace), now() - timedelta(minutes=2)))
    # The next flush of each replica sends the whole group: the crash again beside the new Job.
    assert wait_for(delivered_at_least(pair, [n + 2 for n in before]), 30), pair.notifications()
    listed = router.investigations(namespace)
    print(f"group update: notifications per replica {pair.notifications()}, investigations {len(listed)}")
    assert len(listed) == 2, listed
    assert first["investigation_id"] in {i["investigation_id"] for i in listed}
    job = next(i for i in listed if i["investigation_id"] != first["investigation_id"])
    assert (job["object"], job["reason"]) == ("Job/nightly-report-28391040", "KubeJobFailed")
    assert_one_hand_off_each(broker, namespace, listed)
    both = [r for r in router.requests() if set(r.get("investigation_ids") or ()) ==
            {first["investigation_id"], job["investigation_id"]}]
    assert len(both) >= 4 and {r["status"] for r in both} <= DELIVERED, both


def test_both_prometheus_replicas_copies_with_their_own_startsat_are_one_investigation(world_long_window,
                                                                                       start_pair):
    """kube-prometheus runs two Prometheus replicas (the replica label dropped from alerts): each posts
    the alert to both Alertmanagers with the `startsAt` of its own evaluation, and each Alertmanager may
    notify before the other replica's copy arrives (an old alert is sent at once)."""
    router, broker = world_long_window
    pair = start_pair(router)
    namespace = "shop-two-prometheus"
    labels = crashloop(namespace)
    first, second = now() - timedelta(minutes=10), now() - timedelta(minutes=10) + timedelta(seconds=30)
    am0, am1 = pair.replicas
    pair.post_to(am0, firing(labels, first))
    pair.post_to(am1, firing(labels, second))
    assert wait_for(delivered_at_least(pair, [1, 1]), 30), pair.notifications()
    pair.post_to(am0, firing(labels, second))
    pair.post_to(am1, firing(labels, first))
    # The re-sends carry the merged alert (the earliest startsAt) from both replicas.
    assert wait_for(delivered_at_least(pair, [2, 2]), 30), pair.notifications()
    listed = router.investigations(namespace)
    print(f"two Prometheus: notifications per replica {pair.notifications()}, investigations {len(listed)}")
    assert len(listed) == 1, listed
    assert_one_hand_off_each(broker, namespace, listed)


def test_a_router_outage_loses_nothing_and_doubles_nothing(world, pair):
    router, broker = world
    namespace = "shop-outage"
    pair.post(firing(crashloop(namespace), now() - timedelta(minutes=10)))
    assert wait_for(delivered_at_least(pair, [1, 1]), 30), pair.notifications()
    (first,) = router.investigations(namespace)
    router.kill()
    try:
        # A new alert in the group while nothing answers: each replica fails and retries.
        pair.post(firing(job_failed(namespace), now() - timedelta(minutes=2)))
        assert wait_for(lambda: all(n >= 2 for n in pair.failed_requests()), 30), pair.failed_requests()
    finally:
        failed = pair.failed_requests()
        before = pair.notifications()
        router.start()
    assert wait_for(delivered_at_least(pair, [n + 2 for n in before]), 30), pair.notifications()
    listed = router.investigations(namespace)
    print(f"outage: failed requests per replica {failed}, notifications per replica {pair.notifications()}, "
          f"investigations {len(listed)}")
    assert len(listed) == 2, listed
    assert first["investigation_id"] in {i["investigation_id"] for i in listed}
    assert {i["reason"] for i in listed} == {"KubePodCrashLooping", "KubeJobFailed"}
    assert_one_hand_off_each(broker, namespace, listed)


def test_a_failing_hand_off_answers_5xx_and_the_retry_delivers_it_once(world, pair):
    router, broker = world
    namespace = "shop-broker-down"
    seen = len(router.requests())
    broker.statuses[:] = [503] * 4  # the Broker refuses the first hand-offs: the router must ask for a retry
    pair.post(firing(crashloop(namespace), now() - timedelta(minutes=10)))
    assert wait_for(lambda: not broker.statuses and delivered_at_least(pair, [2, 2])(), 30), pair.notifications()
    listed = router.investigations(namespace)
    statuses = [r["status"] for r in router.requests()[seen:]]
    print(f"broker down: router answered {statuses}, investigations {len(listed)}")
    assert len(listed) == 1, listed
    assert set(statuses) <= DELIVERED | RETRIED and RETRIED & set(statuses), statuses
    handed = handed_off(broker, namespace)
    assert set(handed) == {listed[0]["investigation_id"]} and len(handed[listed[0]["investigation_id"]]) == 1


def test_a_worker_killed_during_the_hand_off_gets_no_2xx_until_it_is_handed_off(world, pair):
    router, broker = world
    namespace = "shop-killed"
    killed = []

    def kill_the_router(request, status):
        if request.json().get("namespace") == namespace and not killed:
            killed.append(status)
            router.kill_worker()  # mid-emit: the Broker never acknowledges, and the claim stays behind

    broker.statuses[:] = [503]
    broker.before_answer = kill_the_router
    try:
        pair.post(firing(crashloop(namespace), now() - timedelta(minutes=10)))
        assert wait_for(lambda: killed, 30), "the hand-off never reached the Broker"
        # Alertmanager retries what the dead worker never answered. Any 2xx it gets from now on
        # (either replica) must mean the investigation is handed off: a 2xx is never sent again.
        assert wait_for(delivered_at_least(pair, [1, 1]), 30), pair.notifications()
        accepted = handed_off(broker, namespace)
    finally:
        broker.before_answer = None
    listed = router.investigations(namespace)
    print(f"killed mid-hand-off: Broker answered {killed}, accepted hand-offs {len(accepted)} when both replicas "
          f"had a 2xx, investigations {len(listed)}")
    assert len(listed) == 1, listed
    assert set(accepted) == {listed[0]["investigation_id"]}, accepted


def test_the_same_alert_firing_again_after_it_resolved_is_a_new_investigation(world_long_window, start_pair):
    router, broker = world_long_window
    pair = start_pair(router)
    namespace = "shop-refire"
    labels = crashloop(namespace)
    started = now() - timedelta(minutes=10)
    pair.post(firing(labels, started))
    assert wait_for(delivered_at_least(pair, [1, 1]), 30), pair.notifications()
    (first,) = router.investigations(namespace)
    before = pair.notifications()
    pair.post(resolved(labels, started))
    assert wait_for(delivered_at_least(pair, [n + 1 for n in before]), 30), pair.notifications()
    before = pair.notifications()
    pair.post(firing(labels, now()))  # Prometheus gives a new episode a new startsAt
    assert wait_for(delivered_at_least(pair, [n + 2 for n in before]), 30), pair.notifications()
    listed = router.investigations(namespace)
    print(f"re-fire: notifications per replica {pair.notifications()}, investigations {len(listed)}")
    assert len(listed) == 2, listed
    assert first["investigation_id"] in {i["investigation_id"] for i in listed}
    assert_one_hand_off_each(broker, namespace, listed)


def test_watchdog_and_other_noise_start_nothing(world, pair):
    router, broker = world
    namespace = "monitoring-noise"
    noise = [LABEL_SETS["Watchdog"], {**LABEL_SETS["InfoInhibitor"], "namespace": namespace},
             {**LABEL_SETS["severity none"], "namespace": namespace}]
    pair.post(*(firing(labels, now() - timedelta(hours=1)) for labels in noise))
    # Watchdog has no namespace: a group of its own. Both groups, each from both replicas, twice.
    assert wait_for(delivered_at_least(pair, [4, 4]), 30), pair.notifications()
    assert router.investigations(namespace) == []
    everything = router.get("/investigations?limit=500")["investigations"]
    reasons = {i["reason"] for i in everything} | {r.json().get("reason") for r in broker.requests}
    print(f"noise: notifications per replica {pair.notifications()}, investigations 0 of {len(everything)}")
    assert not reasons & {"Watchdog", "InfoInhibitor"}, reasons
    assert handed_off(broker, namespace) == {}

