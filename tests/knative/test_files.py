"""Every file under knative/ parses, and the kustomization applies every manifest but the examples."""

from pathlib import Path

import pytest
import yaml

from tests.knative.manifests import KNATIVE, Manifests

YAML_FILES = sorted(KNATIVE.rglob("*.yaml"))
KUSTOMIZE_FILES = {"kustomization.yaml", "kustomizeconfig.yaml"}


def _listed(directory: Path) -> set[Path]:
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    entries = [*kustomization.get("resources", []), *kustomization.get("components", [])]
    listed: set[Path] = set()
    for entry in entries:
        path = (directory / entry).resolve()
        listed |= _listed(path) if path.is_dir() else {path}
    return listed


@pytest.mark.parametrize("path", YAML_FILES, ids=[str(p.relative_to(KNATIVE)) for p in YAML_FILES])
def test_every_yaml_file_parses_and_every_manifest_names_its_kind(path):
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    assert docs, f"{path.name} holds no document"
    if path.name in KUSTOMIZE_FILES or "examples" in path.parts:
        return
    for doc in docs:
        assert {"apiVersion", "kind", "metadata"} <= set(doc), doc
        assert doc["metadata"].get("name"), doc


def test_the_kustomization_applies_every_manifest_and_no_example():
    manifests = {p.resolve() for p in YAML_FILES if p.name not in KUSTOMIZE_FILES}
    examples = {p for p in manifests if "examples" in p.parts}
    listed = _listed(KNATIVE)
    assert manifests - examples - listed == set(), "manifests that kubectl apply -k would silently skip"
    assert not examples & listed
    assert examples, "the Alertmanager receiver example is missing"


def test_no_secret_is_kept_in_the_manifests(base: Manifests):
    assert base.of("Secret") == []
    assert all("secret" not in d["metadata"]["name"] for d in base.of("ConfigMap"))


def test_every_namespaced_object_lives_in_the_kubetriage_namespace(base: Manifests):
    cluster_scoped = {"Namespace", "ClusterRole", "ClusterRoleBinding"}
    for doc in base.documents:
        if doc["kind"] not in cluster_scoped:
            assert doc["metadata"].get("namespace") == "kubetriage", doc["metadata"]["name"]
