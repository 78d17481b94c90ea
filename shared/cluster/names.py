"""What a kind, a name, a namespace, a container or a selector may be before it becomes part of a request.

Names are names, never paths: each is checked against the rule Kubernetes itself applies to that kind
(DNS-1123 label or subdomain, DNS-1035 label for Services), so `../secrets/x`, `x/exec?command=id`,
`%2e%2e`, look-alike Unicode dots, uppercase and overlong names are refused before any request is
built. Kinds must be one of ours, spelled exactly (any case). Every backend (live, snapshot) and the
tool executor call these, so a refusal names the argument whoever asked.
"""

from __future__ import annotations

import re
from typing import Final

from shared.cluster.kinds import known_resource
from shared.errors import InvalidInput

# ASCII only: \Z and explicit classes, so no Unicode digit or dot slips through.
_LABEL: Final = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?\Z")
_LABEL_1035: Final = re.compile(r"[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?\Z")
_SUBDOMAIN: Final = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\Z")
_EVENT_KIND: Final = re.compile(r"[A-Z][A-Za-z0-9]{0,62}\Z")  # a CRD's Kind, as an Event names it
# Label and field selectors: keys, values and operators (=, ==, !=, in, notin, !, commas, parentheses).
_SELECTOR: Final = re.compile(r"[A-Za-z0-9._/=!,():\- ]{1,1024}\Z")
MAX_SUBDOMAIN: Final = 253
_LABEL_NAMED: Final = {"namespaces": _LABEL, "services": _LABEL_1035}


class BadName(InvalidInput):
    """An argument that is not a valid kind, name, namespace or selector; names the argument."""

    def __init__(self, argument: str, value: object, rule: str) -> None:
        self.argument = argument
        shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
        super().__init__(f"argument {argument!r} = {shown} is not {rule}")


def resource_of(kind: object, argument: str = "kind") -> str:
    """The plural resource a kind names; refused unless it is exactly one of the known kinds."""
    resource = known_resource(kind) if isinstance(kind, str) else None
    if resource is None:
        raise BadName(argument, kind, "a known kind (e.g. pods, Deployment, svc)")
    return resource


def check_event_kind(kind: object, argument: str = "kind") -> str:
    """A kind as an Event's involvedObject names it: a known kind, or a CRD's CamelCase Kind."""
    if isinstance(kind, str) and known_resource(kind) is None and _EVENT_KIND.match(kind):
        return kind
    resource_of(kind, argument)
    return kind  # type: ignore[return-value]


def check_name(resource: str, name: object, argument: str = "name") -> str:
    """A name valid for the resource (DNS-1123 subdomain; label for namespaces; DNS-1035 label for Services)."""
    rule = _LABEL_NAMED.get(resource)
    if rule is not None:
        if not isinstance(name, str) or not rule.match(name):
            raise BadName(argument, name, f"a valid {resource[:-1]} name (a DNS label: a-z, 0-9, '-', at most 63)")
        return name
    if not isinstance(name, str) or len(name) > MAX_SUBDOMAIN or not _SUBDOMAIN.match(name):
        raise BadName(argument, name, "a valid object name (a DNS subdomain: a-z, 0-9, '-', '.', at most 253)")
    return name


def check_namespace(namespace: object, argument: str = "namespace") -> str | None:
    """None or "" (all namespaces, or a cluster-scoped kind) or a DNS-1123 label."""
    if namespace is None or namespace == "":
        return None
    return check_name("namespaces", namespace, argument)


def check_container(container: object, argument: str = "container") -> str:
    if not isinstance(container, str) or not _LABEL.match(container):
        raise BadName(argument, container, "a valid container name (a DNS label: a-z, 0-9, '-', at most 63)")
    return container


def check_selector(selector: object, argument: str) -> str | None:
    if selector is None or selector == "":
        return None
    if not isinstance(selector, str) or not _SELECTOR.match(selector):
        raise BadName(argument, selector, "a selector (keys, values, =, ==, !=, in, notin, !, commas)")
    return selector
