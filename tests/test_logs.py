"""Log lines a person can act on: JSON, the cause in every error line, one line per request."""

import io
import json
import logging
import time

import pytest

from shared.errors import DeliveryError, StoreError
from shared.logs import JsonFormatter, log_request
from shared.replies import reply_for_error


@pytest.fixture
def lines():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old)


def _store_error():
    try:
        try:
            raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")
        except ConnectionError as exc:
            raise StoreError("redis: ConnectionError: Error 111 connecting to redis:6379") from exc
    except StoreError as exc:
        return exc


def test_a_store_failure_line_says_what_failed_and_why(lines):
    assert reply_for_error(_store_error()).status == 503
    (line,) = [x for x in lines() if x["logger"] == "shared.replies"]
    assert line["level"] == "error"
    assert "Error 111 connecting to redis" in line["message"] and "Connection refused" in line["cause"]


def test_a_hand_off_failure_line_names_the_target_and_the_cause(lines):
    reply_for_error(DeliveryError("cannot reach http://broker:80: ConnectionRefusedError", sink="emitter"))
    (line,) = [x for x in lines() if x["logger"] == "shared.replies"]
    assert "emitter" in line["message"] and "ConnectionRefusedError" in line["message"]
    assert line["sink"] == "emitter"


def test_one_request_line_carries_path_status_investigation_and_ms(lines):
    log_request("/", 202, {"accepted": [{"investigation_id": "inv-a"}], "dropped": []}, time.monotonic() - 0.01)
    log_request("/", 503, {"error": "state store unavailable"}, time.monotonic())
    first, second = [x for x in lines() if x["logger"] == "kubetriage.request"]
    assert (first["path"], first["status"], first["investigation_id"]) == ("/", 202, "inv-a")
    assert first["ms"] >= 10
    assert second["status"] == 503 and second["error"] == "state store unavailable"


def test_log_lines_are_redacted(lines):
    logging.getLogger("x").error("cannot reach %s", "redis://:hunter2pass@redis:6379/0",
                                 extra={"url": "postgres://app:hunter2pass@db/app"})
    (line,) = lines()
    assert "hunter2pass" not in json.dumps(line)
