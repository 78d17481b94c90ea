"""A function (router or troubleshooter) with a control door for the fault tests: never deployed.

Started as `functions-framework --source devtools/faulty_function.py --target handle` with
KUBETRIAGE_TEST_FUNCTION=router|k8s_troubleshooter. `POST /__fault {"point", "action", "skip", "times"}`
arms a named fault point (shared.faults) in this process; every other request goes to the real function.
The hand-off claim is shortened (KUBETRIAGE_TEST_HAND_OFF_CLAIM_S) so a test need not wait 20 s for
a claim a killed router left behind.
"""

import importlib.util
import json
import os
from pathlib import Path

import flask
import functions_framework

from shared import faults
from shared.state import coalescing

ROOT = Path(__file__).resolve().parent.parent
_NAME = os.environ.get("KUBETRIAGE_TEST_FUNCTION", "k8s_troubleshooter")
if os.environ.get("KUBETRIAGE_TEST_HAND_OFF_CLAIM_S"):
    coalescing.HAND_OFF_CLAIM_S = float(os.environ["KUBETRIAGE_TEST_HAND_OFF_CLAIM_S"])  # type: ignore[misc]
_spec = importlib.util.spec_from_file_location(f"function_{_NAME}", ROOT / "functions" / _NAME / "main.py")
_real = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_real)


@functions_framework.http
def handle(request: flask.Request) -> flask.Response:
    if request.path == "/__fault":
        body = json.loads(request.get_data() or b"{}")
        if body.get("point"):
            faults.arm(body["point"], body["action"], times=int(body.get("times", 1)), skip=int(body.get("skip", 0)))
        else:
            faults.disarm()
        return flask.Response("{}", 200, mimetype="application/json")
    return _real.handle(request)
