"""Names are names: arguments built to escape never become another request.

The real kubernetes client talks to the local API server (devtools/kubeapi.py), which, like a real one
behind an admin kubeconfig, serves Secrets with their data to whoever asks for plain JSON and answers
exec/proxy subresources. Every request that reached it is recorded, and the tests assert on those.
"""

from __future__ import annotations

import base64
import json
import re

import pytest

from devtools.kubeapi import SUBRESOURCE_REACHED, serve_cluster
from shared.cluster.kinds import RESOURCES
from shared.cluster.live import LiveCluster
from shared.cluster.memory import InMemoryCluster
from shared.cluster.snapshot import load_snapshot
from shared.tools.catalog import TOOLS
from shared.tools.compaction import render_for_model
from shared.tools.executor import ToolExecutor
from shared.tools.spec import ToolCall

SECRET_VALUES = {
    "stripe": "sk_live_51HxQpRgUardTeStValue0001",
    "db": "pg-Pa55w0rd-guard-0002",
    "github": "ghp_guardTestTokenValue0003abcdefXYZ",
    "aws": "wJalrXUtnFEMI/K7MDENG/guard0004EXAMPLEKEY",
    "slack": "xoxb-guard-0005-webhook-value",
}


def _secret(name: str, value: str) -> dict:
    return {"kind": "Secret", "apiVersion": "v1", "type": "Opaque",
            "metadata": {"name": name, "namespace": "payments"},
            "data": {"value": base64.b64encode(value.encode()).decode()}}


SECRETS = [_secret(n, v) for n, v in SECRET_VALUES.items()]
POD = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "x", "namespace": "payments", "labels": {"app": "x"}},
       "spec": {"containers": [{"name": "c", "image": "x:1"}]}, "status": {"phase": "Running"}}
CM = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "settings", "namespace": "payments"},
      "data": {"mode": "live"}}


def _leaks(text: str) -> list[str]:
    """Which secret values (plain or base64, as the API serves them) appear in a text."""
    found = []
    for name, value in SECRET_VALUES.items():
        if value in text or base64.b64encode(value.encode()).decode() in text:
            found.append(name)
    return found


_GROUPS = {api for _, api, _ in RESOURCES.values()}
_LABEL = r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"
_SUBDOMAIN = rf"{_LABEL}(\.{_LABEL})*"
_ALLOWED = re.compile(
    rf"^/(?P<api>api/v1|apis/[a-z0-9.-]+/v[0-9a-z]+)(/namespaces/{_LABEL})?/(?P<res>[a-z]+)"
    rf"(/(?P<name>{_SUBDOMAIN})(/(?P<sub>log|status))?)?$")


def bad_requests(requests: list[dict]) -> list[str]:
    """Every recorded request that is not a GET of a known resource, a valid name, log or status,
    or that asked for Secrets without the metadata-only media type."""
    bad = []
    for r in requests:
        path = r["decoded_path"]
        m = _ALLOWED.match(path)
        if r["method"] != "GET" or r["path"] != path or not m or m.group("res") not in RESOURCES:
            bad.append(f"{r['method']} {r['path']}")
        elif m.group("res") == "secrets" and "PartialObjectMetadata" not in r["accept"]:
            bad.append(f"{r['method']} {r['path']} (Secret as full JSON)")
        elif m.group("name") and len(m.group("name")) > 253:
            bad.append(f"{r['method']} {r['path']} (overlong)")
    return bad


@pytest.fixture
def api(tmp_path):
    with serve_cluster(InMemoryCluster([POD, CM, *SECRETS])) as server:
        server.secrets.extend(SECRETS)
        server.cluster.add_log("payments", "x", "c", "hello\n")
        server.kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
        yield server


def _executor(api) -> ToolExecutor:
    return ToolExecutor(LiveCluster.from_kubeconfig(str(api.kubeconfig)), TOOLS, timeout_s=5, max_attempts=1)


