"""A real three-master Redis Cluster on loopback for the store contract tests, started once per session.

Three `redis-server --cluster-enabled yes` on free ports (each with its bus port free too), joined with
`redis-cli --cluster create … --cluster-replicas 0 --cluster-yes`, stopped and removed at the end.
Without redis-server the tests skip, except under CI, where a missing binary fails.
"""

import os
import random
import shutil
import socket
import subprocess
import time
import uuid

import pytest


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _ports(count: int) -> list[int]:
    found: list[int] = []
    while len(found) < count:
        port = random.randint(20000, 29999)  # the cluster bus listens on port + 10000
        if port not in found and _free(port) and _free(port + 10000):
            found.append(port)
    return found


def _cli(port: int, *args: str) -> str:
    return subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True, timeout=30).stdout


@pytest.fixture(scope="session")
def redis_cluster_url(tmp_path_factory):
    """`redis+cluster://127.0.0.1:<port>`: how REDIS_URL names a cluster (see shared/stores/redis.py)."""
    if not (shutil.which("redis-server") and shutil.which("redis-cli")):
        if os.environ.get("CI"):
            pytest.fail("redis-server and redis-cli are needed (.ci/setup.d/10-redis.sh installs them)")
        pytest.skip("no redis-server on this machine")
    workdir = tmp_path_factory.mktemp("redis-cluster")
    ports = _ports(3)
    procs = [subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
         "--cluster-config-file", f"nodes-{port}.conf", "--cluster-node-timeout", "5000", "--save", "",
         "--appendonly", "no", "--dir", str(workdir), "--protected-mode", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in ports]
    try:
        for port in ports:
            deadline = time.monotonic() + 20
            while "PONG" not in _cli(port, "ping"):
                assert time.monotonic() < deadline, f"redis-server on {port} did not start"
                time.sleep(0.05)
        created = subprocess.run(["redis-cli", "--cluster", "create", *[f"127.0.0.1:{p}" for p in ports],
                                  "--cluster-replicas", "0", "--cluster-yes"],
                                 capture_output=True, text=True, timeout=60)
        assert created.returncode == 0, created.stdout + created.stderr
        deadline = time.monotonic() + 30
        while not all("cluster_state:ok" in _cli(p, "cluster", "info") for p in ports):
            assert time.monotonic() < deadline, "the cluster never became ok"
            time.sleep(0.1)
        yield f"redis+cluster://127.0.0.1:{ports[0]}"
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def cluster_store(url: str):
    """A RedisStore on the cluster under a fresh prefix, and a function that removes its keys."""
    from shared.stores.redis import RedisStore

    prefix = f"test:{uuid.uuid4().hex}:"
    store = RedisStore(url, prefix=prefix)

    def remove() -> None:
        client = store._redis  # the cluster client: SCAN on every master
        for key in client.scan_iter(match=f"{prefix}*", count=500):
            client.delete(key)

    return store, remove
