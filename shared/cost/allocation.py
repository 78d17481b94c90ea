"""What namespaces and workloads really cost, from an OpenCost or Kubecost allocation API (read-only).

Where it is read: `KUBETRIAGE_OPENCOST_URL`, the service inside the cluster (OpenCost `http://opencost.opencost:9003`,
queried at `/allocation/compute`; Kubecost `http://kubecost-cost-analyzer.kubecost:9090/model`, queried at
`/model/allocation`), GET only, never through the API server's service proxy (`/proxy/` paths are refused here as
the cluster reads refuse them); or, offline, a snapshot's `extra/opencost/allocation.json` (or
`extra/kubecost/allocation.json`): the API's own answer to `window=7d&aggregate=namespace,controller`.

The answer is `{"code": 200, "data": [{"<key>": <Allocation>, ...}, ...]}`, one set per step. Rows are
aggregated here by namespace or by workload (namespace + controller: `aggregate=controller` alone would merge
same-named controllers of two namespaces); `__idle__` is capacity no pod requested.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from shared.cluster.names import check_namespace
from shared.errors import Forbidden, InvalidInput, NotFound, TransientError
from shared.ports import Cluster
from shared.tools.spec import ToolSpec

IDLE: Final = "__idle__"
TIMEOUT_S: Final = 8.0
MAX_BYTES: Final = 16 * 2**20
MAX_ROWS: Final = 50
_WINDOW: Final = re.compile(r"^(\d{1,3})([hd])$")
_SNAPSHOT_FILES: Final = (("opencost/allocation.json", "OpenCost"), ("kubecost/allocation.json", "Kubecost"))
_COSTS: Final = {"cpu_cost": "cpuCost", "ram_cost": "ramCost", "pv_cost": "pvCost", "gpu_cost": "gpuCost",
                 "network_cost": "networkCost", "lb_cost": "loadBalancerCost", "shared_cost": "sharedCost",
                 "total_cost": "totalCost"}
_AVERAGES: Final = {"cpu_request": "cpuCoreRequestAverage", "cpu_used": "cpuCoreUsageAverage",
                    "ram_request": "ramByteRequestAverage", "ram_used": "ramByteUsageAverage"}


def endpoint(base_url: str) -> tuple[str, str]:
    """(the allocation API's URL, whose API it is) for a configured base URL.

    Refused: anything but a plain http(s) URL, credentials in it, and the API server's service proxy
    (`…/services/opencost:9003/proxy`): the allocation API is read at the service's own address.
    """
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"the allocation API URL must be http(s)://host[:port][/path], got {base_url!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidInput("the allocation API URL must carry no credentials, query or fragment")
    path = parts.path.rstrip("/")
    if "proxy" in path.lower().split("/"):
        raise Forbidden(f"refused {base_url!r}: not through the API server's service proxy; give the service's own "
                        "URL (http://opencost.opencost:9003)")
    root = f"{parts.scheme}://{parts.netloc}{path}"
    return (f"{root}/allocation", "Kubecost") if path.endswith("/model") else (f"{root}/allocation/compute",
                                                                                "OpenCost")


def fetch(base_url: str, window: str) -> tuple[Any, str]:
    """One GET of the allocation API for `window`, by namespace and controller; (the answer, whose API).

    Environment proxies are ignored (the API is a service in the cluster) and a redirect is answered as the
    error it is (it could lead anywhere, the API server's proxy included).
    """
    import urllib.error
    import urllib.request  # here, not at import: the settings check imports this module

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    url, product = endpoint(base_url)
    query = urlencode({"window": window, "aggregate": "namespace,controller", "accumulate": "true",
                       "includeIdle": "true"})
    request = urllib.request.Request(f"{url}?{query}", method="GET", headers={"Accept": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects)
    try:
        with opener.open(request, timeout=TIMEOUT_S) as response:
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 429 or exc.code >= 500:
            retry = exc.headers.get("Retry-After") if exc.headers else None
            raise TransientError(f"{product} allocation API answered {exc.code}", status=exc.code,
                                 retry_after_s=float(retry) if retry and retry.isdigit() else None) from None
        if exc.code in (401, 403):
            raise Forbidden(f"{product} allocation API refused the read ({exc.code})") from None
        raise NotFound(f"{product} allocation API at {url} answered {exc.code}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise TransientError(f"{product} allocation API at {url} unreachable: {getattr(exc, 'reason', exc)}") \
            from None
    if len(body) > MAX_BYTES:
        raise NotFound(f"{product} allocation API answer is over {MAX_BYTES // 2**20} MiB")
    try:
        return json.loads(body), product
    except ValueError:
        raise NotFound(f"{product} allocation API at {url} did not answer JSON") from None


def from_snapshot(documents: Mapping[str, Any]) -> tuple[Any, str] | None:
    """The recorded allocation answer in a snapshot's extra/, and whose API it came from; None: none recorded."""
    for name, product in _SNAPSHOT_FILES:
        if name in documents:
            return documents[name], product
    return None


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if number == number and abs(number) != float("inf") else 0.0  # NaN and inf are no amount


def _owner(key: str, props: Mapping[str, Any]) -> tuple[str, str, str]:
    """(namespace, controller kind, controller name) of an allocation, from its properties, else its key."""
    ns_part, _, controller_part = key.partition("/") if "/" in key else ("", "", key)
    kind_part, _, name_part = controller_part.rpartition(":")
    namespace = str(props.get("namespace") or ns_part)
    kind = str(props.get("controllerKind") or kind_part).lower()
    name = str(props.get("controller") or name_part)
    return namespace, kind, name


def _window_hours(allocation: Mapping[str, Any]) -> float:
    window = allocation.get("window") or {}
    try:
        start = datetime.fromisoformat(str(window.get("start") or allocation.get("start")).replace("Z", "+00:00"))
        end = datetime.fromisoformat(str(window.get("end") or allocation.get("end")).replace("Z", "+00:00"))
    except ValueError:
        return _number(allocation.get("minutes")) / 60
    return max((end - start).total_seconds() / 3600, 0.0)


def _sets(answer: Any) -> list[Mapping[str, Any]]:
    if not isinstance(answer, Mapping) or answer.get("code", 200) != 200:
        message = answer.get("message") if isinstance(answer, Mapping) else None
        raise NotFound(f"not an allocation answer{': ' + str(message)[:200] if message else ''}")
    data = answer.get("data")
    sets = data if isinstance(data, list) else [data]
    return [s for s in sets if isinstance(s, Mapping)]


def summarize(answer: Any, product: str, aggregate: str, namespace: str | None) -> dict[str, Any]:
    """Cost, request, usage and efficiency per namespace or per workload, the idle cost, and where they came from.

    Efficiency is usage over request (CPU and memory, each weighted by its cost, as OpenCost's own
    totalEfficiency); `unused_cost` is what the requested and unused share of CPU and memory cost.
    """
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    idle = hours = 0.0
    sets = _sets(answer)
    for allocation_set in sets:  # one set per step; the windows follow each other
        allocations = [(str(k), a) for k, a in allocation_set.items() if isinstance(a, Mapping)]
        hours += max((_window_hours(a) for _, a in allocations), default=0.0)
        for key, allocation in allocations:
            if key == IDLE or key.endswith("/" + IDLE):
                idle += _number(allocation.get("totalCost"))
                continue
            ns, kind, name = _owner(key, allocation.get("properties") or {})
            if namespace and ns != namespace:
                continue
            group = groups.setdefault((ns,) if aggregate == "namespace" else (ns, kind, name),
                                      {"namespace": ns, **({} if aggregate == "namespace" else
                                                            {"kind": kind, "controller": name})})
            for field, source in _COSTS.items():
                group[field] = group.get(field, 0.0) + _number(allocation.get(source))
            for field, source in _AVERAGES.items():  # averages over the window: each step weighs the same
                group[field] = group.get(field, 0.0) + _number(allocation.get(source)) / len(sets)
    rows = [_with_efficiency(g) for g in groups.values()]
    rows.sort(key=lambda r: -r["total_cost"])
    return {"source": f"{product} allocation", "window_hours": round(hours, 1), "aggregate": aggregate,
            "namespace": namespace, "rows": rows[:MAX_ROWS], "idle_cost": round(idle, 2),
            "total_cost": round(sum(r["total_cost"] for r in rows), 2)}


def _with_efficiency(group: dict[str, Any]) -> dict[str, Any]:
    cpu = min(group["cpu_used"] / group["cpu_request"], 1.0) if group["cpu_request"] else None
    ram = min(group["ram_used"] / group["ram_request"], 1.0) if group["ram_request"] else None
    weighed = [(e, c) for e, c in ((cpu, group["cpu_cost"]), (ram, group["ram_cost"])) if e is not None and c > 0]
    spent = sum(c for _, c in weighed)
    return {**{k: round(v, 4) if isinstance(v, float) else v for k, v in group.items()},
            "cpu_efficiency": None if cpu is None else round(cpu, 3),
            "ram_efficiency": None if ram is None else round(ram, 3),
            "total_efficiency": round(sum(e * c for e, c in weighed) / spent, 3) if spent else None,
            "unused_cost": round(sum((1 - e) * c for e, c in weighed), 2)}


def window_label(hours: float) -> str:
    """`last 7d` for a week's window, `last 36h` for one under two days."""
    return f"last {round(hours / 24)}d" if hours >= 48 else f"last {round(hours)}h"


def allocation_tool(base_url: str | None) -> ToolSpec:
    """The `cost_allocation` tool, bound to the configured API (or, with none, to what a snapshot recorded)."""

    def run(cluster: Cluster, args: Mapping[str, Any]) -> dict[str, Any]:
        aggregate = str(args.get("aggregate") or "namespace")
        if aggregate not in ("namespace", "controller"):
            raise InvalidInput(f"aggregate must be namespace or controller, got {aggregate!r}")
        window = str(args.get("window") or "7d")
        if not _WINDOW.match(window):
            raise InvalidInput(f"window must be hours or days like 24h or 7d, got {window!r}")
        namespace = args.get("namespace") or None
        check_namespace(namespace)
        if base_url:
            answer, product = fetch(base_url, window)
        else:
            recorded = from_snapshot(getattr(cluster, "documents", None) or {})
            if recorded is None:  # nothing to read is an answer, not a failure: the price table stands in
                return {"configured": False, "why": "no OpenCost or Kubecost allocation API is configured "
                        "(KUBETRIAGE_OPENCOST_URL) and none was recorded with the snapshot"}
            answer, product = recorded
        summary = summarize(answer, product, aggregate, namespace)
        return {"configured": True, **summary, "window": window_label(summary["window_hours"])}

    return ToolSpec(
        name="cost_allocation",
        description=("What each namespace (aggregate=namespace) or workload (aggregate=controller) really cost over "
                     "the window, from OpenCost or Kubecost: CPU, memory and volume cost, average request and usage, "
                     "efficiency (usage/request) and the cost of what was requested and unused; the cluster's "
                     "idle cost. configured=false when no allocation API is reachable."),
        parameters={"type": "object", "properties": {
            "aggregate": {"type": "string", "enum": ["namespace", "controller"], "default": "namespace"},
            "namespace": {"type": "string", "description": "only this namespace; omit for all"},
            "window": {"type": "string", "default": "7d", "description": "like 24h or 7d"}}},
        run=run,
    )
