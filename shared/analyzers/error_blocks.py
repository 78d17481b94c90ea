"""Readers for the multi-line shapes runtimes print when they die: tracebacks, stacks, panics, banners.

Each reader looks at the line at `i` and, when a block of its runtime starts there, returns the
`Block` (its terminal line, the lines that caused it, where it was raised) and the index after it.
Readers only read what the runtime itself prints; what a person would quote comes from `Block`.
Every pattern is anchored or bounded, so a 200 KB line costs no more than a short one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from shared.analyzers.logsignals import LogSignal


@dataclass(frozen=True)
class Block:
    """One runtime's dying words: the terminal text, its kind, and the causes printed with it."""

    runtime: str
    kind: str
    text: str
    units: tuple[str, ...]  # the terminal error first, then its causes nearest first: where signals count
    excerpt: tuple[str, ...]
    frame: str | None = None
    signal: LogSignal | None = None  # a signal the structure itself names (pydantic's missing fields)
    chained: bool = field(default=False, compare=False)
    fatal: bool = True  # False: a helper command's complaint, which a script may survive (mkdir, chown…)
    source: str | None = None  # the source line quoted where it was raised: context for a person, never a cause


Reader = Callable[[Sequence[str], int], "tuple[Block, int] | None"]

_PY_HEADER: Final = "Traceback (most recent call last):"
_PY_FILE: Final = re.compile(r'^\s+File "([^"]+)", line (\d+)')
_CARETS: Final = re.compile(r"^\s*[\^~]+\s*$")
_PY_EXC: Final = re.compile(r"^((?:[A-Za-z_]\w*\.)*([A-Z]\w*))(?::(?: (.*))?)?$")
_PY_CHAIN: Final = ("The above exception was the direct cause of the following exception:",
                    "During handling of the above exception, another exception occurred:")
_PYDANTIC: Final = re.compile(r"(?<!\d)\d+ validation errors? for (\w+)")
_FIELD_PATH: Final = re.compile(r"^[\w.\[\]-]{1,120}$")
_SETTINGS_MODEL: Final = re.compile(r"Settings|Config|Env", re.I)


def python_traceback(lines: Sequence[str], i: int) -> tuple[Block, int] | None:
    """`Traceback (most recent call last):`, its frames, and the exception line (with its detail lines)."""
    if _PY_HEADER not in lines[i]:
        return None
    j, frame, source = i + 1, None, None
    while j < len(lines) and lines[j][:1] in (" ", "\t"):
        if m := _PY_FILE.match(lines[j]):
            frame, source = f"{m.group(1)}:{m.group(2)}", None
        elif source is None and lines[j].strip() and not _CARETS.match(lines[j]):
            source = lines[j].strip()
        j += 1
    if j >= len(lines) or not (m := _PY_EXC.match(lines[j].rstrip())):
        return None
    exc, kind = lines[j].strip(), m.group(2)
    detail, k = [], j + 1
    model = _PYDANTIC.search(exc)
    limit = 30 if model else 6
    while k < len(lines) and len(detail) < limit and lines[k].strip() and (
        lines[k][:1] in (" ", "\t") or (model and _FIELD_PATH.match(lines[k]))
    ):
        detail.append(lines[k].strip())
        k += 1
    shown = [d for d in detail if not d.startswith("For further information")]
    unit = " ".join([exc, *shown])[:2000]
    signal = _pydantic_missing(model.group(1), detail) if model else None
    return Block("python", kind, exc, (unit,), (exc, *shown[:5]), frame, signal, source=source), k


def _pydantic_missing(model: str, detail: list[str]) -> LogSignal | None:
    """A settings model's required field that is missing is an environment variable nobody set."""
    if not _SETTINGS_MODEL.search(model):
        return None
    for path, message in zip(detail, detail[1:], strict=False):
        if _FIELD_PATH.match(path) and "." not in path and re.match(r"field required", message, re.I):
            return LogSignal("missing_env", path.upper(), f"{path}: {message}")
    return None


def chain_python(cause: Block, effect: Block, between: Sequence[str]) -> Block | None:
    """The later traceback, with the earlier one as its cause, when Python printed them as a chain."""
    if not any(line.strip() in _PY_CHAIN for line in between) or any(
        line.strip() and line.strip() not in _PY_CHAIN for line in between
    ):
        return None
    return Block(effect.runtime, effect.kind, effect.text, effect.units + cause.units,
                 (effect.excerpt + cause.excerpt[:2])[:8], effect.frame, effect.signal or cause.signal, True,
                 source=effect.source)


