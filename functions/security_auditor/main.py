"""The security auditor: `investigation.requested` / `.continued` CloudEvents in."""

import os
import time

import flask
import functions_framework

from shared.intake.http import cloudevent_from_http
from shared.logs import log_request, setup_logging
from shared.replies import reply_for_error
from shared.runtime import build_specialist, open_state
from shared.settings import Settings

NAME = "security_auditor"
_specialist = None
setup_logging()


def _get_specialist():
    global _specialist
    if _specialist is None:
        settings = Settings.from_env(os.environ)
        _specialist = build_specialist(settings, open_state(settings), name=NAME,
                                       environ=dict(os.environ))
    return _specialist


@functions_framework.http
def handle(request: flask.Request) -> flask.Response:
    started = time.monotonic()
    try:
        attrs, data = cloudevent_from_http(dict(request.headers), request.get_data())
        reply = _get_specialist().handle(attrs, data)
    except Exception as exc:  # noqa: BLE001 - the edge answers every failure with a status
        reply = reply_for_error(exc)
    log_request(request.path, reply.status, reply.body, started)
    return flask.make_response(flask.jsonify(reply.body), reply.status, reply.headers)
