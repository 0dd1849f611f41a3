"""The runner: APScheduler fires the jobs, but only in the process that holds the leader lease.

Every process keeps a lease keeper thread that takes (or renews) the lease every third of its length.
On winning it starts a BackgroundScheduler over the job store in the app's database; on losing it, or on
failing to reach the database to renew it, it stops that scheduler at once. Each firing checks the lease
again before any work, and periodic jobs then claim their period in `job_runs`, so a job does its
period's work once across processes, restarts and catch-ups.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable, Iterable

import structlog
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from sqlalchemy.exc import SQLAlchemyError

from core.bootstrap import Services
from scheduler.jobs import STANDARD_JOBS, JobContext, JobSpec, SendersFactory, enabled
from scheduler.leader import Clock, Lease
from scheduler.runs import Outcome, run_job
from scheduler.store import JOB_FUNCTION, JobTable
from scheduler.triggers import trigger_for

log = structlog.get_logger("aragent.scheduler")


class Scheduler:
    """One process's scheduler. `senders_factory` gives the outbox its senders (the channels build them; the
    scheduler may not import channels). `clock` and `lease_seconds` are for tests; `jobs` too."""

    def __init__(self, services: Services, senders_factory: SendersFactory, *, lease_seconds: float = 30,
                 clock: Clock | None = None, jobs: Iterable[JobSpec] = STANDARD_JOBS) -> None:
        self.services = services
        self.lease = Lease(services.db, seconds=lease_seconds, clock=clock)
        self.jobs = {spec.id: spec for spec in enabled(jobs, services.settings)}  # a job turned off is not put in
        zone = services.settings.scheduler_timezone
        self.triggers: dict[str, BaseTrigger] = {
            spec.id: trigger_for(spec.schedule(services.settings), zone) for spec in self.jobs.values()}
        self._context = JobContext(services, senders_factory, self.lease.holder, self.lease.clock)
        self._renew_every = lease_seconds / 3
        self._aps: BackgroundScheduler | None = None
        self._store: JobTable | None = None  # the running scheduler's
        self._lock = threading.RLock()
        self._running = False
        self._wake = threading.Event()
        self._keeper: threading.Thread | None = None

    @property
    def holder(self) -> str:
        return self.lease.holder

    @property
    def is_leader(self) -> bool:
        """Whether this process is running the jobs now."""
        return self._aps is not None

    def start(self) -> None:
        """Try for the lease at once (so the caller knows where it stands), then keep trying in the background."""
        self._running = True
        self.keep_lease()
        self._keeper = threading.Thread(target=self._keep, name=f"scheduler-lease {self.holder}", daemon=True)
        self._keeper.start()

    def stop(self) -> None:
        """Stop firing, let a job in progress finish, and hand the lease back for a standby to take at once."""
        self._running = False
        self._wake.set()
        if self._keeper is not None:
            self._keeper.join()
            self._keeper = None
        self._stop_jobs(wait=True)
        try:
            self.lease.release()  # only if it is ours
        except SQLAlchemyError as exc:  # it expires on its own
            log.warning("scheduler.release_failed", holder=self.holder, error=str(exc))

    def fire(self, job_id: str) -> Outcome:
        """Run a job now in this thread, provided this process still holds the lease. Each firing does this."""
        if not (self._running and self._holds_lease()):
            log.warning("job.refused", job=job_id, holder=self.holder, reason="not the leader")
            self._hand_back(job_id)
            return Outcome(job_id, "refused", None, "this process does not hold the scheduler lease")
        return run_job(self._context, self.jobs[job_id], self.triggers[job_id])

    def _holds_lease(self) -> bool:
        try:
            return self.lease.acquire()
        except SQLAlchemyError as exc:
            log.warning("scheduler.lease_unreachable", holder=self.holder, error=str(exc))
            return False

    def _hand_back(self, job_id: str) -> None:
        """A firing refused here is made due again at once in the job store, for the leader to catch up (its
        JobRun keeps that to once); this process stops firing first. Without it, a leader that stalled past
        its lease would take the firing from the store and drop it."""
        store = self._store
        if store is None:  # this process never led: the firing came from a caller, not from the store
            return
        self._stop_jobs(wait=False)
        try:
            store.due_now(job_id)
        except SQLAlchemyError as exc:
            log.warning("job.hand_back_failed", job=job_id, error=str(exc))
        self._wake.set()

    def _keep(self) -> None:
        while self._running:
            self._wake.wait(self._renew_every)
            self._wake.clear()
            if self._running:
                self.keep_lease()

    def keep_lease(self) -> None:
        """One round of the keeper: take or renew the lease, then start or stop this process's jobs to match."""
        held = self._holds_lease()
        with self._lock:
            if not self._running:
                return
            if not held and self._aps is not None:
                log.warning("scheduler.lease_lost", holder=self.holder)
                self._stop_jobs(wait=False)
            elif held and self._aps is None:
                self._aps = self._start_jobs()

    def _start_jobs(self) -> BackgroundScheduler | None:
        self._store = JobTable(self.services.db.engine, self._bound)
        aps = BackgroundScheduler(jobstores={"default": self._store},
                                  executors={"default": ThreadPoolExecutor(max_workers=4)},
                                  job_defaults={"coalesce": True, "max_instances": 1},
                                  timezone=self.services.settings.scheduler_timezone)
        try:
            aps.start(paused=True)  # opens (and creates) the store; nothing fires until every job is in place
            self._put_jobs(aps)
            aps.resume()
        except SQLAlchemyError as exc:
            log.warning("scheduler.start_failed", holder=self.holder, error=str(exc))
            aps.shutdown(wait=False)
            return None
        log.info("scheduler.leading", holder=self.holder, jobs=sorted(self.jobs))
        return aps

    def _put_jobs(self, aps: BackgroundScheduler) -> None:
        now = dt.datetime.now(aps.timezone)
        for stored in aps.get_jobs():
            if stored.id not in self.jobs:  # a job this version no longer has
                aps.remove_job(stored.id)
        for spec in self.jobs.values():
            aps.add_job(JOB_FUNCTION, self.triggers[spec.id], id=spec.id, name=spec.description,
                        replace_existing=True, misfire_grace_time=int(spec.misfire_grace.total_seconds()),
                        **self._next_run(aps, spec.id, now))

    def _next_run(self, aps: BackgroundScheduler, job_id: str, now: dt.datetime) -> dict[str, dt.datetime]:
        """Replacing a stored job would reschedule it from now and forget a firing missed while no process
        led; keeping that past time makes the scheduler fire it once at start (coalesced, within the grace)."""
        stored = aps.get_job(job_id)
        if stored is not None and stored.next_run_time is not None and stored.next_run_time <= now:
            return {"next_run_time": stored.next_run_time}
        fresh = self.triggers[job_id].get_next_fire_time(None, now)
        return {"next_run_time": fresh} if fresh is not None else {}

    def _bound(self, job_id: str) -> Callable[[], object]:
        return functools.partial(self.fire, job_id)

    def _stop_jobs(self, *, wait: bool) -> bool:
        """Stop this process's scheduler; True if it had one. `wait` lets a job in progress finish."""
        with self._lock:
            aps, self._aps = self._aps, None
        if aps is None:
            return False
        aps.shutdown(wait=wait)
        log.info("scheduler.standing_by", holder=self.holder)
        return True
