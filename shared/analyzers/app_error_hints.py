"""What an application's terminal error suggests beyond its own words: JVM memory flags, service-link values.

Pure functions over the terminal error, the container spec and the log. Each returns a `Hint` (a
sentence for the root cause and a recommendation) or None. They read the source line the runtime quoted
only as context for a person; the cause stays the terminal error itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from shared.analyzers.terminal_error import TerminalError


@dataclass(frozen=True)
class Hint:
    said: str
    recommendation: str


_JVM_OPTION_VARS: Final = ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "JAVA_OPTS", "JAVA_OPTIONS")
_PICKED_UP: Final = re.compile(r"^Picked up (?:JAVA_TOOL_OPTIONS|JDK_JAVA_OPTIONS|_JAVA_OPTIONS): (.{0,1000})")
# (what ran out, the flags that bound it, what to do)
_OOM_AREAS: Final = (
    ("Metaspace", (r"-XX:MaxMetaspaceSize=\S+",), "raise -XX:MaxMetaspaceSize (the container's memory limit is "
                                                 "not what ran out; raising it alone does not help)"),
    ("Compressed class space", (r"-XX:CompressedClassSpaceSize=\S+",), "raise -XX:CompressedClassSpaceSize"),
    ("Java heap space", (r"-Xmx\S+", r"-XX:MaxHeapSize=\S+", r"-XX:MaxRAMPercentage=\S+"),
     "raise the heap (-Xmx or -XX:MaxRAMPercentage, within the container's limit) or find what holds memory"),
    ("GC overhead limit exceeded", (r"-Xmx\S+", r"-XX:MaxRAMPercentage=\S+"),
     "raise the heap (-Xmx or -XX:MaxRAMPercentage) or find what holds memory"),
    ("Direct buffer memory", (r"-XX:MaxDirectMemorySize=\S+",), "raise -XX:MaxDirectMemorySize"),
    ("native thread", (), "lower the thread count or raise the pids/threads limit"),
)


def jvm_memory(terminal: TerminalError, spec: Mapping[str, Any], log: str) -> Hint | None:
    """An OutOfMemoryError names a JVM memory area; say which flag bounds it and what it was set to."""
    if terminal.kind != "OutOfMemoryError":
        return None
    area = next((a for a in _OOM_AREAS if a[0].lower() in terminal.text.lower()), None)
    if area is None:
        return None
    name, patterns, advice = area
    options = " ".join(_jvm_options(spec, log))
    given = [m.group(0) for p in patterns if (m := re.search(p, options))]
    setting = f" with {', '.join(given)}" if given else ""
    return Hint(f"The JVM ran out of {name}{setting}", f"In the JVM options of this container, {advice}.")


def _jvm_options(spec: Mapping[str, Any], log: str) -> list[str]:
    options = [m.group(1) for line in log.splitlines()[:50] if (m := _PICKED_UP.match(line))]
    options += [str(e.get("value")) for e in spec.get("env") or [] if e.get("name") in _JVM_OPTION_VARS
                and isinstance(e.get("value"), str)]
    options += [str(a) for a in [*(spec.get("command") or []), *(spec.get("args") or [])]]
    return options


_LINK_VALUE: Final = re.compile(r"(tcp|udp)://\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}")
_ENV_READ: Final = re.compile(
    r"environ\[['\"](\w+)['\"]\]|getenv\(['\"](\w+)['\"]|environ\.get\(['\"](\w+)['\"]|process\.env\.(\w+)|"
    r"process\.env\[['\"](\w+)['\"]\]|ENV\[['\"](\w+)['\"]\]|ENV\.fetch\(['\"](\w+)['\"]"
)


def service_link(terminal: TerminalError, spec: Mapping[str, Any]) -> Hint | None:
    """A `tcp://<ip>:<port>` value where the program wanted a port: Kubernetes' service-link variable."""
    if (value := _LINK_VALUE.search(terminal.text)) is None:
        return None
    read = _ENV_READ.search(terminal.source or "")
    var = next((g for g in read.groups() if g), None) if read else None
    explicit = var is not None and any(e.get("name") == var for e in spec.get("env") or [])
    if var and var.endswith("_PORT") and not explicit:
        service = var[: -len("_PORT")].lower().replace("_", "-")
        return Hint(f"{var} holds {value.group(0)}: that is the variable Kubernetes injects for a Service named "
                    f"{service} (service links, enableServiceLinks), not a port number",
                    f"Set {var} explicitly in the container's env (an explicit variable wins over the service "
                    f"link), or set enableServiceLinks: false in the pod spec.")
    return Hint(f"{value.group(0)} has the form of a Kubernetes service-link variable (<SERVICE>_PORT)",
                "Check which environment variable holds it; set it explicitly, or set enableServiceLinks: false.")


def hints(terminal: TerminalError | None, spec: Mapping[str, Any], log: str) -> list[Hint]:
    if terminal is None or not terminal.certain:
        return []
    return [h for h in (jvm_memory(terminal, spec, log), service_link(terminal, spec)) if h is not None]
