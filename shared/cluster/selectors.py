"""Label and field selectors, evaluated the way the API server does for the subset we use."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_SET_EXPR = re.compile(r"^\s*([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)\s*$")


def _split_terms(selector: str) -> list[str]:
    terms, depth, current = [], 0, ""
    for char in selector:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            terms.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        terms.append(current)
    return [t.strip() for t in terms if t.strip()]


def matches_label_selector(labels: Mapping[str, str], selector: str) -> bool:
    """`a=b,c!=d,e in (f,g),!h,i` against a label map."""
    for term in _split_terms(selector):
        if m := _SET_EXPR.match(term):
            key, op, values = m.group(1), m.group(2), {v.strip() for v in m.group(3).split(",")}
            if (labels.get(key) in values) != (op == "in") or (op == "in" and key not in labels):
                return False
        elif "!=" in term:
            key, value = (s.strip() for s in term.split("!=", 1))
            if labels.get(key) == value:
                return False
        elif "=" in term:
            key, value = (s.strip() for s in term.replace("==", "=").split("=", 1))
            if labels.get(key) != value:
                return False
        elif term.startswith("!"):
            if term[1:].strip() in labels:
                return False
        elif term not in labels:
            return False
    return True


def matches_match_labels(labels: Mapping[str, str], selector: Mapping[str, Any] | None) -> bool:
    """A LabelSelector object (`matchLabels` and `matchExpressions`) against a label map.

    An empty or missing selector matches nothing here, as for a Service without a selector.
    """
    if not selector:
        return False
    match_labels = selector.get("matchLabels", selector if "matchExpressions" not in selector else {})
    if not isinstance(match_labels, Mapping):
        return False
    for key, value in match_labels.items():
        if key in ("matchLabels", "matchExpressions"):
            continue
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def _field(obj: Mapping[str, Any], path: str) -> Any:
    current: Any = obj
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def matches_field_selector(obj: Mapping[str, Any], selector: str) -> bool:
    """`involvedObject.name=x,status.phase!=Running` against an object."""
    for term in _split_terms(selector):
        negate = "!=" in term
        key, value = (s.strip() for s in term.replace("==", "=").replace("!=", "=").split("=", 1))
        actual = _field(obj, key)
        actual = "" if actual is None else str(actual)
        if (actual == value) == negate:
            return False
    return True
