"""The service analyzer: a Service with no endpoints, and whether that is the root (nothing matches its
selector) or a symptom (its pods fail)."""

from __future__ import annotations

import pytest
from cluster_builders import container, evidence, incident, obj, pod, waiting

from shared.analyzers.service import ANALYZER


def _svc(selector: dict[str, str]) -> dict:
    return obj("Service", "cart", spec={"selector": selector, "ports": [{"port": 80, "targetPort": 8080}]})


def _endpoints(addresses: int) -> dict:
    subsets = [{"addresses": [{"ip": f"10.0.0.{i}"} for i in range(addresses)]}] if addresses else []
    return obj("Endpoints", "cart", subsets=subsets)


READY = pod("cart-7c9f8d6b5-x2k4q", labels={"app.kubernetes.io/name": "cart"})
CRASHING = pod("cart-7c9f8d6b5-x2k4q", labels={"app": "cart"}, containers=[container("cart")],
               statuses=[waiting("cart", "CrashLoopBackOff", restarts=9, last={"exitCode": 1})])


@pytest.mark.parametrize(
    ("objects", "category", "strength", "mention"),
    [
        ([_svc({"app": "cart"}), _endpoints(0), READY], "service_no_endpoints", "OBJECT_MISSING",
         "app.kubernetes.io/name=cart"),
        ([_svc({"app": "cart"}), _endpoints(0), CRASHING], "service_no_endpoints", "SYMPTOM", "CrashLoopBackOff"),
        ([_svc({"app": "cart"}), _endpoints(1), pod("cart-7c9f8d6b5-x2k4q", labels={"app": "cart"})],
         None, None, ""),
    ],
    ids=["a selector no pod matches is the root, and the labels it probably meant are named",
         "pods that match but crash make the Service a symptom",
         "a Service with ready endpoints gives no finding"],
)
def test_a_service_without_endpoints_is_root_or_symptom(objects, category, strength, mention):
    inc = incident(object_kind="Service", object_name="cart", pod=None, family="service", source="manual")
    finding = ANALYZER.conclude(evidence(inc, objects))
    if category is None:
        assert finding is None
        return
    assert (finding.category, finding.strength) == (category, strength)
    assert mention in f"{finding.summary} {finding.root_cause} {' '.join(finding.recommendations)}"
