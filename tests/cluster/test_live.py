"""The live backend: the real kubernetes client against a local API-shaped server (devtools/kubeapi.py)."""

from dataclasses import replace

import pytest

from devtools.kubeapi import Fault, serve_cluster
from devtools.scenarios import render_suite
from shared.cli import diagnose
from shared.cluster.live import LiveCluster
from shared.cluster.memory import InMemoryCluster
from shared.cluster.snapshot import load_snapshot
from shared.errors import Forbidden, TransientError
from shared.settings import Settings
from shared.tools.catalog import TOOLS
from shared.tools.executor import ToolExecutor
from shared.tools.spec import ToolCall

POD = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "api-1", "namespace": "shop", "labels": {"app": "api"}},
       "spec": {"containers": [{"name": "api", "image": "api:1"}]},
       "status": {"phase": "Running", "containerStatuses": [{"name": "api", "restartCount": 3, "lastState": {
           "terminated": {"exitCode": 1}}}]}}
EVENT = {"kind": "Event", "apiVersion": "v1", "metadata": {"name": "api-1.1", "namespace": "shop"},
         "involvedObject": {"kind": "Pod", "name": "api-1", "namespace": "shop"}, "reason": "BackOff", "type": "Warning"}
SECRET = {"kind": "Secret", "apiVersion": "v1", "metadata": {"name": "db", "namespace": "shop"},
          "data": {"password": "aHVudGVyMg=="}}


@pytest.fixture
def api(tmp_path):
    cluster = InMemoryCluster([POD, EVENT, SECRET])
    cluster.add_log("shop", "api-1", "api", "a\nb\nKeyError: 'X'\n", previous=True)
    with serve_cluster(cluster) as server:
        server.kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
        yield server


def _live(api):
    return LiveCluster.from_kubeconfig(str(api.kubeconfig))


def test_get_and_list_return_api_shaped_objects_with_their_kind(api):
    live = _live(api)
    pod = live.get("pods", "api-1", "shop")
    assert pod["kind"] == "Pod" and pod["metadata"]["name"] == "api-1"
    assert live.get("pods", "nope", "shop") is None
    (item,) = live.list("pods", "shop", label_selector="app=api")
    assert item["kind"] == "Pod"
    assert api.requests[-1]["path"] == "/api/v1/namespaces/shop/pods"
    assert api.requests[-1]["query"]["labelSelector"] == "app=api"


def test_a_list_longer_than_a_page_is_followed_through_its_continue_tokens(tmp_path, monkeypatch):
    import shared.cluster.live as live_module

    monkeypatch.setattr(live_module, "LIST_PAGE", 2)
    pods = [{**POD, "metadata": {**POD["metadata"], "name": f"api-{n}"}} for n in range(5)]
    with serve_cluster(InMemoryCluster(pods)) as server:
        live = LiveCluster.from_kubeconfig(str(server.write_kubeconfig(tmp_path / "kubeconfig")))
        names = [p["metadata"]["name"] for p in live.list("pods", "shop")]
        pages = [r["query"] for r in server.requests if r["path"] == "/api/v1/namespaces/shop/pods"]
    assert sorted(names) == [f"api-{n}" for n in range(5)]
    assert len(pages) == 3 and [q.get("continue") for q in pages] == [None, "2", "4"]


def test_events_of_an_object_use_a_field_selector(api):
    result = ToolExecutor(_live(api), TOOLS).run(ToolCall("object_events", {"kind": "Pod", "name": "api-1",
                                                                             "namespace": "shop"}))
    assert result.ok and result.data[0]["reason"] == "BackOff"
    assert api.requests[-1]["query"]["fieldSelector"] == "involvedObject.name=api-1,involvedObject.kind=Pod"


def test_previous_logs_ask_for_previous_and_a_tail(api):
    text = _live(api).logs("shop", "api-1", "api", previous=True, tail_lines=50)
    assert "KeyError" in text
    request = api.requests[-1]
    assert request["path"] == "/api/v1/namespaces/shop/pods/api-1/log"
    assert request["query"] == {"container": "api", "previous": "true", "tailLines": "50"}


def test_secrets_are_requested_as_metadata_only_and_come_back_without_data(api):
    secret = _live(api).get("secrets", "db", "shop")
    assert "data" not in secret and secret["metadata"]["name"] == "db"
    assert "PartialObjectMetadata" in api.requests[-1]["accept"]


@pytest.mark.parametrize(("status", "error"), [(503, TransientError), (429, TransientError), (403, Forbidden)],
                         ids=["a 503 is transient", "a 429 is transient", "a 403 is forbidden"])
def test_api_errors_map_to_our_errors(api, status, error):
    api.faults.append(Fault(path="/pods/api-1$", status=status, count=1, retry_after=1))
    with pytest.raises(error):
        _live(api).get("pods", "api-1", "shop")


def test_the_executor_retries_transient_api_errors_and_succeeds(api):
    api.faults.append(Fault(path="/pods/api-1$", status=503, count=2))
    result = ToolExecutor(_live(api), TOOLS).run(ToolCall("get_resource", {"kind": "pods", "name": "api-1",
                                                                            "namespace": "shop"}))
    assert result.ok and result.attempts == 3


def test_a_scenario_diagnosed_live_matches_the_snapshot_diagnosis(tmp_path):
    (snapshot,) = render_suite(tmp_path / "s", ["crashloop-missing-env-python-checkout"])
    body = (snapshot / "event.json").read_bytes()
    (from_dump,), _ = diagnose(Settings(), snapshot, "event", body)
    with serve_cluster(load_snapshot(snapshot)) as server:
        from shared.runtime import build_local
        from shared.stores.sqlite import SqliteStore

        live = LiveCluster.from_kubeconfig(str(server.write_kubeconfig(tmp_path / "kc")))
        import io
        import json

        out = io.StringIO()
        router, emitter = build_local(replace(Settings(), state_dir=str(tmp_path)),
                                      SqliteStore(str(tmp_path / "x.db")), stream=out, as_json=True, cluster=live)
        from shared.cli import request_for

        path, headers = request_for("event", body)
        router.handle(path, headers, body)
        emitter.drain()
        live_diagnosis = json.loads(out.getvalue().splitlines()[0])
        assert all(r["method"] == "GET" for r in server.requests)
    assert live_diagnosis["category"] == from_dump["category"] == "crashloop_missing_env"
    assert live_diagnosis["summary"] == from_dump["summary"]
