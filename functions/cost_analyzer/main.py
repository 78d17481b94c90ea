"""The cost analyzer: `investigation.requested` / `.continued` CloudEvents in."""

import flask
import functions_framework

from shared.specialist_edge import specialist_handler

_handle = specialist_handler("cost_analyzer")


@functions_framework.http
def handle(request: flask.Request) -> flask.Response:
    return _handle(request)
