"""knative/ as data: the documents `kubectl apply -k knative/` would send, and helpers to read them."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

ROOT: Final = Path(__file__).resolve().parents[2]
KNATIVE: Final = ROOT / "knative"
KUBECTL: Final = next(
    (p for p in (Path("/usr/lib/google-cloud-sdk/bin/kubectl.1.32"), shutil.which("kubectl")) if p and Path(p).exists()),
    None,
)
# What the Broker delivers to the router. Manual requests (io.kubetriage.diagnosis.requested) are not
# here: they need the bearer token, which a Broker delivery cannot carry (knative/triggers.yaml).
INTAKE_TYPES: Final = frozenset({
    "dev.knative.apiserver.resource.add",
    "dev.knative.apiserver.resource.update",
    "io.kubetriage.alertmanager.webhook",
})
SPECIALIST_TYPES: Final = frozenset({"io.kubetriage.investigation.requested", "io.kubetriage.investigation.continued"})
KSVC_API: Final = "serving.knative.dev/v1"

Doc = dict[str, Any]


@dataclass(frozen=True)
class Manifests:
    """Every document of one kustomization, with the generated ConfigMaps stood in by their literals."""

    documents: tuple[Doc, ...]

    def of(self, kind: str) -> list[Doc]:
        return [d for d in self.documents if d["kind"] == kind]

    def named(self, kind: str, name: str) -> Doc:
        (doc,) = [d for d in self.of(kind) if d["metadata"]["name"] == name]
        return doc

    def knative_services(self) -> dict[str, Doc]:
        return {d["metadata"]["name"]: d for d in self.documents if d["apiVersion"] == KSVC_API}

    def function_services(self) -> dict[str, Doc]:
        """The Knative Services running our image: those choosing a function by KUBETRIAGE_FUNCTION."""
        return {n: s for n, s in self.knative_services().items() if "KUBETRIAGE_FUNCTION" in env(s)}

    def specialists(self) -> dict[str, Doc]:
        return {n: s for n, s in self.function_services().items() if env_value(s, "KUBETRIAGE_FUNCTION") != "router"}

    def config(self) -> Mapping[str, str]:
        return self.named("ConfigMap", "kubetriage-config")["data"]


def load(directory: Path = KNATIVE, *, with_components: Iterable[str] = ()) -> Manifests:
    """The documents of a kustomization directory, following resources and components."""
    return Manifests(tuple(_documents(directory, tuple(with_components))))


def _documents(directory: Path, extra_components: tuple[str, ...]) -> list[Doc]:
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    docs: list[Doc] = []
    for entry in [*kustomization.get("resources", []), *kustomization.get("components", []), *extra_components]:
        path = directory / entry
        if path.is_dir():
            docs += _documents(path, ())
        else:
            docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    for generator in kustomization.get("configMapGenerator", []):
        data = dict(literal.split("=", 1) for literal in generator.get("literals", []))
        docs.append({"apiVersion": "v1", "kind": "ConfigMap",
                     "metadata": {"name": generator["name"], "namespace": kustomization.get("namespace")},
                     "data": data})
    return docs


def container(service: Doc) -> Doc:
    (only,) = service["spec"]["template"]["spec"]["containers"]
    return only


def env(service: Doc) -> dict[str, Doc]:
    return {e["name"]: e for e in container(service).get("env", [])}


def env_value(service: Doc, name: str) -> str | None:
    entry = env(service).get(name)
    return None if entry is None else entry.get("value")


def iso_seconds(duration: str) -> float:
    """Seconds in an ISO 8601 duration of the form Knative uses (PT2S, PT0.5S, PT1M30S)."""
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", duration)
    assert match and any(match.groups()), f"not an ISO 8601 duration: {duration!r}"
    hours, minutes, seconds = (float(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def total_backoff_s(delivery: Mapping[str, Any]) -> float:
    """The least time Knative spends retrying: backoffDelay * (2^0 + ... + 2^(retry-1)) when exponential."""
    delay, retries = iso_seconds(delivery["backoffDelay"]), int(delivery["retry"])
    if delivery.get("backoffPolicy") == "exponential":
        return delay * (2**retries - 1)
    return delay * retries


def labels_match(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())