_JAVA_EXC: Final = re.compile(
    r"^(?:Exception in thread \"[^\"]*\" |Caused by: )?((?:[a-z_$][\w$]*\.)+([A-Z][\w$]*))(?::\s?(.*))?$"
)
_JAVA_FRAME: Final = re.compile(r"^\s+at [\w$.<>/]+\((?:[\w$.]+/)*([\w$]+\.(?:java|kt|scala|groovy):\d+)\)")
_JAVA_SKIP: Final = re.compile(r"^\s+(?:at |\.\.\. \d+ (?:more|common frames omitted))")
_JAVA_PACKAGES: Final = ("java.", "javax.", "jakarta.", "org.", "com.", "io.", "kotlin.", "scala.", "net.", "sun.")


def java_exception(lines: Sequence[str], i: int) -> tuple[Block, int] | None:
    """A Java/Kotlin exception with its `at` frames and `Caused by:` chain; the last cause is the root."""
    line = lines[i].rstrip()
    if not (m := _JAVA_EXC.match(line)):
        return None
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    if not (_JAVA_SKIP.match(nxt) or nxt.startswith("Caused by:") or line.startswith(("Exception in thread",
                                                                                         "Caused by:"))
            or m.group(1).startswith(_JAVA_PACKAGES)):
        return None
    chain, frames, j = [(line.strip(), m.group(2))], {}, i + 1
    while j < len(lines):
        current = lines[j]
        if current.startswith("Caused by:") and (c := _JAVA_EXC.match(current.rstrip())):
            chain.append((current.strip(), c.group(2)))
        elif _JAVA_SKIP.match(current) or current.startswith(("\tSuppressed:", "\t\t")):
            if (f := _JAVA_FRAME.match(current)) and len(chain) - 1 not in frames:
                frames[len(chain) - 1] = f.group(1)
        else:
            break
        j += 1
    root, kind = chain[-1]
    units = tuple(text for text, _ in reversed(chain))
    excerpt = (chain[0][0], *[text for text, _ in chain[1:]][-5:]) if len(chain) > 1 else (root,)
    return Block("java", kind, root, units, excerpt, frames.get(len(chain) - 1)), j


_JVM_LAUNCHER_END: Final = ("Error: Could not create the Java Virtual Machine.",
                            "Error: A fatal exception has occurred. Program will exit.")
_MAIN_CLASS: Final = re.compile(r"^Error: Could not find or load main class (\S+)")


def jvm_launcher(lines: Sequence[str], i: int) -> tuple[Block, int] | None:
    """The `java` launcher's own errors: a bad VM option before "Could not create the JVM", a main class."""
    line = lines[i].strip()
    if _MAIN_CLASS.match(line):
        j, kind, units = i + 1, "ClassNotFoundException", [line]
        if j < len(lines) and (m := _JAVA_EXC.match(lines[j].rstrip())):
            kind, j = m.group(2), j + 1
        return Block("java", kind, line, tuple(units), (line,)), j
    if line not in _JVM_LAUNCHER_END or i == 0 or lines[i - 1].strip() in _JVM_LAUNCHER_END:
        return None
    cause = lines[i - 1].strip()
    j = i + 1
    while j < len(lines) and lines[j].strip() in _JVM_LAUNCHER_END:
        j += 1
    kind = m.group(1) if (m := re.match(r"(Unrecognized VM option|Unrecognized option|Invalid \w+ heap size)",
                                        cause)) else "JVM startup error"
    return Block("java", kind, cause, (cause,), (cause, line)), j


_JVM_EXIT_ON_OOM: Final = re.compile(r"^(?:Terminating|Aborting) due to ((?:java\.lang\.)?OutOfMemoryError(?:: .*)?)$")


def jvm_exit_on_oom(lines: Sequence[str], i: int) -> tuple[Block, int] | None:
    """-XX:+ExitOnOutOfMemoryError / CrashOnOutOfMemoryError: the JVM's last line names the OutOfMemoryError."""
    if not (m := _JVM_EXIT_ON_OOM.match(lines[i].strip())):
        return None
    text = m.group(1)
    return Block("java", "OutOfMemoryError", text, (text,), (lines[i].strip(),)), i + 1


