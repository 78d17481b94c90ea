"""What a diagnosis may say before it is posted: cluster text may inform it, never speak through it.

Whoever wrote the finding (an analyzer quoting a log, the model, a remembered diagnosis), it is checked
here once, where the investigation finishes:
- commands are read-only `kubectl` (get, describe, logs, events, top, explain, auth can-i, rollout
  status/history), optionally piped into a text filter, or a kubectl change from a short list, which is
  marked `# suggested change:` so a person runs it deliberately; anything else (shells, `curl | bash`,
  `delete namespace`, Secret reads and decodes, exec) is removed;
- URLs only to documentation hosts (settings), in-cluster names and addresses, and hosts of the objects
  the investigation read (registries of their images, Ingress hosts, Services);
- sentences that carry instructions or canaries lifted from cluster text are removed;
- zero-width, bidi and tag characters are stripped everywhere.
Each removal leaves a note naming the field and why, never the removed text.
"""

from __future__ import annotations

import ipaddress
import json
import re
import shlex
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final
from urllib.parse import urlsplit

from shared.diagnosis import ChainLink, EvidenceItem, Finding

NOTE_PREFIX: Final = "output policy:"
CHANGE_MARK: Final = "# suggested change: "
LINK_REMOVED: Final = "[link removed]"
IN_CLUSTER_SUFFIXES: Final = (".svc", ".svc.cluster.local", ".cluster.local", ".internal")

_READ_VERBS: Final = frozenset({"get", "describe", "logs", "events", "top", "explain", "api-resources",
                                "version"})
_READ_SUBVERBS: Final = {"auth": frozenset({"can-i"}), "rollout": frozenset({"status", "history"})}
_CHANGE_VERBS: Final[dict[str, frozenset[str] | None]] = {
    "set": frozenset({"env", "image", "resources"}), "rollout": frozenset({"undo", "restart", "resume"}),
    "scale": None, "patch": None, "create": frozenset({"configmap", "secret", "cm"}), "label": None,
    "annotate": None, "taint": None, "cordon": None, "uncordon": None, "drain": None, "debug": None,
    "delete": frozenset({"pod", "pods", "po"}),
}
_FILTERS: Final = frozenset({"grep", "egrep", "fgrep", "head", "tail", "sort", "uniq", "wc", "jq", "column", "less"})
_NEVER: Final = frozenset({"sh", "bash", "zsh", "dash", "ash", "curl", "wget", "python", "python3", "perl", "ruby",
                           "nc", "ncat", "socat", "sudo", "su", "eval", "exec", "rm", "dd", "mkfs", "chmod", "chown",
                           "base64", "openssl", "xargs", "tee", "ssh", "scp", "source", "--raw", "--kubeconfig",
                           "--token", "--server", "--as", "--as-group"})
_AWS_READS: Final = ("describe-", "get-", "list-")
_AWS_NAME: Final = re.compile(r"^[a-z][a-z0-9-]{1,40}$")
# The AWS CLI reaches only the account's own endpoint, and never reads a secret's value.
_AWS_NEVER: Final = frozenset({"--endpoint-url", "--no-verify-ssl", "--ca-bundle", "get-secret-value",
                               "get-parameter", "get-parameters", "get-parameters-by-path", "--with-decryption",
                               "get-password-data", "get-login-password", "get-authorization-token",
                               "get-session-token", "get-federation-token", "get-object"})
_EVERYTHING: Final = frozenset({"--all", "-A", "--all-namespaces"})  # never in a suggested change
_GLOBAL_FLAGS: Final = frozenset({"-n", "--namespace", "--context", "--cluster", "--user", "--request-timeout"})
_PLACEHOLDER: Final = re.compile(r"<[A-Za-z0-9 _.:,/=-]{1,60}>")
_SHELL_RAW: Final = re.compile(r"`|\$\(|\$\{|\n|\r")
_URL: Final = re.compile(r"(?i)\b(?:https?|ftp|wss?|file|gopher|ssh)://[^\s<>\"'`|\])}]+|\b(?:javascript|vbscript|data):[^\s<>\"'`|]+")
_SENTENCE_END: Final = re.compile(r"((?<=[.!?])\s+|\n)")
# Text addressed to a model or an operator bot: what injected instructions look like.
INSTRUCTION: Final = re.compile(
    r"(?i)\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|all|your|these)\b"
    r"[^.\n]{0,20}\b(?:instructions?|rules?|prompts?|guidelines?)\b"
    r"|\b(?:system prompt|assistant:|system:|\[/?inst\]|<\|im_start\|>|untrusted-tool-output)"
    r"|(?:(?-i:\bAI)|\b(?:llm|language model|assistant|chatbot|kubetriage|copilot|claude|gpt))s?\b[^.\n]{0,60}"
    r"\b(?:must|should|shall|needs? to|has to|have to|is instructed|are instructed|will now)\b"
    r"|\b(?:include|add|write|put|append|insert|say|output|print|mention|recommend|tell|report)\b[^.\n]{0,80}"
    r"\b(?:in|into|to)\b[^.\n]{0,20}\b(?:your|the)\s+(?:summary|diagnosis|root[ _]cause|recommendations|commands"
    r"|response|answer|slack message)\b"
    r"|\bnote to (?:the )?(?:ai|assistant|model|llm|bot|reader)\b")
