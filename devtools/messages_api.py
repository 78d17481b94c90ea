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


def protocol_errors(body: dict[str, Any]) -> str | None:
    """What the real Messages API refuses with a 400 invalid_request_error, in its own words; None if fine.

    Checked: model and max_tokens present; the first message is the user's; roles alternate; every
    `tool_use` of an assistant turn is answered by a `tool_result` in the next (user) turn, and every
    `tool_result` answers a `tool_use` of the turn before. A final assistant turn is allowed (it is
    continued: a prefill, or a `pause_turn` sent back as it came).
    """
    for name in ("model", "max_tokens", "messages"):
        if name not in body:
            return f"{name}: Field required"
    messages = body["messages"]
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    if messages[0].get("role") != "user":
        return "messages: first message must use the \"user\" role"
    for before, after in zip(messages, messages[1:], strict=False):
        if before.get("role") == after.get("role"):
            role = after.get("role")
            return (f"messages: roles must alternate between \"user\" and \"assistant\", but found multiple "
                    f"\"{role}\" roles in a row")
    for n, turn in enumerate(messages):
        blocks = turn.get("content") if isinstance(turn.get("content"), list) else []
        if turn.get("role") == "assistant":
            uses = [b.get("id") for b in blocks if b.get("type") == "tool_use"]
            answer = messages[n + 1] if n + 1 < len(messages) else None
            if uses and answer is not None:
                given = {b.get("tool_use_id") for b in answer.get("content") or []
                         if isinstance(answer.get("content"), list) and b.get("type") == "tool_result"}
                missing = [u for u in uses if u not in given]
                if missing:
                    return (f"messages.{n}: `tool_use` ids were found without `tool_result` blocks immediately "
                            f"after: {', '.join(missing)}. Each `tool_use` block must have a corresponding "
                            "`tool_result` block in the next message.")
        else:
            previous = messages[n - 1] if n else {}
            uses = {b.get("id") for b in (previous.get("content") if isinstance(previous.get("content"), list)
                                          else []) if b.get("type") == "tool_use"}
            for m, block in enumerate(blocks):
                if block.get("type") == "tool_result" and block.get("tool_use_id") not in uses:
                    return (f"messages.{n}.content.{m}: unexpected `tool_use_id` found in `tool_result` blocks: "
                            f"{block.get('tool_use_id')}. Each `tool_result` block must have a corresponding "
                            "`tool_use` block in the previous message.")
    return None


@dataclass
class MessagesApiServer:
    script: Script
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    strict: bool = True  # refuse what the real API refuses (protocol_errors), as it does: 400
    refused: list[str] = field(default_factory=list)

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
                    problem = protocol_errors(body) if server.strict else None
                    if problem is not None:
                        server.refused.append(problem)
                        answer = ("error", 400, "invalid_request_error", None, problem)
                    else:
                        answer = server._next(body)
                if isinstance(answer, tuple) and answer[0] == "error":
                    _, status, kind, retry_after, *said = answer
                    payload = json.dumps({"type": "error", "error": {"type": kind, "message": said[0] if said else kind},
                                          "request_id": "req_local"}).encode()
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
