"""Read-only AWS reads for the cost analyzer: boto3 imported here only, and only on the first call.

Where AWS is: boto3's own configuration (credentials chain, region), with the environment given to the
specialist; `AWS_ENDPOINT_URL` points every client elsewhere (a moto server in tests and evaluation).
Only `describe_*`, `get_*` and `list_*` operations can be called: `AwsReader.call` refuses the rest.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from shared.errors import Forbidden, NotFound, TransientError

READ_PREFIXES: Final = ("describe_", "get_", "list_")
_TIMEOUT_S: Final = 8.0


class AwsReader:
    """boto3 clients built on first use from the given environment; reads only."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        self.endpoint = environ.get("AWS_ENDPOINT_URL") or None
        self._keys = {k: environ[v] for k, v in (("aws_access_key_id", "AWS_ACCESS_KEY_ID"),
                                                 ("aws_secret_access_key", "AWS_SECRET_ACCESS_KEY"),
                                                 ("aws_session_token", "AWS_SESSION_TOKEN")) if environ.get(v)}
        # No environment at all (a snapshot run from the command line): the cloud is not read.
        self.configured = bool(environ)
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                import boto3
                from botocore.config import Config

                session = boto3.session.Session(region_name=self.region, **self._keys)
                config = Config(connect_timeout=_TIMEOUT_S, read_timeout=_TIMEOUT_S, retries={"max_attempts": 1})
                # Cost Explorer has one endpoint, in us-east-1, whatever the region of the rest.
                region = "us-east-1" if service == "ce" else self.region
                self._clients[service] = session.client(service, region_name=region, endpoint_url=self.endpoint,
                                                        config=config)
            return self._clients[service]

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """One read; AWS's errors mapped to ours (refused, missing, worth retrying)."""
        if not operation.startswith(READ_PREFIXES):
            raise Forbidden(f"refused AWS operation {service}.{operation}: only describe, get and list are read")
        if not self.configured:
            raise Forbidden("AWS is not configured for this run (no environment given): AWS was not read")
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        try:
            response: dict[str, Any] = getattr(self._client(service), operation)(**params)
        except NoCredentialsError:
            raise Forbidden("no AWS credentials configured for the cost analyzer") from None
        except ClientError as exc:
            error = exc.response.get("Error") or {}
            code = str(error.get("Code", ""))
            status = int((exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0)
            if code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation") or status == 403:
                raise Forbidden(f"{service}.{operation}: {code} (the role may not read this)") from None
            if status == 429 or status >= 500 or "Throttl" in code:
                raise TransientError(f"{service}.{operation}: {code or status}", status=status or 503) from None
            raise NotFound(f"{service}.{operation}: {code}: {error.get('Message', '')[:200]}") from None
        except BotoCoreError as exc:
            raise TransientError(f"{service}.{operation}: {type(exc).__name__}") from None
        response.pop("ResponseMetadata", None)
        return response

    def pages(self, service: str, operation: str, key: str, token: str = "NextToken", out_token: str = "",
              max_pages: int = 20, **params: Any) -> list[dict[str, Any]]:
        """Every item under `key` across pages (bounded)."""
        items: list[dict[str, Any]] = []
        for _ in range(max_pages):
            page = self.call(service, operation, **params)
            items += page.get(key) or []
            nxt = page.get(out_token or token)
            if not nxt:
                break
            params[token] = nxt
        return items


def windows(days: int, today: date | None = None) -> tuple[date, date, date]:
    """(start of the previous window, start of the current one, end): two windows of `days` ending today."""
    end = today or datetime.now(UTC).date()
    return end - timedelta(days=2 * days), end - timedelta(days=days), end


def tags_of(resource: Mapping[str, Any]) -> dict[str, str]:
    return {t.get("Key", ""): t.get("Value", "") for t in resource.get("Tags") or []}
