"""`kubectl kustomize knative/` renders what the tests read, with the generated and image names filled in."""

import subprocess

import pytest
import yaml

from tests.knative.manifests import KNATIVE, KUBECTL, Manifests, container

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl (for its built-in kustomize) is not installed")


def _render(directory) -> Manifests:
    out = subprocess.run([str(KUBECTL), "kustomize", str(directory)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return Manifests(tuple(d for d in yaml.safe_load_all(out.stdout) if d))


def _identities(manifests: Manifests) -> set[tuple[str, str]]:
    return {(d["kind"], d["metadata"]["name"]) for d in manifests.documents if d["kind"] != "ConfigMap"}


@pytest.fixture(scope="module")
def rendered() -> Manifests:
    return _render(KNATIVE)


def test_the_render_holds_every_object_the_manifests_define(rendered: Manifests, base: Manifests):
    assert _identities(rendered) == _identities(base)


def test_the_functions_refer_to_the_generated_settings_by_their_hashed_name(rendered: Manifests, base: Manifests):
    (config,) = rendered.of("ConfigMap")
    assert config["metadata"]["name"].startswith("kubetriage-config-")
    assert config["data"] == dict(base.config())
    for name, service in rendered.function_services().items():
        assert container(service)["envFrom"] == [{"configMapRef": {"name": config["metadata"]["name"]}}], name


def test_the_image_is_set_once_for_every_function(rendered: Manifests):
    kustomization = yaml.safe_load((KNATIVE / "kustomization.yaml").read_text())
    (image,) = [i for i in kustomization["images"] if i["name"] == "kubetriage"]
    images = {container(s)["image"] for s in rendered.function_services().values()}
    assert images == {f"{image['newName']}:{image['newTag']}"}


def test_the_all_namespaces_selector_survives_rendering(rendered: Manifests):
    for source in rendered.of("ApiServerSource"):
        assert source["spec"]["namespaceSelector"] == {}, source["metadata"]["name"]


def test_every_specialist_is_deployed_by_the_base(rendered: Manifests):
    assert {"kubetriage-k8s-troubleshooter", "kubetriage-cost-analyzer", "kubetriage-security-auditor"} <= set(
        rendered.specialists())
