"""Deterministic identifiers and timestamps: every scenario renders to the same bytes every time."""

import hashlib
import random
from datetime import UTC, datetime, timedelta
from typing import Final

# The alphabet the controllers use for generated names (k8s.io/apimachinery rand.SafeEncodeString).
_SAFE: Final = "bcdfghjklmnpqrstvwxz2456789"


class Ids:
    """Seeded ids for one scenario: the same seed always yields the same sequence."""

    def __init__(self, seed: str) -> None:
        self._rng = random.Random(hashlib.sha256(seed.encode()).hexdigest())
        self._resource_version = 48_000_000 + self._rng.randrange(9_000_000)

    def uid(self) -> str:
        h = f"{self._rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"

    def hex(self, length: int) -> str:
        return f"{self._rng.getrandbits(length * 4):0{length}x}"

    def suffix(self, length: int = 5) -> str:
        return "".join(self._rng.choice(_SAFE) for _ in range(length))

    def resource_version(self) -> str:
        self._resource_version += self._rng.randrange(3, 400)
        return str(self._resource_version)

    def list_version(self) -> str:
        """A resourceVersion above every object's, as a List carries."""
        return str(self._resource_version + 1_000)

    def event_name(self, obj_name: str) -> str:
        return f"{obj_name}.{self.hex(16)}"


def template_hash(seed: str) -> str:
    """A pod-template-hash shaped like the deployment controller's (10 safe characters)."""
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(_SAFE[b % len(_SAFE)] for b in digest[:10])


class Clock:
    """Timestamps relative to the scenario's fixed `now`, in the API server's RFC 3339 form."""

    def __init__(self, now: datetime) -> None:
        self.now = now.astimezone(UTC)

    def ago(self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> str:
        t = self.now - timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")

    def ago_ms(self, *, minutes: float = 0, seconds: float = 0) -> str:
        t = self.now - timedelta(minutes=minutes, seconds=seconds)
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"

    def log_time(self, *, minutes: float = 0, seconds: float = 0) -> datetime:
        return self.now - timedelta(minutes=minutes, seconds=seconds)
