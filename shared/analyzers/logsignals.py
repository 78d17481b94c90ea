"""Reading a dying container's last words: which known failure a log line names, and the fact in it.

Patterns cover many runtimes (Go, Python, Java/Spring, Node.js, Rust, shell). The LAST matching
line wins: the fatal line near the end is the cause; earlier errors are often red herrings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

ENV = r"[A-Z][A-Z0-9_]{2,}"


@dataclass(frozen=True)
class LogSignal:
    category: str
    fact: str  # the variable, path, port, flag or command the line names
    line: str


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
    r"Could not resolve placeholder '([\w.-]+)'",
    rf"process\.env\.({ENV}) is (?:undefined|required|not set)",
    rf"getenv\(\"?({ENV})\"?\)",
    rf"os\.environ\[['\"]({ENV})['\"]\]",
))
_MISSING_FILE: Final = tuple(_p(p) for p in (
    r"open (/?[\w./@-]+\.[\w]+|/[\w./@-]+): no such file or directory",
    r"open\(\) \"(/[^\"]+)\" failed \(2: No such file or directory\)",  # nginx
    r"ENOENT: no such file or directory, (?:open|stat|scandir|lstat) '(/[^']+)'",
    r"No such file or directory: ['\"](/[^'\"]+)['\"]",
    r"java\.io\.FileNotFoundException: (/\S+) \(No such file or directory\)",
    r"(?:config(?:uration)?|settings|properties|certificate|key|file)\s+(?:file\s+)?['\"`]?(/[\w./@-]+)['\"`]?"
    r"\s*(?:was\s+)?(?:not found|does not exist|is missing|missing|cannot be found|could not be (?:found|read|opened))",
    r"(?:cannot|could not|unable to|failed to) (?:open|read|load|find|stat)(?: config(?:uration)?)?(?: file)?:?"
    r"\s*['\"`]?(/[\w./@-]+)['\"`]?(?::| -|,)?\s*(?:no such file|not found|does not exist|ENOENT)",
    r"(/[\w./@-]+\.(?:ya?ml|json|toml|ini|conf|cfg|properties|xml|pem|crt|key|env)):? (?:no such file|not found|"
    r"does not exist)",
))
_PERMISSION: Final = tuple(_p(p) for p in (
    r"PermissionError: \[Errno 13\] Permission denied: ['\"]([^'\"]+)['\"]",
    r"EACCES: permission denied, \w+ '([^']+)'",
    r"(/[\w./@-]+)['\"]?:? (?:\(Permission denied\)|permission denied|Read-only file system|"
    r"operation not permitted)",
    r"(?:open|mkdir|create|write|chmod|chown|read)\s+['\"]?(/[\w./@-]+)['\"]?: (?:permission denied|"
    r"read-only file system|operation not permitted)",
    r"listen tcp [\d.]*:(\d{1,3}): bind: permission denied",
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
    r"Error: Cannot find module '([^']+)'",
    r"Could not find or load main class (\S+)",
))
_BAD_COMMAND: Final = tuple(_p(p) for p in (
    r"error: unrecognized arguments: (.+)",
    r"flag provided but not defined: (-[\w-]+)",
    r"(?:unknown|unrecognized|invalid) (?:flag|option|argument|shorthand flag)s?:? ['\"`]?(--?[\w-]+(?:=\S+)?)",
    r"Error: unknown command \"?(\S+?)\"? for",
    r"exec: \"?([^\s\":]+)\"?: (?:executable file not found|not found)",
    r"(?:/bin/sh|sh|bash|/bin/bash|/bin/ash|ash): (?:line \d+: |\d+: )?([^\s:]+): (?:command )?not found",
    r"([^\s:]+): command not found",
    r"exec (\S+): (?:no such file or directory|exec format error)",
    r"Error: Could not find or load main class (\S+)",
    r"Unrecognized option: (\S+)",
))
_USAGE: Final = _p(r"^\s*(?:usage|Usage of \S+):")
# Most specific first: that order breaks ties between kinds matching the same line.
_KINDS: Final = (
    ("crashloop_missing_env", _MISSING_ENV),
    ("crashloop_bad_command", _BAD_ENTRY),
    ("crashloop_port_in_use", _PORT_IN_USE),
    ("crashloop_permission_denied", _PERMISSION),
    ("crashloop_missing_config_file", _MISSING_FILE),
    ("crashloop_bad_command", _BAD_COMMAND),
)


def _last_match(lines: list[str], patterns: tuple[re.Pattern[str], ...]) -> tuple[int, str, str] | None:
    """(line index, fact, line) of the last line any pattern matches."""
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        for pattern in patterns:
            if m := pattern.search(line):
                fact = next((g for g in m.groups() if g), m.group(0)) if m.groups() else m.group(0)
                return index, fact.strip().rstrip(".,;:'\")"), line.strip()
    return None


def classify(text: str | None, exit_code: int | None = None, tail: int = 80) -> LogSignal | None:
    """The known failure the end of a log names, or None.

    Every kind of signal is looked for; the one on the LATEST line wins (the fatal line near the end,
    not an earlier warning); on the same line the more specific kind wins.
    """
    if not text:
        return None
    # JSON log lines escape quotes inside messages: read `\\"X\\"` as `"X"`.
    lines = [ln.replace('\\"', '"') for ln in text.splitlines() if ln.strip()][-tail:]
    found: list[tuple[int, int, str, str, str]] = []
    for priority, (category, patterns) in enumerate(_KINDS):
        if (hit := _last_match(lines, patterns)) is None:
            continue
        index, fact, line = hit
        if category == "crashloop_permission_denied" and _NOT_FILE_PERMISSION.search(line):
            continue
        found.append((index, -priority, category, fact, line))
    if found:
        _, _, category, fact, line = max(found)
        return LogSignal(category, fact, line)
    if exit_code in (2, 64) and any(_USAGE.search(ln) for ln in lines[-30:]):
        usage = next(ln for ln in lines[-30:] if _USAGE.search(ln))
        return LogSignal("crashloop_bad_command", usage.strip(), usage.strip())
    return None


_ERRORISH: Final = _p(
    r"\b(fatal|panic|error|exception|traceback|failed|failure|cannot|could not|unable to|refused|denied|"
    r"timeout|timed out|crash|abort|killed|segmentation fault|caused by)\b|^\w+(Error|Exception)\b|level\W+(error|fatal)"
)
_NOISE: Final = _p(r"^\s*(at |File \"|\.\.\. \d+ more|\^|~)|^\s*$|goroutine \d+|^\s*/\S+\.go:\d+")


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
    """The line a person would quote as the crash: a `Caused by:` or the last error-ish line."""
    if not text:
        return None
    lines = [ln for ln in text.splitlines() if ln.strip()][-tail:]
    caused = [ln for ln in lines if ln.strip().startswith("Caused by:")]
    if caused:
        return caused[-1].strip()
    for line in reversed(lines):
        if _ERRORISH.search(line) and not _NOISE.search(line):
            return line.strip()
    return lines[-1].strip() if lines else None
