"""The investigation API over real HTTP against real Redis: Location, status with ?wait, lists and filters."""

import json

from tests.api.conftest import get, post

ASK = {"specversion": "1.0", "type": "io.kubetriage.diagnosis.requested", "source": "/test", "id": "ask-api-1",
       "datacontenttype": "application/json"}


def _ask(base, data, ce_id):
    body = json.dumps({**ASK, "id": ce_id, "data": data}).encode()
    return post(base + "/", body, {"Content-Type": "application/cloudevents+json"})


def test_a_manual_request_is_answered_with_where_to_follow_it_and_wait_returns_the_diagnosis(running):
    base, snapshot, _ = running
    ask = {"namespace": "payments", "workload": "deployment/checkout", "question": "why is checkout down?"}
    status, headers, reply = _ask(base, ask, "ask-api-follow")
    assert status == 202, reply
    location = headers["Location"]
    assert location == f"/investigations/{reply['accepted'][0]['investigation_id']}"
    status, _, raw = get(base + location + "?wait=45")
    answer = json.loads(raw)
    assert status == 200 and answer["status"] == "completed", answer
    assert answer["diagnosis"]["category"] == json.loads((snapshot / "expected.json").read_text())["class"]
    assert answer["incident"]["namespace"] == "payments"


def test_an_id_never_seen_is_a_404_and_a_bad_wait_is_a_400_naming_it(running):
    base, _, _ = running
    status, _, raw = get(base + "/investigations/inv-never-seen")
    assert status == 404 and json.loads(raw)["investigation_id"] == "inv-never-seen"
    status, _, raw = get(base + "/investigations/inv-never-seen?wait=61")
    assert status == 400 and "wait" in json.loads(raw)["problems"][0]


def test_the_list_is_most_recent_first_and_filters_by_namespace_status_and_limit(running):
    base, _, _ = running
    first = _ask(base, {"namespace": "payments", "pod": "ledger-0", "question": "ledger?"}, "ask-api-l1")[2]
    second = _ask(base, {"namespace": "kube-system", "question": "anything wrong?"}, "ask-api-l2")[2]
    ids = [first["accepted"][0]["investigation_id"], second["accepted"][0]["investigation_id"]]
    for iid in ids:
        get(f"{base}/investigations/{iid}?wait=45")
    listed = json.loads(get(base + "/investigations?limit=50")[2])["investigations"]
    order = [i["investigation_id"] for i in listed]
    assert order.index(ids[1]) < order.index(ids[0])
    payments = json.loads(get(base + "/investigations?namespace=payments")[2])["investigations"]
    assert payments and {i["namespace"] for i in payments} == {"payments"}
    assert ids[1] not in [i["investigation_id"] for i in payments]
    completed = json.loads(get(base + "/investigations?status=completed")[2])["investigations"]
    assert completed and {i["status"] for i in completed} == {"completed"}
    assert len(json.loads(get(base + "/investigations?limit=1")[2])["investigations"]) == 1
    status, _, raw = get(base + "/investigations?status=sideways&since=yesterday&limit=0")
    problems = " ".join(json.loads(raw)["problems"])
    assert status == 400 and "status" in problems and "since" in problems and "limit" in problems
