"""The image-pull analyzer: a pull that fails is named as a missing tag, refused credentials or an unreachable registry.

Each row is a pod waiting on its image as the kubelet leaves it (the waiting message and the Failed /
FailedToRetrieveImagePullSecret events) and what the finding must say: the class, its strength, and the
image, tag or registry a reader has to fix. A bare back-off whose detailed events expired is only a
guess at the commonest cause. Running pods and other failures are not its business.
"""

# ruff: noqa: E501 -- registry answers are verbatim fixture data.

import pytest
from cluster_builders import container, deployment, event, evidence, incident, pod, replicaset, waiting

from shared.analyzers.image_pull import ANALYZER

POD = "api-84c6f7d9b-t5n8k"
IMAGE = "registry.example.com/shop/api:1.4.2"
PREVIOUS = "registry.example.com/shop/api:1.4.1"


def _api(status: dict, *events: dict, image: str = IMAGE, pull_secrets: list[str] | None = None) -> list[dict]:
    new, old = container("api", image=image), container("api", image=PREVIOUS)
    spec = {"imagePullSecrets": [{"name": s} for s in pull_secrets]} if pull_secrets else None
    return [
        deployment("api", containers=[new], revision=5),
        replicaset("api-84c6f7d9b", "api", 5, [new]),
        replicaset("api-6f5b8c7d4", "api", 4, [old]),
        pod(POD, containers=[new], owner=("ReplicaSet", "api-84c6f7d9b"), phase="Pending", statuses=[status],
            spec=spec),
        *events,
    ]


def _pulling(reason: str, message: str, image: str = IMAGE) -> dict:
    return waiting("api", reason, message, image=image)


def _failed(message: str, reason: str = "Failed") -> dict:
    return event("Pod", POD, reason, message, count=6, component="kubelet", field_path="spec.containers{api}")


BACK_OFF = f'Back-off pulling image "{IMAGE}"'
NOT_FOUND = (f'Failed to pull image "{IMAGE}": rpc error: code = NotFound desc = failed to pull and unpack image '
             f'"{IMAGE}": failed to resolve reference "{IMAGE}": {IMAGE}: not found')
UNAUTHORIZED = (f'Failed to pull image "{IMAGE}": rpc error: code = Unknown desc = failed to pull and unpack image '
                f'"{IMAGE}": failed to resolve reference "{IMAGE}": failed to authorize: failed to fetch oauth token: '
                "unexpected status: 401 Unauthorized")
NO_SUCH_HOST = (f'Failed to pull image "{IMAGE}": rpc error: code = Unknown desc = failed to pull and unpack image '
                f'"{IMAGE}": failed to resolve reference "{IMAGE}": failed to do request: Head '
                '"https://registry.example.com/v2/shop/api/manifests/1.4.2": dial tcp: lookup registry.example.com '
                "on 10.96.0.10:53: no such host")
X509 = (f'Failed to pull image "{IMAGE}": rpc error: code = Unknown desc = failed to pull and unpack image "{IMAGE}": '
        'failed to resolve reference: failed to do request: Head "https://registry.example.com/v2/shop/api/manifests/1.4.2": '
        "tls: failed to verify certificate: x509: certificate signed by unknown authority")
HUB_IMAGE = "acme/widgets:2.0"
HUB_DENIED = ('Failed to pull image "acme/widgets:2.0": Error response from daemon: pull access denied for acme/widgets, '
              "repository does not exist or may require 'docker login': denied: requested access to the resource is denied")
SECRET_MISSING = ("Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.")

