"""The mounts analyzer: a pod stuck in ContainerCreating because a volume will not attach or mount.

Each row is a Pending pod with the kubelet's or attach-detach controller's events, the class and strength
the analyzer must give, and the facts (the volume, the missing object or the mount error) a reader must see.
A running pod with an old FailedMount and a pod pending for another reason are not its.
"""

from __future__ import annotations

import pytest
from cluster_builders import EARLIER, container, event, evidence, incident, pod

from shared.analyzers.mounts import ANALYZER

POD = "reports-6d8f7b9c4-q7w2e"
UNMOUNTED = ("Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data config "
             "kube-api-access-7xk2p]: timed out waiting for the condition")


def _pending(phase: str = "Pending") -> dict:
    return pod(POD, containers=[container("reports")], phase=phase, owner=("ReplicaSet", "reports-6d8f7b9c4"))


def _failed(reason: str, message: str, last: str | None = None, component: str = "kubelet") -> dict:
    extra = {"last": last} if last else {}
    return event("Pod", POD, reason, message, count=12, component=component, **extra)


CASES = [
    pytest.param(
        [_pending(), _failed("FailedMount", UNMOUNTED),
         _failed("FailedMount", 'MountVolume.SetUp failed for volume "config" : configmap "reports-config" not found')],
        "failed_mount", "SCHEDULER_SAYS", ["volume config", "ConfigMap reports-config", "does not exist"],
        id="a volume whose configmap does not exist names the volume and the configmap"),
    pytest.param(
        [_pending(), _failed("FailedMount", 'MountVolume.SetUp failed for volume "tls" : secret "reports-tls" not found')],
        "failed_mount", "SCHEDULER_SAYS", ["volume tls", "Secret reports-tls", "does not exist"],
        id="a volume whose secret does not exist names the volume and the secret"),
    pytest.param(
        [_pending(), _failed("FailedAttachVolume",
                             'Multi-Attach error for volume "pvc-3f1c9a2e-data" Volume is already used by pod(s) '
                             "reports-6d8f7b9c4-a1b2c", component="attachdetach-controller")],
        "failed_mount", "SCHEDULER_SAYS", ["pvc-3f1c9a2e-data", "already used by pod(s) reports-6d8f7b9c4-a1b2c"],
        id="a multi-attach error names the ReadWriteOnce volume held by another pod"),
    pytest.param(
        [_pending(), _failed("FailedMount",
                             'MountVolume.SetUp failed for volume "nfs-share" : mount failed: exit status 32 '
                             "mount.nfs: Connection timed out")],
        "failed_mount", "LOG_SIGNAL", ["volume nfs-share", "exit status 32", "Connection timed out"],
        id="an nfs mount that times out names the volume and the mount error"),
    pytest.param(
        [_pending(), _failed("FailedMount",
                             'MountVolume.SetUp failed for volume "nfs-share" : mount failed: exit status 32 '
                             "mount.nfs: Connection timed out")],
        "failed_mount", "LOG_SIGNAL", ["mount.nfs: Connection timed out"],
        id="the kubelet's mount error is quoted verbatim in the root cause"),
    pytest.param(
        [_pending(), _failed("FailedAttachVolume",
                             'Multi-Attach error for volume "pvc-3f1c9a2e-data" Volume is already used by pod(s) '
                             "reports-6d8f7b9c4-a1b2c", component="attachdetach-controller")],
        "failed_mount", "SCHEDULER_SAYS", ["ReadWriteOnce", "Multi-Attach error"],
        id="a multi-attach root cause keeps ReadWriteOnce and the controller's words as written"),
    pytest.param(
        [_pending(), _failed("FailedMount", UNMOUNTED)],
        "failed_mount", "LOG_SIGNAL", ["data", "timed out waiting for the condition"],
        id="a bare unmounted-volumes timeout names the volume it lists"),
    pytest.param(
        [_pending("Running"), _failed("FailedMount", UNMOUNTED, last=EARLIER)],
        None, None, [],
        id="a running pod with an old FailedMount is settled history"),
    pytest.param(
        [_pending()],
        None, None, [],
        id="a pending pod with no mount events is healthy as far as volumes go"),
    pytest.param(
        [_pending(), _failed("FailedScheduling", "0/3 nodes are available: 3 Insufficient memory.",
                             component="default-scheduler")],
        None, None, [],
        id="a pod pending on insufficient memory is a different failure"),
]


@pytest.mark.parametrize(("objects", "category", "strength", "mentions"), CASES)
def test_mount_failures_are_named_with_their_strength(objects, category, strength, mentions):
    finding = ANALYZER.conclude(evidence(incident(object_name=POD, family="mount", reason="FailedMount"), objects))
    if category is None:
        assert finding is None
        return
    assert finding is not None
    assert (finding.category, finding.strength) == (category, strength)
    text = f"{finding.summary} {finding.root_cause}"
    assert all(m in text for m in mentions), text
