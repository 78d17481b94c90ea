"""The jobs analyzer: a Job that hit its backoff limit or deadline, and the error its pods died of.

Each row is a Job as the API shows it (spec, Failed condition), its pods (labelled job-name) and their logs,
the class and strength the analyzer must give, and the facts (the backoff limit or deadline, the pods' exit
code and terminal error, the CronJob that created it) a reader must see. Jobs that completed or are still
retrying, and pods that belong to no Job, are not its.
"""

from __future__ import annotations

import pytest
from cluster_builders import EARLIER, NOW, cond, container, evidence, incident, obj, pod, waiting

from shared.analyzers.jobs import ANALYZER

JOB = "db-migrate"
TRACEBACK = """Applying migration 0042_orders_index
Traceback (most recent call last):
  File "/app/migrate.py", line 88, in <module>
    run(conn)
  File "/app/migrate.py", line 61, in run
    conn.execute(sql)
psycopg2.errors.DuplicateTable: relation "orders_by_customer" already exists
"""


def _job(name: str = JOB, *, limit: int | None = 4, deadline: int | None = None, failed: tuple | None = None,
         complete: bool = False, cron: str | None = None, started: str = EARLIER) -> dict:
    spec: dict = {"template": {"spec": {"containers": [container("migrate")], "restartPolicy": "Never"}}}
    if limit is not None:
        spec["backoffLimit"] = limit
    if deadline is not None:
        spec["activeDeadlineSeconds"] = deadline
    conditions = []
    if failed:
        conditions.append(cond("Failed", "True", failed[0], failed[1], at=NOW))
    if complete:
        conditions.append(cond("Complete", "True", at=NOW))
    meta = {"labels": {"job-name": name}}
    if cron:
        meta["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "CronJob", "name": cron, "controller": True}]
    return obj("Job", name, api="batch/v1", metadata=meta, spec=spec,
               status={"conditions": conditions, "failed": 5 if failed else 0, "startTime": started})


def _pod(job: str, suffix: str, code: int | None, created: str = EARLIER) -> dict:
    if code is None:
        status = {"name": "migrate", "ready": True, "restartCount": 0, "image": "x",
                  "state": {"running": {"startedAt": created}}}
    else:
        status = {"name": "migrate", "ready": False, "restartCount": 0, "image": "x",
                  "state": {"terminated": {"exitCode": code, "reason": "Error" if code else "Completed",
                                           "finishedAt": created}}}
    return pod(f"{job}-{suffix}", containers=[container("migrate")], phase="Failed" if code else "Running",
               owner=("Job", job), labels={"job-name": job, "controller-uid": f"uid-{job}"},
               statuses=[status], created=created)


BACKOFF = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
DEADLINE = ("DeadlineExceeded", "Job was active longer than specified deadline")
BY_JOB = incident(object_kind="Job", object_name=JOB, pod=None, family="job", reason="BackoffLimitExceeded")
FAILED_PODS = [_pod(JOB, "7x2kq", 1, "2025-05-14T08:01:00Z"), _pod(JOB, "9m4ts", 1, "2025-05-14T08:20:00Z")]
LOGS = {("shop", f"{JOB}-9m4ts", "migrate", False): TRACEBACK}

CASES = [
    pytest.param(
        BY_JOB, [_job(failed=BACKOFF), *FAILED_PODS], LOGS,
        "job_backoff_limit", "STATE_SAYS",
        ["job db-migrate", "BackoffLimitExceeded", "backoffLimit 4", "failed 5 times", "exit with code 1",
         'relation "orders_by_customer" already exists'],
        id="a job past its backoff limit names the limit and the terminal error its last pod died of"),
    pytest.param(
        incident(object_name=f"{JOB}-9m4ts", family="job", reason="BackOff"), [_job(failed=BACKOFF), *FAILED_PODS],
        LOGS, "job_backoff_limit", "STATE_SAYS", ["backoffLimit 4", "DuplicateTable"],
        id="an alert on one of its pods is followed to the failed job"),
    pytest.param(
        incident(object_kind="CronJob", object_name="nightly-report", pod=None, family="job",
                 workload_kind="CronJob", workload="nightly-report"),
        [_job("nightly-report-28990000", cron="nightly-report", complete=True, started=EARLIER),
         _job("nightly-report-28990060", cron="nightly-report", failed=BACKOFF, limit=2, started=NOW),
         _pod("nightly-report-28990060", "b8c7d", 2)],
        {("shop", "nightly-report-28990060-b8c7d", "migrate", False): "FATAL: could not connect to report-db:5432\n"},
        "job_backoff_limit", "STATE_SAYS",
        ["nightly-report-28990060", "created by CronJob nightly-report", "backoffLimit 2", "code 2",
         "report-db:5432"],
        id="a cronjob's newest job past its backoff limit names the cronjob and its pods' error"),
    pytest.param(
        BY_JOB, [_job(failed=DEADLINE, deadline=600)], {},
        "job_backoff_limit", "SYMPTOM", ["DeadlineExceeded", "activeDeadlineSeconds 600"],
        id="a job past its deadline with no failed pod left is a symptom naming the deadline"),
    pytest.param(
        BY_JOB, [_job(failed=BACKOFF, limit=None)], {},
        "job_backoff_limit", "SYMPTOM", ["backoffLimit 6", "failed 7 times"],
        id="a job whose failed pods are gone is a symptom naming the default backoff limit"),
    pytest.param(
        BY_JOB, [_job(complete=True), _pod(JOB, "7x2kq", 1), _pod(JOB, "k3j9p", 0)], {},
        None, None, [],
        id="a job that completed after a failed attempt is settled history"),
    pytest.param(
        BY_JOB, [_job(), _pod(JOB, "7x2kq", 1), _pod(JOB, "k3j9p", None)], {},
        None, None, [],
        id="a job still retrying within its backoff limit has not failed"),
    pytest.param(
        incident(object_name="api-7c9f8d6b5-x2k4q", family="crashloop", reason="BackOff"),
        [pod("api-7c9f8d6b5-x2k4q", containers=[container("api")], owner=("ReplicaSet", "api-7c9f8d6b5"),
             statuses=[waiting("api", "CrashLoopBackOff", restarts=7, last={"exitCode": 1})])], {},
        None, None, [],
        id="a crash-looping deployment pod is a different failure"),
]


@pytest.mark.parametrize(("inc", "objects", "logs", "category", "strength", "mentions"), CASES)
def test_failed_jobs_are_named_with_their_limit_and_error(inc, objects, logs, category, strength, mentions):
    finding = ANALYZER.conclude(evidence(inc, objects, logs))
    if category is None:
        assert finding is None
        return
    assert finding is not None
    assert (finding.category, finding.strength) == (category, strength)
    text = f"{finding.summary} {finding.root_cause}"
    assert all(m in text for m in mentions), text
