"""Which names name a secret, which values are not secrets at all, and the kind-keeping marker.

One vocabulary for the text rules (`password=…`) and the structural ones (an env var, a flag, an
annotation, a ConfigMap key), so `DB_PASSWORD` is a secret name wherever it appears.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

PREFIX: Final = "[REDACTED"


def marker(kind: str) -> str:
    """What replaces a secret: the kind stays, so a diagnosis can still say what was there."""
    return f"[REDACTED:{kind}]"


# The secret word must END the name: `DB_PASSWORD`, `clientSecret`, `_authToken`, `AccountKey` are secret
# names; `DB_PASSWORD_FILE`, `password_reset_url`, `token_expiry`, `secretKeyRef`, `key` are not.
SECRET_WORD: Final = (
    r"(?:password|passwd|passphrase|pwd|(?<![a-z])pass|secret|secret[_-]?key[_-]?base|token|"
    r"(?:api|access|secret|private|signing|master|encryption|license|integration|account|shared[_-]?access|"
    r"client|app|auth|ssh|webhook|routing)[_-]?key|apikey|credentials?|creds|(?<![a-z0-9_-])auth|"
    r"(?<![a-z0-9_-])sig|signature|\.docker(?:configjson|cfg)|client-key-data|tls\.key|ssh-privatekey)"
)
_NAME: Final = re.compile(rf"(?i)(?<!checksum/){SECRET_WORD}$")

_KINDS: Final = (
    ("private_key", re.compile(r"(?i)(client-key-data|tls\.key|ssh-privatekey|private[_-]?key)$")),
    ("docker_auth", re.compile(r"(?i)(^|[^a-z])(auth|identitytoken|registrytoken|\.dockerconfigjson|\.dockercfg)$")),
    ("azure_key", re.compile(r"(?i)(account|shared[_-]?access)[_-]?key$")),
    ("azure_sas", re.compile(r"(?i)(^|[^a-z])sig$")),
    ("secret", re.compile(r"(?i)secret[_-]?key([_-]?base)?$")),
    ("password", re.compile(r"(?i)(password|passwd|passphrase|pwd|pass)$")),
    ("token", re.compile(r"(?i)token$")),
    ("api_key", re.compile(r"(?i)key$")),
)


@lru_cache(maxsize=8192)  # object keys repeat endlessly: `name`, `image`, `message`
def secret_kind(name: str) -> str | None:
    """The marker kind when `name` names a secret (`DB_PASSWORD` → password), else None."""
    if not _NAME.search(name):
        return None
    return next((kind for kind, pattern in _KINDS if pattern.search(name)), "secret")


# Values that are not secrets whatever their name: references, masks, template holes, paths, words.
_PLACEHOLDER: Final = re.compile(
    r"""(?ix)^(?:\*+|\$\{[^}]*\}|\$\([^)]*\)|\$[a-z_][a-z0-9_]*|<[^>]*>|\{\{.*\}\}|%[sdv]|x{3,}|\.{3}|…|
    \[REDACTED[^\]]*\]|/[\w./-]*|
    required|missing|not|is|was|must|none|null|nil|empty|true|false|yes|no|on|off|enabled|disabled|invalid|
    expired|unset|undefined|incorrect|wrong|mismatch|rejected|changed|flag|set|ok|redacted)$"""
)


def is_placeholder(value: str) -> bool:
    return not value or bool(_PLACEHOLDER.match(value.strip()))


_RANDOM: Final = re.compile(r"[A-Za-z0-9+/=_-]{20,512}")


def looks_random(value: str) -> bool:
    """A token-shaped value (mixed case and digits, no spaces): how a credential under an innocent name looks.

    Hex strings (SHAs, trace ids), UUIDs and paths are not random here: they are what diagnoses cite.
    """
    if not _RANDOM.fullmatch(value) or value.startswith("/"):
        return False
    return (any(c.isupper() for c in value) and any(c.islower() for c in value)
            and any(c.isdigit() for c in value))
