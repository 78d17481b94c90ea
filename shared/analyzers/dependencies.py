"""What a workload says it depends on: hosts in its dying words, in its env, in its init containers' waits.

Pure text reading, no cluster reads: the chain walk (shared.analyzers.chain) resolves what is named here
to Services, Pods and Jobs. A host counts as *named by the failure* only when it appears in a
connection-failure line (refused, timeout, DNS) or in the few indented lines that continue it (libpq
prints the host on the next line); env values only name candidates, and are never quoted (a URL may
carry a password): a dependency found in env says only the variable's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

HOW_DNS: Final = "dns"  # the name did not resolve: a Service that does not exist (in that namespace)
HOW_TIMEOUT: Final = "timeout"
HOW_REFUSED: Final = "refused"
HOW_FAILED: Final = "failed"  # some other connection failure
HOW_WAITS: Final = "waits"  # an init container waits for it
HOW_ENV: Final = "env"  # only configured, not seen failing


@dataclass(frozen=True)
class Named:
    """One dependency a container names: a host (a name or an IP) and maybe a port, or a Job."""

    host: str
    port: int | None
    how: str  # one of the HOW_ constants
    where: str  # "logs", "env REDIS_ADDR", "init container wait-for-db"
    line: str  # the log line or command that names it ("" for env: values are never quoted)
    job: bool = False  # a Job an init container waits for, not a host


_DNS: Final = re.compile(
    r"no such host|ENOTFOUND|EAI_AGAIN|name or service not known|could not translate host name|"
    r"name resolution|bad address|UnknownHostException|nodename nor servname|Unknown host|NXDOMAIN", re.I)
_TIMEOUT: Final = re.compile(r"ETIMEDOUT|i/o timeout|timed? ?out|deadline exceeded", re.I)
_REFUSED: Final = re.compile(r"refused|ECONNREFUSED|Errno 111|error 111|\(111\)", re.I)
_FAILURE: Final = re.compile(
    r"can'?t connect|could not connect|cannot connect|couldn'?t connect|failed to connect|unable to connect|"
    r"error connecting|connect(?:ion)? (?:error|failed|failure)|no route to host|EHOSTUNREACH|unreachable|"
    r"connection reset|ECONNRESET|ConnectException|Connect(?:ion)?Error|NewConnectionError|Max retries exceeded|"
    r"failed to establish|cannot reach|"
    r"can'?t reach|no healthy upstream|upstream connect error|MongoNetworkError|dial tcp|"
    r"Communications link failure|is the server running", re.I)

_HOST: Final = r"[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*|\d{1,3}(?:\.\d{1,3}){3}"
# host:port where the host stands on its own (not a path, a URL's middle, or a `file.go:31` frame)
_HOST_PORT: Final = re.compile(rf"(?<![^\s'\"\[(=,<@])({_HOST}):(\d{{2,5}})\b", re.I)
_URL: Final = re.compile(r"\b[a-z][a-z0-9+.-]*://(?:[^@/\s'\"]+@)?([a-z0-9.-]+)(?::(\d{2,5}))?", re.I)
_NAMED: Final = tuple(re.compile(p, re.I) for p in (
    r"lookup ([a-z0-9.-]+)(?: on [\d.:\[\]]+)?: (?:no such host|server misbehaving|i/o timeout)",
    r"(?:ENOTFOUND|EAI_AGAIN) ([a-z0-9.-]+)",
    r"host(?: name)? \"([a-z0-9.-]+)\"",  # libpq: on host "orders-db" / translate host name "postgres"
    r"host='([a-z0-9.-]+)', port=(\d+)",  # urllib3
    r"server at \"([a-z0-9.-]+)\"(?: \([\d.]+\))?, port (\d+)",  # libpq 14+
    r"server on '([a-z0-9.-]+)'",  # MySQL: Can't connect to MySQL server on 'mysql'
    r"bad address '([a-z0-9.-]+)'",  # busybox nc / wget
    r"UnknownHostException: ([a-z0-9.-]+)",
    r"connecting to ([a-z0-9.-]+)[: ](\d{2,5})",
))
_PORT_LATER: Final = re.compile(r"on port (\d{2,5})", re.I)
_NOT_A_HOST: Final = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "host", "server", "tcp", "udp", "http",
                                "https", "unix", "none", "null"})
_CODE_SUFFIXES: Final = frozenset({"java", "py", "go", "js", "ts", "mjs", "cjs", "rb", "kt", "scala", "rs", "c",
                                   "cc", "cpp", "h", "php", "cs", "ex", "exs", "log", "txt", "json", "yaml", "yml"})
_ENV_HOSTY: Final = re.compile(r"(?:^|_)(HOST|HOSTNAME|ADDR|ADDRESS|SERVER|SERVERS|ENDPOINT|URL|URI|DSN|BROKERS?|"
                               r"SERVICE|UPSTREAM|BACKEND)$")
_BARE_HOST: Final = re.compile(rf"^(?:{_HOST})$", re.I)

_WAIT_JOB: Final = tuple(re.compile(p) for p in (
    r"\bjobs?(?:\.batch)?/([a-z0-9][a-z0-9.-]*)",  # kubectl wait --for=condition=complete job/db-migrate
    r"(?:^|\s)job(?:-wr)?\s+([a-z0-9][a-z0-9.-]*)",  # k8s-wait-for: args [job, db-migrate]
))
_WAIT_HOST: Final = tuple(re.compile(p, re.I) for p in (
    r"\bnc\s+(?:-[a-z]+\s+)*([a-z][a-z0-9.-]*)\s+(\d{2,5})",
    r"\b(?:nslookup|getent hosts|host|dig)\s+([a-z][a-z0-9.-]*)",
    r"\s-h\s*([a-z][a-z0-9.-]*)(?:.*?\s-p\s*(\d{2,5}))?",  # pg_isready / mysqladmin / redis-cli
    r"--host[= ]([a-z][a-z0-9.-]*)",
    r"(?:wait-for-it(?:\.sh)?|wait-for|dockerize\s+-wait)\s+(?:tcp://)?([a-z][a-z0-9.-]*):(\d{2,5})",
))


def how_it_failed(text: str) -> str | None:
    """The kind of connection failure a line or block reports, or None when it is not one."""
    if _DNS.search(text):
        return HOW_DNS
    if _REFUSED.search(text):
        return HOW_REFUSED
    if _TIMEOUT.search(text):
        return HOW_TIMEOUT
    if _FAILURE.search(text):
        return HOW_FAILED
    return None


def _is_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host in _NOT_A_HOST or not host:
        return False
    return host.rsplit(".", 1)[-1] not in _CODE_SUFFIXES


def hosts_in(text: str) -> list[tuple[str, int | None]]:
    """Hosts (and ports) a line or block names: library phrasings first, then URLs, then host:port."""
    found: list[tuple[str, int | None]] = []
    for pattern in _NAMED:
        for m in pattern.finditer(text):
            port = m.group(2) if m.lastindex and m.lastindex >= 2 else None
            port = port or ((later := _PORT_LATER.search(text, m.end())) and later.group(1))
            found.append((m.group(1), int(port) if port else None))
    for pattern in (_URL, _HOST_PORT):
        for m in pattern.finditer(text):
            found.append((m.group(1), int(m.group(2)) if m.group(2) else None))
    out: dict[str, int | None] = {}
    for host, port in found:
        host = host.lower().rstrip(".")
        if _is_host(host) and port != 53 and (out.get(host) is None):
            out[host] = port
    return list(out.items())


def _blocks(log: str) -> list[str]:
    """Each line with the indented lines that continue it (a libpq hint, a Java cause), newest last."""
    blocks: list[str] = []
    for line in log.splitlines():
        if blocks and line[:1] in (" ", "\t") and len(blocks[-1]) < 600:
            blocks[-1] += "\n" + line
        elif line.strip():
            blocks.append(line)
    return blocks


def failure_in_log(log: str | None, tail: int = 60) -> tuple[str, str] | None:
    """The last connection failure in the log's tail: (how, the block that says it), or None."""
    for block in reversed(_blocks(log or "")[-tail:]):
        how = how_it_failed(block)
        if how is not None:
            return how, block
    return None


