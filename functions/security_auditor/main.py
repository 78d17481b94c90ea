"""The security auditor: `investigation.requested` / `.continued` CloudEvents in."""

import flask
import functions_framework

from shared.specialist_edge import specialist_handler

_handle = specialist_handler("security_auditor")


@functions_framework.http
def handle(request: flask.Request) -> flask.Response:
    return _handle(request)
