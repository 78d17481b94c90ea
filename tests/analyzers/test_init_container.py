"""The init container analyzer: an init container that fails or never completes keeps the pod from starting.

Each row is a pod stuck in Init with realistic init container statuses and logs, the class and strength the
analyzer must give, and the facts (the init container's name, its exit and its last error) a reader must see.
Completed init containers, image-pull failures (named by their own analyzer) and app crashes are not its.
"""

from __future__ import annotations

import pytest
from cluster_builders import EARLIER, container, evidence, incident, pod, waiting

from shared.analyzers.init_container import ANALYZER

POD = "orders-7c9f8d6b5-x2k4q"
MIGRATE = container("migrate", command=["python", "manage.py", "migrate"])
WAIT_DB = container("wait-for-db", image="busybox:1.36",
                    command=["sh", "-c", "until nc -z orders-db 5432; do echo waiting for orders-db; sleep 2; done"])
APP = container("orders")
CREATING = {"name": "orders", "ready": False, "restartCount": 0, "image": APP["image"],
            "state": {"waiting": {"reason": "PodInitializing"}}}
MIGRATE_LOG = ("Operations to perform:\n  Apply all migrations: orders\nRunning migrations:\n"
               'django.db.utils.OperationalError: FATAL:  password authentication failed for user "orders"\n')
WAIT_LOG = "waiting for orders-db\nwaiting for orders-db\nwaiting for orders-db\n"


def _exit(code: int, reason: str = "Error") -> dict:
    return {"exitCode": code, "reason": reason, "startedAt": EARLIER, "finishedAt": EARLIER}


def _init_pod(init: dict, init_status: dict, app_status: dict | None = None, phase: str = "Pending") -> dict:
    return pod(POD, containers=[APP], phase=phase, owner=("ReplicaSet", "orders-7c9f8d6b5"),
               spec={"initContainers": [init]}, statuses=[app_status or CREATING],
               status={"initContainerStatuses": [init_status]})


def _running(name: str, ready: bool = False) -> dict:
    return {"name": name, "ready": ready, "restartCount": 0, "image": "busybox:1.36",
            "state": {"running": {"startedAt": EARLIER}}}


def _terminated(name: str, code: int, restarts: int = 0, reason: str = "Error") -> dict:
    return {"name": name, "ready": code == 0, "restartCount": restarts, "image": "x",
            "state": {"terminated": _exit(code, reason)}}


CASES = [
    pytest.param(
        _init_pod(MIGRATE, waiting("migrate", "CrashLoopBackOff", "back-off 40s restarting failed container",
                                   restarts=4, last=_exit(1))),
        {("shop", POD, "migrate", True): MIGRATE_LOG},
        "init_container_failure", "STATE_SAYS", ["migrate", "exits with code 1", "password authentication failed"],
        id="a crash-looping init container is named with its exit code and the error it last logged"),
    pytest.param(
        _init_pod(MIGRATE, _terminated("migrate", 2)),
        {("shop", POD, "migrate", True): "",
         ("shop", POD, "migrate", False): "Error: relation \"orders\" already exists\n"},
        "init_container_failure", "STATE_SAYS", ["migrate", "exits with code 2", "already exists"],
        id="an init container that has just terminated non-zero is a failure read from its current log"),
    pytest.param(
        _init_pod(WAIT_DB, _running("wait-for-db")),
        {("shop", POD, "wait-for-db", False): WAIT_LOG},
        "init_container_failure", "LOG_SIGNAL", ["wait-for-db", "without completing", "waiting for orders-db"],
        id="an init container that keeps running is a log signal naming what it waits for"),
    pytest.param(
        _init_pod(MIGRATE, _terminated("migrate", 0, reason="Completed"),
                  {"name": "orders", "ready": True, "restartCount": 0, "image": APP["image"],
                   "state": {"running": {"startedAt": EARLIER}}}, phase="Running"),
        {}, None, None, [],
        id="a completed init container on a running pod is healthy"),
    pytest.param(
        _init_pod(MIGRATE, _terminated("migrate", 0, restarts=2, reason="Completed")),
        {("shop", POD, "migrate", True): MIGRATE_LOG},
        None, None, [],
        id="an init container that failed twice and then completed is settled history"),
    pytest.param(
        _init_pod(MIGRATE, waiting("migrate", "ImagePullBackOff", 'Back-off pulling image "registry/migrate:9"')),
        {}, None, None, [],
        id="an init container that cannot pull its image is left to the image pull analyzer"),
    pytest.param(
        _init_pod(MIGRATE, waiting("migrate", "CreateContainerConfigError", 'secret "orders-db" not found')),
        {}, None, None, [],
        id="an init container with a missing secret is left to the container config analyzer"),
    pytest.param(
        _init_pod(MIGRATE, _terminated("migrate", 0, reason="Completed"),
                  waiting("orders", "CrashLoopBackOff", restarts=5, last=_exit(1)), phase="Running"),
        {}, None, None, [],
        id="an app container crash-looping after its init completed is a different failure"),
]


@pytest.mark.parametrize(("pod_obj", "logs", "category", "strength", "mentions"), CASES)
def test_init_container_failures_are_named_with_their_strength(pod_obj, logs, category, strength, mentions):
    inc = incident(object_name=POD, family="init_container", reason="BackOff")
    finding = ANALYZER.conclude(evidence(inc, [pod_obj], logs))
    if category is None:
        assert finding is None
        return
    assert finding is not None
    assert (finding.category, finding.strength) == (category, strength)
    text = f"{finding.summary} {finding.root_cause}"
    assert all(m in text for m in mentions), text
