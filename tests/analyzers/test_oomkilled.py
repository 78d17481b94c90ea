"""The OOMKilled analyzer: a container the kernel killed over its memory is named with its limit.

Each row is a pod as `kubectl get -o json` shows it (status, events, previous log) and what the finding
must say: the class, its strength, and the facts a reader needs (the limit, the runtime's own words).
A pod that has been Ready for a while since an old OOM kill, a healthy pod, or a different crash is not
this analyzer's business.
"""

# ruff: noqa: E501 -- log lines and event messages are verbatim fixture data.

import pytest
from cluster_builders import (
    EARLIER,
    NOW,
    cond,
    container,
    deployment,
    event,
    evidence,
    incident,
    pod,
    replicaset,
    waiting,
)

from shared.analyzers.oomkilled import ANALYZER

POD = "cart-5d8f7b9c4-q7wzt"
RECENT = "2025-05-14T08:38:30Z"  # 90 s before NOW: the kill is the incident, not history
OOM = {"exitCode": 137, "reason": "OOMKilled", "startedAt": "2025-05-14T08:36:02Z", "finishedAt": RECENT}
JAVA_LOG = (
    "2025-05-14 08:38:11 INFO  c.s.cart.CartService - loading 48000 carts into cache\n"
    "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n"
    "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3512)\n"
)
NODE_LOG = (
    "<--- Last few GCs --->\n"
    "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n"
)


def _cart(limit: str | None, status: dict, request: str | None = None) -> list[dict]:
    c = container("cart", limits={"memory": limit} if limit else None,
                  requests={"memory": request} if request else None)
    return [
        deployment("cart", containers=[c]),
        replicaset("cart-5d8f7b9c4", "cart", 4, [c]),
        pod(POD, containers=[c], owner=("ReplicaSet", "cart-5d8f7b9c4"), statuses=[status],
            conditions=[cond("Ready", "True" if status.get("ready") else "False", at=EARLIER)]),
    ]


def _crashlooping(last: dict = OOM, restarts: int = 7) -> dict:
    return waiting("cart", "CrashLoopBackOff", "back-off 2m40s restarting failed container=cart", restarts=restarts,
                   last=last)


def _running(last: dict, restarts: int = 1) -> dict:
    return {"name": "cart", "ready": True, "restartCount": restarts, "image": "registry.example.com/shop/app:1.0.0",
            "state": {"running": {"startedAt": last.get("finishedAt", EARLIER)}},
            "lastState": {"terminated": last}}


def _healthy() -> dict:
    return {"name": "cart", "ready": True, "restartCount": 0, "image": "registry.example.com/shop/app:1.0.0",
            "state": {"running": {"startedAt": EARLIER}}}


OOM_KILLING = event("Node", "node-a", "OOMKilling",
                    "Memory cgroup out of memory: Killed process 48211 (java) total-vm:4317212kB, anon-rss:1043968kB",
                    namespace=None, component="kernel-monitor")

CASES = [
    pytest.param(_cart("512Mi", _crashlooping()), {}, [],
                 "oom_killed", "STATE_SAYS", ["512Mi", "7 times"],
                 id="a crash-looping container last OOMKilled is named with its memory limit and restart count"),
    pytest.param(_cart("1Gi", _crashlooping(), request="768Mi"), {("shop", POD, "cart", True): JAVA_LOG}, [],
                 "oom_killed", "STATE_SAYS", ["1Gi", "OutOfMemoryError: Java heap space"],
                 id="a JVM that ran out of heap before the kill is quoted with the limit"),
    pytest.param(_cart("2Gi", _crashlooping(restarts=3)), {("shop", POD, "cart", True): NODE_LOG}, [],
                 "oom_killed", "STATE_SAYS", ["2Gi", "JavaScript heap out of memory"],
                 id="a Node.js heap exhaustion in the previous log is quoted with the limit"),
    pytest.param(_cart(None, _crashlooping()), {}, [OOM_KILLING],
                 "oom_killed", "STATE_SAYS", ["memory limit none", "no memory limit", "node ran out of memory"],
                 id="a container without a memory limit is blamed on its node running out of memory"),
    pytest.param(_cart("256Mi", _running(OOM)), {}, [],
                 "oom_killed", "STATE_SAYS", ["256Mi"],
                 id="a container Ready again 90 seconds after an OOM kill is still the incident"),
    pytest.param(_cart("512Mi", _running({**OOM, "startedAt": "2025-05-14T06:00:00Z", "finishedAt": EARLIER})),
                 {}, [], None, None, [],
                 id="an OOM kill followed by ninety Ready minutes is settled history"),
    pytest.param(_cart("512Mi", _healthy()), {}, [], None, None, [],
                 id="a healthy pod that never restarted is not an OOM kill"),
    pytest.param(_cart("512Mi", _crashlooping({**OOM, "exitCode": 1, "reason": "Error"})),
                 {("shop", POD, "cart", True): "panic: dial tcp 10.96.0.12:5432: connect: connection refused\n"}, [],
                 None, None, [],
                 id="a crash loop that exits 1 with an application error is a different failure"),
    pytest.param(_cart("512Mi", waiting("cart", "ImagePullBackOff", "Back-off pulling image")), {}, [],
                 None, None, [],
                 id="an image pull back-off is a different failure"),
]


@pytest.mark.parametrize(("objects", "logs", "events", "category", "strength", "mentions"), CASES)
def test_oom_kills_are_named_with_the_limit_and_strength(objects, logs, events, category, strength, mentions):
    inc = incident(object_name=POD, family="oom", reason="BackOff", last_seen=NOW)
    finding = ANALYZER.conclude(evidence(inc, [*objects, *events], logs))
    if category is None:
        assert finding is None
        return
    assert finding is not None
    assert (finding.category, finding.strength) == (category, strength)
    text = f"{finding.summary} {finding.root_cause}"
    assert all(m in text for m in mentions), text


def test_the_runtime_s_own_words_corroborate_the_kill():
    """The heap error in the log is a second reading agreeing with the status: confidence rises above the bare kill's."""
    inc = incident(object_name=POD, family="oom", reason="BackOff")
    bare = ANALYZER.conclude(evidence(inc, _cart("1Gi", _crashlooping())))
    quoted = ANALYZER.conclude(evidence(inc, _cart("1Gi", _crashlooping()), {("shop", POD, "cart", True): JAVA_LOG}))
    assert bare is not None and quoted is not None
    assert quoted.confidence > bare.confidence
