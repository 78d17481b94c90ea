"""ErrImagePull / ImagePullBackOff: the image does not exist, may not be pulled, or cannot be reached."""

from __future__ import annotations

import re
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import ContainerAnalyzer, events_of, item, make_finding, name_of, ns_of, owner_hint
from shared.analyzers.strength import Strength
from shared.analyzers.target import workload_of
from shared.cluster.selectors import matches_match_labels
from shared.diagnosis import Finding

_WAITING: Final = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull")
_NOT_FOUND = re.compile(r"not found|manifest unknown|404|does not exist|no such manifest|name unknown|"
                        r"failed to resolve reference.*not found", re.I)
_UNAUTHORIZED = re.compile(r"unauthorized|authentication required|\b401\b|\b403\b|forbidden|denied|"
                           r"no basic auth credentials|authorization failed|requested access to the resource",
                           re.I)
_UNREACHABLE = re.compile(r"dial tcp|i/o timeout|no such host|connection refused|x509|tls:|certificate|"
                          r"context deadline exceeded|network is unreachable|connection reset|EOF|"
                          r"server misbehaving|TLS handshake timeout", re.I)
_AMBIGUOUS_HUB = re.compile(r"repository does not exist or may require", re.I)


def registry_of(image: str) -> str:
    first = image.split("/", 1)[0]
    return first if ("." in first or ":" in first or first == "localhost") and "/" in image else "docker.io"


def _previous_image(evidence: Evidence, pod: dict[str, Any], container: str) -> str | None:
    found = workload_of(evidence, pod)
    if not found or found[0] != "Deployment" or found[2] is None:
        return None
    deploy = found[2]
    rses = [rs for rs in evidence.list("replicasets", ns_of(pod))
            if matches_match_labels((rs.get("metadata") or {}).get("labels") or {},
                                    (deploy.get("spec") or {}).get("selector"))]

    def revision(rs: dict[str, Any]) -> int:
        return int(((rs.get("metadata") or {}).get("annotations") or {}).get("deployment.kubernetes.io/revision", 0))

    rses.sort(key=revision, reverse=True)
    for rs in rses[1:]:
        for c in ((rs.get("spec") or {}).get("template") or {}).get("spec", {}).get("containers") or []:
            if c.get("name") == container:
                return c.get("image")
    return None


