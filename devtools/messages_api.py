"""A local HTTP server that speaks enough of Anthropic's Messages API for the real SDK, driven by a script.

The script is a list of responses (each a Message dict, or ("error", status, type, retry_after)) or a
callable(request_json) -> response. Every request is recorded, so tests can read what the model saw.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Script = list[Any] | Callable[[dict[str, Any]], Any]


def message(content: list[dict[str, Any]], stop_reason: str = "end_turn", *, input_tokens: int = 1200,
            output_tokens: int = 150, cache_read: int = 0, cache_write: int = 0, model: str = "claude-sonnet-4-6"):
    return {"id": "msg_local", "type": "message", "role": "assistant", "model": model, "content": content,
            "stop_reason": stop_reason, "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens,
                      "cache_read_input_tokens": cache_read, "cache_creation_input_tokens": cache_write}}


def tool_use(name: str, args: dict[str, Any], use_id: str) -> dict[str, Any]:
    return {"type": "tool_use", "id": use_id, "name": name, "input": args}


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def error(status: int, kind: str = "overloaded_error", retry_after: float | None = None) -> tuple:
    return ("error", status, kind, retry_after)


@dataclass
class MessagesApiServer:
    script: Script
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def _next(self, body: dict[str, Any]) -> Any:
        if callable(self.script):
            return self.script(body)
        if not self.script:
            return message([text("(script exhausted)")])
        return self.script.pop(0)

    def __enter__(self) -> MessagesApiServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                with server._lock:
                    server.requests.append(body)
                    server.headers.append({k.lower(): v for k, v in self.headers.items()})
                    answer = server._next(body)
                if isinstance(answer, tuple) and answer[0] == "error":
                    _, status, kind, retry_after = answer
                    payload = json.dumps({"type": "error", "error": {"type": kind, "message": kind}}).encode()
                    self.send_response(status)
                    if retry_after is not None:
                        self.send_header("retry-after", str(retry_after))
                else:
                    payload = json.dumps(answer).encode()
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def serve_messages_api(script: Script) -> MessagesApiServer:
    return MessagesApiServer(script)
