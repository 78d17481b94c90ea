"""PersistentVolumes left Released (or Available and unclaimed): the disk behind them is still billed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import item, make_finding, name_of
from shared.analyzers.quantities import format_bytes, parse_quantity
from shared.analyzers.strength import Strength
from shared.cost.analyzers.common import namespace_scope, prices
from shared.cost.workloads import GIB
from shared.diagnosis import Finding
from shared.incident import Incident
from shared.tools.spec import ToolCall

UNUSED_PHASES: Final = ("Released", "Available")
# EBS volume types as StorageClasses name them (the CSI driver's `type`, the in-tree `type` parameter).
_DEFAULT_TYPE: Final = "gp2"


def volume_type(pv: Mapping[str, Any], classes: Mapping[str, Mapping[str, Any]]) -> str:
    spec = pv.get("spec") or {}
    attrs = ((spec.get("csi") or {}).get("volumeAttributes") or {})
    sc = classes.get(spec.get("storageClassName") or "") or {}
    return str(attrs.get("type") or (sc.get("parameters") or {}).get("type") or _DEFAULT_TYPE)


def claim_namespace(pv: Mapping[str, Any]) -> str:
    return str(((pv.get("spec") or {}).get("claimRef") or {}).get("namespace") or "")


class ReleasedVolumes:
    name = "cost_released_volumes"
    looks_for = "PersistentVolumes Released or Available with no claim (disks billed and unused)"
    answers = re.compile(r"\b(volumes?|pvs?|disks?|storage|released)\b", re.I)

    def handles(self, incident: Incident) -> bool:
        return True

    def first_tools(self, incident: Incident) -> list[ToolCall]:
        return [ToolCall("list_resources", {"kind": "persistentvolumes"})]

    def conclude(self, evidence: Evidence) -> Finding | None:
        ns = namespace_scope(evidence.incident)
        classes = {name_of(sc): sc for sc in evidence.list("storageclasses")}
        unused = []
        for pv in evidence.list("persistentvolumes"):
            phase = (pv.get("status") or {}).get("phase")
            if phase not in UNUSED_PHASES or (ns and claim_namespace(pv) != ns):
                continue
            if phase == "Available" and (pv.get("spec") or {}).get("claimRef"):
                continue  # reserved for a claim that will bind it
            size = parse_quantity(((pv.get("spec") or {}).get("capacity") or {}).get("storage")) or 0.0
            kind = volume_type(pv, classes)
            unused.append((prices(evidence).volume(kind, round(size / GIB, 1)), pv, phase, size, kind))
        if not unused:
            return None
        unused.sort(key=lambda u: -u[0].monthly_usd)
        total = sum(u[0].monthly_usd for u in unused)
        top = unused[0][1]
        evidence_items, recs, commands = [], [], []
        for estimate, pv, phase, size, kind in unused[:10]:
            spec = pv.get("spec") or {}
            claim = spec.get("claimRef") or {}
            was = f"was bound to {claim.get('namespace')}/{claim.get('name')}" if claim else "never claimed"
            handle = (spec.get("csi") or {}).get("volumeHandle") or (spec.get("awsElasticBlockStore") or {}).get(
                "volumeID") or ""
            evidence_items.append(item(f"PersistentVolume/{name_of(pv)}",
                                       f"phase {phase}, {format_bytes(size)} {kind}, reclaimPolicy "
                                       f"{spec.get('persistentVolumeReclaimPolicy', 'Delete')}, {was}"
                                       + (f", disk {handle}" if handle else "")))
            recs.append(f"PersistentVolume {name_of(pv)} is {phase} ({was}) and its disk"
                        f"{' ' + handle if handle else ''} is still billed: {estimate.text()}. Once you have "
                        f"confirmed nothing needs its data (snapshot it first if unsure), delete the volume and "
                        f"the PersistentVolume.")
            commands.append(f"kubectl get pv {name_of(pv)} -o wide")
            commands.append(f"kubectl describe pv {name_of(pv)}")
        return make_finding(
            "cost_released_volumes",
            f"{len(unused)} PersistentVolume(s) no claim uses are still billed, {name_of(top)} the largest "
            f"(about ${total:,.0f}/month, estimate)",
            "A PersistentVolume with reclaimPolicy Retain keeps its disk after its claim is deleted: the "
            "volume goes Released and the cloud disk stays, billed every month, until someone deletes it.",
            evidence_items, recs, list(dict.fromkeys(commands)), Strength.STATE_SAYS, self.name)


ANALYZER: Final = ReleasedVolumes()