class ImagePullAnalyzer(ContainerAnalyzer):
    name = "image_pull"
    family = "image_pull"
    looks_for = "image pulls (no ErrImagePull/ImagePullBackOff)"

    def matches(self, evidence: Evidence, pod: dict[str, Any], c: Any) -> bool:
        return c.waiting_reason in _WAITING

    def explain(self, evidence: Evidence, pod: dict[str, Any], c: Any) -> Finding:
        ns, pod_name = ns_of(pod), name_of(pod)
        image = c.spec.get("image", "?")
        registry = registry_of(image)
        pull_events = [e for e in events_of(evidence, pod)
                       if e.get("reason") in ("Failed", "BackOff", "FailedToRetrieveImagePullSecret", "InspectFailed")]
        messages = [str(e.get("message", "")) for e in pull_events]
        text = "\n".join([c.waiting_message or "", *messages])
        pull_errors = [m for m in [c.waiting_message or "", *messages] if "pull" in m.lower() or "image" in m.lower()]
        detail = max(pull_errors, key=len) if pull_errors else (c.waiting_message or c.waiting_reason)
        secrets = [s.get("name") for s in (pod.get("spec") or {}).get("imagePullSecrets") or []]
        target, workload = owner_hint(evidence, pod)
        tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else "latest"
        ev = [item(f"pod/{ns}/{pod_name} status", f"container {c.name}: {c.waiting_reason}, image {image}")]
        if detail:
            ev.append(item(f"events pod/{ns}/{pod_name}", detail))
        missing_secret = [e for e in pull_events if e.get("reason") == "FailedToRetrieveImagePullSecret"]
        if c.waiting_reason == "InvalidImageName":
            category = "image_pull_not_found"
        elif _UNREACHABLE.search(text) and not _NOT_FOUND.search(text.replace("no such host", "")):
            category = "image_pull_registry_unreachable"
        elif _AMBIGUOUS_HUB.search(text):
            category = "image_pull_unauthorized" if secrets or registry != "docker.io" else "image_pull_not_found"
        elif _UNAUTHORIZED.search(text) or missing_secret:
            category = "image_pull_unauthorized"
        elif _NOT_FOUND.search(text):
            category = "image_pull_not_found"
        else:
            # Only "Back-off pulling image" is left (the detailed events expired): the commonest cause of a
            # pull that never succeeds is a tag that does not exist, but say that it is a guess.
            category = "image_pull_not_found"
        said = f" The registry answered: “…{detail[-180:]}”." if detail and len(detail) > 40 else ""
        previous = _previous_image(evidence, pod, c.name)
        before = f" The previous revision ran {previous}." if previous and previous != image else ""
        cmds = [f"kubectl -n {ns} describe pod {pod_name}", f"kubectl -n {ns} get events --field-selector "
                f"involvedObject.name={pod_name}"]
        if category == "image_pull_not_found":
            return make_finding(
                category,
                f"{workload}: image {image} cannot be pulled: tag {tag} not found",
                f"Container {c.name} of pod {pod_name} references {image}, but the registry has no such image "
                f"or tag ({tag}), so the kubelet cannot pull it.{before}{said}",
                ev,
                [f"Point {target} at an image tag that exists in {registry} (check the pushed tags for a typo "
                 f"in {tag}), or push {image}.", *( [f"Or roll back to {previous}."] if before else [])],
                [*cmds, f"kubectl -n {ns} set image {target} {c.name}={previous or '<existing image:tag>'}",
                 f"kubectl -n {ns} rollout undo {target}"],
                # The registry's "not found" names the cause; a bare back-off only suggests the commonest one.
                Strength.SCHEDULER_SAYS if _NOT_FOUND.search(text) or c.waiting_reason == "InvalidImageName"
                else Strength.GUESS,
                self.name,
            )
        if category == "image_pull_unauthorized":
            has = f"it uses imagePullSecrets {', '.join(secrets)}" if secrets else "it has no imagePullSecrets"
            return make_finding(
                category,
                f"{workload}: image {image} cannot be pulled: {registry} refuses the credentials",
                f"The registry {registry} answers the pull of {image} with an authorization error; {has}, and "
                f"the credentials are missing, wrong, expired or lack access to that repository.{said}",
                ev,
                [f"Create or fix the docker-registry Secret for {registry} in namespace {ns} and reference it "
                 f"in imagePullSecrets of {target} (or of its ServiceAccount).",
                 "Check the registry token has not expired and can read this repository."],
                [*cmds, f"kubectl -n {ns} get secrets --field-selector type=kubernetes.io/dockerconfigjson",
                 f"kubectl -n {ns} create secret docker-registry <name> --docker-server={registry} ..."],
                Strength.SCHEDULER_SAYS,
                self.name,
            )
        return make_finding(
            category,
            f"{workload}: registry {registry} is unreachable, so image {image} cannot be pulled",
            f"The node cannot reach the registry {registry} to pull {image} (network, DNS, proxy or TLS "
            f"error): “…{(detail or '')[-200:]}”.",
            ev,
            [f"Check DNS resolution and egress from the nodes to {registry} (firewall, NAT, proxy, "
             f"NetworkPolicy), and its TLS certificate; or mirror the image to a reachable registry."],
            [*cmds, f"kubectl debug node/{(pod.get('spec') or {}).get('nodeName', '<node>')} -it --image=busybox "
             f"-- nslookup {registry.split(':')[0]}"],
            Strength.SCHEDULER_SAYS,
            self.name,
        )


ANALYZER: Final = ImagePullAnalyzer()
