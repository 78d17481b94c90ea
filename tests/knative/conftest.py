import pytest

from tests.knative.manifests import Manifests, load


@pytest.fixture(scope="session")
def base() -> Manifests:
    return load()


@pytest.fixture(scope="session")
def deployment() -> Manifests:
    """Every specialist is in the base now: the deployment is the base kustomization."""
    return load()