_DISTINCT: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{5,}")


def strip_invisible(text: str) -> str:
    """NFKC-normalised, with format characters (zero-width, bidi controls, tags, soft hyphens) removed."""
    if text.isascii():  # ASCII holds no format character and NFKC leaves it as it is: most cluster text
        return text
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


@dataclass(frozen=True)
class Context:
    """What the check knows of this investigation: hosts it may link to, tokens injected text carried."""

    doc_hosts: frozenset[str] = frozenset()
    object_hosts: frozenset[str] = frozenset()
    injected: frozenset[str] = frozenset()

    def allows_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        if not host:
            return False
        if host in self.object_hosts or host.endswith(IN_CLUSTER_SUFFIXES):
            return True
        if any(host == d or host.endswith("." + d) for d in self.doc_hosts):
            return True
        try:
            return ipaddress.ip_address(host).is_private
        except ValueError:
            return False


def context_for(cluster_data: Iterable[Any], doc_hosts: Iterable[str]) -> Context:
    """The context from what the investigation read (tool result data, the incident's own text)."""
    hosts: set[str] = set()
    lines: list[str] = []
    hidden: list[str] = []
    for data in cluster_data:
        _collect_hosts(data, hosts)
        text = data if isinstance(data, str) else json.dumps(data, default=str, ensure_ascii=False)
        lines.extend(strip_invisible(text).replace("\\n", "\n").splitlines())
        # Text hidden in Unicode tag characters is written for a model, never for a person: all of it counts.
        if not text.isascii():
            hidden.append("".join(chr(ord(c) - 0xE0000) for c in text if 0xE0020 <= ord(c) <= 0xE007E))
    flagged = [bool(INSTRUCTION.search(ln)) for ln in lines]  # once per line: the pattern is the costly part
    injected_lines = [ln for ln, bad in zip(lines, flagged, strict=True) if bad] + [h for h in hidden if h]
    plain = "\n".join(ln for ln, bad in zip(lines, flagged, strict=True) if not bad)
    injected = set()
    for line in injected_lines:
        for token in _DISTINCT.findall(line):
            token = token.strip(".:/-")
            if len(token) >= 6 and (any(c.isdigit() for c in token) or token.isupper() or "://" in token) \
                    and token not in plain:
                injected.add(token.lower())
    return Context(frozenset(h.lower() for h in doc_hosts), frozenset(hosts), frozenset(injected))


def _collect_hosts(data: Any, hosts: set[str], parent: str = "") -> None:
    """Hosts of the objects themselves, from structured fields only (never from strings such as a
    ConfigMap value, an annotation or a log): images of containers, Ingress rule and TLS hosts, Services."""
    if isinstance(data, Mapping):
        if data.get("kind") == "Service" and isinstance(data.get("metadata"), Mapping):
            name, ns = data["metadata"].get("name"), data["metadata"].get("namespace")
            hosts.update(str(h).lower() for h in (name, f"{name}.{ns}") if name)
        for key, value in data.items():
            if parent in _CONTAINER_LISTS and key == "image" and isinstance(value, str) and "/" in value:
                first = value.split("/", 1)[0]
                if "." in first or ":" in first or first == "localhost":
                    hosts.add(first.split(":")[0].lower())
            elif parent == "rules" and key == "host" and isinstance(value, str):
                hosts.add(value.lower())
            elif parent == "tls" and key == "hosts" and isinstance(value, list):
                hosts.update(str(h).lower() for h in value)
            elif isinstance(value, (Mapping, list)):
                # rollout_history keeps containers by name: {"containers": {"api": {"image": ...}}}
                keep = parent in _CONTAINER_LISTS and isinstance(value, Mapping) and "image" in value
                _collect_hosts(value, hosts, parent if keep else key)
    elif isinstance(data, list):
        for item in data:
            _collect_hosts(item, hosts, parent)


_CONTAINER_LISTS: Final = frozenset({"containers", "initContainers", "ephemeralContainers"})


