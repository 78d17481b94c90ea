"""Loading kubectl dumps: the format as real kubectl writes it (see tests/fixtures/dumps)."""

import json
from pathlib import Path

import pytest

from shared.cluster.snapshot import load_snapshot, parse_logs_txt
from shared.errors import InvalidInput

DUMPS = Path(__file__).parent.parent / "fixtures" / "dumps"


def test_items_of_typed_lists_get_their_kind_and_api_version():
    cluster = load_snapshot(DUMPS / "crashloop-missing-env")
    pod = cluster.get("pods", "points-expiry-7797kfzm2r-bkt8n", "loyalty")
    assert pod["kind"] == "Pod" and pod["apiVersion"] == "v1"
    deploy = cluster.list("deployments", "loyalty")[0]
    assert deploy["kind"] == "Deployment" and deploy["apiVersion"] == "apps/v1"
    assert {n["metadata"]["name"] for n in cluster.list("nodes")}


def test_extra_objects_are_placed_by_their_own_kind_and_secrets_keep_no_data():
    cluster = load_snapshot(DUMPS / "crashloop-missing-env")
    assert cluster.get("configmaps", "points-config", "loyalty")["data"]
    secret = cluster.get("secrets", "wallet-service", "loyalty")
    assert secret is not None and "data" not in secret


def test_logs_come_from_logs_txt_and_previous_logs_from_extra():
    cluster = load_snapshot(DUMPS / "crashloop-missing-env")
    pod = "points-expiry-7797kfzm2r-bkt8n"
    current = cluster.logs("loyalty", pod, "points-expiry")
    previous = cluster.logs("loyalty", pod, "points-expiry", previous=True)
    assert "WALLET_SERVICE_URL" in current and "WALLET_SERVICE_URL" in previous
    assert "==== START" not in current


def test_a_request_log_error_line_means_no_log():
    cluster = load_snapshot(DUMPS / "image-pull-not-found")
    assert cluster.logs("bookings", "slot-finder-dzpj2frrls-glt4v", "slot-finder") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("==== START logs for container a of pod ns/p ====\nx\ny\n==== END logs for container a of pod ns/p ====\n",
         {"a": "x\ny\n"}),
        ("==== START logs for container i of pod ns/p ====\ninit\n==== END logs for container i of pod ns/p ====\n"
         "==== START logs for container a of pod ns/p ====\nRequest log error: the server rejected our request "
         "for an unknown reason (get pods p)\n==== END logs for container a of pod ns/p ====\n", {"i": "init\n"}),
    ],
    ids=["one container's lines between its markers", "init first, and a log error line reads as no log"],
)
def test_logs_txt_parsing(text, expected):
    assert parse_logs_txt(text) == expected


def test_a_broken_json_file_is_an_invalid_input_naming_the_file(tmp_path):
    (tmp_path / "nodes.json").write_text("{oops")
    with pytest.raises(InvalidInput) as err:
        load_snapshot(tmp_path)
    assert "nodes.json" in str(err.value)


def test_trigger_files_beside_the_dump_are_not_loaded_as_objects(tmp_path):
    (tmp_path / "event.json").write_text(json.dumps({"kind": "Event", "metadata": {"name": "e", "namespace": "x"}}))
    assert load_snapshot(tmp_path).list("events") == []
