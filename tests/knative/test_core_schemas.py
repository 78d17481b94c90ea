"""Core Kubernetes kinds validate offline against the 1.32 schemas that kubernetes-validate ships."""

import copy

import kubernetes_validate
import pytest

from tests.knative.manifests import KSVC_API, load

K8S_VERSION = "1.32.0"
KNATIVE_ONLY_REVISION_FIELDS = ("containerConcurrency", "timeoutSeconds", "responseStartTimeoutSeconds",
                                "idleTimeoutSeconds")
CORE = [d for d in load().documents if "knative.dev" not in d["apiVersion"]]
SERVICES = [d for d in load().documents
            if d["apiVersion"] == KSVC_API]


def _validate(doc):
    kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


@pytest.mark.parametrize("doc", CORE, ids=[f"{d['kind']} {d['metadata']['name']}" for d in CORE])
def test_core_object_is_valid_for_kubernetes_1_32(doc):
    _validate(doc)


@pytest.mark.parametrize("service", SERVICES, ids=[f"the pod of {s['metadata']['name']}" for s in SERVICES])
def test_every_knative_revision_template_is_a_valid_pod(service):
    """A Knative revision is a PodSpec plus a few fields of its own: the containers must be valid pod containers."""
    template = copy.deepcopy(service["spec"]["template"])
    for field in KNATIVE_ONLY_REVISION_FIELDS:
        template["spec"].pop(field, None)
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": service["metadata"]["name"], **template["metadata"]},
           "spec": template["spec"]}
    _validate(pod)


@pytest.mark.parametrize("mutate", [
    lambda d: d["spec"].__setitem__("replicas", "one"),
    lambda d: d["spec"]["template"]["spec"]["containers"][0].__setitem__("imagePullPolcy", "Always"),
], ids=["a replica count that is not a number is refused", "a misspelt container field is refused in strict mode"])
def test_the_validator_refuses_a_broken_deployment(mutate):
    redis = copy.deepcopy(next(d for d in CORE if d["kind"] == "Deployment"))
    mutate(redis)
    with pytest.raises(kubernetes_validate.ValidationError):
        _validate(redis)
