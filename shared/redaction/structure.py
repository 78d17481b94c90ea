"""Structural rules: Kubernetes objects lose secret values by where they sit, and keep every name.

Text rules cannot see that `{"name": "DB_PASSWORD", "value": "…"}` is a password, or that the string after
`"--db-password"` in an args list is one; the object's shape says so. What stays: env var names (so a
diagnosis can still say "DB_PASSWORD is set inline in the Deployment"), flag names, annotation keys,
ConfigMap and Secret key names. Every other string still goes through the text rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Final

from shared.redaction.names import is_placeholder, looks_random, marker, secret_kind

Text = Callable[[str], str]
LAST_APPLIED: Final = "kubectl.kubernetes.io/last-applied-configuration"
_SECRET_TYPES: Final = re.compile(r"^(Opaque|kubernetes\.io/.+|bootstrap\.kubernetes\.io/token|helm\.sh/release\.v1)$")
_SECRET_FLAG: Final = re.compile(r"(?i)^-{1,2}[\w.-]{0,60}?(password|passwd|pwd|pass|secret|token|apikey|api[-_]key|"
                                 r"access[-_]key|private[-_]key|credentials?|[-.]key)$")
_DOCKER_FIELDS: Final = ("auth", "password", "identitytoken", "registrytoken")


def redact_structure(obj: Any, text: Text, kind_hint: str | None = None) -> Any:
    """A redacted copy of a JSON-like value (dicts, lists, strings); the input is never changed."""
    if isinstance(obj, str):
        return text(obj)
    if isinstance(obj, (list, tuple)):
        return type(obj)(redact_structure(v, text, kind_hint) for v in obj)
    if isinstance(obj, dict):
        return _mapping(obj, text, kind_hint)
    return obj


def _mapping(obj: dict[str, Any], text: Text, kind_hint: str | None) -> dict[str, Any]:
    kind = obj.get("kind") if isinstance(obj.get("kind"), str) else kind_hint
    if kind is None and isinstance(obj.get("type"), str) and "metadata" in obj and _SECRET_TYPES.match(obj["type"]):
        kind = "Secret"
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if kind == "Secret" and key in ("data", "stringData"):
            if isinstance(value, dict):  # key names stay (they are what `missing key` diagnoses cite)
                out[key] = {k: marker("secret_data") for k in value}
            continue
        if kind == "ConfigMap" and key == "data" and isinstance(value, dict):
            out[key] = {k: _config_value(k, v, text) for k, v in value.items()}
        elif key == "items" and isinstance(value, list) and isinstance(kind, str) and kind.endswith("List"):
            out[key] = [redact_structure(v, text, kind[: -len("List")]) for v in value]  # typed lists: no kind
        elif key == "env" and isinstance(value, list):
            out[key] = [_env_entry(e, text) if isinstance(e, dict) else redact_structure(e, text) for e in value]
        elif key in ("args", "command") and isinstance(value, list) and all(isinstance(a, str) for a in value):
            out[key] = redact_argv(value, text)
        elif key == "annotations" and isinstance(value, dict):
            out[key] = {k: _annotation(k, v, text) for k, v in value.items()}
        elif key == "auths" and isinstance(value, dict):  # a docker config: every registry's credentials
            out[key] = {reg: _docker_entry(v, text) for reg, v in value.items()}
        elif isinstance(value, str):
            out[key] = _field(key, value, text)
        else:
            out[key] = redact_structure(value, text)
    return out


def _field(key: str, value: str, text: Text) -> str:
    found = secret_kind(key)
    if found and not is_placeholder(value):
        return marker(found)
    return text(value)


def _env_entry(entry: dict[str, Any], text: Text) -> dict[str, Any]:
    out = redact_structure({k: v for k, v in entry.items() if k != "value"}, text)
    value = entry.get("value")
    if "value" not in entry:
        return out
    if not isinstance(value, str) or is_placeholder(value):
        out["value"] = value
        return out
    redacted = text(value)
    name = str(entry.get("name") or "")
    if redacted == value and (found := secret_kind(name)):
        redacted = marker(found)
    elif redacted == value and looks_random(value):
        redacted = marker("env_value")
    out["value"] = redacted
    return out


def redact_argv(argv: list[str], text: Text) -> list[str]:
    """Each argument text-redacted, and the one after a secret-named flag (`--db-password`, `-a` of redis-cli) dropped."""
    out: list[str] = []
    program = argv[0].rsplit("/", 1)[-1] if argv else ""
    for i, arg in enumerate(argv):
        before = argv[i - 1] if i else ""
        if _SECRET_FLAG.match(before) or (before == "-a" and program == "redis-cli") or (
                before == "-p" and program in ("docker", "podman", "nerdctl", "helm", "twine", "skopeo")):
            out.append(arg if is_placeholder(arg) or arg.startswith("-") else marker("cli_secret"))
        elif before in ("-u", "--user") and ":" in arg and program in ("curl", "wget", "http"):
            user, _, password = arg.partition(":")
            out.append(arg if is_placeholder(password) else f"{user}:{marker('cli_secret')}")
        elif program.startswith("mysql") and arg.startswith("-p") and len(arg) > 2 and not arg.startswith("--"):
            out.append("-p" + marker("cli_secret"))
        else:
            out.append(text(arg))
    return out


def _annotation(key: str, value: Any, text: Text) -> Any:
    if not isinstance(value, str):
        return redact_structure(value, text)
    if key == LAST_APPLIED or (value.startswith("{") and value.rstrip().endswith("}")):
        try:
            embedded = json.loads(value)
        except ValueError:
            return text(value)
        redacted = redact_structure(embedded, text)
        return value if redacted == embedded else json.dumps(redacted, separators=(",", ":")) + "\n"
    name = key.rsplit("/", 1)[-1]
    found = None if key.startswith("checksum/") else secret_kind(name)
    if found and not is_placeholder(value):
        return marker(found)
    return text(value)


def _config_value(key: str, value: Any, text: Text) -> Any:
    if not isinstance(value, str):
        return redact_structure(value, text)
    found = secret_kind(key.rsplit("/", 1)[-1])
    if found and "\n" not in value and not is_placeholder(value):
        return marker(found)
    redacted = text(value)
    return marker("configmap_value") if redacted == value and looks_random(value) else redacted


def _docker_entry(entry: Any, text: Text) -> Any:
    if not isinstance(entry, dict):
        return redact_structure(entry, text)
    return {k: marker("docker_auth") if k in _DOCKER_FIELDS and isinstance(v, str) and v else redact_structure(v, text)
            for k, v in entry.items()}
