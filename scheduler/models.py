"""The scheduler's tables: who leads among the processes, and each job's run per period."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.kernel import Base, utcnow


class SchedulerLease(Base):
    """Who leads the scheduler among the app processes: the holder renews before `expires_at`; when it dies
    the lease runs out and another process takes it over."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # "scheduler"
    holder: Mapped[str] = mapped_column(String(120))  # host:pid:random
    expires_at: Mapped[dt.datetime]
    acquired_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class JobRun(Base):
    """One scheduled job's run for one period: UNIQUE(job, period) is what stops a cycle running twice,
    whichever process or catch-up fires it."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "period", name="uq_job_run_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(40))  # e.g. 2026-11-22 for a daily job, 2026-11 for monthly
    holder: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | done | failed
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    summary: Mapped[str | None] = mapped_column(Text)
