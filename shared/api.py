"""The router's answers to people: an investigation's status, the recent ones, and a page of them.

`GET /investigations/{id}[?wait=N]`, `GET /investigations?namespace=&status=&since=&limit=`, and
`GET /` for a browser. Read-only; behind the intake's bearer token when one is configured.
"""

from __future__ import annotations

import hmac
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from shared.errors import InvalidInput, Unauthorized
from shared.investigations import STATUSES, ListQuery, recent, status_of
from shared.ports import KeyValueStore
from shared.replies import Reply, reply_for_error

MAX_WAIT_S: Final = 60
MAX_LIMIT: Final = 500
POLL_S: Final = 0.25
_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_NAMESPACE: Final = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_FINISHED: Final = ("completed", "partial", "failed")


@dataclass
class PeopleApi:
    store: KeyValueStore
    token: str | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = field(default=time.sleep)

    def get(self, path: str, query: Mapping[str, str], headers: Mapping[str, str]) -> Reply | None:
        """The answer to a GET, or None when the path is not one of ours (the edge answers 404)."""
        route = path.rstrip("/") or "/"
        try:
            if route == "/investigations":
                self._authorize(headers)
                return Reply(200, {"investigations": recent(self.store, _list_query(query))})
            if route.startswith("/investigations/"):
                self._authorize(headers)
                return self._one(route.removeprefix("/investigations/"), query)
            if route == "/":
                self._authorize(headers)
                listing = _list_query(query)
                items = recent(self.store, listing)
                if "text/html" in {k.lower(): v for k, v in headers.items()}.get("accept", ""):
                    from shared.page import render_page

                    details = [status_of(self.store, i["investigation_id"]) or i for i in items]
                    return Reply(200, {}, {"Content-Type": "text/html; charset=utf-8"},
                                 page=render_page(details, listing))
                return Reply(200, {"investigations": items})
            return None
        except Exception as exc:  # noqa: BLE001 - the edge maps every failure to a status
            return reply_for_error(exc)

    def _one(self, investigation_id: str, query: Mapping[str, str]) -> Reply:
        if not _ID.match(investigation_id):
            raise InvalidInput("path: an investigation id is letters, digits, '.', '_' and '-'")
        wait = _number(query, "wait", 0, MAX_WAIT_S, 0)
        deadline = self.clock() + wait
        while True:
            current = status_of(self.store, investigation_id)
            if current is None:
                return Reply(404, {"error": "no such investigation", "investigation_id": investigation_id})
            if current["status"] in _FINISHED or self.clock() >= deadline:
                return Reply(200, current)
            self.sleep(min(POLL_S, max(0.0, deadline - self.clock())))

    def _authorize(self, headers: Mapping[str, str]) -> None:
        if not self.token:
            return
        given = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
            raise Unauthorized("missing or wrong bearer token")


def _list_query(query: Mapping[str, str]) -> ListQuery:
    problems = []
    namespace = query.get("namespace") or None
    if namespace and not _NAMESPACE.match(namespace):
        problems.append("namespace: not a Kubernetes namespace name")
    status = query.get("status") or None
    if status and status not in STATUSES:
        problems.append(f"status: one of {', '.join(STATUSES)}")
    since = query.get("since") or None
    if since:
        try:
            datetime.fromisoformat(since.replace("Z", "+00:00"))
        except ValueError:
            problems.append("since: an ISO 8601 time such as 2026-12-07T10:00:00Z")
    try:
        limit = _number(query, "limit", 1, MAX_LIMIT, 50)
    except InvalidInput as exc:
        problems += exc.problems
        limit = 50
    if problems:
        raise InvalidInput(problems)
    return ListQuery(namespace=namespace, status=status, since=since, limit=limit)


def _number(query: Mapping[str, str], name: str, low: int, high: int, default: int) -> int:
    raw = query.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"{name}: a whole number from {low} to {high}, got {raw!r}") from None
    if not low <= value <= high:
        raise InvalidInput(f"{name}: a whole number from {low} to {high}, got {raw!r}")
    return value
