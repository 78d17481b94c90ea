from tests.store_fixtures import store  # noqa: F401 - the shared fixture
