"""The terminal error of a dying container: what it died of, found by the structure of its log.

An SRE reading `kubectl logs --previous` does not grep for scary words. They find where the process
died (the last exception of a traceback, the root `Caused by:`, a Go `panic:`, a fatal-level record)
and read that, with its causes. INFO/DEBUG lines, source lines quoted inside a traceback and warnings
the process survived are never the cause; a known signal (missing env var, missing file, port in
use, …) counts only when it is that terminal error or what caused it.

Choosing among several errors: an uncaught error printed by the runtime, or a record at fatal level,
outranks an error-level record; an exception *logged* through a logger (right after an ERROR record,
as `logger.exception` prints it) is only an error-level record, so a later error the process died on
wins over a retry it survived. Within a rank, the latest wins. Wrappers that carry no cause of their
own (gunicorn's "Worker failed to boot", uvicorn's "Application startup failed", npm ERR!) are skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from shared.analyzers import error_blocks
from shared.analyzers.error_blocks import Block
from shared.analyzers.logsignals import ERRORISH, NOISE, LogSignal, signal_in

MAX_LINES: Final = 400  # the tail a person reads; the kubelet gives us at most this many
MAX_LINE: Final = 2000  # characters of one line that patterns read, so a 200 KB line costs what a short one does
_GUESS_LINES: Final = 5  # how far from the end an unstructured last word may be
FATAL, ERROR = 2, 1


@dataclass(frozen=True)
class TerminalError:
    """The error a container died of, as a person would quote it."""

    text: str  # the terminal error's line (the root cause's, for a Java chain)
    kind: str  # the exception type or marker: KeyError, panic, OutOfMemoryError, emerg, fatal…
    runtime: str  # python, java, go, node, rust, ruby, shell, nginx, json, logfmt, text
    excerpt: tuple[str, ...]  # the lines worth quoting: the error, its causes, its fields
    signal: LogSignal | None  # the known failure it is or is directly caused by
    frame: str | None = None  # where it was raised (file:line), when the runtime says
    certain: bool = True  # False when no structure or level marked it: the last words, guessed
    source: str | None = None  # the source line the runtime quoted where it raised: context, never the cause


def find_terminal_error(text: str | None) -> TerminalError | None:
    """The terminal error of a log tail (the previous instance's, for a crash), or None if it shows none."""
    if not text:
        return None
    raw = text.splitlines()[-MAX_LINES:]
    lines = [line[:MAX_LINE] for line in raw]
    candidates, quiet = _candidates(raw, lines)
    if candidates:
        top = max(grade for grade, _, _ in candidates)
        chosen = max(k for k, (grade, _, _) in enumerate(candidates) if grade == top)
        block, certain = _with_direct_cause(candidates, chosen), True
    elif (guessed := _guess(lines, quiet)) is not None:
        block, certain = guessed, False
    else:
        return None
    return TerminalError(
        text=block.text[:500],
        kind=block.kind,
        runtime=block.runtime,
        excerpt=tuple(line[:500] for line in block.excerpt[:8] if line),
        signal=block.signal or signal_in(block.units),
        frame=block.frame,
        certain=certain,
        source=block.source[:300] if block.source else None,
    )


def _candidates(raw: Sequence[str], lines: Sequence[str]) -> tuple[list[tuple[int, int, Block]], set[int]]:
    """(grade, start, block) of every error the log shows, in order; and the lines leveled below error."""
    found: list[tuple[int, int, Block]] = []
    quiet: set[int] = set()
    last_python: tuple[int, int] | None = None  # (index in found, end line) of the last traceback
    i = 0
    while i < len(lines):
        if (read := _read_block(lines, i)) is not None:
            block, end = read
            grade = ERROR if not block.fatal or _is_logged(raw, lines, i, block) else FATAL
            if block.runtime == "python" and last_python is not None:
                cause_grade, start, cause = found[last_python[0]]
                if (chained := error_blocks.chain_python(cause, block, lines[last_python[1]:i])) is not None:
                    del found[last_python[0]]
                    block, grade = chained, cause_grade
            found.append((grade, i, block))
            if block.runtime == "python":
                last_python = (len(found) - 1, end)
            i = max(end, i + 1)
            continue
        level = _record(raw[i], lines[i])
        if level is not None:
            grade, block = level
            if block is None:
                quiet.add(i)
            elif not _EPILOGUE.search(lines[i][:400]):
                found.append((grade, i, block))
        i += 1
    return found, quiet


def _with_direct_cause(candidates: Sequence[tuple[int, int, Block]], chosen: int) -> Block:
    """A record's direct cause: a helper command's complaint printed on the line(s) just before it."""
    _, start, block = candidates[chosen]
    if chosen == 0 or block.runtime not in ("text", "json", "logfmt", "go"):
        return block
    _, cause_start, cause = candidates[chosen - 1]
    if cause.runtime != "shell" or start - cause_start > 2:
        return block
    return Block(block.runtime, block.kind, block.text, block.units + cause.units, block.excerpt + cause.excerpt,
                 block.frame, block.signal, source=block.source)


def _read_block(lines: Sequence[str], i: int) -> tuple[Block, int] | None:
    for reader in error_blocks.READERS:
        if (read := reader(lines, i)) is not None:
            return read
    return None


def _is_logged(raw: Sequence[str], lines: Sequence[str], i: int, block: Block) -> bool:
    """A stack printed through a logger at error level (its header carries the level, or an ERROR record
    precedes it), as `logger.exception` prints one the process may survive. Panics, uncaught Node errors
    and nginx's emerg are printed by the runtime itself and are never merely logged."""
    if block.runtime not in ("python", "java"):
        return False
    if (own := _record(raw[i], lines[i])) is not None and own[0] == ERROR:
        return True
    previous = next((k for k in range(i - 1, max(-1, i - 3), -1) if lines[k].strip()), None)
    return previous is not None and (record := _record(raw[previous], lines[previous])) is not None and \
        record[0] == ERROR


# Lines a dying process prints after the error it died of; they name no cause of their own.
_EPILOGUE: Final = re.compile(
    r"Worker \(pid:\d+\) exited with code|Shutting down: Master|Reason: Worker failed to boot|"
    r"Exception in worker process|Application startup failed\. Exiting|Application run failed|"
    r"^npm (?:ERR!|error) |exited with (?:code|status) \d+|^exit status \d+|command terminated with exit code|"
    r"Error: Could not create the Java Virtual Machine|A fatal exception has occurred"
)

_FATAL_LEVELS: Final = frozenset({"fatal", "panic", "dpanic", "critical", "crit", "emerg", "emergency", "alert",
                                  "f", "ftl"})
_ERROR_LEVELS: Final = frozenset({"error", "err", "e", "eror", "erro", "severe"})
_QUIET_LEVELS: Final = frozenset({"warn", "warning", "info", "debug", "trace", "notice", "verbose", "w", "i", "d",
                                  "t", "wrn", "inf", "dbg", "dbug", "information"})


def _grade(value: Any) -> tuple[int, str] | None:
    """(grade, level name) of a level field's value: 2 fatal, 1 error, 0 below; None if it is no level."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        number = float(value)  # pino/bunyan: 60 fatal, 50 error
        return (FATAL, "fatal") if number >= 60 else (ERROR, "error") if number >= 50 else (0, "info")
    name = str(value).strip().lower()
    if name in _FATAL_LEVELS:
        return FATAL, "fatal" if name in ("f", "ftl") else name
    if name in _ERROR_LEVELS:
        return ERROR, "error"
    return (0, name) if name in _QUIET_LEVELS else None


def _record(raw: str, line: str) -> tuple[int, Block | None] | None:
    """A log record with a level: (grade, its block if error or worse); None when the line has no level."""
    stripped = raw.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        return _json_record(stripped)
    if "=" in line and (m := _LOGFMT_LEVEL.search(line)):
        return _logfmt_record(line, m.group(2))
    if m := _KLOG.match(line):
        grade = {"F": FATAL, "E": ERROR}.get(m.group(1), 0)
        block = Block("go", "fatal" if grade == FATAL else "error", line.strip(), (m.group(3),), (line.strip(),),
                      m.group(2))
        return grade, block if grade else None
    if m := _TEXT_LEVEL.match(line):
        word = next(g for g in m.groups() if g)
        graded = _grade(word)
        if graded is None:
            return None
        grade, _ = graded
        text = line.strip()
        return grade, Block("text", word.strip("[]:"), text, (text,), (text,)) if grade else None
    return None


_TEXT_LEVEL: Final = re.compile(
    r"^.{0,60}?(?:(?<![\w-])\[?(FATAL|PANIC|CRITICAL|CRIT|EMERG|ALERT|SEVERE|ERROR|ERR|WARN|WARNING|INFO|DEBUG|"
    r"TRACE|NOTICE)\]?(?![\w-])|\[(error|fatal|critical|crit|warn|warning|info|debug|notice|alert|emerg)\]|"
    r"(?<![\w-])(error|fatal|warning|warn|info|debug|notice):\s)"
)
_KLOG: Final = re.compile(r"^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ ([^\s\]]+:\d+)\] (.*)$")
_LOGFMT_LEVEL: Final = re.compile(r"(?:^|\s)(level|lvl|severity)=\"?([A-Za-z]+)\"?(?=\s|$)")
_LOGFMT_PAIR: Final = re.compile(r"(?<![\w.])([\w.]+)=(\"(?:[^\"\\]|\\.)*\"|[^\s\"]*)")
_MESSAGE_KEYS: Final = ("msg", "message", "@m", "@mt", "event", "log")
_ERROR_KEYS: Final = ("error", "err", "error.message", "exception", "exc_info", "reason", "stack_trace", "stack")
# Fields that name the peer a record is about: kept, so the record says which dependency failed.
_PEER_KEYS: Final = ("upstream", "addr", "address", "host", "url", "target", "service", "server", "endpoint", "peer")
_USERINFO: Final = re.compile(r"//[^@/\s]{1,200}@")  # never repeat a URL's user:password
_LEVEL_KEYS: Final = ("level", "lvl", "severity", "log.level", "levelname", "loglevel", "@l", "level_name")


def _json_record(stripped: str) -> tuple[int, Block | None] | None:
    try:
        obj = json.loads(stripped)
    except ValueError:
        return None
    if not isinstance(obj, dict):
        return None
    nested = obj.get("log") if isinstance(obj.get("log"), dict) else {}
    value = next((obj[k] for k in _LEVEL_KEYS if k in obj), nested.get("level"))
    graded = _grade(value) if value is not None else None
    if graded is None:
        return None
    grade, level = graded
    if not grade:
        return 0, None
    fields = {str(k): _flat(v) for k, v in obj.items()}
    return grade, _record_block("json", level, fields, fields.get("caller") or fields.get("logger.caller"))


def _logfmt_record(line: str, level: str) -> tuple[int, Block | None] | None:
    graded = _grade(level)
    if graded is None:
        return None
    grade, name = graded
    if not grade:
        return 0, None
    fields = {key: _unquote(value) for key, value in _LOGFMT_PAIR.findall(line)}
    return grade, _record_block("logfmt", name, fields, fields.get("caller"))


def _record_block(runtime: str, level: str, fields: dict[str, str], caller: str | None) -> Block:
    message = next((fields[k] for k in _MESSAGE_KEYS if fields.get(k)), "")
    error = next((fields[k] for k in _ERROR_KEYS if fields.get(k)), "")
    inner = find_terminal_error(error) if "\n" in error else None  # a traceback carried in a field
    if inner is not None:
        error = inner.text
    text = f"{message}: {error}" if message and error and error not in message else message or error
    peers = [f"{k}={_USERINFO.sub('//', fields[k])}" for k in _PEER_KEYS if fields.get(k) and len(fields[k]) <= 200
             and fields[k] not in text]
    if peers:
        text = f"{text} ({', '.join(peers)})"
    units = (text, *(inner.excerpt if inner else ()))
    return Block(runtime, level, text, units, (text, *(inner.excerpt[1:3] if inner else ())), caller,
                 inner.signal if inner else None)


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("message") or value.get("msg") or json.dumps(value)[:MAX_LINE]
    return str(value)[: MAX_LINE * 4] if isinstance(value, str) and "\n" in value else str(value)[:MAX_LINE]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            return str(json.loads(value))
        except ValueError:
            return value[1:-1]
    return value


# Words every known signal's wording contains one of: an unleveled line without any names no signal, and
# the guess (the rarest, weakest path) need not run every signal pattern over the tail of a healthy log.
_SIGNAL_WORDS: Final = re.compile(  # matched against the lowercased line: re.I alternations are slow
    r"not set|missing|required|undefined|unset|must|not found|no such|denied|in use|refused|unknown|"
    r"unrecognized|invalid|cannot|can't|no module|not defined|empty|permitted|read-only|unbound|placeholder|"
    r"environ|getenv|process\.env|keyerror|provided|could not|unable|no route|unreachable"
)


def _guess(lines: Sequence[str], quiet: set[int]) -> Block | None:
    """No structure, no level: the last unleveled line that reads like a failure is the dying words."""
    seen = 0
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if not line.strip() or index in quiet or NOISE.search(line[:200]) or line.lstrip().startswith(("#", "note:")):
            continue
        seen += 1
        if seen > _GUESS_LINES:
            return None
        text = line.strip()
        if ERRORISH.search(text) or (_SIGNAL_WORDS.search(text.lower()) and signal_in((text,)) is not None):
            return Block("text", "error", text, (text,), (text,))
    return None