CASES = [
    pytest.param(_api(_pulling("ErrImagePull", NOT_FOUND), _failed(NOT_FOUND)),
                 "image_pull_not_found", "SCHEDULER_SAYS", ["tag 1.4.2 not found", IMAGE, f"previous revision ran {PREVIOUS}"],
                 id="a tag the registry does not have is named with the tag and the image the last revision ran"),
    pytest.param(_api(_pulling("ImagePullBackOff", BACK_OFF), _failed(BACK_OFF, "BackOff")),
                 "image_pull_not_found", "GUESS", ["1.4.2"],
                 id="a bare back-off whose detailed events expired is only a guess at a missing tag"),
    pytest.param(_api(_pulling("InvalidImageName", 'Failed to apply default image tag "registry.example.com/shop/API:1.4.2": '
                                                   "couldn't parse image reference: invalid reference format: repository name must be lowercase"),
                      image="registry.example.com/shop/API:1.4.2"),
                 "image_pull_not_found", "SCHEDULER_SAYS", ["registry.example.com/shop/API:1.4.2"],
                 id="an image name that does not parse is named as the image that cannot be pulled"),
    pytest.param(_api(_pulling("ErrImagePull", UNAUTHORIZED), _failed(UNAUTHORIZED)),
                 "image_pull_unauthorized", "SCHEDULER_SAYS", ["registry.example.com", "no imagePullSecrets"],
                 id="a 401 from a private registry with no pull secret is refused credentials"),
    pytest.param(_api(_pulling("ImagePullBackOff", BACK_OFF), _failed(SECRET_MISSING, "FailedToRetrieveImagePullSecret"),
                      pull_secrets=["regcred"]),
                 "image_pull_unauthorized", "SCHEDULER_SAYS", ["registry.example.com", "regcred"],
                 id="a pull secret the kubelet cannot retrieve is refused credentials naming the secret"),
    pytest.param(_api(_pulling("ErrImagePull", HUB_DENIED, image=HUB_IMAGE), _failed(HUB_DENIED), image=HUB_IMAGE),
                 "image_pull_not_found", "SCHEDULER_SAYS", ["acme/widgets:2.0", "tag 2.0"],
                 id="Docker Hub's does-not-exist-or-may-require-login without a pull secret is a missing image"),
    pytest.param(_api(_pulling("ErrImagePull", HUB_DENIED, image=HUB_IMAGE), _failed(HUB_DENIED), image=HUB_IMAGE,
                      pull_secrets=["hub-creds"]),
                 "image_pull_unauthorized", "SCHEDULER_SAYS", ["docker.io", "hub-creds"],
                 id="the same Docker Hub answer with a pull secret set is refused credentials"),
    pytest.param(_api(_pulling("ErrImagePull", NO_SUCH_HOST), _failed(NO_SUCH_HOST)),
                 "image_pull_registry_unreachable", "SCHEDULER_SAYS", ["registry registry.example.com is unreachable", "no such host"],
                 id="a registry whose name does not resolve is unreachable, not a missing tag"),
    pytest.param(_api(_pulling("ErrImagePull", X509), _failed(X509)),
                 "image_pull_registry_unreachable", "SCHEDULER_SAYS", ["registry.example.com", "x509"],
                 id="a registry with an untrusted certificate is unreachable"),
    pytest.param(_api({"name": "api", "ready": True, "restartCount": 0, "image": IMAGE,
                       "state": {"running": {"startedAt": "2025-05-14T07:10:00Z"}}}),
                 None, None, [],
                 id="a running pod whose image was pulled is quiet"),
    pytest.param(_api(_pulling("ContainerCreating", "")),
                 None, None, [],
                 id="a container still being created is quiet"),
    pytest.param(_api(waiting("api", "CrashLoopBackOff", "back-off 5m0s restarting failed container=api", restarts=9,
                              last={"exitCode": 1, "reason": "Error"}, image=IMAGE)),
                 None, None, [],
                 id="a crash loop after a successful pull is a different failure"),
]


@pytest.mark.parametrize(("objects", "category", "strength", "mentions"), CASES)
def test_failed_pulls_are_named_with_the_image_and_strength(objects, category, strength, mentions):
    finding = ANALYZER.conclude(evidence(incident(object_name=POD, family="image_pull"), objects))
    if category is None:
        assert finding is None
        return
    assert finding is not None
    assert (finding.category, finding.strength) == (category, strength)
    text = f"{finding.summary} {finding.root_cause}"
    assert all(m in text for m in mentions), text
