"""Which of the auditor's own checks a policy engine's rule is, so its verdict can be re-checked on the live object.

Kyverno's policy library (kyverno/policies: pod-security/baseline, pod-security/restricted, best-practices) is
keyed by policy name; Gatekeeper's library (gatekeeper-library: pod-security-policy, general) by constraint kind.
`exact` says the auditor's check decides the same thing as the rule: its silence on the live object means the
violation was fixed since. A rule with parameters of its own (allowed user ranges, registries, host paths,
seccomp profiles) is only partly re-checked: the check firing confirms it, its silence proves nothing. A rule
not in the table is reported on the engine's word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

_PSS: Final = "Pod Security Standards"


@dataclass(frozen=True)
class PolicyCheck:
    checks: tuple[str, ...]  # the auditor's checks (shared.security.posture, images) this rule is
    exact: bool
    standard: str  # the PSS control and CIS item it maps to


_PRIVILEGED = PolicyCheck(("privileged",), True, f"{_PSS} baseline: Privileged Containers; CIS 5.2.1")
_HOST_NS = PolicyCheck(("hostnetwork", "hostpid", "hostipc"), True, f"{_PSS} baseline: Host Namespaces; CIS 5.2.2-5.2.4")
_HOST_PATH = PolicyCheck(("host_path",), True, f"{_PSS} baseline: HostPath Volumes; CIS 5.2.12")
_CAPS = PolicyCheck(("added_capabilities",), True, f"{_PSS} baseline: Capabilities; CIS 5.2.8-5.2.9")
_ESCALATION = PolicyCheck(("privilege_escalation",), True, f"{_PSS} restricted: Privilege Escalation; CIS 5.2.5")
_NON_ROOT = PolicyCheck(("runs_as_root", "may_run_as_root"), True, f"{_PSS} restricted: Running as Non-root; CIS 5.2.6")
_SECCOMP = PolicyCheck(("no_seccomp",), False, f"{_PSS} baseline/restricted: Seccomp; CIS 5.7.2")
_LATEST = PolicyCheck(("image_latest",), True, "CIS 5.5.1 (image provenance)")

POLICY_CHECKS: Final[dict[str, PolicyCheck]] = {
    # Kyverno policies, by name
    "disallow-privileged-containers": _PRIVILEGED,
    "disallow-host-namespaces": _HOST_NS,
    "disallow-host-path": _HOST_PATH,
    "disallow-cri-sock-mount": PolicyCheck(("host_path",), False, _HOST_PATH.standard),
    "disallow-capabilities": _CAPS,
    "disallow-capabilities-strict": PolicyCheck(("added_capabilities",), False, f"{_PSS} restricted: Capabilities; "
                                                                                 "CIS 5.2.8-5.2.9"),
    "disallow-privilege-escalation": _ESCALATION,
    "require-run-as-nonroot": _NON_ROOT,
    "require-run-as-non-root-user": PolicyCheck(("runs_as_root",), True, f"{_PSS} restricted: Running as Non-root "
                                                                          "user; CIS 5.2.6"),
    "restrict-seccomp": _SECCOMP,
    "restrict-seccomp-strict": _SECCOMP,
    "disallow-latest-tag": _LATEST,
    "restrict-image-registries": PolicyCheck(("registry_not_allowed",), False, "CIS 5.5.1 (trusted registries)"),
    # Gatekeeper constraint kinds (gatekeeper-library)
    "K8sPSPPrivilegedContainer": _PRIVILEGED,
    "K8sPSPHostNamespace": PolicyCheck(("hostpid", "hostipc"), True, _HOST_NS.standard),
    "K8sPSPHostNetworkingPorts": PolicyCheck(("hostnetwork",), False, _HOST_NS.standard),
    "K8sPSPHostFilesystem": PolicyCheck(("host_path",), False, _HOST_PATH.standard),
    "K8sPSPCapabilities": PolicyCheck(("added_capabilities",), False, _CAPS.standard),
    "K8sPSPAllowPrivilegeEscalationContainer": _ESCALATION,
    "K8sPSPAllowedUsers": PolicyCheck(("runs_as_root", "may_run_as_root"), False, _NON_ROOT.standard),
    "K8sPSPSeccomp": _SECCOMP,
    "K8sDisallowedTags": PolicyCheck(("image_latest",), False, _LATEST.standard),
    "K8sAllowedRepos": PolicyCheck(("registry_not_allowed",), False, "CIS 5.5.1 (trusted registries)"),
}


def policy_check(engine: str, policy: str, rule: str) -> PolicyCheck | None:
    """The auditor's check a rule is: Gatekeeper's by constraint kind, the others' by policy name."""
    return POLICY_CHECKS.get(rule) if engine == "gatekeeper" else POLICY_CHECKS.get(policy)
