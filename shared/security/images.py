"""Images: an unpinned tag, no digest, a registry outside the allow-list, a pull policy that hides it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shared.security.issues import SecurityIssue


def split_image(image: str) -> tuple[str, str, str | None, str | None]:
    """(registry, repository, tag, digest) of an image reference, with Docker Hub's defaults."""
    name, _, digest = image.partition("@")
    first, _, remainder = name.partition("/")
    if remainder and ("." in first or ":" in first or first == "localhost"):
        registry, path = first, remainder
    else:
        registry, path = "docker.io", name
    repo, _, tag = path.rpartition(":") if ":" in path.split("/")[-1] else (path, "", "")
    return registry, repo, tag or None, digest or None


def audit_images(owner: str, spec: Mapping[str, Any], allowed_registries: Iterable[str] = ()) -> list[SecurityIssue]:
    allowed = tuple(r.lower() for r in allowed_registries)
    issues = []
    for key in ("initContainers", "containers"):
        for c in spec.get(key) or []:
            image = str(c.get("image") or "")
            registry, repo, tag, digest = split_image(image)
            where = f"{key}[{c.get('name')}] image {image}"
            if digest is None and tag in (None, "latest"):
                issues.append(SecurityIssue(
                    "image_latest", "medium", owner, f"{where}: {'no tag' if tag is None else ':latest'}, no digest",
                    "CIS 5.5.1 (image provenance); the image that runs can change under the same name",
                    f"Pin {repo} to a version tag and its digest (@sha256:…)"))
            if allowed and not registry.lower().endswith(allowed):
                issues.append(SecurityIssue(
                    "registry_not_allowed", "high", owner, f"{where}: registry {registry} is not in the allow-list "
                    f"({', '.join(allowed)})", "CIS 5.5.1 (images only from trusted registries)",
                    f"Mirror {repo} into an allowed registry, or add {registry} to the allow-list if it is trusted"))
            if digest is None and tag not in (None, "latest") and c.get("imagePullPolicy") == "Never":
                issues.append(SecurityIssue(
                    "pull_policy_never", "low", owner, f"{where}: imagePullPolicy Never runs whatever the node has",
                    "image provenance", "Use IfNotPresent with a digest, or Always"))
    return issues
