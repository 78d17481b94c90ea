"""Images (tags, digests, registries) and network policies (default deny, allow-all, uncovered pods)."""

import pytest

from shared.security.images import audit_images, split_image
from shared.security.network import audit_network


@pytest.mark.parametrize(
    ("image", "parts"),
    [("nginx", ("docker.io", "nginx", None, None)),
     ("nginx:latest", ("docker.io", "nginx", "latest", None)),
     ("ghcr.io/acme/api:1.4.2", ("ghcr.io", "acme/api", "1.4.2", None)),
     ("localhost:5000/api@sha256:abc", ("localhost:5000", "api", None, "sha256:abc")),
     ("bitnami/redis:7.2", ("docker.io", "bitnami/redis", "7.2", None))],
    ids=["a bare name is Docker Hub with no tag", "latest", "a registry with a path and a tag",
         "a registry with a port and a digest", "a Hub path with a tag"],
)
def test_image_references_split_as_the_runtime_reads_them(image, parts):
    assert split_image(image) == parts


def _spec(image, **c):
    return {"containers": [{"name": "app", "image": image, **c}]}


@pytest.mark.parametrize(
    ("image", "allowed", "checks"),
    [("nginx", (), {"image_latest"}), ("nginx:latest", (), {"image_latest"}),
     ("ghcr.io/acme/api:1.4.2", ("registry.acme.io",), {"registry_not_allowed"}),
     ("registry.acme.io/api:1.4.2@sha256:0f", ("registry.acme.io",), set()),
     ("registry.acme.io/api:2.0", ("registry.acme.io",), set())],
    ids=["no tag is unpinned", ":latest is unpinned", "a registry outside the allow-list",
         "a pinned image from an allowed registry is fine", "a version tag from an allowed registry is fine"],
)
def test_images_that_can_change_or_come_from_elsewhere_are_reported(image, allowed, checks):
    assert {i.check for i in audit_images("Deployment/shop/app", _spec(image), allowed)} == checks


DENY = {"kind": "NetworkPolicy", "metadata": {"name": "default-deny", "namespace": "shop"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
ALLOW_ALL = {"kind": "NetworkPolicy", "metadata": {"name": "open", "namespace": "shop"},
             "spec": {"podSelector": {"matchLabels": {"app": "api"}}, "ingress": [{}]}}
POD = {"metadata": {"name": "api-1", "labels": {"app": "api"}}}


@pytest.mark.parametrize(
    ("policies", "checks"),
    [((), {"no_default_deny"}), ((DENY,), set()), ((DENY, ALLOW_ALL), {"policy_allows_all"}),
     ((ALLOW_ALL,), {"no_default_deny", "policy_allows_all"})],
    ids=["no policy at all: no default deny", "a default deny covers the namespace",
         "a rule with no from admits everyone", "an allow-all without a default deny is both"],
)
def test_namespaces_open_to_every_pod_are_reported(policies, checks):
    assert {i.check for i in audit_network("shop", [POD], list(policies))} == checks
