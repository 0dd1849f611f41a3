"""The job store: APScheduler's SQLAlchemy store in the app's own database, table `apscheduler_jobs`.

It keeps each job's next run time across restarts, which is what lets a firing missed while no process
led be caught up at the next start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy import Engine

from core.kernel import reconnecting

JOB_TABLE = "apscheduler_jobs"
JOB_FUNCTION = "scheduler.store:unbound_job"  # what the store's rows name; see JobTable


def unbound_job() -> None:
    raise RuntimeError("a stored job runs only after the scheduler that read it bound it to its services")


class JobTable(SQLAlchemyJobStore):
    """The job store, in the app's database. Its rows name a job by id only: services cannot be pickled, so
    each process binds the id to its own as it reads a row — after a failover, the new leader's."""

    def __init__(self, engine: Engine, bind: Callable[[str], Callable[[], object]]) -> None:
        super().__init__(engine=engine, tablename=JOB_TABLE)
        self._bind = bind

    def _reconstitute_job(self, job_state: bytes) -> Any:
        job = super()._reconstitute_job(job_state)
        job.func = self._bind(job.id)
        return job

    # APScheduler's loop lets an error from these end its thread (the scheduler would stop for good): a lost
    # connection is tried again on a fresh one. All are safe to repeat.
    def update_job(self, job: Any) -> None:
        reconnecting(lambda: super(JobTable, self).update_job(job))

    def remove_job(self, job_id: str) -> None:
        reconnecting(lambda: super(JobTable, self).remove_job(job_id))

    def get_next_run_time(self) -> Any:
        return reconnecting(lambda: super(JobTable, self).get_next_run_time())

    def get_due_jobs(self, now: Any) -> Any:
        return reconnecting(lambda: super(JobTable, self).get_due_jobs(now))

    def shutdown(self) -> None:
        """The engine is the app's and outlives the store (APScheduler's own store would dispose of it)."""

    def due_now(self, job_id: str) -> None:
        """Make a stored job due at once, for whichever scheduler leads; nothing else about it changes."""
        job = self.lookup_job(job_id)
        if job is not None:
            job._modify(next_run_time=dt.datetime.now(dt.UTC))  # Job's public modify needs a running scheduler
            self.update_job(job)