def check_command(command: str) -> tuple[str | None, str]:
    """The command as it may be posted (marked if it changes something), or None and why not."""
    text = strip_invisible(command).strip()
    body = text[len(CHANGE_MARK):].strip() if text.startswith(CHANGE_MARK) else text
    if _SHELL_RAW.search(body):
        return None, "shell substitution or a second line"
    try:
        lexer = shlex.shlex(_PLACEHOLDER.sub("PLACEHOLDER", body), posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        return None, "not a parseable command"
    stages: list[list[str]] = [[]]
    for token in tokens:
        if token == "|":
            stages.append([])
        elif token and all(c in "();<>&|" for c in token):
            return None, "shell operators other than a pipe into a text filter"
        else:
            stages[-1].append(token)
    first, filters = stages[0], stages[1:]
    if first and first[0] == "aws":
        return _check_aws(body, first, filters)
    if not first or first[0] != "kubectl":
        return None, "not a kubectl command"
    if any(not f or f[0] not in _FILTERS for f in filters):
        return None, "piped into something other than a text filter"
    words = [w.split("=", 1)[0] for stage in stages for w in stage]
    if any(w.lower() in _NEVER for w in words):
        return None, "runs a shell, a download, a decode or escapes its scope"
    verb, rest = _verb(first[1:])
    names_secrets = any(t.lower().split("/")[0] in ("secret", "secrets") for word in first[2:] for t in word.split(","))
    if names_secrets and (verb == "edit" or (verb == "get" and _shows_values(first))):
        return None, "reads Secret values"
    sub = rest[0] if rest else ""
    if verb in _READ_VERBS or sub in _READ_SUBVERBS.get(verb, ()):
        return body, ""
    allowed = _CHANGE_VERBS.get(verb, frozenset())
    if verb in _CHANGE_VERBS and (allowed is None or sub in allowed) and not _EVERYTHING & set(first):
        return CHANGE_MARK + body, ""
    return None, f"kubectl {verb or '?'} is neither a read nor a change a person may be asked to make"


def _check_aws(body: str, first: list[str], filters: list[list[str]]) -> tuple[str | None, str]:
    """An AWS CLI read (`aws <service> describe-|get-|list-…`), for the cost analyzer's confirmations."""
    if any(not f or f[0] not in _FILTERS for f in filters):
        return None, "piped into something other than a text filter"
    words = [w.split("=", 1)[0].lower() for stage in [first, *filters] for w in stage]
    if any(w in _NEVER or w in _AWS_NEVER for w in words):
        return None, "runs a shell, a download, or points the AWS CLI elsewhere"
    if len(first) < 3 or not _AWS_NAME.match(first[1]) or not first[2].startswith(_AWS_READS):
        return None, "an AWS CLI command other than describe, get or list"
    return body, ""


def _verb(args: list[str]) -> tuple[str, list[str]]:
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 1 if "=" in args[i] or args[i] not in _GLOBAL_FLAGS else 2
    rest = [a for a in args[i + 1:] if not a.startswith("-")]
    return (args[i] if i < len(args) else ""), rest


def _shows_values(args: list[str]) -> bool:
    """Whether a `kubectl get` prints objects whole (yaml, json, templates), not a table of names."""
    for i, arg in enumerate(args):
        value = arg.split("=", 1)[1] if "=" in arg else (args[i + 1] if i + 1 < len(args) else "")
        if arg.startswith(("-o", "--output")):
            fmt = arg[2:] if arg.startswith("-o") and len(arg) > 2 and "=" not in arg else value
            if fmt.lstrip("=") not in ("name", "wide"):
                return True
        if arg.startswith(("--template", "--raw")):
            return True
    return False


def _clean_urls(text: str, context: Context) -> tuple[str, int]:
    removed = 0

    def swap(m: re.Match[str]) -> str:
        nonlocal removed
        url = m.group(0)
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            host = ""
        if url.lower().startswith(("http", "ftp", "ws")) and context.allows_host(host):
            return url
        removed += 1
        return LINK_REMOVED

    return _URL.sub(swap, text), removed


def _clean_prose(text: str, context: Context) -> tuple[str, list[str]]:
    """Text without invisible characters, foreign links and sentences that carry injected text."""
    why: list[str] = []
    text = strip_invisible(text)
    kept = []
    parts = _SENTENCE_END.split(text)
    for sentence, gap in zip(parts[::2], [*parts[1::2], ""], strict=True):
        low = sentence.lower()
        if INSTRUCTION.search(sentence):
            why.append("text that reads as instructions")
        elif any(token in low for token in context.injected):
            why.append("text lifted from instructions planted in the cluster")
        else:
            kept.append(sentence + gap)
    text, links = _clean_urls("".join(kept).strip(), context)
    if links:
        why.append(f"{links} link(s) to hosts outside the allow-list")
    return text, why


def screen(finding: Finding, context: Context, fallback: Finding | None = None) -> tuple[Finding, list[str]]:
    """The finding as it may be posted, and one note per field that lost something (never the text itself)."""
    notes: list[str] = []

    def prose(field: str, text: str, fallback_text: str = "") -> str:
        cleaned, why = _clean_prose(text, context)
        if why:
            notes.append(f"{NOTE_PREFIX} {field}: removed {'; '.join(sorted(set(why)))}")
        if not cleaned and text.strip():
            cleaned = _clean_prose(fallback_text, context)[0] or "(removed by the output policy; see notes)"
        return cleaned

    summary = prose("summary", finding.summary, fallback.summary if fallback else "")
    root_cause = prose("root_cause", finding.root_cause, fallback.root_cause if fallback else "")
    recommendations = []
    for i, rec in enumerate(finding.recommendations):
        cleaned = prose(f"recommendations[{i}]", rec)
        if cleaned and cleaned != "(removed by the output policy; see notes)":
            recommendations.append(cleaned)
    commands = []
    for i, command in enumerate(finding.commands):
        allowed, why = check_command(command)
        if allowed is None:
            notes.append(f"{NOTE_PREFIX} commands[{i}]: removed ({why})")
        else:
            commands.append(allowed)
    evidence = []
    for i, item in enumerate(finding.evidence):
        excerpt, why = _clean_prose(item.excerpt, context)
        source = strip_invisible(item.source)
        if any(w.startswith("text") for w in why) or not excerpt:
            notes.append(f"{NOTE_PREFIX} evidence[{i}]: removed ({'; '.join(sorted(set(why))) or 'empty'})")
            continue
        if why:
            notes.append(f"{NOTE_PREFIX} evidence[{i}]: removed {'; '.join(sorted(set(why)))}")
        evidence.append(EvidenceItem(source, excerpt))
    chain = []
    for i, link in enumerate(finding.chain):
        observation = prose(f"chain[{i}]", link.observation)
        chain.append(ChainLink(strip_invisible(link.object), observation))
    return replace(finding, summary=summary, root_cause=root_cause, recommendations=tuple(recommendations),
                   commands=tuple(commands), evidence=tuple(evidence), chain=tuple(chain)), notes


def failed(notes: Iterable[str]) -> bool:
    """Whether a diagnosis's notes say the output policy removed something from it."""
    return any(n.startswith(NOTE_PREFIX) for n in notes)


_LAST_CONTEXT: list[tuple[tuple[Any, ...], Context]] = []  # the last investigation's, asked for twice in a row


def _checkpoint_context(cp: Mapping[str, Any], doc_hosts: Iterable[str]) -> Context:
    """The context of what the checkpoint read; the finding and then the incident are screened against the
    same reads, so the last one computed is kept (keyed by what it was computed from)."""
    doc_hosts = tuple(doc_hosts)
    tool_results = (cp.get("session") or {}).get("tool_results") or {}
    key = (cp.get("investigation_id"), id(cp), len(cp.get("results") or {}), len(tool_results), doc_hosts)
    if _LAST_CONTEXT and _LAST_CONTEXT[0][0] == key:
        return _LAST_CONTEXT[0][1]
    context = _compute_context(cp, doc_hosts)
    _LAST_CONTEXT[:] = [(key, context)]
    return context


def _compute_context(cp: Mapping[str, Any], doc_hosts: Iterable[str]) -> Context:
    results = [*(cp.get("results") or {}).values(), *((cp.get("session") or {}).get("tool_results") or {}).values()]
    read = [cp.get("incident") or {}, *(r.get("data") for r in results if isinstance(r, Mapping)),
            *(r.get("error") for r in results if isinstance(r, Mapping) and r.get("error"))]
    return context_for((d for d in read if d is not None), doc_hosts)


def screen_checkpoint(finding: Finding, cp: dict[str, Any], doc_hosts: Iterable[str],
                      findings: Iterable[Finding] = ()) -> Finding:
    """The investigation's final finding screened against what it read; the notes go to `cp["notes"]`."""
    fallback = next((f for f in findings if f is not finding and f.analyzer not in ("claude", "memory")), None)
    screened, notes = screen(finding, _checkpoint_context(cp, doc_hosts), fallback)
    cp.setdefault("notes", []).extend(n for n in notes if n not in cp["notes"])
    return screened


def screen_incident(cp: Mapping[str, Any], doc_hosts: Iterable[str]) -> dict[str, Any]:
    """The incident as the diagnosis carries it to sinks: its text (the trigger's message, an alert's
    description, a person's question) without invisible characters, planted instructions or foreign links."""
    incident = dict(cp.get("incident") or {})
    context = _checkpoint_context(cp, doc_hosts)
    for key, value in incident.items():
        if isinstance(value, str):
            incident[key] = _clean_prose(value, context)[0] if key in ("message", "question") else \
                strip_invisible(value)
        elif isinstance(value, Mapping):
            incident[key] = {strip_invisible(str(k)): strip_invisible(str(v)) for k, v in value.items()}
    return incident
