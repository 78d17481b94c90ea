"""Starting functions-framework processes on loopback and waiting for their first answer."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(source: Path, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "functions_framework", "--source", str(source), "--target", "handle",
           "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(10)


def first_answer(port: int, body: bytes, headers: dict[str, str], deadline_s: float = 60) -> float:
    """Seconds until the process answers `body` with a 2xx (polling from process start)."""
    started = time.monotonic()
    while time.monotonic() - started < deadline_s:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status < 300:
                    return time.monotonic() - started
        except urllib.error.HTTPError as exc:
            if exc.code < 300:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.005)
    raise TimeoutError(f"no answer on {port}")
