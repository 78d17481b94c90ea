"""Wiring: the router's fast model is one client with a breaker for every question, and has a deadline."""

import time

from shared import runtime
from shared.planners import model_client
from shared.settings import Settings
from shared.stores.sqlite import SqliteStore


class CountingClient:
    made = []

    def __init__(self, **kwargs):
        CountingClient.made.append(kwargs)
        self.deadlines = []

    def create(self, deadline=None, **kwargs):
        self.deadlines.append(deadline)
        return {"content": [{"type": "text", "text": "k8s_troubleshooter"}]}


def test_the_router_model_is_one_client_with_a_breaker_and_each_question_has_a_deadline(monkeypatch, tmp_path):
    monkeypatch.setattr(model_client, "ModelClient", CountingClient)
    CountingClient.made.clear()
    classify = runtime._fast_model(Settings(anthropic_api_key="k"), SqliteStore(str(tmp_path / "s.sqlite3")))
    before = time.monotonic()
    assert classify("why is checkout slow?") == "k8s_troubleshooter"
    assert classify("and the cart?") == "k8s_troubleshooter"
    assert len(CountingClient.made) == 1 and CountingClient.made[0]["breaker"] is not None
    assert CountingClient.made[0]["timeout_s"] <= runtime.ROUTER_MODEL_BUDGET_S
    client = classify.__closure__  # the one client's calls: each with a deadline inside the router's budget
    (made,) = [c.cell_contents[0] for c in client if isinstance(c.cell_contents, list) and c.cell_contents]
    assert all(before < d <= time.monotonic() + runtime.ROUTER_MODEL_BUDGET_S for d in made.deadlines)
    assert len(made.deadlines) == 2
