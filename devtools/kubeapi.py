"""A read-only, Kubernetes-API-shaped HTTP server over an InMemoryCluster (tests, `kubectl` against snapshots).

Answers what the kubernetes client and `kubectl get` / `cluster-info dump` ask: version, discovery,
typed Lists with label/field selectors, single objects, pod logs; 404 Status objects; 405 for every
write. `faults` injects errors or delays; `requests` records every request that reached it, whatever
its method (method, path as sent, decoded path, query, Accept), so tests assert what a client asked.

Like a real API server behind an admin kubeconfig, it serves what it is asked for: Secrets given in
`secrets` come back with their data unless the Accept header asks for PartialObjectMetadata, and
subresources other than `log` and `status` (exec, proxy, attach, ...) answer 200 with a marker text,
so a test can see that such a request got through.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from shared.cluster.kinds import CLUSTER_SCOPED, CUSTOM, RESOURCES
from shared.cluster.memory import InMemoryCluster
from shared.errors import NotFound

_PATH = re.compile(r"^/(?:api/(?P<cv>v1)|apis/(?P<g>[^/]+)/(?P<gv>[^/]+))"
                   r"(?:/namespaces/(?P<ns>[^/]+))?/(?P<res>[^/]+)(?:/(?P<name>[^/]+))?(?:/(?P<sub>[^/]+)(?P<rest>/.*)?)?$")
_CONSTRAINTS = re.compile(r"/apis/constraints\.gatekeeper\.sh/v1beta1(?:/(?P<res>[^/]+))?")
_METRICS = re.compile(r"/apis/metrics\.k8s\.io/v1beta1(?:/namespaces/(?P<ns>[^/]+))?/(?P<res>pods|nodes)")
SUBRESOURCE_REACHED = "subresource reached the API server"  # the body of an exec/proxy/... answer


@dataclass
class Fault:
    path: str  # regex on the request path
    status: int = 500
    count: int = 1
    delay_s: float = 0.0
    retry_after: int | None = None


def _status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "code": code}


@dataclass
class KubeApiServer:
    cluster: InMemoryCluster
    faults: list[Fault] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    secrets: list[dict[str, Any]] = field(default_factory=list)  # served with their data, as a real server does

    def __enter__(self) -> KubeApiServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _send(self, code: int, body: Any, headers: dict[str, str] | None = None, text: bool = False) -> None:
                payload = body.encode() if text else json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "text/plain" if text else "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)

            def _record(self) -> tuple[Any, dict[str, str]]:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                with server._lock:
                    server.requests.append({"method": self.command, "path": parts.path,
                                            "decoded_path": unquote(parts.path), "query": query,
                                            "accept": self.headers.get("Accept", "")})
                return parts, query

            def do_GET(self) -> None:  # noqa: N802
                parts, query = self._record()
                accept = self.headers.get("Accept", "")
                with server._lock:
                    fault = next((f for f in server.faults if f.count > 0 and re.search(f.path, parts.path)), None)
                    if fault:
                        fault.count -= 1
                if fault:
                    time.sleep(fault.delay_s)
                    if fault.status:
                        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                        return self._send(fault.status, _status(fault.status, "Injected", "injected fault"), headers)
                try:
                    code, body, text = server.answer(parts.path, query, accept)
                except Exception as exc:  # noqa: BLE001 - a backend that refuses a name: the server's 400
                    code, body, text = 400, _status(400, "BadRequest", f"{type(exc).__name__}: {exc}"), False
                self._send(code, body, text=text)

            def _refuse(self) -> None:
                self._record()
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                self._send(405, _status(405, "MethodNotAllowed", "this API server is read-only"))

            do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _refuse  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def write_kubeconfig(self, path: Path) -> Path:
        path.write_text(json.dumps({
            "apiVersion": "v1", "kind": "Config", "current-context": "local",
            "clusters": [{"name": "local", "cluster": {"server": self.url}}],
            "users": [{"name": "local", "user": {"token": "local-test-token"}}],
            "contexts": [{"name": "local", "context": {"cluster": "local", "user": "local"}}]}))
        return path

    # --- routing -----------------------------------------------------------------------------------
    def answer(self, path: str, query: dict[str, str], accept: str = "") -> tuple[int, Any, bool]:
        if path == "/version":
            return 200, {"major": "1", "minor": "30", "gitVersion": "v1.30.4", "platform": "linux/amd64"}, False
        if path == "/api":
            return 200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}, False
        if path == "/apis":
            served = {res: api for res, (_, api, _) in RESOURCES.items() if self._installed(res)}
            groups = sorted({api.split("/")[0] for api in served.values() if "/" in api})
            listed = [
                {"name": g, "versions": [{"groupVersion": v, "version": v.split("/")[1]} for v in sorted(
                    {api for api in served.values() if api.startswith(g + "/")})],
                 "preferredVersion": {"groupVersion": self._preferred(g), "version": self._preferred(g).split("/")[1]}}
                for g in groups]
            if self.cluster.constraints() is not None:
                version = {"groupVersion": "constraints.gatekeeper.sh/v1beta1", "version": "v1beta1"}
                listed.append({"name": "constraints.gatekeeper.sh", "versions": [version], "preferredVersion": version})
            return 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": listed}, False
        if constraints := _CONSTRAINTS.fullmatch(path):
            return self._constraints(constraints.group("res"))
        if path in ("/api/v1",) or re.fullmatch(r"/apis/[^/]+/[^/]+", path):
            group_version = "v1" if path == "/api/v1" else path[len("/apis/"):]
            return 200, {"kind": "APIResourceList", "groupVersion": group_version, "resources": [
                {"name": res, "singularName": kind.lower(), "namespaced": res not in CLUSTER_SCOPED, "kind": kind,
                 "verbs": ["get", "list", "watch"], "shortNames": list(shorts)}
                for res, (kind, api, shorts) in RESOURCES.items() if api == group_version and self._installed(res)]
                + ([{"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod", "verbs": ["get"]}]
                   if group_version == "v1" else [])}, False
        if metrics := _METRICS.fullmatch(path):
            return self._metrics(metrics.group("res"), metrics.group("ns") and unquote(metrics.group("ns")))
        m = _PATH.match(path)
        if not m or m.group("res") not in RESOURCES:
            return 404, _status(404, "NotFound", f"the server could not find the requested resource ({path})"), False
        if not self._installed(m.group("res")):
            return 404, _status(404, "NotFound", f"the server could not find the requested resource ({path})"), False
        res, ns, name = m.group("res"), m.group("ns"), m.group("name")
        ns, name = ns and unquote(ns), name and unquote(name)
        kind, api, _ = RESOURCES[res]
        sub = m.group("sub")
        if sub not in (None, "log", "status"):
            return 200, f"{SUBRESOURCE_REACHED}: {sub}{m.group('rest') or ''} {query}", True
        if res == "secrets" and sub is None and "PartialObjectMetadata" not in accept:
            return self._secret_with_data(ns, name, api)
        if sub == "log":
            text = self.cluster.logs(ns or "", name or "", query.get("container", ""),
                                     previous=query.get("previous") == "true",
                                     tail_lines=int(query["tailLines"]) if "tailLines" in query else None)
            if text is None:
                return 400, _status(400, "BadRequest", f'previous terminated container "{query.get("container")}" '
                                                      f'in pod "{name}" not found'), False
            return 200, text, True
        if name:
            obj = self.cluster.get(res, name, ns)
            if obj is None:
                return 404, _status(404, "NotFound", f'{res} "{name}" not found'), False
            return 200, obj, False
        items = self.cluster.list(res, ns, label_selector=query.get("labelSelector"),
                                  field_selector=query.get("fieldSelector"))
        for item in items:
            item.pop("kind", None)
            item.pop("apiVersion", None)
        # Chunked as the API server does: `limit` per page, an opaque `continue` token while more remain.
        start = int(query.get("continue") or 0)
        end = start + int(query["limit"]) if query.get("limit") else len(items)
        meta = {"resourceVersion": "1", **({"continue": str(end)} if end < len(items) else {})}
        return 200, {"kind": f"{kind}List", "apiVersion": api, "metadata": meta, "items": items[start:end]}, False

    def _secret_with_data(self, ns: str | None, name: str | None, api: str) -> tuple[int, Any, bool]:
        """What an admin's kubeconfig gets from a real server: Secrets whole, data included."""
        found = [s for s in self.secrets if (not ns or (s.get("metadata") or {}).get("namespace") == ns)
                 and (not name or (s.get("metadata") or {}).get("name") == name)]
        if name:
            if not found:
                return 404, _status(404, "NotFound", f'secrets "{name}" not found'), False
            return 200, found[0], False
        return 200, {"kind": "SecretList", "apiVersion": api, "metadata": {"resourceVersion": "1"},
                     "items": [{k: v for k, v in s.items() if k not in ("kind", "apiVersion")} for s in found]}, False

    def _metrics(self, res: str, ns: str | None) -> tuple[int, Any, bool]:
        """metrics.k8s.io as metrics-server serves it (404 when the cluster holds no readings: not installed)."""
        found = self.cluster.metrics(res, ns)
        if found is None:
            return 404, _status(404, "NotFound", "the server could not find the requested resource"), False
        kind = "PodMetricsList" if res == "pods" else "NodeMetricsList"
        return 200, {"kind": kind, "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {},
                     "items": [{k: v for k, v in i.items() if k not in ("kind", "apiVersion")} for i in found]}, False

    def _installed(self, resource: str) -> bool:
        """A custom resource is served only where the cluster holds some (its CRD is installed), as a real server."""
        if resource not in CUSTOM:
            return True
        try:
            self.cluster.list(resource)
        except NotFound:
            return False
        return True

    def _constraints(self, plural: str | None) -> tuple[int, Any, bool]:
        """Gatekeeper's constraints API: discovery of the kinds its templates made, and the list of one kind."""
        held = self.cluster.constraints()
        if held is None:
            return 404, _status(404, "NotFound", "the server could not find the requested resource"), False
        kinds = sorted({o.get("kind", "") for o in held})
        if plural is None:
            return 200, {"kind": "APIResourceList", "apiVersion": "v1",
                         "groupVersion": "constraints.gatekeeper.sh/v1beta1", "resources": [
                r for kind in kinds for r in (
                    {"name": kind.lower(), "singularName": kind.lower(), "namespaced": False, "kind": kind,
                     "verbs": ["delete", "get", "list", "patch", "update", "watch"], "categories": ["constraint",
                                                                                                 "constraints"]},
                    {"name": f"{kind.lower()}/status", "singularName": "", "namespaced": False, "kind": kind,
                     "verbs": ["get", "patch", "update"]})]}, False
        kind = next((k for k in kinds if k.lower() == unquote(plural)), None)
        if kind is None:
            return 404, _status(404, "NotFound", f"the server could not find the requested resource ({plural})"), False
        items = [{k: v for k, v in o.items() if k not in ("kind", "apiVersion")} for o in held if o.get("kind") == kind]
        return 200, {"kind": f"{kind}List", "apiVersion": "constraints.gatekeeper.sh/v1beta1",
                     "metadata": {"resourceVersion": "1"}, "items": items}, False

    @staticmethod
    def _preferred(group: str) -> str:
        return next(api for _, api, _ in RESOURCES.values() if api.startswith(group + "/"))


def serve_cluster(cluster: InMemoryCluster) -> KubeApiServer:
    return KubeApiServer(cluster)
