"""The whole path with the claude planner: confident findings skip the model, unsure ones consult it,
and a failing model API still ends in a (degraded) diagnosis from the rules planner."""

from dataclasses import replace

import pytest

from devtools.messages_api import error, message, serve_messages_api, tool_use
from devtools.scenarios import render_suite
from shared.cli import diagnose
from shared.settings import Settings


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    names = ["crashloop-missing-env-python-checkout", "crashloop-app-error-flyway"]
    return {p.name: p for p in render_suite(tmp_path_factory.mktemp("s"), names)}


def _settings(url):
    return replace(Settings(), anthropic_api_key="test-key", anthropic_base_url=url)


def _diagnose(settings, path):
    (d,), _ = diagnose(settings, path, "event", (path / "event.json").read_bytes())
    return d


def test_a_confident_analyzer_finding_is_the_diagnosis_without_a_model_call(suite):
    with serve_messages_api([]) as api:
        d = _diagnose(_settings(api.url), suite["crashloop-missing-env-python-checkout"])
    assert api.requests == []
    assert d["planner"] == "claude:claude-sonnet-4-6" and d["category"] == "crashloop_missing_env"
    assert d["tokens"]["input"] == 0


def test_an_unsure_finding_goes_to_the_model_which_reads_tools_and_submits(suite):
    submit = {"category": "crashloop_app_error", "summary": "orders: Flyway checksum mismatch on migration 42",
              "root_cause": "Migration 42 was edited after it was applied (checksum mismatch).", "confidence": 0.85}
    script = [message([tool_use("list_events", {"namespace": "shop"}, "tu_1")], "tool_use"),
              message([tool_use("submit_diagnosis", submit, "tu_2")], "tool_use")]
    with serve_messages_api(script) as api:
        d = _diagnose(_settings(api.url), suite["crashloop-app-error-flyway"])
    assert len(api.requests) == 2
    assert d["summary"].startswith("orders: Flyway") and d["tokens"]["input"] == 2400
    assert not d["degraded"]


def test_a_failing_model_api_gives_a_degraded_rules_diagnosis(suite):
    with serve_messages_api([error(529, retry_after=0)] * 10) as api:
        d = _diagnose(_settings(api.url), suite["crashloop-app-error-flyway"])
    assert d["degraded"] is True and d["category"] == "crashloop_app_error"
    assert any("model unavailable" in n for n in d["notes"])
    assert len(api.requests) >= 1


def test_a_recurring_incident_is_answered_from_memory_without_a_new_model_call(suite, tmp_path):
    import time

    from shared.stores.sqlite import SqliteStore

    submit = {"category": "crashloop_app_error", "summary": "orders: Flyway checksum mismatch",
              "root_cause": "Migration 42 was edited after it was applied.", "confidence": 0.85}
    store = SqliteStore(str(tmp_path / "memory.sqlite3"))
    path = suite["crashloop-app-error-flyway"]
    body = (path / "event.json").read_bytes()
    with serve_messages_api([message([tool_use("submit_diagnosis", submit, "t")], "tool_use")]) as api:
        settings = replace(_settings(api.url), coalesce_window_s=1)
        (first,), _ = diagnose(settings, path, "event", body, store=store)
        time.sleep(1.2)  # past the coalescing window: a new investigation of the same fingerprint
        (again,), _ = diagnose(settings, path, "event", body.replace(b'"count": ', b'"count": 1'), store=store)
    assert len(api.requests) == 1
    assert again["investigation_id"] != first["investigation_id"]
    assert again["summary"] == first["summary"] and again["tokens"]["input"] == 0
    assert any("recurring" in n for n in again["notes"])
