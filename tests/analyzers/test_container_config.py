"""The container-config analyzer: a CreateContainerConfigError is named with the ConfigMap, Secret or key missing.

Each row is a pod waiting as the kubelet leaves it (the waiting message, or only the Failed event) plus
the objects that do or do not exist, and what the finding must say. A missing object is the strongest
evidence there is; a missing key is the kubelet naming it; an object that exists by now is only the
symptom of a pod that has not retried yet. Healthy pods and other waiting reasons are not its business.
"""

# ruff: noqa: E501 -- kubelet messages are verbatim fixture data.

import pytest
from cluster_builders import container, deployment, event, evidence, incident, obj, pod, replicaset, waiting

from shared.analyzers.container_config import ANALYZER

POD = "checkout-6b7d9f5c8-m4r2p"
APP = container(
    "checkout",
    env=[
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "payments-db", "key": "DB_PASSWORD"}}},
        {"name": "FEATURE_FLAGS", "valueFrom": {"configMapKeyRef": {"name": "checkout-flags", "key": "flags.json"}}},
    ],
    envFrom=[{"configMapRef": {"name": "checkout-settings"}}],
)


def _checkout(status: dict, *extra: dict) -> list[dict]:
    return [
        deployment("checkout", containers=[APP]),
        replicaset("checkout-6b7d9f5c8", "checkout", 2, [APP]),
        pod(POD, containers=[APP], owner=("ReplicaSet", "checkout-6b7d9f5c8"), phase="Pending", statuses=[status]),
        *extra,
    ]


def _config_error(message: str) -> dict:
    return waiting("checkout", "CreateContainerConfigError", message)


def _failed(message: str) -> dict:
    return event("Pod", POD, "Failed", message, count=12, component="kubelet",
                 field_path="spec.containers{checkout}")


HEALTHY = {"name": "checkout", "ready": True, "restartCount": 0, "image": APP["image"],
           "state": {"running": {"startedAt": "2025-05-14T07:10:00Z"}}}

CASES = [
    pytest.param(_checkout(_config_error('configmap "checkout-settings" not found')),
                 "create_container_config_missing_configmap", "OBJECT_MISSING", ["checkout-settings", "envFrom"],
                 id="an envFrom ConfigMap that does not exist is named as missing"),
    pytest.param(_checkout(_config_error('secret "payments-db" not found')),
                 "create_container_config_missing_secret", "OBJECT_MISSING", ["payments-db", "env DB_PASSWORD"],
                 id="a Secret that does not exist is named with the env var that reads it"),
    pytest.param(_checkout(_config_error("couldn't find key DB_PASSWORD in Secret shop/payments-db"),
                           obj("Secret", "payments-db", type="Opaque")),
                 "create_container_config_missing_secret_key", "SCHEDULER_SAYS", ["DB_PASSWORD", "payments-db"],
                 id="a key missing from an existing Secret is named with the key and the Secret"),
    pytest.param(_checkout(_config_error("couldn't find key flags.json in ConfigMap shop/checkout-flags"),
                           obj("ConfigMap", "checkout-flags", data={"flags.yaml": "beta: true"})),
                 "create_container_config_missing_configmap", "SCHEDULER_SAYS", ["flags.json", "checkout-flags"],
                 id="a key missing from an existing ConfigMap is named with the key and the ConfigMap"),
    pytest.param(_checkout(_config_error(""), _failed('Error: configmap "checkout-settings" not found')),
                 "create_container_config_missing_configmap", "OBJECT_MISSING", ["checkout-settings"],
                 id="when the waiting message is empty the kubelet's Failed event names the ConfigMap"),
    pytest.param(_checkout(_config_error('configmap "checkout-settings" not found'),
                           obj("ConfigMap", "checkout-settings", data={"LOG_LEVEL": "info"})),
                 "create_container_config_missing_configmap", "SYMPTOM", ["checkout-settings", "exists now"],
                 id="a ConfigMap created since the error is only a symptom of a pod that has not retried"),
    pytest.param(_checkout(HEALTHY), None, None, [],
                 id="a running, ready pod has no config error"),
    pytest.param(_checkout(waiting("checkout", "CreateContainerError",
                                   'Error: failed to reserve container name "checkout_checkout-6b7d9f5c8-m4r2p_shop": '
                                   'name "checkout_checkout-6b7d9f5c8-m4r2p_shop" is reserved')),
                 None, None, [],
                 id="a CreateContainerError about a reserved container name is not a missing object"),
    pytest.param(_checkout(waiting("checkout", "ImagePullBackOff", 'Back-off pulling image "registry.example.com/shop/app:1.0.0"')),
                 None, None, [],
                 id="an image pull back-off is a different failure"),
]


@pytest.mark.parametrize(("objects", "category", "strength", "mentions"), CASES)
def test_missing_config_is_named_with_the_object_and_strength(objects, category, strength, mentions):
    finding = ANALYZER.conclude(evidence(incident(object_name=POD, family="container_config"), objects))
    if category is None:
        assert finding is None
        return
    assert finding is not None
    assert (finding.category, finding.strength) == (category, strength)
    text = f"{finding.summary} {finding.root_cause}"
    assert all(m in text for m in mentions), text
