"""The scheduler on SQLite and PostgreSQL: one leader at a time, failover, and each period's work done once —
across processes, repeated firings, failures and catch-ups after downtime."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import column, select, table, text, update

from core.bootstrap import Services, bootstrap
from core.kernel.config import Settings
from core.outbox import lifecycle as outbox
from core.outbox.sending import OutgoingMessage
from core.statements.models import Statement, StatementRun
from scheduler import STANDARD_JOBS, JobContext, JobSpec, Lease, Scheduler, current_lease, upcoming
from scheduler.models import JobRun
from scheduler.runs import run_for, run_job
from scheduler.store import JOB_TABLE
from scheduler.triggers import crontab_weekdays, scheduled_time, trigger_for
from tests.books import TEST_ACTOR, customer, invoice

UTC = dt.UTC
T0 = dt.datetime(2026, 11, 2, 6, 0, tzinfo=UTC)  # a Monday


class FakeClock:
    def __init__(self, start: dt.datetime = T0) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


class Counter:
    """A job's work that counts its calls, failing the first `failures` of them."""

    def __init__(self, failures: int = 0) -> None:
        self.calls: list[dt.datetime] = []
        self.failures = failures
        self.lock = threading.Lock()

    def __call__(self, ctx: JobContext, due: dt.datetime) -> str:
        with self.lock:
            self.calls.append(due)
            if len(self.calls) <= self.failures:
                raise RuntimeError("the processor is down")
        return f"counted {due:%Y-%m-%d}"


def counting_job(work: Counter, schedule: str = "0 7 * * *", period: str | None = None) -> JobSpec:
    by_date: Callable[[dt.datetime, Settings], str] = lambda due, _s: due.date().isoformat()  # noqa: E731
    return JobSpec("count", "counts its runs", lambda _s: schedule, work,
                   period=(lambda _due, _s: period) if period else by_date)


JOBS_TABLE = table(JOB_TABLE, column("next_run_time"))


