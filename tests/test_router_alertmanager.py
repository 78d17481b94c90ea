"""Alertmanager's contract: 2xx, 400/401/413 or 5xx (it retries only 5xx and drops every 4xx)."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from devtools.http_capture import CaptureServer
from shared.events import HttpEmitter
from shared.router import Router
from shared.settings import Settings
from tests import store_fixtures
from tests.intake.kube_prometheus import LABEL_SETS, alert, webhook

store = store_fixtures.store
JSON = {"Content-Type": "application/json"}
ALLOWED = {200, 202, 400, 401, 413, 500, 502, 503, 504}


def _router(store, url, **settings):
    emitter = HttpEmitter(None, {"k8s_troubleshooter": url}, "/kubetriage/router")
    return Router(settings=Settings(**settings), store=store, emitter=emitter)


def test_both_ha_replicas_at_once_never_get_a_409(store):
    body = json.dumps(webhook(alert(LABEL_SETS["KubePodCrashLooping"]))).encode()
    barrier = threading.Barrier(4)
    with CaptureServer(on_request=lambda _: time.sleep(0.3)) as specialist:
        router = _router(store, specialist.url)

        def send(_):
            barrier.wait()
            return router.handle("/alertmanager", JSON, body)

        with ThreadPoolExecutor(4) as pool:
            replies = list(pool.map(send, range(4)))
    assert {r.status for r in replies} <= ALLOWED, [r.body for r in replies]
    assert len(specialist.requests) == 1


def test_over_the_admission_limit_alertmanager_never_gets_a_429(store):
    first = json.dumps(webhook(alert(LABEL_SETS["KubePodCrashLooping"], fingerprint="f1"))).encode()
    second = json.dumps(webhook(alert(LABEL_SETS["KubeJobFailed"], fingerprint="f2"))).encode()
    with CaptureServer() as specialist:
        router = _router(store, specialist.url, admission_limit=1)
        replies = [router.handle("/alertmanager", JSON, first), router.handle("/alertmanager", JSON, second)]
    assert {r.status for r in replies} <= ALLOWED, [r.body for r in replies]
