"""A loopback HTTP server that records every request: a sink, a Broker or a webhook in tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Captured:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class CaptureServer:
    """Answers `statuses` in turn (then 200), recording each request and what it answered."""

    statuses: list[int] = field(default_factory=list)
    on_request: Callable[[Captured], None] | None = None
    requests: list[Captured] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)  # the status given to each of `requests`
    # Called with every request and the status it is about to get (a test can kill the sender there).
    before_answer: Callable[[Captured, int], None] | None = None

    def __enter__(self) -> CaptureServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                captured = Captured(self.path, {k.lower(): v for k, v in self.headers.items()},
                                    self.rfile.read(length))
                status = server.statuses.pop(0) if server.statuses else 200
                with server._lock:
                    server.requests.append(captured)
                    server.answered.append(status)
                if server.on_request and status < 300:
                    server.on_request(captured)
                if server.before_answer:
                    server.before_answer(captured, status)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                except OSError:
                    pass  # the sender is gone (a test killed it): nobody to answer

            def log_message(self, *args: object) -> None:
                pass

        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