def hosts_in_log(log: str | None, where: str = "logs", tail: int = 60) -> list[Named]:
    """Hosts named by the connection failures in the log's tail, the latest failure first."""
    out: dict[str, Named] = {}
    for block in reversed(_blocks(log or "")[-tail:]):
        how = how_it_failed(block)
        if how is None:
            continue
        for host, port in hosts_in(block):
            if host not in out:
                out[host] = Named(host, port, how, where, block.strip().splitlines()[0][:300])
    return list(out.values())[:6]


def hosts_in_env(env: Iterable[Mapping[str, Any]], extra: Mapping[str, str] | None = None) -> list[Named]:
    """Hosts that env values (and ConfigMap values loaded into env, given as `extra`) point at."""
    pairs = [(str(e.get("name", "")), str(e.get("value") or "")) for e in env if e.get("value")]
    pairs += list((extra or {}).items())
    out: dict[str, Named] = {}
    for name, value in pairs:
        hosts = hosts_in(value)
        if not hosts and _ENV_HOSTY.search(name.upper()):
            hosts = [(h.strip().lower(), None) for h in value.split(",") if _BARE_HOST.match(h.strip())
                     and _is_host(h.strip())]
        for host, port in hosts:
            out.setdefault(host, Named(host, port, HOW_ENV, f"env {name}", ""))
    return list(out.values())[:8]


def waits_of(init_spec: Mapping[str, Any]) -> list[Named]:
    """What an init container's command waits for: Jobs (k8s-wait-for, kubectl wait) and hosts."""
    command = " ".join(str(a) for a in [*(init_spec.get("command") or []), *(init_spec.get("args") or [])])
    where = f"init container {init_spec.get('name', '')}"
    out: dict[tuple[str, bool], Named] = {}
    for pattern in _WAIT_JOB:
        for m in pattern.finditer(command):
            out.setdefault((m.group(1), True), Named(m.group(1), None, HOW_WAITS, where, command[:300], job=True))
    for pattern in _WAIT_HOST:
        for m in pattern.finditer(command):
            port = m.group(2) if m.lastindex and m.lastindex >= 2 else None
            host = m.group(1).lower()
            if _is_host(host):
                out.setdefault((host, False), Named(host, int(port) if port else None, HOW_WAITS, where,
                                                    command[:300]))
    for host, port in hosts_in(command):
        out.setdefault((host, False), Named(host, port, HOW_WAITS, where, command[:300]))
    return list(out.values())[:6]


def service_of_host(host: str, namespace: str) -> tuple[str, str] | None:
    """The (namespace, Service name) a cluster DNS name points at, or None for an IP or an outside name.

    `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local` and a headless pod's
    `pod.svc.ns.svc.cluster.local` all resolve; a dotted name without `.svc` counts only as `svc.ns`.
    """
    if re.fullmatch(r"[\d.]+", host):
        return None
    labels = host.lower().rstrip(".").split(".")
    if "svc" in labels:
        at = labels.index("svc")
        if at == 2:
            return labels[1], labels[0]
        if at == 3:
            return labels[2], labels[1]
        return None
    if len(labels) == 1:
        return namespace, labels[0]
    if len(labels) == 2:
        return labels[1], labels[0]
    return None


def is_ip(host: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", host))