P = "payments"
ESCAPES = [
    ("get_resource", {"kind": "pods", "name": "../secrets/stripe", "namespace": P}, "dot-dot into secrets"),
    ("get_resource", {"kind": "pods", "name": "x/../../secrets/db", "namespace": P}, "a name with two dot-dots"),
    ("get_resource", {"kind": "pods", "name": "%2e%2e/secrets/github", "namespace": P}, "percent-encoded dots"),
    ("get_resource", {"kind": "pods", "name": "%2E%2E%2Fsecrets%2Faws", "namespace": P}, "percent-encoded slash"),
    ("get_resource", {"kind": "pods", "name": "\u2024\u2024/secrets/slack", "namespace": P}, "unicode dot leaders"),
    ("get_resource", {"kind": "pods", "name": "\uff0e\uff0e/secrets/stripe", "namespace": P}, "fullwidth dots"),
    ("get_resource", {"kind": "pods", "name": "x/exec?command=id", "namespace": P}, "an exec subresource"),
    ("get_resource", {"kind": "pods", "name": "x/proxy/admin", "namespace": P}, "a proxy subresource"),
    ("get_resource", {"kind": "pods", "name": "x/attach", "namespace": P}, "an attach subresource"),
    ("get_resource", {"kind": "pods", "name": "x?watch=true", "namespace": P}, "a query in the name"),
    ("get_resource", {"kind": "pods", "name": "x#frag", "namespace": P}, "a fragment in the name"),
    ("get_resource", {"kind": "pods", "name": "X", "namespace": P}, "an uppercase name"),
    ("get_resource", {"kind": "pods", "name": "a" * 300, "namespace": P}, "an overlong name"),
    ("get_resource", {"kind": "pods", "name": "", "namespace": P}, "an empty name"),
    ("get_resource", {"kind": "pods", "name": "x", "namespace": "payments/secrets/stripe#"},
     "a namespace with a path"),
    ("get_resource", {"kind": "pods", "name": "x", "namespace": "../../api/v1/namespaces/payments/secrets/db?"},
     "a namespace with dot-dots"),
    ("get_resource", {"kind": "secrets ", "name": "stripe", "namespace": P}, "kind 'secrets ' with a space"),
    ("get_resource", {"kind": "secret.v1", "name": "db", "namespace": P}, "kind secret.v1"),
    ("get_resource", {"kind": "secrets/stripe", "name": "x", "namespace": P}, "kind with a name in it"),
    ("get_resource", {"kind": "pods/exec", "name": "x", "namespace": P}, "kind with a subresource"),
    ("get_resource", {"kind": "../secrets", "name": "github", "namespace": P}, "kind with dot-dots"),
    ("get_resource", {"kind": "Secret", "name": "aws", "namespace": P}, "kind Secret"),
    ("get_resource", {"kind": "secrets", "name": "slack", "namespace": P}, "kind secrets"),
    ("get_resource", {"kind": "SECRETS", "name": "stripe", "namespace": P}, "kind SECRETS"),
    ("list_resources", {"kind": "secrets", "namespace": P}, "a list of secrets"),
    ("list_resources", {"kind": "secret", "namespace": P}, "a list of kind secret"),
    ("list_resources", {"kind": "pods", "namespace": "../../api/v1/namespaces/payments/secrets"},
     "a list whose namespace climbs to secrets"),
    ("list_resources", {"kind": "pods", "namespace": P, "label_selector": "a=b&fieldSelector=x"},
     "a selector with a query parameter in it"),
    ("list_resources", {"kind": "pods", "namespace": P, "field_selector": "x=y#"}, "a field selector with a hash"),
    ("pod_logs", {"namespace": P, "pod": "x/exec?command=id&stdout=true", "container": "c"}, "exec through logs"),
    ("pod_logs", {"namespace": P, "pod": "../secrets/stripe", "container": "c"}, "logs of a dot-dot pod"),
    ("pod_logs", {"namespace": P, "pod": "x", "container": "c&command=id"}, "a container with a query"),
    ("pod_logs", {"namespace": "payments/pods/x/exec?", "pod": "x", "container": "c"}, "exec in the namespace"),
    ("object_events", {"kind": "secrets", "name": "stripe", "namespace": P}, "events of a secret"),
    ("object_events", {"kind": "Pod", "name": "x,involvedObject.kind=Secret", "namespace": P},
     "a name that extends the field selector"),
    ("describe_pod", {"namespace": P, "name": "../secrets/db"}, "describe a dot-dot pod"),
    ("configmap_keys", {"namespace": P, "name": "../secrets/github"}, "configmap keys of a secret"),
    ("secret_keys", {"namespace": P, "name": "../../secrets/aws"}, "secret keys with dot-dots"),
    ("rollout_history", {"namespace": P, "name": "../../secrets/slack"}, "rollout history of a secret"),
    ("service_endpoints", {"namespace": P, "name": "x/proxy/"}, "a service proxy"),
    ("node_status", {"name": "n/proxy/configz"}, "a node proxy"),
]