_HS_ERR: Final = ("# A fatal error has been detected by the Java Runtime Environment:",
                  "# There is insufficient memory for the Java Runtime Environment to continue.")


def jvm_fatal_report(lines: Sequence[str], i: int) -> tuple[Block, int] | None:
    """The JVM's `#`-banner fatal error report (hs_err): one SIGSEGV or native OOM, not its banner lines."""
    if lines[i].strip() not in _HS_ERR:
        return None
    j, body = i + 1, []
    while j < len(lines) and lines[j].startswith("#"):
        body.append(lines[j].lstrip("# ").strip())
        j += 1
    body = [b for b in body if b]
    head = lines[i].lstrip("# ").strip().rstrip(":")
    if lines[i].strip() == _HS_ERR[1]:
        detail = body[0] if body else ""
        return Block("java", "OutOfMemoryError", f"{head} {detail}".strip(), (f"{head} {detail}",),
                     (head, detail) if detail else (head,)), j
    signal = next((b for b in body if re.match(r"(SIG[A-Z]+|EXCEPTION_\w+|Internal Error)\b", b)), "")
    frame = next((body[k + 1] for k, b in enumerate(body[:-1]) if b == "Problematic frame:"), None)
    kind = signal.split(" ")[0] if signal else "fatal error"
    text = f"{head}: {signal}" if signal else head
    return Block("java", kind, text, (text,), tuple(x for x in (text, frame) if x), frame), j


def spring_banner(lines: Sequence[str], i: int) -> tuple[Block, int] | None:
    """Spring Boot's APPLICATION FAILED TO START: the Description is the terminal error."""
    if lines[i].strip() != "APPLICATION FAILED TO START":
        return None
    j, description, reading = i + 1, [], False
    while j < len(lines) and j < i + 40:
        text = lines[j].strip()
        if text == "Description:":
            reading = True
        elif text == "Action:":
            break
        elif reading and text:
            description.append(text)
        j += 1
    while j < len(lines) and j < i + 60 and (lines[j].strip() == "Action:" or lines[j].strip()
                                              or (j + 1 < len(lines) and lines[j + 1].strip() and
                                                  lines[j - 1].strip() == "Action:")):
        j += 1
    if not description:
        return None
    unit = " ".join(description)[:2000]
    return Block("java", "APPLICATION FAILED TO START", description[0], (unit,), tuple(description[:5])), j


_GO_PANIC: Final = re.compile(r"^(panic|fatal error): (.+)$")
_GO_FILE: Final = re.compile(r"^\s+(\S+\.go:\d+)")
_GO_TRAILER: Final = ("[signal", "goroutine ", "exit status", "created by ")


def go_panic(lines: Sequence[str], i: int) -> tuple[Block, int] | None:
    """A Go `panic:` or runtime `fatal error:` and the first frame of the goroutine that died."""
    if not (m := _GO_PANIC.match(lines[i].rstrip())):
        return None
    text, frame, j, in_stack = lines[i].strip(), None, i + 1, False
    while j < len(lines) and j < i + 400:
        line = lines[j]
        if not line.strip() or line[:1] in (" ", "\t") or line.startswith(_GO_TRAILER):
            in_stack = in_stack or line.startswith("goroutine ")
            j += 1
        elif j + 1 < len(lines) and (f := _GO_FILE.match(lines[j + 1])):  # a function and its file:line
            if in_stack and frame is None and not line.startswith(("runtime.", "panic(")):
                frame = f.group(1)
            j += 2
        else:
            break
    unit = m.group(2)[:2000]
    return Block("go", m.group(1), text, (unit,), (text,), frame), j


_RUST_PANIC: Final = re.compile(r"^thread '[^']*' panicked at (.*)$")
_RUST_OLD: Final = re.compile(r"^'(.*)', ([^\s']+:\d+:\d+)$")


def rust_panic(lines: Sequence[str], i: int) -> tuple[Block, int] | None:
    """A Rust panic (old and 1.73+ formats): the message is the terminal error, its location the frame."""
    if not (m := _RUST_PANIC.match(lines[i].rstrip())):
        return None
    rest, j = m.group(1), i + 1
    if old := _RUST_OLD.match(rest):
        message, frame = old.group(1), old.group(2)
    else:
        frame, message = rest.rstrip(":"), ""
        while j < len(lines) and lines[j].strip() and not lines[j].startswith(("note:", "stack backtrace:")):
            message = f"{message} {lines[j].strip()}".strip()
            j += 1
    while j < len(lines) and lines[j].startswith(("note:", "stack backtrace:", "  ")):
        j += 1
    return Block("rust", "panic", message, (message[:2000],), (lines[i].strip(), message)[-2:], frame), j


