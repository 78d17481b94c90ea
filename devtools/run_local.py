"""`make run`: the router and each specialist as separate functions-framework processes on loopback.

Wired through environment variables the way Knative wires them: the router reaches the
troubleshooter over HTTP (KUBETRIAGE_SPECIALIST_URLS stands in for the Broker), the troubleshooter
posts `investigation.continued` to itself the same way, and the diagnosis goes to stdout (or to
K_SINK / Slack / a webhook when those are set). State: REDIS_URL when set, else one shared SQLite
file under KUBETRIAGE_STATE_DIR.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = {"router": 8080, "k8s_troubleshooter": 8081}


def start_functions(env: dict[str, str], ports: dict[str, int]) -> dict[str, subprocess.Popen[bytes]]:
    """Start every function; the caller owns the processes (and must stop them)."""
    urls = ",".join(f"{name}=http://127.0.0.1:{port}/" for name, port in ports.items() if name != "router")
    env = {**env, "KUBETRIAGE_SPECIALIST_URLS": env.get("KUBETRIAGE_SPECIALIST_URLS") or urls}
    procs = {}
    for name, port in ports.items():
        cmd = [
            sys.executable, "-m", "functions_framework",
            "--source", str(ROOT / "functions" / name / "main.py"),
            "--target", "handle", "--host", "127.0.0.1", "--port", str(port),
        ]
        # Own process group: gunicorn forks a worker, and a stop must take the worker too.
        procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    return procs


def stop_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    """Signal the function and the workers it forked."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def main() -> int:
    env = dict(os.environ)
    env.setdefault("KUBETRIAGE_STATE_DIR", str(ROOT / ".kubetriage" / "local"))
    if not env.get("KUBETRIAGE_SNAPSHOT"):
        from devtools.scenarios import render_suite

        snapshot = render_suite(ROOT / ".kubetriage" / "run", ["crashloop-missing-env-python-checkout"])
        env["KUBETRIAGE_SNAPSHOT"] = str(snapshot[0]) if snapshot else ""
    procs = start_functions(env, FUNCTIONS)
    print(f"router on http://127.0.0.1:{FUNCTIONS['router']}/ ; snapshot {env['KUBETRIAGE_SNAPSHOT']}",
          flush=True)

    def stop(*_: object) -> None:
        for proc in procs.values():
            stop_group(proc, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(p.poll() is None for p in procs.values()):
            time.sleep(0.5)
    finally:
        stop()
        for proc in procs.values():
            proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
