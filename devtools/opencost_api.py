"""A local HTTP server that answers like OpenCost's (or Kubecost's) allocation API, for tests on loopback.

`script` is the answer to every GET (a dict, sent as JSON with 200), or a list of answers taken in turn, where an
int is a bare status (503, 404...). Every request is recorded as (method, path, query), so tests can assert
what was asked and that nothing but GET ever was.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PATHS = ("/allocation/compute", "/model/allocation")


@dataclass
class OpenCostServer:
    script: Any
    delay_s: float = 0.0  # how long each answer takes (a slow or hung API)
    requests: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)

    def _next(self) -> Any:
        if isinstance(self.script, list):
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]
        return self.script

    def __enter__(self) -> OpenCostServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                parts = urlsplit(self.path)
                with server._lock:
                    server.requests.append((self.command, parts.path, parse_qs(parts.query)))
                    answer = server._next() if self.command == "GET" and parts.path in PATHS else 404
                status, body = (answer, b"") if isinstance(answer, int) else (200, json.dumps(answer).encode())
                time.sleep(server.delay_s)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815 - what the server is asked is recorded

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


def allocation(name: str, namespace: str, kind: str | None, controller: str | None, *, cpu: float, cpu_used: float,
               ram_gib: float, ram_used_gib: float, hours: float = 168.0, pv_cost: float = 0.0,
               end: str = "2026-12-08T00:00:00Z", start: str = "2026-12-01T00:00:00Z") -> dict[str, Any]:
    """One Allocation as OpenCost's AllocationJSON writes it, priced at OpenCost's default rates."""
    cpu_cost, ram_cost = cpu * hours * 0.031611, ram_gib * hours * 0.004237
    props = {"cluster": "default-cluster", "namespace": namespace,
             **({"controller": controller, "controllerKind": kind} if controller else {})}
    cpu_eff, ram_eff = (cpu_used / cpu if cpu else 0.0), (ram_used_gib / ram_gib if ram_gib else 0.0)
    total = cpu_cost + ram_cost + pv_cost
    return {"name": name, "properties": props, "window": {"start": start, "end": end}, "start": start, "end": end,
            "minutes": hours * 60, "cpuCores": cpu, "cpuCoreRequestAverage": cpu, "cpuCoreLimitAverage": 0,
            "cpuCoreUsageAverage": cpu_used, "cpuCoreHours": cpu * hours, "cpuCost": round(cpu_cost, 5),
            "cpuCostAdjustment": 0, "cpuCostIdle": 0, "cpuEfficiency": round(cpu_eff, 5), "gpuCount": 0,
            "gpuHours": 0, "gpuCost": 0, "gpuCostAdjustment": 0, "gpuCostIdle": 0, "gpuEfficiency": 0,
            "networkTransferBytes": 0, "networkReceiveBytes": 0, "networkCost": 0, "networkCrossZoneCost": 0,
            "networkCrossRegionCost": 0, "networkInternetCost": 0, "networkCostAdjustment": 0,
            "loadBalancerCost": 0, "loadBalancerCostAdjustment": 0, "pvBytes": 0, "pvByteHours": 0,
            "pvCost": pv_cost, "pvs": None, "pvCostAdjustment": 0, "ramBytes": ram_gib * 1024**3,
            "ramByteRequestAverage": ram_gib * 1024**3, "ramByteLimitAverage": 0,
            "ramByteUsageAverage": ram_used_gib * 1024**3, "ramByteHours": ram_gib * 1024**3 * hours,
            "ramCost": round(ram_cost, 5), "ramCostAdjustment": 0, "ramCostIdle": 0,
            "ramEfficiency": round(ram_eff, 5), "externalCost": 0, "sharedCost": 0, "totalCost": round(total, 5),
            "totalEfficiency": round((cpu_eff * cpu_cost + ram_eff * ram_cost) / (cpu_cost + ram_cost), 5)
            if cpu_cost + ram_cost else 0, "rawAllocationOnly": None, "lbAllocations": None, "gpuAllocation": None}


def answer(*allocations: dict[str, Any]) -> dict[str, Any]:
    """The API's envelope around one allocation set (what `accumulate=true` returns)."""
    return {"code": 200, "data": [{a["name"]: a for a in allocations}]}