@pytest.fixture(autouse=True)
def no_job_table(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with no stored jobs, and leaves none: the schema test must see the models' tables only."""
    if "services" not in request.fixturenames:
        yield
        return
    services: Services = request.getfixturevalue("services")
    drop = text(f"DROP TABLE IF EXISTS {JOB_TABLE}")
    with services.db.engine.begin() as conn:
        conn.execute(drop)
    yield
    with services.db.engine.begin() as conn:
        conn.execute(drop)


def stored_next_run(services: Services) -> float:
    with services.db.engine.begin() as conn:
        return float(conn.execute(select(JOBS_TABLE.c.next_run_time)).scalar_one())


@pytest.fixture
def other_process(services: Services, tmp_path: Path) -> Iterator[Services]:
    """A second app process on the same database: its own engine and connection pool."""
    other = bootstrap(Settings(data_dir=tmp_path / "other", database_url=services.db.url))
    yield other
    other.close()


def make_scheduler(services: Services, *jobs: JobSpec, clock: Callable[[], dt.datetime] | None = None,
                   lease_seconds: float = 30) -> Scheduler:
    return Scheduler(services, dict, lease_seconds=lease_seconds, clock=clock, jobs=jobs)


def wait_for(condition: Callable[[], bool], seconds: float = 2.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


# -- the lease ---------------------------------------------------------------------------------------


def test_one_holder_at_a_time_and_renewal_keeps_it(services: Services, other_process: Services) -> None:
    clock = FakeClock()
    first, second = Lease(services.db, clock=clock), Lease(other_process.db, clock=clock)
    assert first.acquire() and not second.acquire()
    clock.advance(20)
    assert first.acquire()  # renewed at +20 s: good until +50 s
    clock.advance(25)
    assert not second.acquire(), "the renewed lease is still the first holder's"
    lease = current_lease(services.db)
    assert lease is not None and lease.holder == first.holder
    assert lease.expires_at == T0 + dt.timedelta(seconds=50) and lease.acquired_at == T0


def test_another_process_takes_over_when_the_lease_expires(services: Services, other_process: Services) -> None:
    clock = FakeClock()
    dead, standby = Lease(services.db, clock=clock), Lease(other_process.db, clock=clock)
    assert dead.acquire()
    clock.advance(30)  # the holder died: no renewal
    assert standby.acquire()
    assert not dead.acquire(), "a holder that let its lease lapse has lost it"
    assert current_lease(services.db).holder == standby.holder  # type: ignore[union-attr]


def test_a_released_lease_is_taken_at_once(services: Services, other_process: Services) -> None:
    clock = FakeClock()
    leaving, standby = Lease(services.db, clock=clock), Lease(other_process.db, clock=clock)
    assert leaving.acquire() and not standby.acquire()
    leaving.release()
    assert standby.acquire()


def test_two_processes_racing_for_a_new_lease_get_one_holder(services: Services, other_process: Services) -> None:
    leases = [Lease(services.db), Lease(other_process.db)]
    start, won = threading.Barrier(2), []

    def race(lease: Lease) -> None:
        start.wait()
        won.append(lease.acquire())

    threads = [threading.Thread(target=race, args=(lease,)) for lease in leases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won) == [False, True]


# -- leadership --------------------------------------------------------------------------------------


def test_a_process_that_lost_the_lease_stops_running_jobs(services: Services, other_process: Services) -> None:
    clock, work = FakeClock(), Counter()
    old = make_scheduler(services, counting_job(work), clock=clock)
    new = make_scheduler(other_process, counting_job(work), clock=clock)
    old.start()
    new.start()
    try:
        assert old.is_leader and not new.is_leader
        assert new.fire("count").status == "refused"
        clock.advance(31)  # the leader stalled past its lease; the standby's keeper takes it
        new.keep_lease()
        assert new.is_leader
        assert old.fire("count").status == "refused" and work.calls == []
        assert not old.is_leader, "the old leader's scheduler keeps running"
        # The refused firing is handed to the new leader, which does the period's work once.
        assert new.fire("count").status in ("done", "skipped")
        assert wait_for(lambda: len(work.calls) == 1)
        # The handed-over firing runs on the scheduler's thread: its run is recorded done just after the work.
        wait_for(lambda: getattr(run_for(services.db, "count", "2026-11-01"), "status", None) == "done")
        run = run_for(services.db, "count", "2026-11-01")
        assert run is not None and run.status == "done" and run.holder == new.holder
    finally:
        old.stop()
        new.stop()


def test_two_schedulers_on_one_database_run_a_job_once_for_its_period(
        services: Services, other_process: Services) -> None:
    work = Counter()
    job = counting_job(work, schedule="every 0.2 s", period="2026-11-02")
    schedulers = [make_scheduler(services, job), make_scheduler(other_process, job)]
    start = threading.Barrier(2)

    def run(s: Scheduler) -> None:
        start.wait()
        s.start()

    threads = [threading.Thread(target=run, args=(s,)) for s in schedulers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert sorted(s.is_leader for s in schedulers) == [False, True]
        assert wait_for(lambda: run_for(services.db, "count", "2026-11-02") is not None)
        time.sleep(0.6)  # a few more firings of the same period
        assert len(work.calls) == 1
        assert run_for(services.db, "count", "2026-11-02").status == "done"  # type: ignore[union-attr]
    finally:
        for s in schedulers:
            s.stop()


def test_two_processes_firing_the_same_period_at_once_do_its_work_once(
        services: Services, other_process: Services) -> None:
    """Even without the lease (one leader paused past its lease while the next began), JobRun lets one in."""
    work = Counter()
    job = counting_job(work, period="2026-11-02")
    start, outcomes = threading.Barrier(2), []

    def fire(app: Services) -> None:
        ctx = JobContext(app, dict, f"holder-{id(app)}", lambda: T0)
        start.wait()
        outcomes.append(run_job(ctx, job, trigger_for("0 7 * * *", "UTC")).status)

    threads = [threading.Thread(target=fire, args=(app,)) for app in (services, other_process)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["done", "skipped"] and len(work.calls) == 1


# -- once per period, failures, catch-up ----------------------------------------------------------------


def test_a_second_firing_of_the_same_period_does_nothing(services: Services) -> None:
    clock, work = FakeClock(dt.datetime(2026, 11, 2, 7, 0, tzinfo=UTC)), Counter()
    s = make_scheduler(services, counting_job(work), clock=clock)
    s.start()
    try:
        assert s.fire("count").status == "done"
        clock.advance(3600)
        again = s.fire("count")
        assert (again.status, again.period) == ("skipped", "2026-11-02") and len(work.calls) == 1
    finally:
        s.stop()


def test_a_failed_run_is_marked_failed_and_the_next_firing_retries_it(services: Services) -> None:
    clock, work = FakeClock(dt.datetime(2026, 11, 2, 7, 0, tzinfo=UTC)), Counter(failures=1)
    s = make_scheduler(services, counting_job(work), clock=clock)
    s.start()
    try:
        failed = s.fire("count")
        run = run_for(services.db, "count", "2026-11-02")
        assert failed.status == "failed" and run is not None and run.status == "failed"
        assert "the processor is down" in (run.summary or "")
        clock.advance(60)
        assert s.fire("count").status == "done"
        run = run_for(services.db, "count", "2026-11-02")
        assert run is not None and run.status == "done" and run.summary == "counted 2026-11-02"
        assert len(work.calls) == 2
        with services.db.uow() as uow:
            assert uow.session.scalar(select(JobRun.id).where(JobRun.job == "count").limit(2).offset(1)) is None
    finally:
        s.stop()


@pytest.mark.parametrize(("restart_at", "period"), [
    (dt.datetime(2026, 11, 3, 6, 30, tzinfo=UTC), "2026-11-02"),  # before today's 07:00: yesterday's run
    (dt.datetime(2026, 11, 3, 8, 0, tzinfo=UTC), "2026-11-03"),  # after it: both missed runs coalesce into one
])
def test_catch_up_after_a_missed_day_runs_the_job_once(services: Services, restart_at: dt.datetime,
                                                        period: str) -> None:
    work = Counter()
    with time_machine.travel(T0, tick=True):  # Monday 06:00: the job store says "next at 07:00"
        s = make_scheduler(services, counting_job(work))
        s.start()
        s.stop()
    with time_machine.travel(restart_at, tick=True):  # back after the downtime
        s = make_scheduler(services, counting_job(work))
        s.start()
        try:
            assert wait_for(lambda: len(work.calls) == 1), "the missed run was not caught up"
        finally:
            s.stop()
        assert run_for(services.db, "count", period).status == "done"  # type: ignore[union-attr]
        # A restart does not catch up again; nor does a store that lost its update (JobRun stops it).
        with services.db.engine.begin() as conn:
            conn.execute(update(JOBS_TABLE).values(next_run_time=T0.timestamp()))
        s = make_scheduler(services, counting_job(work))
        s.start()
        try:
            assert wait_for(lambda: stored_next_run(services) > restart_at.timestamp()), "it did not fire"
        finally:
            s.stop()
    assert len(work.calls) == 1


def test_a_catch_up_firing_stands_for_the_time_it_was_due() -> None:
    statements = trigger_for("0 2 1 * *", "UTC")
    late = dt.datetime(2026, 11, 3, 9, 15, tzinfo=UTC)  # the servers were down over the 1st
    assert scheduled_time(statements, late, dt.timedelta(days=8)) == dt.datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    assert scheduled_time(trigger_for("every 30 s", "UTC"), late, dt.timedelta(days=1)) is None


# -- the jobs themselves -------------------------------------------------------------------------------


def test_the_statements_job_fired_at_2am_on_the_1st_dates_the_previous_day(services: Services) -> None:
    customer(services.db)
    invoice(services.db, "1001", "500.00", "2026-10-05")
    statements = next(job for job in STANDARD_JOBS if job.id == "statements")
    s = make_scheduler(services, statements, clock=lambda: dt.datetime(2026, 11, 1, 2, 0, tzinfo=UTC))
    s.start()
    try:
        outcome = s.fire("statements")
    finally:
        s.stop()
    assert (outcome.status, outcome.period) == ("done", "2026-10-31"), outcome.summary
    with services.db.uow() as uow:
        assert uow.session.scalars(select(StatementRun.statement_date)).all() == [dt.date(2026, 10, 31)]
        assert uow.session.scalars(select(Statement.statement_date)).all() == [dt.date(2026, 10, 31)]


class FakeSender:
    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> str:
        self.sent.append(message)
        return f"fake-{len(self.sent)}"


def test_the_outbox_job_sends_approved_messages_through_the_channels_senders(services: Services) -> None:
    with services.db.uow() as uow:
        outbox.queue(uow.session, TEST_ACTOR, channel="email", recipient="ap@acme.example", template="receipt",
                     subject="Your receipt", body_text="Thank you.", approved=True)
        uow.commit()
    sender = FakeSender()
    outbox_job = next(job for job in STANDARD_JOBS if job.id == "outbox")
    tomorrow_noon = dt.datetime.combine(dt.date.today() + dt.timedelta(days=1), dt.time(12), UTC)
    s = Scheduler(services, lambda: {"email": sender}, clock=lambda: tomorrow_noon, jobs=[outbox_job])
    s.start()
    try:
        first, second = s.fire("outbox"), s.fire("outbox")
    finally:
        s.stop()
    assert (first.status, first.period) == ("done", None) and first.summary.startswith("outbox: 1 sent")
    assert second.status == "done", "an interval job runs at every firing; the outbox itself sends once"
    assert [m.subject for m in sender.sent] == ["Your receipt"]


def test_crontab_weekdays_count_from_sunday() -> None:
    assert crontab_weekdays("1-5") == "mon,tue,wed,thu,fri"
    assert crontab_weekdays("0,6") == crontab_weekdays("6-7") == "sun,sat"
    friday_5pm = dt.datetime(2026, 11, 6, 17, 0, tzinfo=UTC)
    monday_5pm = trigger_for("0 17 * * 1-5", "UTC").get_next_fire_time(None, friday_5pm + dt.timedelta(minutes=1))
    assert monday_5pm == dt.datetime(2026, 11, 9, 17, 0, tzinfo=UTC)


def test_upcoming_lists_every_job_from_its_trigger_without_the_lease(services: Services) -> None:
    now = dt.datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
    jobs = {u.job: u for u in upcoming(services, now=now)}
    assert set(jobs) == {"statements", "aging", "dunning", "scheduled_payments", "plans", "outbox", "print_batch",
                         "reconcile", "autopay"}
    assert jobs["aging"].next_run == dt.datetime(2026, 11, 3, 0, 5, tzinfo=UTC)  # just after midnight
    assert jobs["statements"].next_run == dt.datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    assert jobs["dunning"].next_run == dt.datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
    assert jobs["autopay"].next_run == dt.datetime(2026, 11, 3, 5, 30, tzinfo=UTC)  # before the scheduled payments
    assert jobs["outbox"].schedule == "every 30 s"
    assert current_lease(services.db) is None


def test_the_outbox_job_tells_a_customer_waiting_for_a_person_that_no_one_has_taken_the_chat(
        services: Services) -> None:
    """The chat asked for an agent on a Monday morning, in business hours; no one took it within the 15 minutes
    promised. The outbox job's next pass queues the notice (once) and sends it on the chat's own channel."""
    from tests.integration.bot.test_dialogue import Chat, acme_book
    from tests.integration.bot.test_trust_methods_agent import MONDAY_MORNING_ET, hours

    acme_book(services.db)
    hours(services)
    chat = Chat(services, now=MONDAY_MORNING_ET)
    chat.say("agent")
    sender = FakeSender()
    outbox_job = next(job for job in STANDARD_JOBS if job.id == "outbox")
    later = MONDAY_MORNING_ET + dt.timedelta(minutes=20)
    s = Scheduler(services, lambda: {"sms": sender}, clock=lambda: later, jobs=[outbox_job])
    s.start()
    try:
        first, second = s.fire("outbox"), s.fire("outbox")
    finally:
        s.stop()
    assert "1 late-handoff notices queued" in first.summary, first.summary
    assert "0 late-handoff notices queued" in second.summary
    (told,) = sender.sent
    assert told.recipient == chat.sender and "BOT" in told.body_text