_NODE_FRAME: Final = re.compile(r"^\s+at (?:.*? \()?((?:/|file://)[^\s():]+):(\d+)(?::\d+)?\)?")
_NODE_ERROR: Final = re.compile(r"^(?:Uncaught )?([A-Z]\w*(?:Error|Exception)|Error)(?: \[(\w+)\])?: (.+)$")
_NODE_TAIL: Final = re.compile(r"^(?:\s+at |Require stack:|- /|Emitted 'error' event|\s+\w+: |\}|\s*$|Node\.js v)")
_USAGE_NEXT: Final = re.compile(r"^(?:Usage:|usage:|Run '.*--help')")


def error_line(lines: Sequence[str], i: int) -> tuple[Block, int] | None:
    """`Error: …` (Node, cobra, anyhow) or a Node `XxxError: …` with its frames, causes and fields."""
    line = lines[i].rstrip()
    if line.startswith("[UnhandledPromiseRejection: "):
        text = line[1:].split("] {")[0].rstrip("]")
        return Block("node", "UnhandledPromiseRejection", text, (text[:2000],), (text[:300],)), _skip(lines, i + 1)
    if not (m := _NODE_ERROR.match(line)):
        return None
    kind, text = m.group(1), line.strip()
    nxt = next((ln for ln in lines[i + 1: i + 4] if ln.strip()), "")
    if nxt.startswith("Caused by:"):  # anyhow: the causes follow, indented and numbered
        j, causes = i + 1, []
        while j < len(lines) and (not lines[j].strip() or lines[j].startswith(("Caused by:", " ", "\t"))):
            if lines[j].startswith((" ", "\t")):
                causes.append(re.sub(r"^\s*\d+: ", "", lines[j]).strip())
            j += 1
        unit = " | ".join([text, *causes])[:2000]
        return Block("rust", kind, text, (unit,), (text, *causes[-3:])), j
    if _USAGE_NEXT.match(nxt) or re.match(r"Error: (?:unknown (?:shorthand )?flag|unknown command|"
                                          r"(?:required|invalid) (?:flag|argument))", text):
        return Block("go", kind, text, (text,), (text,)), _skip_usage(lines, i + 1)
    frames = [f for ln in lines[i + 1: i + 30] if (f := _NODE_FRAME.match(ln))]
    is_node = bool(frames) or nxt.startswith(("Require stack:", "    at "))
    fields = [ln.strip() for ln in lines[i + 1: i + 40] if re.match(r"^\s+(?:code|address|port|hostname): ", ln)]
    unit = " ".join([text, *fields])[:2000]
    frame = next((f"{f.group(1)}:{f.group(2)}" for f in frames if "/node_modules/" not in f.group(1)), None)
    return Block("node" if is_node else "text", kind, text, (unit,), (text, *fields[:3]), frame,
                 source=_caret_source(lines, i)), _skip(lines, i + 1)


def _caret_source(lines: Sequence[str], i: int) -> str | None:
    """Node prints `file:line`, the source line and a caret above an uncaught error: that source line."""
    k = i - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    if k >= 2 and _CARETS.match(lines[k]) and lines[k - 1].strip() and not lines[k - 2].startswith("node:"):
        return lines[k - 1].strip()[:300]  # Node's own loader (`node:internal/…`) is no one's source
    return None


def _skip(lines: Sequence[str], j: int) -> int:
    while j < len(lines) and _NODE_TAIL.match(lines[j]):
        j += 1
    return j


def _skip_usage(lines: Sequence[str], j: int) -> int:
    while j < len(lines) and (not lines[j].strip() or lines[j][:1] in (" ", "\t") or
                              re.match(r"^(?:Usage|Flags|Global Flags|Available Commands|Use \"|Run ')", lines[j])):
        j += 1
    return j


_RUBY: Final = re.compile(r"^(\S+\.rb:\d+):in [`'][^']*': (.*) \(((?:\w+::)*\w+)\)$")


