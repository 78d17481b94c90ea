import pytest

from tests.knative.manifests import OPTIONAL_COMPONENT, Manifests, load


@pytest.fixture(scope="session")
def base() -> Manifests:
    return load()


@pytest.fixture(scope="session", params=["base", "with_optional_specialists"],
                ids=["the base kustomization", "the base with the optional specialists"])
def deployment(request: pytest.FixtureRequest) -> Manifests:
    return load() if request.param == "base" else load(with_components=[OPTIONAL_COMPONENT])
