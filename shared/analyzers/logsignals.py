"""Which known failure a terminal error names, and the fact in it (the variable, path, port, host…).

Patterns cover many runtimes (Go, Python, Java/Spring, Node.js, Rust, shell, nginx). They are applied
only to the terminal error and its causes (`terminal_error.find_terminal_error`), never to the whole
log: an INFO line that names a variable, or a source line quoted in a traceback, is not a cause.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

ENV = r"[A-Z][A-Z0-9_]{2,}"


# What each kind of signal makes of a crash loop; a missing dependency or an unreachable host is the
# application's error (named, so the chain can be followed), not a problem of the pod's spec.
CATEGORY_OF_KIND: Final = {
    "missing_env": "crashloop_missing_env",
    "missing_file": "crashloop_missing_config_file",
    "port_in_use": "crashloop_port_in_use",
    "permission_denied": "crashloop_permission_denied",
    "bad_command": "crashloop_bad_command",
    "bad_flag": "crashloop_bad_command",
    "missing_module": "crashloop_app_error",
    "host_unreachable": "crashloop_app_error",
}


@dataclass(frozen=True)
class LogSignal:
    kind: str  # a key of CATEGORY_OF_KIND
    fact: str  # the variable, path, port, flag, command, module or host the line names
    line: str

    @property
    def category(self) -> str:
        return CATEGORY_OF_KIND[self.kind]


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


_MISSING_ENV: Final = tuple(re.compile(p) for p in (
    rf"KeyError: ['\"]({ENV})['\"]",
    rf"KeyError: key not found: [\"']({ENV})[\"']",  # Ruby ENV.fetch
    rf"required key ({ENV}) missing value",
    rf"(?i:environment variable|env var(?:iable)?|env)\s+[\"'`]?({ENV})[\"'`]?\s+(?i:is\s+)?(?i:not set|unset|"
    rf"missing|required|must be set|is required|not defined|undefined|empty|not provided)",
    rf"(?i:missing|required|undefined|unset)\s+(?i:required\s+)?(?i:environment variables?|env vars?|env|"
    rf"configuration|config|setting|variable)s?:?\s+[\"'`\[]?({ENV})",
    rf"\b({ENV}): (?:parameter (?:null or )?not set|unbound variable)",
    rf"\b({ENV})\b[\"'`]? (?:must be set|is not set|is required|not set|is missing|is undefined|is empty|"
    rf"must be provided|must be defined|not defined)",
    rf"\b({ENV}) setting must not be empty",
    r"Could not resolve placeholder '([\w.-]+)'",
    rf"process\.env\.({ENV}) is (?:undefined|required|not set)",
    rf"getenv\(\"?({ENV})\"?\)",
    rf"os\.environ\[['\"]({ENV})['\"]\]",
))
_MISSING_FILE: Final = tuple(_p(p) for p in (
    r"(?:open|stat|lstat|read) (/?[\w./@-]+\.[\w]+|/[\w./@-]+): no such file or directory",
    r"open\(\) \"(/[^\"]+)\" failed \(2: No such file or directory\)",  # nginx
    r"ENOENT: no such file or directory, (?:open|stat|scandir|lstat) '(/[^']+)'",
    r"No such file or directory: ['\"](/[^'\"]+)['\"]",
    r"java\.io\.FileNotFoundException: (/\S+) \(No such file or directory\)",
    r"cannot load certificate(?: key)? \"([^\"]+)\": .{0,300}?no such file",  # nginx ssl_certificate
    r"(?:config(?:uration)?|settings|properties|certificate|key|file)\s+(?:file\s+)?['\"`]?(/[\w./@-]+)['\"`]?"
    r"\s*(?:was\s+)?(?:not found|does not exist|is missing|missing|cannot be found|could not be (?:found|read|opened))",
    r"(?:cannot|could not|unable to|failed to) (?:open|read|load|find|stat)(?: config(?:uration)?)?(?: file)?:?"
    r"\s*['\"`]?(/[\w./@-]+)['\"`]?(?::| -|,)?\s*(?:no such file|not found|does not exist|ENOENT)",
    r"(?<![\w./@-])(/[\w./@-]+\.(?:ya?ml|json|toml|ini|conf|cfg|properties|xml|pem|crt|key|env)):? (?:no such file|not found|"
    r"does not exist)",
))
_PERMISSION: Final = tuple(_p(p) for p in (
    r"PermissionError: \[Errno 13\] Permission denied: ['\"]([^'\"]+)['\"]",
    r"EACCES: permission denied, \w+ '([^']+)'",
    r"(?<![\w./@-])(/[\w./@-]+)['\"]?:? (?:\(Permission denied\)|permission denied|Read-only file system|"
    r"operation not permitted)",
    r"(?<!\w)(?:open|mkdir|create|write|chmod|chown|read)\s+['\"]?(/[\w./@-]+)['\"]?: (?:permission denied|"
    r"read-only file system|operation not permitted)",
    r"listen tcp [\d.]*:(\d{1,3}): bind: permission denied",
    r"bind\(\) to [\d.:\[\]]*:(\d{1,5}) failed \(13: Permission denied\)",
    r"(?<!\w)\w+\(\) \"(/[^\"]+)\" failed \(13: Permission denied\)",  # nginx mkdir()/open()
    r"(Read-only file system)",
))
_NOT_FILE_PERMISSION: Final = _p(
    r"access denied for user|AccessDenied|permission denied for (?:table|relation|database|schema|sequence)|"
    r"not authorized to perform|AuthorizationFailed|403 Forbidden|is forbidden: User"
)
_PORT_IN_USE: Final = tuple(_p(p) for p in (
    r"listen tcp [\w.\[\]:]*?:(\d{2,5}): bind: address already in use",
    r"EADDRINUSE: address already in use [\w.:\[\]]*?:(\d{2,5})",
    r"Port (\d{2,5}) (?:was|is) already in use",
    r"address already in use.*?(?:port|:)\s?(\d{2,5})",
    r"(?:port|:)\s?(\d{2,5}).*?address already in use",
    r"Address already in use \(os error 98\).*?(\d{2,5})?",
    r"bind\(\) to [\d.:\[\]]*:(\d{2,5}) failed \(98: Address (?:already )?in use\)",
    r"(address already in use|EADDRINUSE)",
))
# The program's own entry point missing: a bad command, though it reads like a missing file.
_BAD_ENTRY: Final = tuple(_p(p) for p in (
    r"can't open file '([^']+)': \[Errno 2\]",
    r"Cannot find module '(/[^']+)'(?! imported from)",
    r"Could not find or load main class (\S+)",
))
# A library the program needs is not in the image: a build or dependency problem of the application.
_MISSING_MODULE: Final = tuple(re.compile(p) for p in (
    r"No module named '([\w.]+)'",
    r"Cannot find (?:module|package) '([^'/.][^']*)'",
    r"Cannot find (?:module|package) '(\.[^']+)'",
    r"ClassNotFoundException: ([\w.$]+)",
    r"NoClassDefFoundError: ([\w/$]+)",
    r"error while loading shared libraries: ([^:\s]+): cannot open shared object file",
    r"cannot load such file -- ([\w/.-]+)",
    r"Could not find gem '([^']+)'",
))
_BAD_FLAG: Final = tuple(_p(p) for p in (
    r"error: unrecognized arguments: (.+)",
    r"flag provided but not defined: (-[\w-]+)",
    r"(?:unknown|unrecognized|invalid) (?:flag|option|argument|shorthand flag)s?:? ['\"`]?(--?[\w-]+(?:=\S+)?)",
    r"Unrecognized VM option '([^']+)'",
    r"Unrecognized option: (\S+)",
    r"Invalid (?:maximum|initial) heap size: (\S+)",
))
_BAD_COMMAND: Final = tuple(_p(p) for p in (
    r"Error: unknown command \"?(\S+?)\"? for",
    r"exec: \"?([^\s\":]+)\"?: (?:executable file not found|not found)",
    r"(?:/bin/sh|sh|bash|/bin/bash|/bin/ash|ash): (?:line \d+: |\d+: )?([^\s:]+): (?:command )?not found",
    r"(?<![^\s:])([^\s:]+): command not found",
    r"exec (\S+): (?:no such file or directory|exec format error)",
    r"Error: Could not find or load main class (\S+)",
    r"env: ['‘]?([^\s'’]+)['’]?: No such file or directory",
))
_USAGE: Final = _p(r"^\s*(?:usage|Usage of \S+):")
# Most specific first: that order breaks ties between kinds matching the same line.
_KINDS: Final = (
    ("missing_env", _MISSING_ENV),
    ("bad_command", _BAD_ENTRY),
    ("missing_module", _MISSING_MODULE),
    ("port_in_use", _PORT_IN_USE),
    ("permission_denied", _PERMISSION),
    ("missing_file", _MISSING_FILE),
    ("bad_flag", _BAD_FLAG),
    ("bad_command", _BAD_COMMAND),
)

# A host or port the program could not reach: the failure must be said, and the host named.
_UNREACHABLE: Final = re.compile(  # matched against the lowercased text: re.I alternations are slow
    r"connection refused|econnrefused|no such host|name or service not known|could not translate host name|"
    r"unknownhostexception|enotfound|eai_again|temporary failure in name resolution|i/o timeout|timed out|"
    r"etimedout|ehostunreach|no route to host|host not found|connect call failed|cannot connect to host|"
    r"unable to connect to|failed to connect to|could not connect to server|network is unreachable|"
    r"connection to \S+ refused|communications link failure"
)
_HOSTS: Final = tuple(_p(p) for p in (
    r"lookup ([\w.-]+)(?: on [\w.:\[\]]+)?: (?:no such host|server misbehaving|i/o timeout|Temporary failure)",
    r"dial tcp ([\w.-]+:\d{1,5})",
    r"host not found in upstream \"([^\"\s]+)\"",
    r"getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([\w.-]+)",
    r"(?:ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ECONNRESET) ([\w.-]+:\d{1,5})",
    r"server at \"([\w.-]+)\" \([^)]{0,60}\), port (\d{1,5})",
    r"on host \"([\w.-]+)\".{0,200}?port (\d{1,5})",
    r"could not translate host name \"([\w.-]+)\"",
    r"host='([\w.-]+)', port=(\d{1,5})",
    r"Error -?\d+ connecting to ([\w.-]+:\d{1,5})",
    r"Connection to ([\w.-]+:\d{1,5}) refused",
    r"Cannot connect to host ([\w.-]+:\d{1,5})",
    r"UnknownHostException: ([\w.-]+)",
    r"(?:Unable|Failed) to connect to (?:\w+ at )?([\w.-]+)(?:/[\d.]+)?:(\d{1,5})",
    r"Connect call failed \('([\d.]+)', (\d{1,5})\)",
    r"\b[a-z][\w+.-]{0,20}://(?:[^@/\s]{1,100}@)?([\w.-]+(?::\d{1,5})?)",
    r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3}:\d{1,5})\b",
    r"\b(?:addr|address|host|upstream|target|server|endpoint|peer)=([\w.-]+:\d{1,5})\b",  # a record's peer field
))
_SIGNAL_CHARS: Final = 2000  # a terminal error's text longer than this names nothing further on


def _fact(m: re.Match[str]) -> str:
    groups = [g for g in m.groups() if g]
    fact = ":".join(groups) if len(groups) == 2 and groups[1].isdigit() else (groups[0] if groups else m.group(0))
    return fact.strip().rstrip(".,;:'\")")


def _host(unit: str) -> str | None:
    if not _UNREACHABLE.search(unit.lower()):
        return None
    for pattern in _HOSTS:
        if m := pattern.search(unit):
            return _fact(m)
    return None


def signal_in(units: Sequence[str]) -> LogSignal | None:
    """The known signal the first of `units` that names one names (the terminal error, then its causes).

    On one unit the more specific kind wins (the order of `_KINDS`); an unreachable host comes last,
    since a refused connection is often the symptom the other kinds explain.
    """
    for whole in units:
        unit = whole[:_SIGNAL_CHARS].replace('\\"', '"')
        for kind, patterns in _KINDS:
            for pattern in patterns:
                if (m := pattern.search(unit)) is None:
                    continue
                if kind == "permission_denied" and _NOT_FILE_PERMISSION.search(unit):
                    break
                return LogSignal(kind, _fact(m), whole.strip())
        if host := _host(unit):
            return LogSignal("host_unreachable", host, whole.strip())
    return None


def classify(text: str | None, exit_code: int | None = None) -> LogSignal | None:
    """The known failure the terminal error of a log names (or a usage text after exit 2/64), or None."""
    from shared.analyzers.terminal_error import find_terminal_error

    found = find_terminal_error(text)
    if found is not None and found.signal is not None:
        return found.signal
    return usage_signal(text, exit_code)


def usage_signal(text: str | None, exit_code: int | None) -> LogSignal | None:
    """A usage text printed before exiting 2 or 64: the program rejected its command line."""
    if not text or exit_code not in (2, 64):
        return None
    lines = [ln for ln in text.splitlines()[-30:] if ln.strip()]
    usage = next((ln.strip() for ln in lines if _USAGE.search(ln[:200])), None)
    return LogSignal("bad_flag", usage, usage) if usage else None


ERRORISH: Final = _p(
    r"\b(fatal|panic|error|exception|traceback|failed|failure|cannot|could not|unable to|refused|denied|"
    r"timeout|timed out|crash|abort|killed|segmentation fault|caused by)\b|^\w+(Error|Exception)\b|level\W+(error|fatal)"
)
NOISE: Final = _p(r"^\s*(at |File \"|\.\.\. \d+ more|\^|~)|^\s*$|goroutine \d+|^\s*/\S+\.go:\d+")


_FRAME: Final = re.compile(r"^\s*at (?:[\w$.<>\[\] ]+ \()?((?:/|file:|[\w.-]+/)[^\s():]+:\d+)(?::\d+)?\)?\s*$"
                           r"|^\s*at [\w$.]+\(([\w$]+\.(?:java|kt|scala):\d+)\)"
                           r"|^\s*File \"([^\"]+)\", line (\d+)")


def top_frame(text: str | None, error_line: str | None) -> str | None:
    """Where the error was raised: the first stack frame after it (Node, Java) or the last before it (Python)."""
    if not text or not error_line:
        return None
    lines = text.splitlines()
    index = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip() == error_line), None)
    if index is None:
        return None
    for line in lines[index + 1: index + 4]:
        if (m := _FRAME.match(line)) and (m.group(1) or m.group(2)):
            return m.group(1) or m.group(2)
    for line in reversed(lines[max(0, index - 4): index]):
        if (m := _FRAME.match(line)) and m.group(3):
            return f"{m.group(3)}:{m.group(4)}"
    return None


def last_error_line(text: str | None, tail: int = 60) -> str | None:
    """The line a person would quote from a log: its terminal error, else the last line that reads like one.

    The terminal error is found by structure (`terminal_error`); when there is none (a living process that
    logs only warnings about its health, which probes want quoted), the last error-ish line stands in.
    """
    from shared.analyzers.terminal_error import find_terminal_error

    if not text:
        return None
    found = find_terminal_error(text)
    if found is not None and found.certain:
        return found.text
    lines = [ln for ln in text.splitlines() if ln.strip()][-tail:]
    caused = [ln for ln in lines if ln.strip().startswith("Caused by:")]
    if caused:
        return caused[-1].strip()
    for line in reversed(lines):
        if ERRORISH.search(line) and not NOISE.search(line):
            return line.strip()
    return lines[-1].strip() if lines else None
