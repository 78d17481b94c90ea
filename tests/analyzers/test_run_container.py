"""The run-container analyzer: a runtime that cannot start the entrypoint is named with the binary and why.

Each row is a pod as the kubelet leaves it: a RunContainerError / StartError with the runtime's message
(in the waiting state, the last termination or a Failed event), or a crash loop whose only output is
the kernel's exec error. The finding must name the missing or unrunnable binary (or the node's CPU
architecture). Healthy pods, settled history and application crashes are not its business.
"""

# ruff: noqa: E501 -- runtime messages and log lines are verbatim fixture data.

import pytest
from cluster_builders import (
    EARLIER,
    cond,
    container,
    deployment,
    event,
    evidence,
    incident,
    node,
    pod,
    replicaset,
    waiting,
)

from shared.analyzers.run_container import ANALYZER

POD = "worker-59d7c8b6f-h3j9v"
RECENT = "2025-05-14T08:38:30Z"
SPEC = container("worker", command=["gunicorn"], args=["app:wsgi", "--bind", "0.0.0.0:8000"])

NOT_IN_PATH = ('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: '
               'unable to start container process: exec: "gunicorn": executable file not found in $PATH: unknown')
NOT_EXECUTABLE = ('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: '
                  'unable to start container process: exec: "/app/start.sh": permission denied: unknown')
NO_SUCH_FILE = ('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: '
                'unable to start container process: exec: "/docker-entrypoint.sh": stat /docker-entrypoint.sh: '
                "no such file or directory: unknown")


def _worker(status: dict, *extra: dict, ready: bool = False) -> list[dict]:
    return [
        deployment("worker", containers=[SPEC]),
        replicaset("worker-59d7c8b6f", "worker", 3, [SPEC]),
        pod(POD, containers=[SPEC], owner=("ReplicaSet", "worker-59d7c8b6f"), statuses=[status],
            conditions=[cond("Ready", "True" if ready else "False", at=EARLIER)]),
        node("node-a", labels={"kubernetes.io/arch": "amd64"}),
        *extra,
    ]


def _start_error(message: str, restarts: int = 4) -> dict:
    """CrashLoopBackOff after the runtime refused to start the process (exit 128, StartError)."""
    return waiting("worker", "CrashLoopBackOff", "back-off 1m20s restarting failed container=worker", restarts=restarts,
                   last={"exitCode": 128, "reason": "StartError", "message": message, "finishedAt": RECENT})


def _crashed(restarts: int = 6) -> dict:
    return waiting("worker", "CrashLoopBackOff", "back-off 2m40s restarting failed container=worker", restarts=restarts,
                   last={"exitCode": 1, "reason": "Error", "finishedAt": RECENT})


def _failed(message: str) -> dict:
    return event("Pod", POD, "Failed", f"Error: {message}", count=5, component="kubelet",
                 field_path="spec.containers{worker}")


def _log(text: str) -> dict:
    return {("shop", POD, "worker", True): text}


SETTLED = {"name": "worker", "ready": True, "restartCount": 1, "image": SPEC["image"],
           "state": {"running": {"startedAt": EARLIER}},
           "lastState": {"terminated": {"exitCode": 128, "reason": "StartError", "message": NOT_IN_PATH,
                                        "startedAt": "2025-05-14T06:00:00Z", "finishedAt": "2025-05-14T06:00:01Z"}}}
HEALTHY = {"name": "worker", "ready": True, "restartCount": 0, "image": SPEC["image"],
           "state": {"running": {"startedAt": EARLIER}}}

CASES = [
    pytest.param(_worker(waiting("worker", "RunContainerError", NOT_IN_PATH)), {},
                 "run_container_error_bad_entrypoint", "SCHEDULER_SAYS", ["gunicorn", "does not exist in the image"],
                 id="a command that is not on PATH is named as the missing binary"),
    pytest.param(_worker(waiting("worker", "RunContainerError", NOT_EXECUTABLE)), {},
                 "run_container_error_bad_entrypoint", "SCHEDULER_SAYS", ["/app/start.sh", "not executable"],
                 id="a script without the executable bit is named as not executable"),
    pytest.param(_worker(_start_error(NO_SUCH_FILE)), {},
                 "run_container_error_bad_entrypoint", "SCHEDULER_SAYS", ["/docker-entrypoint.sh", "does not exist"],
                 id="a StartError in the last termination names the entrypoint file that is missing"),
    pytest.param(_worker(waiting("worker", "RunContainerError", ""), _failed(NOT_IN_PATH)), {},
                 "run_container_error_bad_entrypoint", "SCHEDULER_SAYS", ["gunicorn"],
                 id="when the waiting message is empty the kubelet's Failed event names the binary"),
    pytest.param(_worker(_crashed()), _log("exec /usr/local/bin/worker: exec format error\n"),
                 "run_container_error_bad_entrypoint", "SCHEDULER_SAYS", ["another CPU architecture", "amd64"],
                 id="a crash loop whose only output is exec format error is an image built for another architecture"),
    pytest.param(_worker(HEALTHY), {}, None, None, [],
                 id="a running, ready pod that never restarted is quiet"),
    pytest.param(_worker(SETTLED, ready=True), {}, None, None, [],
                 id="a start error followed by ninety Ready minutes is settled history"),
    pytest.param(_worker(_crashed()),
                 _log("Traceback (most recent call last):\n  File \"/app/worker.py\", line 12, in <module>\n"
                      "    import redis\nModuleNotFoundError: No module named 'redis'\n"),
                 None, None, [],
                 id="an application that starts and then crashes is a different failure"),
    pytest.param(_worker(_crashed()),
                 _log("starting worker pid=1\nloading config from /etc/worker/config.yaml\nspawning helpers\n"
                      "sh: exec /opt/helper: exec format error\n"),
                 None, None, [],
                 id="an exec format error at the end of a longer log is the app's own trouble, not the entrypoint"),
    pytest.param(_worker(waiting("worker", "ImagePullBackOff", 'Back-off pulling image "registry.example.com/shop/app:1.0.0"')), {},
                 None, None, [],
                 id="an image pull back-off is a different failure"),
]


@pytest.mark.parametrize(("objects", "logs", "category", "strength", "mentions"), CASES)
def test_bad_entrypoints_are_named_with_the_binary_and_strength(objects, logs, category, strength, mentions):
    finding = ANALYZER.conclude(evidence(incident(object_name=POD, family="run_container"), objects, logs))
    if category is None:
        assert finding is None
        return
    assert finding is not None
    assert (finding.category, finding.strength) == (category, strength)
    text = f"{finding.summary} {finding.root_cause}"
    assert all(m in text for m in mentions), text
