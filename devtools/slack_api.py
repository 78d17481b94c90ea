"""A loopback Slack for tests: incoming webhooks and the Web API's chat.postMessage / chat.update.

It refuses what the real Slack refuses, the way Slack says it: a message over Block Kit's limits is
`invalid_blocks` (HTTP 400 on a webhook, `ok: false` on the Web API), a missing or wrong bot token is
`invalid_auth`, an update of a message that does not exist is `message_not_found`. `queued` answers
(status, headers) are served first, to test 429 with Retry-After and 5xx.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

MAX_BLOCKS: Final = 50
LIMITS: Final = {"header": 150, "section": 3000, "field": 2000, "context": 2000}


def block_problems(body: dict[str, Any]) -> list[str]:
    """Why Slack would refuse this message (an empty list: it would take it)."""
    problems = []
    blocks = body.get("blocks") or []
    if not body.get("text") and not blocks:
        problems.append("no_text")
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks > {MAX_BLOCKS}")
    for i, block in enumerate(blocks):
        kind = block.get("type")
        if kind == "header":
            text = block["text"]
            if text.get("type") != "plain_text" or len(text["text"]) > LIMITS["header"]:
                problems.append(f"blocks[{i}] header over {LIMITS['header']} or not plain_text")
        elif kind == "section":
            if "text" in block and len(block["text"]["text"]) > LIMITS["section"]:
                problems.append(f"blocks[{i}] section text {len(block['text']['text'])} > {LIMITS['section']}")
            fields = block.get("fields") or []
            if len(fields) > 10 or any(len(f["text"]) > LIMITS["field"] for f in fields):
                problems.append(f"blocks[{i}] fields over the limits")
        elif kind == "context":
            elements = block.get("elements") or []
            if not elements or len(elements) > 10 or any(len(e["text"]) > LIMITS["context"] for e in elements):
                problems.append(f"blocks[{i}] context over the limits")
        else:
            problems.append(f"blocks[{i}] unexpected type {kind!r}")
    return problems


@dataclass
class SlackServer:
    bot_token: str = "xoxb-test-token"
    queued: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)  # every request: path, headers, body, at
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)  # ts -> the message as it stands

    def __enter__(self) -> SlackServer:
        server = self
        self._lock = threading.Lock()
        self._ts = 1_700_000_000

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                with server._lock:
                    server.posts.append({"path": self.path, "headers": dict(self.headers.items()), "body": body,
                                         "at": time.monotonic()})
                    queued = server.queued.pop(0) if server.queued else None
                if queued is not None:
                    return self._answer(queued[0], b"", queued[1])
                if self.path.startswith("/services/"):
                    return self._webhook(body)
                return self._web_api(self.path.rsplit("/", 1)[-1], body)

            def _webhook(self, body: Any) -> None:
                if not isinstance(body, dict):
                    return self._answer(400, b"invalid_payload")
                if block_problems(body):
                    return self._answer(400, b"invalid_blocks")
                return self._answer(200, b"ok")

            def _web_api(self, method: str, body: Any) -> None:
                if self.headers.get("Authorization") != f"Bearer {server.bot_token}":
                    return self._api({"ok": False, "error": "invalid_auth"})
                if not isinstance(body, dict) or not body.get("channel"):
                    return self._api({"ok": False, "error": "channel_not_found"})
                if block_problems(body):
                    return self._api({"ok": False, "error": "invalid_blocks"})
                with server._lock:
                    if method == "chat.postMessage":
                        server._ts += 1
                        ts = f"{server._ts}.000100"
                        server.messages[ts] = body
                        return self._api({"ok": True, "channel": body["channel"], "ts": ts})
                    if method == "chat.update":
                        if body.get("ts") not in server.messages:
                            return self._api({"ok": False, "error": "message_not_found"})
                        server.messages[body["ts"]] = body
                        return self._api({"ok": True, "channel": body["channel"], "ts": body["ts"]})
                return self._api({"ok": False, "error": "unknown_method"})

            def _api(self, answer: dict[str, Any]) -> None:
                self._answer(200, json.dumps(answer).encode(), {"Content-Type": "application/json"})

            def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def webhook_url(self) -> str:
        return f"{self.base_url}/services/T000/B000/hooksecret"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api"

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