@pytest.mark.parametrize(("tool", "args", "why"), ESCAPES, ids=[e[2] for e in ESCAPES])
def test_arguments_built_to_escape_reach_no_other_path_and_no_secret_value(api, tool, args, why):
    result = _executor(api).run(ToolCall(tool, args))
    seen = json.dumps(result.to_dict(), default=str) + render_for_model(result)
    assert bad_requests(api.requests) == []
    assert _leaks(seen) == []
    assert SUBRESOURCE_REACHED not in seen


@pytest.mark.parametrize(("tool", "args", "why"), [e for e in ESCAPES if "kind secrets" not in e[2]
                                                   and e[2] not in ("kind Secret", "kind SECRETS",
                                                                    "a list of secrets", "a list of kind secret")],
                         ids=[e[2] for e in ESCAPES if "kind secrets" not in e[2]
                              and e[2] not in ("kind Secret", "kind SECRETS", "a list of secrets",
                                               "a list of kind secret")])
def test_an_invalid_argument_is_refused_before_any_request_naming_the_argument(api, tool, args, why):
    result = _executor(api).run(ToolCall(tool, args))
    assert not result.ok
    assert api.requests == []
    assert any(f"'{name}'" in result.error for name in args)


@pytest.mark.parametrize("kind", ["secrets", "Secret", "secret", "SECRETS"])
def test_a_secret_asked_for_by_any_spelling_is_metadata_and_key_names_only(api, kind):
    result = _executor(api).run(ToolCall("get_resource", {"kind": kind, "name": "stripe", "namespace": P}))
    assert result.ok and result.data["metadata"]["name"] == "stripe"
    assert "data" not in result.data and _leaks(json.dumps(result.data)) == []
    assert all("PartialObjectMetadata" in r["accept"] for r in api.requests)


def test_the_live_backend_refuses_escaping_names_itself_whoever_calls_it(api):
    live = LiveCluster.from_kubeconfig(str(api.kubeconfig))
    from shared.errors import KubetriageError

    for call in (lambda: live.get("pods", "../secrets/stripe", P), lambda: live.get("pods", "x", "a/b"),
                 lambda: live.list("secret.v1", P), lambda: live.logs(P, "x/exec?command=id", "c"),
                 lambda: live.logs(P, "x", "c/../../exec"), lambda: live.list("pods", P, label_selector="a#b")):
        with pytest.raises(KubetriageError):
            call()
    assert api.requests == []


def test_a_secret_response_is_stripped_even_if_the_server_sends_data(api):
    """The server ignores the metadata media type and sends the whole Secret: data still never comes back."""
    live = LiveCluster.from_kubeconfig(str(api.kubeconfig))
    original = api.answer

    def whole_secrets(path, query, accept=""):
        return original(path, query, "application/json")

    api.answer = whole_secrets
    got = live.get("secrets", "stripe", P)
    listed = live.list("secrets", P)
    assert _leaks(json.dumps(got)) == [] and _leaks(json.dumps(listed)) == []
    assert "data" not in got and all("data" not in s for s in listed)


def test_the_snapshot_backend_refuses_the_same_names(tmp_path):
    from shared.errors import KubetriageError

    (tmp_path / P).mkdir()
    (tmp_path / P / "pods.json").write_text(json.dumps({"kind": "PodList", "apiVersion": "v1", "items": [POD]}))
    (tmp_path / P / "secrets.json").write_text(json.dumps({"kind": "SecretList", "apiVersion": "v1",
                                                            "items": SECRETS}))
    snapshot = load_snapshot(tmp_path)
    executor = ToolExecutor(snapshot, TOOLS, timeout_s=5, max_attempts=1)
    for tool, args, why in ESCAPES:
        result = executor.run(ToolCall(tool, args))
        assert _leaks(json.dumps(result.to_dict(), default=str)) == [], why
    for call in (lambda: snapshot.get("pods", "../secrets/stripe", P), lambda: snapshot.get("pods", "x", "a/b"),
                 lambda: snapshot.list("secret.v1", P), lambda: snapshot.logs(P, "x/exec?command=id", "c"),
                 lambda: snapshot.get("pods", "X", P), lambda: snapshot.list("pods", P, field_selector="a#b")):
        with pytest.raises(KubetriageError):
            call()
    assert snapshot.get("pods", "x", P)["metadata"]["name"] == "x"
