"""Key names of one investigation, all in one Redis Cluster hash slot.

Redis Cluster runs a multi-key script only when every key it touches lives in one slot, and it puts
keys in a slot by the text between the first `{` and `}`. Every key of an investigation carries the
same tag, and so do the router's keys for the investigation's fingerprint (the coalescing window, the
sighting records): the router's ids are `inv-<first 10 hex of the fingerprint>-<random>`, and the tag
is those 10 hex digits, so the window and the investigation it opened share a slot. Any other id
(a test's, a person's) is its own tag.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

_TAG: Final = re.compile(r"^[0-9A-Za-z_.-]{10}$")
_ROUTER_ID: Final = re.compile(r"^inv-([0-9A-Za-z_.-]{10})-[0-9a-f]{10}$")
ID_CHARS: Final = re.compile(r"^[A-Za-z0-9._:@/-]{1,200}$")


def tag_of_fingerprint(fingerprint: str) -> str:
    """The first 10 characters of the fingerprint (hex in practice), or a digest of it when they won't do."""
    head = fingerprint[:10]
    return head if _TAG.match(head) else hashlib.sha256(fingerprint.encode()).hexdigest()[:10]


def tag_of(investigation_id: str) -> str:
    match = _ROUTER_ID.match(investigation_id)
    return match.group(1) if match else investigation_id


def inv_key(investigation_id: str, suffix: str) -> str:
    """`inv:{tag}:<id>:<suffix>`: the investigation's keys, one hash slot."""
    return f"inv:{{{tag_of(investigation_id)}}}:{investigation_id}:{suffix}"


def is_valid_id(investigation_id: str) -> bool:
    """Ids the keys can carry: no braces (they would change the hash tag), no spaces or control chars."""
    return bool(ID_CHARS.match(investigation_id))
