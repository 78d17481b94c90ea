"""One door, one lock: which token a request needs is decided by what it is, not by the path it came to.

A raw Alertmanager webhook enters only through `/alertmanager`; CloudEvents only through the other
paths. The bearer token, when one is set, is needed by raw webhooks, manual requests (a person asking
costs model calls) and the people-facing reads; CloudEvents from the in-cluster Broker are open unless
`cloudevents_require_token` is set. The Broker cannot add the token to what it delivers, so manual
requests never come through it (no Trigger sends them to the router: knative/triggers.yaml), and
`cloudevents_require_token` is for a router that no Broker feeds.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Final

from shared.errors import Unauthorized
from shared.intake import manual

ALERTMANAGER_PATH: Final = "/alertmanager"


def normalize_path(path: str) -> str:
    """`/alertmanager/` and `/alertmanager` are one door; an empty path is `/`."""
    return "/" + path.strip("/")


def check_bearer(headers: Mapping[str, str], token: str | None, what: str) -> None:
    """Unauthorized unless the Authorization header carries the token (nothing to check when unset)."""
    if not token:
        return
    given = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    if not hmac.compare_digest(given.encode("utf-8", "replace"), f"Bearer {token}".encode()):
        raise Unauthorized(f"missing or wrong bearer token for {what}")


def cloudevent_needs_token(ce_type: str, cloudevents_require_token: bool) -> bool:
    """Manual requests always take the token when one is set; the Broker's events only when locked."""
    return ce_type == manual.CE_TYPE or cloudevents_require_token


def locked_door(ce_types: list[str]) -> str:
    """What a 401 names: the locked types, and for a manual request where it should have gone."""
    what = f"CloudEvents of type {', '.join(ce_types)}"
    if manual.CE_TYPE in ce_types:
        what += " (a manual request: post it to the router itself with the token; the Broker cannot carry one)"
    return what
