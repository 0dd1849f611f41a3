"""The daily check of current instalment plans (a scheduler job), one plan per transaction:

    every instalment's payment succeeded ──▶ completed
    an instalment missed: its payment failed (or was canceled, returned…), or it is still not paid `grace_days`
    after its date ──▶ marked missed; the customer is told (with a "Pay online" link, whose page pays exactly that
    instalment: core.payments.plan_pay) and staff see it (an audit line on the customer, and the console's Plans
    panel)
    still missed `grace_days` after that, and not being paid now (a payment in flight runs its course first)
    ──▶ broken: the unpaid instalments' scheduled payments are canceled, and dunning asks for the invoices again
    (they are no longer in a current plan)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.documents import pay_link
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.db import UnitOfWork
from core.kernel.money import Money
from core.ledger.models import Customer, PaymentPlan
from core.ledger.plans import plan_terms
from core.outbox import lifecycle as outbox
from core.outbox.messages import render
from core.outbox.recipients import first_reachable
from core.payments.notices import CHANNELS, Branding
from core.payments.plans import end_unpaid, standing

MISSED = ("failed", "canceled", "returned", "refunded", "disputed")


@dataclass(frozen=True)
class Missed:
    seq: int
    due_on: dt.date
    amount: Money


def is_missed(status: str | None, due_on: dt.date, today: dt.date, grace_days: int) -> bool:
    """An instalment not paid: its payment failed (for good) or went back, or it is still unpaid past its date and
    the grace."""
    if status in ("succeeded", "retrying"):
        return False  # paid, or a declined charge is being retried (core.payments.retries): its chain decides
    return status in MISSED or status is None or today > due_on + dt.timedelta(days=grace_days)


def check_plans(uow_factory: Callable[[], UnitOfWork], today: dt.date, actor: Actor, branding: Branding,
                settings: Settings) -> list[str]:
    """Complete, report and break the current plans as of `today`; one line per plan that moved."""
    with uow_factory() as uow:
        ids = list(uow.session.scalars(select(PaymentPlan.id).where(PaymentPlan.status == "current")
                                       .order_by(PaymentPlan.id)))
    outcomes = []
    for plan_id in ids:
        with uow_factory() as uow:
            outcome = _check(uow, plan_id, today, actor, branding, settings)
            uow.commit()
        if outcome:
            outcomes.append(outcome)
    return outcomes


def _check(uow: UnitOfWork, plan_id: int, today: dt.date, actor: Actor, branding: Branding,
           settings: Settings) -> str:
    plan = uow.session.get(PaymentPlan, plan_id, with_for_update=True)
    if plan is None or plan.status != "current":
        return ""
    customer = uow.session.get(Customer, plan.customer_id)
    assert customer is not None
    grace = plan_terms(uow.session, customer.class_id, customer.currency, settings.plan_defaults).grace_days
    rows = standing(uow.session, plan.id)
    if rows and all(status == "succeeded" for _, status in rows):
        plan.status, plan.ended_on = "completed", today
        audit.record(uow.session, actor, "plan.completed", customer_id=customer.id, subject=f"plan:{plan.id}",
                     total=str(Money.from_minor(plan.total_minor, plan.currency).amount), currency=plan.currency)
        return f"plan {plan.id}: completed"
    newly = []
    for instalment, status in rows:
        if instalment.missed_on is None and is_missed(status, instalment.due_on, today, grace):
            instalment.missed_on = today
            newly.append(Missed(instalment.seq, instalment.due_on,
                                Money.from_minor(instalment.amount_minor, instalment.currency)))
    overdue = [i for i, status in rows if i.missed_on is not None and status not in ("succeeded", "pending")
               and today >= i.missed_on + dt.timedelta(days=grace)]
    if overdue:
        canceled = end_unpaid(uow, customer, plan, actor)
        plan.status, plan.ended_on = "broken", today
        plan.end_reason = f"instalment {overdue[0].seq} of {overdue[0].due_on.isoformat()} not paid within " \
                          f"{grace} days of being missed"
        audit.record(uow.session, actor, "plan.broken", customer_id=customer.id, subject=f"plan:{plan.id}",
                     instalment=overdue[0].seq, due_on=overdue[0].due_on.isoformat(), grace_days=grace,
                     payments_canceled=canceled)
        return f"plan {plan.id}: broken ({plan.end_reason}); dunning resumes"
    for missed in newly:
        audit.record(uow.session, actor, "plan.instalment_missed", customer_id=customer.id, subject=f"plan:{plan.id}",
                     instalment=missed.seq, due_on=missed.due_on.isoformat(), amount=str(missed.amount.amount),
                     currency=missed.amount.currency, breaks_on=(today + dt.timedelta(days=grace)).isoformat())
        _tell_customer(uow.session, customer, plan, missed, today + dt.timedelta(days=grace), actor, branding,
                       settings)
    return f"plan {plan.id}: instalment {newly[0].seq} missed" if newly else ""


def _tell_customer(session: Session, customer: Customer, plan: PaymentPlan, missed: Missed, breaks_on: dt.date,
                   actor: Actor, branding: Branding, settings: Settings) -> None:
    """The notice a missed instalment owes the customer, with their "Pay online" link; or an audit line why none."""
    found = first_reachable(customer, CHANNELS)
    if isinstance(found, str):
        audit.record(session, actor, "notification.skipped", customer_id=customer.id, subject=f"plan:{plan.id}",
                     template="plan_missed", reason=found)
        return
    channel, recipient = found
    context = dict(seller=branding.seller_name, customer_name=customer.name, plan=plan.id, seq=missed.seq,
                   due_on=f"{missed.due_on:%b} {missed.due_on.day}, {missed.due_on.year}",
                   amount=missed.amount.format(), breaks_on=f"{breaks_on:%b} {breaks_on.day}, {breaks_on.year}",
                   pay_url=pay_link(settings, customer.code), phone=branding.seller_phone,
                   telegram_bot=branding.telegram_bot)
    subject = render("plan_missed.email.subject.txt", **context) if channel == "email" else ""
    outbox.queue(session, actor, channel=channel, recipient=recipient, template=f"plan_missed.{channel}",
                 subject=subject, body_text=render(f"plan_missed.{channel}.txt", **context), reason="plan_missed",
                 customer_id=customer.id, dedupe_key=f"plan:{plan.id}:missed:{missed.seq}:{missed.due_on}",
                 approved=True)
