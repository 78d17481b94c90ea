"""Log lines in the formats real workloads write: zap JSON, Python logging, Spring Boot, pino, nginx, klog."""

import json
from datetime import datetime

from devtools.heldout.ids import Clock


def _iso(t: datetime, ms: bool = True) -> str:
    return (
        t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
        if ms
        else t.strftime("%Y-%m-%dT%H:%M:%SZ")
    )


def zap(clock: Clock, at: float, level: str, caller: str, msg: str, **fields: object) -> str:
    """One Go zap production JSON line, `at` minutes ago."""
    return json.dumps(
        {"level": level, "ts": _iso(clock.log_time(minutes=at)), "caller": caller, "msg": msg, **fields},
        separators=(",", ":"),
    )


def pylog(clock: Clock, at: float, level: str, logger: str, msg: str) -> str:
    t = clock.log_time(minutes=at)
    return f"{t.strftime('%Y-%m-%d %H:%M:%S')},{t.microsecond // 1000:03d} {level} [{logger}] {msg}"


def spring(
    clock: Clock, at: float, level: str, logger: str, msg: str, *, thread: str = "main", pid: int = 1
) -> str:
    t = clock.log_time(minutes=at)
    stamp = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
    return f"{stamp} {level:>5} {pid} --- [{thread:>15}] {logger:<40} : {msg}"


def pino(clock: Clock, at: float, level: int, msg: str, **fields: object) -> str:
    t = clock.log_time(minutes=at)
    return json.dumps(
        {
            "level": level,
            "time": int(t.timestamp() * 1000),
            "pid": 1,
            "hostname": fields.pop("hostname", "web"),
            "msg": msg,
            **fields,
        },
        separators=(",", ":"),
    )


def nginx_access(clock: Clock, at: float, ip: str, request: str, status: int, size: int, agent: str) -> str:
    t = clock.log_time(minutes=at)
    return f'{ip} - - [{t.strftime("%d/%b/%Y:%H:%M:%S +0000")}] "{request}" {status} {size} "-" "{agent}"'


def rust_tracing(clock: Clock, at: float, level: str, target: str, msg: str) -> str:
    t = clock.log_time(minutes=at)
    return f"{t.strftime('%Y-%m-%dT%H:%M:%S.')}{t.microsecond:06d}Z {level:>5} {target}: {msg}"


def klog(clock: Clock, at: float, level: str, source: str, msg: str) -> str:
    t = clock.log_time(minutes=at)
    return f"{level}{t.strftime('%m%d %H:%M:%S.')}{t.microsecond:06d}       1 {source}] {msg}"


def logfmt(clock: Clock, at: float, level: str, msg: str, **fields: str) -> str:
    t = clock.log_time(minutes=at)
    extra = "".join(f" {k}={json.dumps(v) if ' ' in v else v}" for k, v in fields.items())
    return f'time="{_iso(t, ms=False)}" level={level} msg="{msg}"{extra}'


def lines(*items: str) -> str:
    return "\n".join(items) + "\n"
