"""The functions read exactly what the tools read, write nothing, never touch Secrets; Redis admits only them."""

from urllib.parse import urlparse

import pytest

from shared.cluster.kinds import RESOURCES
from tests.knative.manifests import Manifests, labels_match

READ_VERBS = {"get", "list", "watch"}


def _expected_reader_rules() -> set[tuple[str, str, str]]:
    wanted = set()
    for resource, (_kind, api_version, _shorts) in RESOURCES.items():
        if resource == "secrets":
            continue
        group = api_version.split("/")[0] if "/" in api_version else ""
        wanted |= {(group, resource, verb) for verb in READ_VERBS}
    # metrics.k8s.io: the cost analyzer's usage reads (shared/cost/metrics.py, LiveCluster.metrics).
    metrics = {("metrics.k8s.io", resource, verb) for resource in ("pods", "nodes") for verb in ("get", "list")}
    # Gatekeeper's constraints: LiveCluster.constraints lists every kind its ConstraintTemplates made.
    return wanted | metrics | CONSTRAINTS | {("", "pods/log", "get")}


# One kind per ConstraintTemplate, named by whoever writes templates: only a wildcard reads them all, so the
# one wildcard allowed is this group's, read-only.
CONSTRAINTS = {("constraints.gatekeeper.sh", "*", verb) for verb in ("get", "list")}


def _granted(role) -> set[tuple[str, str, str]]:
    return {(group, resource, verb) for rule in role["rules"] for group in rule["apiGroups"]
            for resource in rule["resources"] for verb in rule["verbs"]}


def test_the_reader_role_grants_exactly_the_tools_resources_and_pod_logs(base: Manifests):
    granted = _granted(base.named("ClusterRole", "kubetriage-reader"))
    wanted = _expected_reader_rules()
    assert granted - wanted == set(), "granted beyond what the tools read"
    assert wanted - granted == set(), "a tool would be refused"


@pytest.mark.parametrize("check", ["verbs", "secrets", "wildcards"], ids=[
    "no role grants a verb other than get, list or watch",
    "no role mentions secrets",
    "no role uses a wildcard",
])
def test_no_role_here_can_write_or_read_secrets(base: Manifests, check):
    for role in [*base.of("ClusterRole"), *base.of("Role")]:
        for group, resource, verb in _granted(role):
            where = (role["metadata"]["name"], group, resource, verb)
            if check == "verbs":
                assert verb in READ_VERBS, where
            elif check == "secrets":
                assert resource.split("/")[0] != "secrets", where
            elif (group, resource, verb) not in CONSTRAINTS:
                assert "*" not in (group, resource, verb), where


def test_every_binding_binds_a_role_and_accounts_defined_here(base: Manifests):
    roles = {r["metadata"]["name"] for r in base.of("ClusterRole")}
    accounts = {a["metadata"]["name"] for a in base.of("ServiceAccount")}
    for binding in base.of("ClusterRoleBinding"):
        assert binding["roleRef"]["kind"] == "ClusterRole" and binding["roleRef"]["name"] in roles
        for subject in binding["subjects"]:
            assert subject["kind"] == "ServiceAccount" and subject["name"] in accounts
            assert subject["namespace"] == "kubetriage"
    reader = base.named("ClusterRoleBinding", "kubetriage-reader")
    assert [s["name"] for s in reader["subjects"]] == ["kubetriage-functions"]


def test_every_service_account_a_service_names_is_defined_here(deployment: Manifests):
    accounts = {a["metadata"]["name"] for a in deployment.of("ServiceAccount")}
    for name, service in deployment.knative_services().items():
        account = service["spec"]["template"]["spec"].get("serviceAccountName")
        assert account is None or account in accounts, name


def test_redis_url_points_at_the_redis_service(base: Manifests):
    url = urlparse(base.config()["REDIS_URL"])
    service = base.named("Service", "kubetriage-redis")
    assert url.scheme == "redis"
    assert url.hostname == f"{service['metadata']['name']}.{service['metadata']['namespace']}.svc.cluster.local"
    assert url.port in {p["port"] for p in service["spec"]["ports"]}


def test_the_network_policy_guards_redis_and_admits_every_function_and_nothing_else(deployment: Manifests):
    policy = deployment.named("NetworkPolicy", "kubetriage-redis")
    redis_pods = deployment.named("Deployment", "kubetriage-redis")["spec"]["template"]["metadata"]["labels"]
    assert labels_match(policy["spec"]["podSelector"]["matchLabels"], redis_pods)
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    (rule,) = policy["spec"]["ingress"]
    (peer,) = rule["from"]
    assert set(peer) == {"podSelector"}, "admits pods only by label, not whole namespaces or CIDRs"
    admitted = peer["podSelector"]["matchLabels"]
    for name, service in deployment.knative_services().items():
        pod_labels = service["spec"]["template"]["metadata"].get("labels", {})
        assert labels_match(admitted, pod_labels) is (name in deployment.function_services()), name
    assert rule["ports"] == [{"protocol": "TCP", "port": 6379}]
