"""The scheduler's daily `plans` job: a missed instalment found on the day the job is due, once per day."""

from __future__ import annotations

import datetime as dt

from core.bootstrap import Services
from scheduler import STANDARD_JOBS, Scheduler
from tests.integration.payments.test_plans import agree, instalments, later_first, method, settle  # noqa: F401

UTC = dt.UTC


def test_the_plans_job_reports_a_missed_instalment_on_its_day(services: Services, method: int) -> None:  # noqa: F811
    later_first(services.db)
    agree(services, method, 2)
    first = instalments(services.db)[0]
    settle(services.db, first[3], "payment.failed", on=first[1])  # type: ignore[arg-type]
    job = next(job for job in STANDARD_JOBS if job.id == "plans")
    due = dt.datetime.combine(first[1], dt.time(6, 30), UTC)
    s = Scheduler(services, dict, clock=lambda: due, jobs=[job])
    s.start()
    try:
        run, again = s.fire("plans"), s.fire("plans")
    finally:
        s.stop()
    assert run.status == "done" and run.period == first[1].isoformat()
    assert "instalment 1 missed" in run.summary
    assert again.status == "skipped"  # the day's work happens once
