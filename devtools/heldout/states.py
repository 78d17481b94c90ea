"""How one container is doing, and the pod status the kubelet reports for it."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Run:
    """One container's state. Times are minutes before the scenario's `now`."""

    state: str  # running | waiting | terminated
    since: float = 0.0  # running: startedAt; terminated: finishedAt
    ready: bool = True
    restarts: int = 0
    reason: str = ""
    message: str = ""
    exit_code: int = 0
    ran_for: float = 0.0  # terminated: minutes between startedAt and finishedAt
    last_exit: int | None = None
    last_reason: str = ""
    last_message: str = ""
    last_finished: float = 0.0
    last_ran_for: float = 0.0
    pulled: bool = True  # the image is on the node (imageID known)

    @property
    def has_run(self) -> bool:
        return self.state != "waiting" or self.last_exit is not None

    @property
    def is_pending(self) -> bool:
        return self.state == "waiting" and self.last_exit is None


def running(
    since: float = 60 * 24 * 6,
    *,
    ready: bool = True,
    restarts: int = 0,
    last_exit: int | None = None,
    last_reason: str = "Error",
    last_finished: float = 0.0,
    last_ran_for: float = 30.0,
) -> Run:
    if last_exit is not None and not last_finished:
        last_finished = since
    return Run(
        "running",
        since=since,
        ready=ready,
        restarts=restarts,
        last_exit=last_exit,
        last_reason=last_reason if last_exit is not None else "",
        last_finished=last_finished,
        last_ran_for=last_ran_for,
    )


def crashloop(
    exit_code: int = 1,
    *,
    restarts: int = 17,
    last_finished: float = 2.0,
    reason: str = "Error",
    ran_for: float = 0.0,
    message: str = "",
    backoff: str = "5m0s",
) -> Run:
    """Waiting in CrashLoopBackOff; the last instance terminated with `exit_code`."""
    return Run(
        "waiting",
        ready=False,
        restarts=restarts,
        reason="CrashLoopBackOff",
        message=backoff,
        last_exit=exit_code,
        last_reason=reason,
        last_message=message,
        last_finished=last_finished,
        last_ran_for=ran_for,
    )


def waiting(reason: str, message: str = "", *, pulled: bool = False) -> Run:
    return Run("waiting", ready=False, reason=reason, message=message, pulled=pulled)


def terminated(
    exit_code: int, since: float, *, reason: str = "", ran_for: float = 1.0, message: str = ""
) -> Run:
    return Run(
        "terminated",
        since=since,
        ready=False,
        exit_code=exit_code,
        reason=reason or ("Completed" if exit_code == 0 else "Error"),
        ran_for=ran_for,
        message=message,
    )


def container_status(
    run: Run,
    *,
    name: str,
    image: str,
    image_id: str,
    container_id: str,
    last_id: str,
    pod_ref: str,
    clock: Any,
    init: bool = False,
) -> dict[str, Any]:
    """The containerStatuses entry for one container."""
    state: dict[str, Any]
    if run.state == "running":
        state = {"running": {"startedAt": clock.ago(minutes=run.since)}}
    elif run.state == "terminated":
        t: dict[str, Any] = {"exitCode": run.exit_code, "reason": run.reason}
        if run.message:
            t["message"] = run.message
        t.update(
            startedAt=clock.ago(minutes=run.since + run.ran_for),
            finishedAt=clock.ago(minutes=run.since),
            containerID=container_id,
        )
        state = {"terminated": t}
    else:
        w: dict[str, Any] = {"reason": run.reason}
        if run.reason == "CrashLoopBackOff":
            w["message"] = f"back-off {run.message} restarting failed container={name} pod={pod_ref}"
        elif run.message:
            w["message"] = run.message
        state = {"waiting": w}
    last: dict[str, Any] = {}
    if run.last_exit is not None:
        lt: dict[str, Any] = {"exitCode": run.last_exit, "reason": run.last_reason}
        if run.last_message:
            lt["message"] = run.last_message
        lt.update(
            startedAt=clock.ago(minutes=run.last_finished + run.last_ran_for),
            finishedAt=clock.ago(minutes=run.last_finished),
            containerID=last_id,
        )
        last = {"terminated": lt}
    status: dict[str, Any] = {
        "name": name,
        "state": state,
        "lastState": last,
        "ready": run.ready and run.state == "running",
        "restartCount": run.restarts,
        "image": image,
        "imageID": image_id if run.pulled else "",
    }
    if run.state != "waiting":
        status["containerID"] = container_id
    elif run.last_exit is not None:
        status["containerID"] = last_id
    status["started"] = run.state == "running" and not init
    return status
