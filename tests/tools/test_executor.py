"""The tool executor: errors become results, transient failures are retried, slow tools time out."""

import threading
import time

import pytest

from shared.cluster.memory import InMemoryCluster
from shared.errors import Forbidden, TransientError
from shared.tools.catalog import TOOLS
from shared.tools.compaction import fold_log, render_for_model
from shared.tools.executor import ToolExecutor
from shared.tools.spec import ToolCall, ToolResult, ToolSpec

POD = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "namespace": "ns", "managedFields": [{"x": 1}],
                                                         "uid": "u-1"}, "spec": {}, "status": {"phase": "Running"}}


class Flaky:
    """A cluster whose get fails `failures` times with the given error first."""

    def __init__(self, failures, exc):
        self.failures, self.exc, self.calls = failures, exc, 0
        self.inner = InMemoryCluster([POD])
        self.name = "flaky"

    def get(self, kind, name, namespace=None):
        self.calls += 1
        if self.calls <= self.failures:
            raise self.exc
        return self.inner.get(kind, name, namespace)


def _get(executor):
    return executor.run(ToolCall("get_resource", {"kind": "pods", "name": "p", "namespace": "ns"}))


@pytest.mark.parametrize(
    ("failures", "exc", "ok", "calls"),
    [(2, TransientError("HTTP 503", status=503, retry_after_s=0.01), True, 3),
     (5, TransientError("HTTP 429", status=429, retry_after_s=0.01), False, 3),
     (1, Forbidden("pods is forbidden"), False, 1),
     (1, RuntimeError("boom"), False, 1)],
    ids=["two 503s are retried and the third try succeeds", "429s past the attempt limit end in an error result",
         "a 403 is not retried", "an unexpected exception is an error result, not a crash"],
)
def test_failures_are_results_and_only_transient_ones_are_retried(failures, exc, ok, calls):
    cluster = Flaky(failures, exc)
    result = _get(ToolExecutor(cluster, TOOLS, timeout_s=5))
    assert result.ok is ok and cluster.calls == calls
    assert result.attempts == calls
    if not ok:
        assert result.error


@pytest.mark.parametrize(
    ("call", "problem"),
    [(ToolCall("kubectl_delete", {}), "unknown tool"),
     (ToolCall("get_resource", {"kind": "pods"}), "missing required argument 'name'"),
     (ToolCall("pod_logs", {"namespace": "ns", "pod": "p", "container": "c", "tail_lines": "ten"}), "must be integer"),
     (ToolCall("get_resource", {"kind": "pods", "name": "p", "force": True}), "unknown argument 'force'")],
    ids=["an unknown tool", "a missing argument", "a wrongly typed argument", "an argument the tool does not take"],
)
def test_bad_calls_say_what_was_expected(call, problem):
    result = ToolExecutor(InMemoryCluster([POD]), TOOLS).run(call)
    assert not result.ok and problem in result.error


def test_a_tool_that_hangs_times_out_as_an_error_result():
    release = threading.Event()
    slow = ToolSpec("slow", "hangs", {"type": "object", "properties": {}}, lambda c, a: release.wait(10))
    started = time.monotonic()
    result = ToolExecutor(InMemoryCluster(), {"slow": slow}, timeout_s=0.2).run(ToolCall("slow", {}))
    release.set()
    assert not result.ok and "timed out" in result.error
    assert time.monotonic() - started < 5


def test_secret_data_is_never_returned_by_any_read():
    secret = {"kind": "Secret", "apiVersion": "v1", "metadata": {"name": "db", "namespace": "ns"},
              "data": {"password": "aHVudGVyMg=="}}
    executor = ToolExecutor(InMemoryCluster([secret]), TOOLS)
    got = executor.run(ToolCall("get_resource", {"kind": "secrets", "name": "db", "namespace": "ns"}))
    listed = executor.run(ToolCall("list_resources", {"kind": "secret", "namespace": "ns"}))
    assert "data" not in got.data and got.data["keys"] == ["password"]
    assert "aHVudGVyMg" not in str(listed.data)


def test_the_model_reads_a_compact_redacted_capped_rendering():
    big = {"kind": "Pod", "metadata": {"name": "p", "managedFields": [{"f": "x" * 5000}], "uid": "abc"},
           "spec": {"containers": [{"name": "c", "env": [{"name": "DB_URL", "value": "postgres://u:hunter22@db/x"}]}]}}
    text = render_for_model(ToolResult("get_resource", {}, ok=True, data=big), max_chars=2000)
    assert "managedFields" not in text and '"uid"' not in text
    assert "hunter22" not in text
    huge = render_for_model(ToolResult("pod_logs", {}, ok=True, data="line\n" * 10 + "x" * 50_000), max_chars=3000)
    assert len(huge) <= 3000 and "[cut:" in huge


def test_log_folding_collapses_repeats_and_keeps_early_errors():
    log = "\n".join(["ERROR: config /etc/a.yaml unreadable"] + [f"ok {i}" for i in range(100)] + ["retrying"] * 50)
    folded = fold_log(log, tail=20)
    assert "ERROR: config /etc/a.yaml unreadable" in folded
    assert "retrying … (×50)" in folded
    assert folded.count("\n") < 30


def test_retries_stop_at_the_invocation_deadline():
    flaky = Flaky(100, TransientError("HTTP 503", status=503, retry_after_s=1.5))
    executor = ToolExecutor(flaky, tools=TOOLS, timeout_s=10, max_attempts=10)
    started = time.monotonic()
    result = executor.run(ToolCall("get_resource", {"kind": "pods", "name": "p", "namespace": "ns"}),
                          deadline=time.monotonic() + 2.0)
    assert not result.ok and flaky.calls == 2  # a third attempt would start past the deadline
    assert time.monotonic() - started < 2.0
