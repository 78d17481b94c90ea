import pytest

from tests.redis_cluster import redis_cluster_url  # noqa: F401 - the session's Redis Cluster
from tests.store_fixtures import contract_store  # noqa: F401 - SQLite, Redis, Redis Cluster


@pytest.fixture
def store(contract_store):  # noqa: F811 - the contract tests run on all three stores
    return contract_store
