"""Job runs: a periodic job writes its JobRun(job, period) before it works, and UNIQUE(job, period) lets
only one firing per period through — whichever process fired it, and however often a catch-up repeats it.
A failed run is marked failed, and the next firing for the same period takes it again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast
from zoneinfo import ZoneInfo

import structlog
from apscheduler.triggers.base import BaseTrigger
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.kernel import Database
from scheduler.jobs import DAY, JobContext, JobSpec
from scheduler.leader import as_utc
from scheduler.models import JobRun
from scheduler.triggers import scheduled_time

log = structlog.get_logger("aragent.scheduler")

SUMMARY_LIMIT = 2000


@dataclass(frozen=True)
class Outcome:
    job: str
    status: str  # done | failed | skipped (the period ran already) | refused (not the leader)
    period: str | None
    summary: str


@dataclass(frozen=True)
class RunView:
    job: str
    period: str
    status: str  # running | done | failed
    holder: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    summary: str | None


def run_job(ctx: JobContext, spec: JobSpec, trigger: BaseTrigger) -> Outcome:
    """One firing: find the period it stands for, claim it, do the work, record how it went."""
    now = ctx.clock()
    local = now.astimezone(ZoneInfo(ctx.services.settings.scheduler_timezone))
    due = scheduled_time(trigger, local, spec.misfire_grace + DAY) or local
    if spec.period is None:
        return _work(ctx, spec, due, None, None)
    period = spec.period(due, ctx.services.settings)
    run_id = claim_run(ctx.services.db, spec.id, period, ctx.holder, now)
    if run_id is None:
        log.info("job.already_ran", job=spec.id, period=period)
        return Outcome(spec.id, "skipped", period, f"{spec.id} already ran (or is running) for {period}")
    return _work(ctx, spec, due, period, run_id)


def _work(ctx: JobContext, spec: JobSpec, due: dt.datetime, period: str | None, run_id: int | None) -> Outcome:
    try:
        summary = spec.work(ctx, due)
    except Exception as exc:  # a job's failure is recorded for the next firing; the scheduler carries on
        log.exception("job.failed", job=spec.id, period=period)
        outcome = Outcome(spec.id, "failed", period, f"{type(exc).__name__}: {exc}")
    else:
        (log.info if run_id is not None else log.debug)("job.done", job=spec.id, period=period, summary=summary)
        outcome = Outcome(spec.id, "done", period, summary)
    if run_id is not None:
        finish_run(ctx.services.db, run_id, outcome.status, outcome.summary, ctx.clock())
    return outcome


def claim_run(db: Database, job: str, period: str, holder: str, now: dt.datetime) -> int | None:
    """The run's id when this firing may do the period's work; None when it ran already or is running."""
    with db.uow() as uow:
        insert = postgresql_insert if db.is_postgres else sqlite_insert
        run_id = uow.session.scalar(
            insert(JobRun).values(job=job, period=period, holder=holder, status="running", started_at=now)
            .on_conflict_do_nothing(index_elements=["job", "period"]).returning(JobRun.id))
        if run_id is None:
            run_id = _retry_failed(uow.session, job, period, holder, now)
        uow.commit()
        return run_id


def _retry_failed(session: Session, job: str, period: str, holder: str, now: dt.datetime) -> int | None:
    # Only a failed run is taken again; the condition in the UPDATE makes two retrying firings take it once.
    result = session.execute(
        update(JobRun).where(JobRun.job == job, JobRun.period == period, JobRun.status == "failed")
        .values(status="running", holder=holder, started_at=now, finished_at=None, summary=None)
        .returning(JobRun.id))
    return cast(int | None, result.scalar())


def finish_run(db: Database, run_id: int, status: str, summary: str, now: dt.datetime) -> None:
    with db.uow() as uow:
        result = uow.session.execute(update(JobRun).where(JobRun.id == run_id)
                                     .values(status=status, finished_at=now, summary=summary[:SUMMARY_LIMIT])
                                     .execution_options(synchronize_session=False))
        assert cast(CursorResult, result).rowcount == 1, f"job run {run_id} vanished"
        uow.commit()


def last_runs(db: Database) -> dict[str, RunView]:
    """Each job's latest run."""
    with db.uow() as uow:
        latest = select(func.max(JobRun.id)).group_by(JobRun.job)
        rows = uow.session.scalars(select(JobRun).where(JobRun.id.in_(latest))).all()
        return {r.job: _view(r) for r in rows}


def run_for(db: Database, job: str, period: str) -> RunView | None:
    with db.uow() as uow:
        r = uow.session.scalar(select(JobRun).where(JobRun.job == job, JobRun.period == period))
        return None if r is None else _view(r)


def _view(r: JobRun) -> RunView:
    finished = as_utc(r.finished_at) if r.finished_at else None
    return RunView(r.job, r.period, r.status, r.holder, as_utc(r.started_at), finished, r.summary)
