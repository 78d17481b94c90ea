"""The HTTP edge every specialist function shares: decode the CloudEvent, advance it, answer, log one line.

Each `functions/<specialist>/main.py` is this handler under its own name; the specialist (store,
cluster, tools) is built on the first request, so a process that never gets one stays cheap.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any


def specialist_handler(name: str) -> Callable[[Any], Any]:
    """The functions-framework HTTP handler for the specialist called `name`."""
    import flask

    from shared.intake.binding import event_from_http
    from shared.logs import log_request, setup_logging
    from shared.replies import reply_for_error

    setup_logging()
    built: list[Any] = []
    lock = threading.Lock()

    def specialist() -> Any:
        if not built:
            with lock:  # gunicorn threads: one build, not one per concurrent first request
                if not built:
                    from shared.runtime import build_specialist, open_state
                    from shared.settings import Settings

                    settings = Settings.from_env(os.environ)
                    built.append(build_specialist(settings, open_state(settings), name=name,
                                                  environ=dict(os.environ)))
        return built[0]

    def handle(request: flask.Request) -> flask.Response:
        started = time.monotonic()
        try:
            attrs, data = event_from_http(dict(request.headers), request.get_data())
            reply = specialist().handle(attrs, data)
        except Exception as exc:  # noqa: BLE001 - the edge answers every failure with a status
            reply = reply_for_error(exc)
        log_request(request.path, reply.status, reply.body, started)
        return flask.make_response(flask.jsonify(reply.body), reply.status, reply.headers)

    return handle
