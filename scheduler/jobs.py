"""The scheduled jobs: each a stable id, a schedule from the settings, and a thin call into `core` (or `bot`, to
retrain its understanding). A job whose schedule is empty is off.

A job's work takes the time it was due (in the scheduler's timezone) rather than the time it runs, so
a catch-up after downtime does the missed cycle's work. Periodic jobs name their period (the cycle's
date); the runner records it in `job_runs` so a period's work happens once. Jobs without a period
(the outbox dispatcher) are idempotent passes that may run any number of times.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from core.bootstrap import Services
from core.conversations import send_receipts, tell_unanswered_handoffs
from core.kernel import Actor, Settings
from core.outbox import Sender, dispatch
from core.payments import charge_scheduled, check_plans, reconcile
from core.statements import (
    deliver_after_cycle,
    ensure_statement_pdf,
    make_print_batch,
    run_statements,
    statement_date_for,
)
from scheduler.leader import Clock

SCHEDULER_ACTOR = Actor("scheduler", "scheduler")
SendersFactory = Callable[[], Mapping[str, Sender]]
DAY = dt.timedelta(days=1)
RECONCILE_PENDING_AFTER = dt.timedelta(minutes=15)  # as `aragent payments reconcile` does by default
OUTBOX_PASSES_SECONDS = 20  # under the default 30 s interval, so two outbox jobs never overlap


@dataclass(frozen=True)
class JobContext:
    services: Services
    senders_factory: SendersFactory
    holder: str  # the lease holder running the job, written on its JobRun
    clock: Clock


@dataclass(frozen=True)
class JobSpec:
    id: str  # stable: the job store and job_runs know a job by it
    description: str
    schedule: Callable[[Settings], str]  # a crontab expression, or `every N s`
    work: Callable[[JobContext, dt.datetime], str]  # (context, when it was due) -> a one-line summary
    period: Callable[[dt.datetime, Settings], str] | None = None  # None: idempotent, runs each firing
    misfire_grace: dt.timedelta = DAY  # a firing missed by more than this is dropped, not caught up


def _statements(ctx: JobContext, due: dt.datetime) -> str:
    services = ctx.services
    statement_date = _statement_date(due, services.settings)
    summary = run_statements(services.db, services.settings, services.files, statement_date=statement_date,
                             finance_charges_on=statement_date, actor=SCHEDULER_ACTOR)
    delivered = deliver_after_cycle(services, statement_date, SCHEDULER_ACTOR)
    return (f"statements for {statement_date}: created {summary.created}, skipped {summary.skipped}, "
            f"{summary.finance_charges} finance charges; {len(delivered)} deliveries")


def _statement_date(due: dt.datetime, settings: Settings) -> dt.date:
    return statement_date_for(due, settings.statement_cutoff_hour)


def _dunning(ctx: JobContext, due: dt.datetime) -> str:
    from core.dunning import run_dunning

    evaluated = run_dunning(ctx.services, due.date(), SCHEDULER_ACTOR)
    queued = sum(result.status == "queued" for result in evaluated)
    return f"dunning for {due.date()}: {len(evaluated)} customers evaluated, {queued} messages queued"


def _aging(ctx: JobContext, due: dt.datetime) -> str:
    from core.ledger import age_balances

    moved = age_balances(ctx.services.db.uow(), due.date(), forward_only=True)
    return f"kept balances aged to {due.date()}: {moved} balances had invoices move bucket"


def _scheduled_payments(ctx: JobContext, due: dt.datetime) -> str:
    # Every configured processor: a payment scheduled through one stays with it if the default changes.
    outcomes = [line for adapter in ctx.services.processors.values()
                for line in charge_scheduled(ctx.services.db.uow, adapter, due.date(), SCHEDULER_ACTOR,
                                             ctx.services.branding)]
    return f"scheduled payments due by {due.date()}: {len(outcomes)} charged" + _details(outcomes)


def _autopay(ctx: JobContext, due: dt.datetime) -> str:
    from core.payments import run_autopay

    services = ctx.services
    outcomes = run_autopay(services.db.uow, services.settings, processor=services.processor.name, today=due.date(),
                           now=ctx.clock(), branding=services.branding)
    return f"autopay for {due.date()}: {len(outcomes)} customers" + _details(outcomes)


def _plans(ctx: JobContext, due: dt.datetime) -> str:
    services = ctx.services
    outcomes = check_plans(services.db.uow, due.date(), SCHEDULER_ACTOR, services.branding, services.settings)
    return f"instalment plans checked on {due.date()}: {len(outcomes)} moved" + _details(outcomes)


def _reconcile(ctx: JobContext, due: dt.datetime) -> str:
    outcomes = [line for adapter in ctx.services.processors.values()
                for line in reconcile(ctx.services.db.uow, adapter, RECONCILE_PENDING_AFTER, SCHEDULER_ACTOR,
                                      ctx.services.branding, now=ctx.clock())]
    return f"reconciled {len(outcomes)} pending payments" + _details(outcomes)


def _print_batch(ctx: JobContext, due: dt.datetime) -> str:
    batch = make_print_batch(ctx.services, due.date(), SCHEDULER_ACTOR)
    if batch is None:
        return f"print batch {due.date()}: nothing to mail"
    return f"print batch {due.date()}: {batch.pieces} pieces, {batch.pages} pages in {batch.pdf_path}"


def _outbox(ctx: JobContext, due: dt.datetime) -> str:
    from core.dunning import cancel_paid_dunning

    services = ctx.services
    # Before sending: no reminder goes out for an invoice paid since it was queued.
    canceled = cancel_paid_dunning(services.db, SCHEDULER_ACTOR, today=due.date())
    # A payment that succeeded since the last pass owes its customer a receipt.
    receipts = send_receipts(services, services.branding, due.date(), SCHEDULER_ACTOR)
    # A customer who asked for a person and waited past the time promised hears so, and that BOT brings the bot back.
    late = tell_unanswered_handoffs(services.db.uow(), services.settings, ctx.clock())
    senders, started = ctx.senders_factory(), time.monotonic()
    totals = {"sent": 0, "failed": 0, "deferred": 0, "held": 0}
    # Pass after pass while there is work, within the interval: a dunning run's thousands of messages go out
    # in minutes, not one pass of a hundred every interval.
    while True:
        summary = dispatch(services.db, services.files, senders, settings=services.settings,
                           statement_pdf=ensure_statement_pdf, now=ctx.clock())
        for name in totals:
            totals[name] += getattr(summary, name)
        if not (summary.sent or summary.failed) or time.monotonic() - started > OUTBOX_PASSES_SECONDS:
            break
    return (f"outbox: {totals['sent']} sent, {totals['failed']} failed, {totals['deferred']} deferred, "
            f"{totals['held']} held; {canceled} dunning messages canceled as paid; {receipts} receipts queued; "
            f"{late} late-handoff notices queued")


def _nlu_retrain(ctx: JobContext, due: dt.datetime) -> str:
    from bot import nlu_reviews  # the model's libraries load only where the job runs

    return "; ".join(nlu_reviews.report(nlu_reviews.retrain(ctx.services)))


def _details(outcomes: list[str]) -> str:
    return (": " + "; ".join(outcomes)) if outcomes else ""


def _by_date(due: dt.datetime, _settings: Settings) -> str:
    return due.date().isoformat()


def _by_minute(due: dt.datetime, _settings: Settings) -> str:
    return due.strftime("%Y-%m-%dT%H:%M")


STANDARD_JOBS: tuple[JobSpec, ...] = (
    JobSpec("statements", "monthly statement cycle (finance charges, statements, delivery)",
            lambda s: s.statements_cron, _statements,
            period=lambda due, s: _statement_date(due, s).isoformat(),
            misfire_grace=7 * DAY),  # a cycle missed over a long weekend still runs, dated as it was due
    JobSpec("aging", "age the kept balances to the new day (the day's aging report and dunning read them)",
            lambda s: s.aging_cron, _aging, period=_by_date),
    JobSpec("dunning", "daily dunning cycle", lambda s: s.dunning_cron, _dunning, period=_by_date),
    JobSpec("scheduled_payments", "charge scheduled payments due", lambda s: s.scheduled_payments_cron,
            _scheduled_payments, period=_by_date),
    JobSpec("autopay", "autopay: schedule and announce the charges due in ARAGENT_AUTOPAY_NOTICE_DAYS days",
            lambda s: s.autopay_cron, _autopay, period=_by_date),
    JobSpec("plans", "check instalment plans: complete, report a missed instalment, break after the grace",
            lambda s: s.plans_cron, _plans, period=_by_date),
    JobSpec("outbox", "cancel paid dunning, send approved messages",
            lambda s: f"every {s.outbox_interval_seconds} s", _outbox, misfire_grace=dt.timedelta(hours=1)),
    JobSpec("print_batch", "daily print/mail batch", lambda s: s.print_batch_cron, _print_batch, period=_by_date),
    JobSpec("reconcile", "send charges never sent, read back payments pending too long",
            lambda s: s.reconcile_cron, _reconcile, period=_by_minute, misfire_grace=dt.timedelta(hours=1)),
    JobSpec("nlu_retrain", "retrain the bot's understanding on the messages labelled in the console",
            lambda s: s.nlu_retrain_cron, _nlu_retrain, period=_by_date),  # off unless ARAGENT_NLU_RETRAIN_CRON
)


def enabled(jobs: Iterable[JobSpec], settings: Settings) -> list[JobSpec]:
    """The jobs with a schedule: an empty one (`ARAGENT_NLU_RETRAIN_CRON` by default) turns its job off."""
    return [spec for spec in jobs if spec.schedule(settings).strip()]
