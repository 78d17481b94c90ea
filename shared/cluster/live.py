"""The live cluster: the official kubernetes client, GET requests only, imported only when used."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote

from shared.cluster.kinds import CLUSTER_SCOPED, RESOURCES, api_version_for, kind_for_resource
from shared.cluster.names import check_container, check_name, check_namespace, check_selector, resource_of
from shared.errors import Forbidden, NotFound, TransientError

REQUEST_TIMEOUT_S: Final = 8.0
LIST_PAGE: Final = 500
MAX_LIST_PAGES: Final = 20  # 10,000 objects of one kind: past that, the tools' own caps decide anyway
# Secrets as metadata only: the API server drops data and stringData for this media type.
_METADATA_ONLY: Final = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"
_METADATA_LIST: Final = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
_METHOD: Final = "GET"  # the only method this backend ever sends
# The one shape a request may take, checked on the final path whatever built it: a known resource, an
# optional namespace and name, and no subresource but `log` and `status` (never exec, attach, proxy...).
_FINAL_PATH: Final = re.compile(
    r"/(?:api/v1|apis/[a-z0-9.-]+/v[a-z0-9]+)(?:/namespaces/[a-z0-9-]{1,63})?/(?P<res>[a-z]+)"
    r"(?P<name>/[a-z0-9.-]{1,253}(?P<sub>/log|/status)?)?\Z")
_SECRET_KINDS: Final = frozenset({"Secret", "SecretList"})
# Gatekeeper's constraints: one cluster-scoped kind per ConstraintTemplate, so their names are not ours to list
# in RESOURCES. The group's discovery (which kinds exist) and the list of one kind, nothing else.
CONSTRAINTS_API: Final = "/apis/constraints.gatekeeper.sh/v1beta1"
_PLURAL: Final = re.compile(r"[a-z0-9]{1,63}")
_CONSTRAINTS_PATH: Final = re.compile(re.escape(CONSTRAINTS_API) + r"(?:/[a-z0-9]{1,63})?\Z")


def request_policy(path: str, accept: str) -> tuple[str, bool]:
    """The Accept header a final path may be sent with, and whether it reads Secrets.

    Forbidden for any path outside the one shape. Secrets, however they were named, are asked for as
    metadata only.
    """
    if _CONSTRAINTS_PATH.match(path):
        return accept, False
    m = _FINAL_PATH.match(path)
    if m is None or m.group("res") not in RESOURCES or any(seg in (".", "..") for seg in path.split("/")):
        raise Forbidden(f"refused request path {path!r}: only reads of known resources, their log and status")
    if m.group("res") == "secrets":
        return (_METADATA_ONLY if m.group("name") else _METADATA_LIST), True
    return accept, False


def without_secret_data(doc: Any, secret: bool = False) -> Any:
    """A response with the data and stringData of every Secret in it dropped (a server that ignored us)."""
    if isinstance(doc, dict):
        secret = secret or doc.get("kind") in _SECRET_KINDS
        if secret or "stringData" in doc:
            doc = {k: v for k, v in doc.items() if k not in ("data", "stringData")}
        if isinstance(doc.get("items"), list):
            doc["items"] = [without_secret_data(i, secret) for i in doc["items"]]
    return doc


class LiveCluster:
    def __init__(self, api_client: Any, name: str = "live") -> None:
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError as Urllib3Error

        self._api = api_client
        self._api_exception = ApiException
        self._transport_errors = (Urllib3Error, OSError, TimeoutError)
        self.name = name

    @classmethod
    def in_cluster(cls) -> LiveCluster:
        from kubernetes import client, config

        configuration = client.Configuration()
        config.load_incluster_config(client_configuration=configuration)
        configuration.retries = 0  # the tool executor owns retries (backoff, Retry-After, the deadline)
        return cls(client.ApiClient(configuration), name="in-cluster")

    @classmethod
    def from_kubeconfig(cls, path: str | None = None, context: str | None = None) -> LiveCluster:
        from kubernetes import client, config

        configuration = client.Configuration()
        config.load_kube_config(config_file=path, context=context, client_configuration=configuration)
        configuration.retries = 0  # the tool executor owns retries (backoff, Retry-After, the deadline)
        return cls(client.ApiClient(configuration), name=context or "kubeconfig")

    def _path(self, resource: str, namespace: str | None, name: str | None = None) -> str:
        """The request path from checked parts, each segment percent-encoded (names are never paths)."""
        api = api_version_for(resource)
        base = "/api/v1" if api == "v1" else f"/apis/{api}"
        check_namespace(namespace)
        ns = f"/namespaces/{quote(namespace, safe='')}" if namespace and resource not in CLUSTER_SCOPED else ""
        if name is not None:
            name = quote(check_name(resource, name), safe="")
        return f"{base}{ns}/{resource}" + (f"/{name}" if name else "")

    def _get(self, path: str, query: Mapping[str, Any] | None = None, accept: str = "application/json",
             raw: bool = False) -> Any:
        accept, secret = request_policy(path, accept)
        try:
            response = self._api.call_api(
                path, _METHOD, query_params=[(k, v) for k, v in (query or {}).items() if v is not None],
                header_params={"Accept": accept}, auth_settings=["BearerToken"], _preload_content=False,
                _return_http_data_only=True, _request_timeout=REQUEST_TIMEOUT_S)
            body = response.data
        except self._api_exception as exc:
            status = int(exc.status or 0)
            if status == 404:
                raise NotFound(f"{path}: not found") from None
            if status in (401, 403):
                raise Forbidden(f"{path}: {status} (the service account may not read this)") from None
            if status == 429 or status >= 500 or status == 0:
                retry = (exc.headers or {}).get("Retry-After") if exc.headers else None
                raise TransientError(f"{path}: HTTP {status}", status=status,
                                     retry_after_s=float(retry) if retry and str(retry).isdigit() else None) from None
            raise NotFound(f"{path}: HTTP {status}: {(exc.body or b'')[:200]!r}") from None
        except self._transport_errors as exc:
            raise TransientError(f"{path}: {type(exc).__name__}") from None
        if raw:
            return body.decode("utf-8", errors="replace")
        return without_secret_data(json.loads(body), secret)

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        resource = resource_of(kind)
        secret = resource == "secrets"
        try:
            obj = self._get(self._path(resource, namespace, name), accept=_METADATA_ONLY if secret else
                            "application/json")
        except NotFound:
            return None
        obj.setdefault("kind", kind_for_resource(resource))
        obj.setdefault("apiVersion", api_version_for(resource))
        if secret:
            obj = {"kind": "Secret", "apiVersion": "v1", "metadata": obj.get("metadata", {})}
        return obj

    def list(self, kind: str, namespace: str | None = None, *, label_selector: str | None = None,
             field_selector: str | None = None) -> list[dict[str, Any]]:
        resource = resource_of(kind)
        label_selector = check_selector(label_selector, "label_selector")
        field_selector = check_selector(field_selector, "field_selector")
        secret = resource == "secrets"
        kind_name, api = kind_for_resource(resource), api_version_for(resource)
        items: list[dict[str, Any]] = []
        token = None
        for _ in range(MAX_LIST_PAGES):  # chunks, so a big cluster's list is neither cut off nor one huge body
            doc = self._get(self._path(resource, namespace),
                            {"labelSelector": label_selector, "fieldSelector": field_selector,
                             "limit": LIST_PAGE, "continue": token},
                            accept=_METADATA_LIST if secret else "application/json")
            for item in doc.get("items") or []:
                if secret:
                    item = {"metadata": item.get("metadata", {})}
                items.append({"kind": kind_name, "apiVersion": api, **item})
            token = (doc.get("metadata") or {}).get("continue")
            if not token:
                break
        return items

    def metrics(self, kind: str, namespace: str | None = None) -> list[dict[str, Any]] | None:
        """metrics.k8s.io readings (`pods` or `nodes`); None when the metrics API is not served here."""
        resource = {"pods": "pods", "nodes": "nodes"}[kind]
        check_namespace(namespace)
        ns = f"/namespaces/{quote(namespace, safe='')}" if namespace and resource == "pods" else ""
        try:
            doc = self._get(f"/apis/metrics.k8s.io/v1beta1{ns}/{resource}")
        except NotFound:
            return None
        item_kind = "PodMetrics" if resource == "pods" else "NodeMetrics"
        return [{"kind": item_kind, "apiVersion": "metrics.k8s.io/v1beta1", **i} for i in doc.get("items") or []]

    def constraints(self) -> list[dict[str, Any]] | None:
        """Every Gatekeeper constraint with its audit status; None when Gatekeeper's constraints API is not served."""
        try:
            discovery = self._get(CONSTRAINTS_API)
        except NotFound:
            return None
        found: list[dict[str, Any]] = []
        for resource in discovery.get("resources") or []:
            plural, kind = str(resource.get("name", "")), str(resource.get("kind", ""))
            if not _PLURAL.fullmatch(plural) or "list" not in (resource.get("verbs") or []):
                continue  # a subresource (k8s…/status: the list carries it), or a name that is no plural
            try:
                doc = self._get(f"{CONSTRAINTS_API}/{quote(plural, safe='')}", {"limit": LIST_PAGE})
            except NotFound:
                continue  # the template was deleted between the two reads
            found += [{"kind": kind, "apiVersion": "constraints.gatekeeper.sh/v1beta1", **i}
                      for i in doc.get("items") or []]
        return found

    def logs(self, namespace: str, pod: str, container: str, *, previous: bool = False,
             tail_lines: int | None = None, since_seconds: int | None = None) -> str | None:
        query = {"container": check_container(container), "previous": "true" if previous else None,
                 "tailLines": None if tail_lines is None else int(tail_lines),
                 "sinceSeconds": None if since_seconds is None else int(since_seconds)}
        if not namespace:
            raise NotFound("pod logs need a namespace")
        try:
            return self._get(self._path("pods", namespace, pod) + "/log", query, accept="text/plain", raw=True)
        except NotFound:
            return None