def ruby_error(lines: Sequence[str], i: int) -> tuple[Block, int] | None:
    """Ruby's uncaught `file.rb:N:in 'm': message (Class)` and its `from` lines."""
    if not (m := _RUBY.match(lines[i].rstrip())):
        return None
    j = i + 1
    while j < len(lines) and lines[j].lstrip().startswith("from "):
        j += 1
    text, kind = lines[i].strip(), m.group(3).split("::")[-1]
    return Block("ruby", kind, text, (f"{kind}: {m.group(2)}"[:2000],), (text,), m.group(1)), j


_SHELL: Final = (
    (re.compile(r"^(?:/[\w./-]+|sh|bash|ash|dash|zsh|/bin/\w+|/usr/bin/\w+)(?:: line \d+|: \d+)?: (?:exec: )?"
                r"(?:\S+: )?(?:not found|command not found)$", re.I), "not found"),
    (re.compile(r"^exec (\S+): (?:no such file or directory|exec format error)$", re.I), "not found"),
    (re.compile(r"^(?:/[\w./-]+|sh|bash|ash|dash|/bin/\w+)(?:: line \d+|: \d+)?: \S+: Permission denied$", re.I),
     "permission denied"),
    (re.compile(r"^(?:/[\w./-]+|sh|bash|ash|dash|/bin/\w+)(?:: line \d+)?: \w+: (?:parameter (?:null or )?not set|"
                r"unbound variable)$"), "parameter not set"),
    (re.compile(r"^\S+: error while loading shared libraries: \S+: cannot open shared object file"), "shared library"),
    (re.compile(r"^env: ['‘]?\S+?['’]?: No such file or directory$"), "not found"),
    (re.compile(r"^(?:/[\w./-]+|sh|bash)(?:: line \d+)?: syntax error"), "syntax error"),
)
# A helper command's complaint in an entrypoint script: the cause of the script's own error right after it.
_COMMAND_STDERR: Final = re.compile(
    r"^(?:mkdir|cp|mv|chown|chmod|touch|ln|rm|cat|tee|install|cd|envsubst|su-exec|gosu|sed|tar): .*"
    r"(Permission denied|Operation not permitted|Read-only file system|No such file or directory)$"
)
_INTERPRETER: Final = re.compile(r"^(python[\d.]*|\S+/python[\d.]*): can't open file")
_USAGE_ERRORS: Final = (
    (re.compile(r"^flag provided but not defined: -"), "go", "bad flag"),
    (re.compile(r"^\S+: error: (?:unrecognized arguments|the following arguments are required|argument )"),
     "python", "usage error"),
)


def shell_error(lines: Sequence[str], i: int) -> tuple[Block, int] | None:
    """A shell, exec or loader error, or a flag parser's complaint: one line, and the process is gone."""
    line = lines[i].strip()
    for pattern, kind in _SHELL:
        if pattern.match(line):
            return Block("shell", kind, line, (line,), (line,)), i + 1
    if m := _COMMAND_STDERR.match(line):
        kind = "not found" if m.group(1) == "No such file or directory" else "permission denied"
        return Block("shell", kind, line, (line,), (line,), fatal=False), i + 1
    if _INTERPRETER.match(line):
        return Block("python", "not found", line, (line,), (line,)), i + 1
    for pattern, runtime, kind in _USAGE_ERRORS:
        if pattern.match(line):
            return Block(runtime, kind, line, (line,), (line,)), _skip_usage(lines, i + 1)
    return None


_NGINX: Final = re.compile(r"^(?:nginx: |\d{4}/\d\d/\d\d \d\d:\d\d:\d\d )\[(emerg|alert|crit)\] (?:\d+#\d+: )?(.+)$")


def nginx_emerg(lines: Sequence[str], i: int) -> tuple[Block, int] | None:
    """nginx's `[emerg]` (and alert/crit): it refuses to start on this line."""
    if not (m := _NGINX.match(lines[i].strip())):
        return None
    text = lines[i].strip()
    return Block("nginx", m.group(1), text, (m.group(2)[:2000],), (text,)), i + 1


READERS: Final[tuple[Reader, ...]] = (
    python_traceback, jvm_fatal_report, jvm_exit_on_oom, spring_banner, jvm_launcher, java_exception, go_panic, rust_panic,
    ruby_error, shell_error, nginx_emerg, error_line,
)
