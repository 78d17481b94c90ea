"""Alerts with real kube-prometheus label sets become incidents on the object they are about."""

import pytest

from shared.incident import Incident
from shared.intake import Noise
from shared.intake.alertmanager import incidents_from_webhook
from tests.intake.kube_prometheus import LABEL_SETS, alert, webhook


def _one(name: str) -> Incident | Noise:
    (item,) = incidents_from_webhook(webhook(alert(LABEL_SETS[name])), "prod")
    return item


# (label set, object kind, object name, namespace, container, workload kind, workload)
CASES = [
    ("KubePodCrashLooping", "Pod", "checkout-7d9f8b6c5d-x2x9k", "shop", "checkout", "Deployment", "checkout"),
    ("KubeDeploymentReplicasMismatch", "Deployment", "web", "shop", None, "Deployment", "web"),
    ("KubeDeploymentReplicasMismatch (chart)", "Deployment", "web", "shop", None, "Deployment", "web"),
    ("KubeStatefulSetReplicasMismatch", "StatefulSet", "postgres", "db", None, "StatefulSet", "postgres"),
    ("KubeJobFailed", "Job", "nightly-report-28391040", "batch", None, "Job", "nightly-report-28391040"),
    ("KubePersistentVolumeFillingUp", "PersistentVolumeClaim", "data-postgres-0", "db", None,
     "PersistentVolumeClaim", "data-postgres-0"),
    ("KubeHpaMaxedOut", "HorizontalPodAutoscaler", "api", "shop", None, "HorizontalPodAutoscaler", "api"),
    ("KubeHpaReplicasMismatch (chart)", "HorizontalPodAutoscaler", "api", "shop", None, "HorizontalPodAutoscaler",
     "api"),
    ("KubeNodeNotReady", "Node", "node-3", "", None, None, None),
    ("KubeContainerWaiting", "Pod", "api-5c9d7f6b8-q8w7x", "shop", "api", "Deployment", "api"),
    ("KubeQuotaExceeded", "ResourceQuota", "compute", "team-a", None, None, None),
    ("NodeFilesystemSpaceFillingUp", "Node", "node-1", "", None, None, None),
    ("TargetDown", "Service", "payments", "shop", None, "Service", "payments"),
]


@pytest.mark.parametrize(("name", "kind", "obj", "namespace", "container", "wkind", "workload"), CASES,
                         ids=[f"{c[0]} is about {c[1]}/{c[2]}" for c in CASES])
def test_a_kube_prometheus_alert_names_the_object_it_is_about(name, kind, obj, namespace, container, wkind,
                                                              workload):
    incident = _one(name)
    assert isinstance(incident, Incident)
    assert (incident.object_kind, incident.object_name) == (kind, obj)
    assert incident.namespace == namespace
    assert incident.container == container
    assert (incident.workload_kind, incident.workload) == (wkind, workload)


@pytest.mark.parametrize("name", ["KubeDeploymentReplicasMismatch", "KubeHpaMaxedOut", "KubeJobFailed",
                                  "KubeDeploymentReplicasMismatch (chart)"])
def test_the_exporters_container_never_reaches_the_incident_or_its_fingerprint(name):
    incident = _one(name)
    without_scrape = {k: v for k, v in LABEL_SETS[name].items()
                      if k not in ("container", "instance", "job", "endpoint", "service", "pod", "prometheus")}
    (bare,) = incidents_from_webhook(webhook(alert(without_scrape)), "prod")
    assert incident.container is None
    assert incident.fingerprint == bare.fingerprint  # scrape-target labels do not change what it is about


def test_the_same_deployment_alert_from_two_scrape_setups_is_one_incident():
    assert _one("KubeDeploymentReplicasMismatch").fingerprint == _one(
        "KubeDeploymentReplicasMismatch (chart)").fingerprint


def test_a_failed_job_of_a_cronjob_stays_that_job():
    incident = _one("KubeJobFailed")
    assert incident.object_kind == "Job" and incident.workload_kind == "Job"
    assert incident.family == "job"


@pytest.mark.parametrize("name", ["Watchdog", "InfoInhibitor", "severity none"])
def test_heartbeat_inhibitor_and_severity_none_alerts_are_noise(name):
    item = _one(name)
    assert isinstance(item, Noise), item
    assert item.reason


def test_a_resolved_alert_is_not_an_incident():
    (item,) = incidents_from_webhook(webhook(alert(LABEL_SETS["KubePodCrashLooping"], status="resolved"),
                                             status="resolved"), "prod")
    assert not isinstance(item, Incident)


def test_alerts_of_one_episode_share_a_dedupe_key_and_a_new_episode_has_its_own():
    labels = LABEL_SETS["KubePodCrashLooping"]
    (a,) = incidents_from_webhook(webhook(alert(labels, starts_at="2026-12-07T20:00:00Z")), "prod")
    (b,) = incidents_from_webhook(webhook(alert(labels, starts_at="2026-12-07T20:00:00Z")), "prod")
    (c,) = incidents_from_webhook(webhook(alert(labels, starts_at="2026-12-07T22:00:00Z")), "prod")
    assert a.dedupe_key == b.dedupe_key != c.dedupe_key
    assert a.fingerprint == c.fingerprint  # the same failure; the episode tells re-sends from re-fires
