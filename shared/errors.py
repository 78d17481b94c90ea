"""kubetriage's exception hierarchy: unexpected trouble, with the fields that locate it."""

from __future__ import annotations


class KubetriageError(Exception):
    """Base of every error kubetriage raises on purpose."""


class InvalidInput(KubetriageError):
    """Input that can never be processed (answered with a 400, never retried).

    Carries every problem found, not only the first.
    """

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class Unauthorized(KubetriageError):
    """A request without the credentials its endpoint requires (401)."""


class StoreError(KubetriageError):
    """The state store failed (answered with a 503 so the platform redelivers)."""


class LeaseHeld(KubetriageError):
    """Another invocation holds the investigation's lease (answered with a 409 and Retry-After)."""

    def __init__(self, investigation_id: str, retry_after_s: int) -> None:
        self.investigation_id = investigation_id
        self.retry_after_s = retry_after_s
        super().__init__(f"investigation {investigation_id} is leased by another invocation")


class LeaseLost(KubetriageError):
    """Our lease expired and another holder fenced us out; stop without writing."""

    def __init__(self, investigation_id: str) -> None:
        self.investigation_id = investigation_id
        super().__init__(f"lease on investigation {investigation_id} was lost")


class OverAdmissionLimit(KubetriageError):
    """Too many requests in the admission window (answered with a 429 and Retry-After)."""

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__("over the admission limit")


class TransientError(KubetriageError):
    """A failure worth retrying: HTTP 429 or 5xx, a connection error, a timeout."""

    def __init__(self, message: str, *, status: int | None = None, retry_after_s: float | None = None):
        self.status = status
        self.retry_after_s = retry_after_s
        super().__init__(message)


class NotFound(KubetriageError):
    """A cluster object that does not exist."""


class Forbidden(KubetriageError):
    """A read kubetriage is not allowed to make (Secret data, or RBAC said no)."""


class DeliveryError(KubetriageError):
    """A sink or the next function did not take the event."""

    def __init__(self, message: str, *, sink: str, retryable: bool = True) -> None:
        self.sink = sink
        self.retryable = retryable
        super().__init__(message)


class ClusterUnavailable(KubetriageError):
    """No way to read the cluster: no kubeconfig, no such context, no in-cluster account (503, said in one line)."""
