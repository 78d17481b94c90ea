"""`make run` / `make run-demo`: the router and each specialist as functions-framework processes on loopback.

Wired through environment variables the way Knative wires them: the router reaches the specialists
over HTTP (KUBETRIAGE_SPECIALIST_URLS stands in for the Broker), a specialist posts
`investigation.continued` to itself the same way, and the diagnosis goes to stdout (or to K_SINK /
Slack / a webhook when those are set). State: REDIS_URL when set, else one shared SQLite file under
KUBETRIAGE_STATE_DIR.

The cluster: KUBETRIAGE_SNAPSHOT when set; with `--demo`, the bundled demo snapshot (the README's curls
post the files in examples/, which belong to it); otherwise the current kubeconfig context (or
KUBETRIAGE_KUBE_CONTEXT), said at start, and a one-line error when there are no credentials.
Ports: the router on KUBETRIAGE_PORT (8080), the specialists on the ports after it; a port in use
stops the start with a message instead of a half-started set of functions.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Final

ROOT = Path(__file__).resolve().parent.parent
DEMO_SCENARIO: Final = "crashloop-missing-env-python-checkout"
DEFAULT_PORT: Final = 8080


def function_names() -> list[str]:
    """The router first, then every specialist that has a function directory."""
    found = sorted(p.parent.name for p in (ROOT / "functions").glob("*/main.py"))
    return ["router", *[name for name in found if name != "router"]]


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


def busy_ports(ports: dict[str, int]) -> list[str]:
    """Which of the ports something already listens on (a second `make run`, another server)."""
    busy = []
    for name, port in ports.items():
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                busy.append(f"{port} ({name})")
    return busy


def _cluster_line(env: dict[str, str], demo: bool) -> str:
    """What the functions will read, or SystemExit with the reason they cannot."""
    from shared.cluster.access import check_access
    from shared.errors import ClusterUnavailable
    from shared.settings import Settings

    if demo:
        from devtools.scenarios import render_suite

        (snapshot,) = render_suite(ROOT / ".kubetriage" / "run", [DEMO_SCENARIO])
        env["KUBETRIAGE_SNAPSHOT"] = str(snapshot)
    try:
        return check_access(Settings.from_env(env), env).description
    except ClusterUnavailable as exc:
        raise SystemExit(f"kubetriage: {exc} (or `make run-demo` for the bundled demo cluster)") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make run")
    parser.add_argument("--demo", action="store_true", help="serve the bundled demo snapshot")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    env.setdefault("KUBETRIAGE_STATE_DIR", str(ROOT / ".kubetriage" / "local"))
    try:
        base = int(env.get("KUBETRIAGE_PORT") or DEFAULT_PORT)
    except ValueError:
        raise SystemExit(f"kubetriage: KUBETRIAGE_PORT must be a port number, got {env['KUBETRIAGE_PORT']!r}") from None
    ports = {name: base + i for i, name in enumerate(function_names())}
    if busy := busy_ports(ports):
        raise SystemExit(f"kubetriage: port {', '.join(busy)} already in use: another `make run`? "
                         f"Stop it, or set KUBETRIAGE_PORT (the specialists take the ports after it)")
    cluster = _cluster_line(env, args.demo)
    procs = start_functions(env, ports)

    def stop(*_: object) -> None:
        for proc in procs.values():
            stop_group(proc, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        if not _wait_answering(ports, procs):
            print("kubetriage: a function failed to start (see its output above)", file=sys.stderr, flush=True)
            return 1
        listing = ", ".join(f"{name} on :{port}" for name, port in ports.items())
        print(f"kubetriage: {listing}; reading {cluster} (read-only)", flush=True)
        while all(p.poll() is None for p in procs.values()):
            time.sleep(0.5)
        return 0 if all(p.returncode in (0, -signal.SIGTERM) for p in procs.values()) else 1
    finally:
        stop()
        for proc in procs.values():
            proc.wait(timeout=10)


def _wait_answering(ports: dict[str, int], procs: dict[str, subprocess.Popen[bytes]], seconds: float = 60) -> bool:
    """Until every function answers HTTP; False as soon as one has exited."""
    import urllib.error
    import urllib.request

    waiting = dict(ports)
    deadline = time.monotonic() + seconds
    while waiting and time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs.values()):
            return False
        for name, port in list(waiting.items()):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/investigations?limit=1", timeout=1)
                waiting.pop(name)
            except urllib.error.HTTPError:
                waiting.pop(name)  # it answered, whatever it said
            except OSError:
                pass
        time.sleep(0.1)
    return not waiting


if __name__ == "__main__":
    raise SystemExit(main())
