"""Loading a `kubectl cluster-info dump --all-namespaces --output-directory` directory.

The dump is kubectl's, byte for byte: typed Lists whose items carry no kind, one directory per
namespace, each pod's `logs.txt` holding every container's log between START/END markers. An
optional `extra/` holds objects the dump lacks (placed by each object's own kind and namespace,
whatever the file is called) and `extra/logs/<ns>/<pod>/<container>[.previous].txt`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Final

from shared.cluster.kinds import api_version_for, resource_for_kind
from shared.cluster.memory import InMemoryCluster
from shared.cluster.names import check_container, check_name, check_namespace, check_selector, resource_of
from shared.errors import InvalidInput

_TRIGGERS: Final = frozenset({"event.json", "alert.json", "ask.json", "expected.json"})
_START = re.compile(r"^==== START logs for container (\S+) of pod (\S+)/(\S+) ====$")
_END = re.compile(r"^==== END logs for container (\S+) of pod (\S+)/(\S+) ====$")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path}: not a readable JSON file ({exc})") from None


def _items(doc: Any) -> list[dict[str, Any]]:
    """Objects of a List (typed or not) or a single object, each with its kind and apiVersion."""
    if not isinstance(doc, dict):
        return []
    list_kind = doc.get("kind", "")
    if "items" not in doc:
        return [doc] if doc.get("kind") else []
    item_kind = list_kind[:-4] if list_kind.endswith("List") and list_kind != "List" else ""
    out = []
    for item in doc.get("items") or []:
        if not isinstance(item, dict):
            continue
        kind = item.get("kind") or item_kind
        if not kind:
            continue
        out.append({"kind": kind, "apiVersion": item.get("apiVersion") or api_version_for(kind), **item})
    return out


def parse_logs_txt(text: str) -> dict[str, str]:
    """container -> log text, from kubectl's START/END-marked logs.txt (no log: no entry)."""
    logs: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        if current is None:
            if m := _START.match(line):
                current, lines = m.group(1), []
            continue
        if (m := _END.match(line)) and m.group(1) == current:
            body = "\n".join(lines)
            if not (len(lines) == 1 and lines[0].startswith("Request log error:")):
                logs[current] = body + ("\n" if lines else "")
            current = None
            continue
        lines.append(line)
    return logs


class SnapshotCluster(InMemoryCluster):
    """A loaded dump, read under the live backend's rules: names are names, known kinds only.

    `documents`: the JSON files under extra/ that hold no Kubernetes object, by path under extra/
    (`opencost/allocation.json`), for the tools that read them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents: dict[str, Any] = {}

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        resource = resource_of(kind)
        check_namespace(namespace)
        return super().get(resource, check_name(resource, name), namespace)

    def list(self, kind: str, namespace: str | None = None, *, label_selector: str | None = None,
             field_selector: str | None = None) -> list[dict[str, Any]]:
        resource = resource_of(kind)
        check_namespace(namespace)
        return super().list(resource, namespace, label_selector=check_selector(label_selector, "label_selector"),
                            field_selector=check_selector(field_selector, "field_selector"))

    def logs(self, namespace: str, pod: str, container: str, *, previous: bool = False,
             tail_lines: int | None = None, since_seconds: int | None = None) -> str | None:
        check_namespace(namespace)
        return super().logs(namespace, check_name("pods", pod, "pod"), check_container(container),
                            previous=previous, tail_lines=tail_lines, since_seconds=since_seconds)


def load_snapshot(path: str | Path, name: str = "snapshot") -> SnapshotCluster:
    root = Path(path)
    if not root.is_dir():
        raise InvalidInput(f"snapshot {root} is not a directory")
    cluster = SnapshotCluster(name=name)
    for file in sorted(root.glob("*.json")):
        if file.name not in _TRIGGERS:
            for obj in _items(_read_json(file)):
                cluster.add(obj)
    for ns_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "extra"):
        for file in sorted(ns_dir.glob("*.json")):
            for obj in _items(_read_json(file)):
                cluster.add(obj)
        for logs_txt in sorted(ns_dir.glob("*/logs.txt")):
            pod = logs_txt.parent.name
            for container, text in parse_logs_txt(logs_txt.read_text(encoding="utf-8", errors="replace")).items():
                cluster.add_log(ns_dir.name, pod, container, text)
    extra = root / "extra"
    if extra.is_dir():
        for file in sorted(extra.rglob("*.json")):
            if "logs" in file.relative_to(extra).parts[:1]:
                continue
            doc = _read_json(file)
            objects = _items(doc)
            if not objects:  # no Kubernetes object: a document a tool reads as it is (an OpenCost allocation)
                cluster.documents[file.relative_to(extra).as_posix()] = doc
            for obj in objects:
                if resource_for_kind(obj.get("kind", "")):
                    cluster.add(obj)
        for log_file in sorted((extra / "logs").glob("*/*/*.txt")):
            namespace, pod = log_file.parent.parent.name, log_file.parent.name
            previous = log_file.name.endswith(".previous.txt")
            container = log_file.name.removesuffix(".previous.txt" if previous else ".txt")
            cluster.add_log(namespace, pod, container, log_file.read_text(encoding="utf-8", errors="replace"),
                            previous=previous)
    return cluster
