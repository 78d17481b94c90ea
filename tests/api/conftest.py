"""A router and a troubleshooter as real functions-framework processes on real Redis, shared by a module."""

import json
import signal
import urllib.error
import urllib.request
import uuid

import pytest

from devtools.run_local import start_functions, stop_group
from devtools.scenarios import render_suite
from tests.e2e.test_functions_over_http import _env, _free_port, _wait_listening
from tests.store_fixtures import REDIS_URL, redis_listening, remove_keys, store  # noqa: F401 - store: both stores

SCENARIO = "crashloop-missing-env-python-checkout"


def get(url, headers=None, timeout=70):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def post(url, body, headers):
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read() or b"{}")


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    """(router base URL, snapshot, the store the functions use); every key removed afterwards."""
    if not redis_listening():
        pytest.skip("no Redis for the tests (.ci/run starts one)")
    from shared.stores.redis import RedisStore

    tmp = tmp_path_factory.mktemp("api")
    (snapshot,) = render_suite(tmp / "suite", [SCENARIO])
    prefix = f"test:{uuid.uuid4().hex}:"
    ports = {"router": _free_port(), "k8s_troubleshooter": _free_port()}
    env = _env(tmp, snapshot, "", REDIS_URL=REDIS_URL, KUBETRIAGE_REDIS_PREFIX=prefix)
    env.pop("K_SINK")
    procs = start_functions(env, ports)
    try:
        for port in ports.values():
            _wait_listening(port, list(procs.values()))
        store = RedisStore(REDIS_URL, prefix=prefix)
        yield f"http://127.0.0.1:{ports['router']}", snapshot, store
    finally:
        for proc in procs.values():
            stop_group(proc, signal.SIGKILL)
            proc.wait(10)
        remove_keys(prefix)
