"""Retrying failed scheduled charges: a soft decline is charged again on the settings' days, a hard one is not.

    scheduled payment P ──(its date: charge_scheduled)──▶ attempt 1 of N, key charge:P
        declined softly ──▶ attempt 2 planned on the attempt's day + retry_days[0]; ONE notice: "we will try again
                            on <date>", with a pay link; its invoices are free meanwhile (paid by the link, a check…)
        on that day ──▶ its invoices still open for what P pays, its method active? a new payment for the same
                        lines, key charge:P:retry1, charged at once; else the attempt is canceled, saying why
        … the last attempt declined, or a hard decline ──▶ the final notice (with a pay link); no more attempts

Each attempt is a payment of its own (pending → succeeded | failed, as any charge), so settlement, webhooks,
reconcile, receipts and the kept balances work on it unchanged, and a late event of one attempt can never move
another; `payment_attempts` chains them to P, the payment the customer agreed to. Only charges the scheduler makes
are retried: one a person makes now is answered with its decline at once, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Conflict
from core.ledger.models import Document, InvoiceHold, Payment
from core.ledger.posting import customer_by_code
from core.payments.declines import decline
from core.payments.models import PaymentAttempt, PaymentLine, PaymentMethod
from core.payments.notices import Branding, queue_payment_notice


def attempt_key(first_payment_id: int, attempt: int) -> str:
    """The processor's idempotency key of an attempt: the payment's own key, then one per retry."""
    return f"charge:{first_payment_id}" if attempt == 1 else f"charge:{first_payment_id}:retry{attempt - 1}"


def begin_attempts(session: Session, payment: Payment, today: dt.date, branding: Branding) -> None:
    """The scheduler charges a scheduled payment: attempt 1 of 1 + the retry days the settings give now."""
    session.add(PaymentAttempt(
        first_payment_id=payment.id, attempt=1, of_attempts=1 + len(branding.retry_days), payment_id=payment.id,
        idempotency_key=attempt_key(payment.id, 1), processor=payment.processor or "", planned_on=today,
        charged_at=dt.datetime.now(dt.UTC), outcome="charging"))


def key_of(session: Session, payment_id: int) -> str | None:
    """The key an attempt's payment is charged with (None: not an attempt; its own `charge:{id}`)."""
    return session.scalar(select(PaymentAttempt.idempotency_key).where(PaymentAttempt.payment_id == payment_id))


def after_outcome(session: Session, payment: Payment, status: str, reason: str | None, actor: Actor,
                  branding: Branding) -> bool:
    """Settlement moved `payment` to `status`: if it is an attempt, record how it ended and, for a decline, plan
    the next attempt or end the chain, with the one notice each owes. True when the notice was taken care of here."""
    attempt = session.scalars(select(PaymentAttempt).where(PaymentAttempt.payment_id == payment.id)
                              .with_for_update()).first()
    if attempt is None or attempt.outcome != "charging":
        return False
    attempt.outcome = {"succeeded": "succeeded", "failed": "failed"}.get(status, "canceled")
    attempt.failure_code = reason
    if status != "failed":  # succeeded; or canceled by the processor, which its own notice tells
        return False
    days = branding.retry_days
    if decline(reason).soft and attempt.attempt < attempt.of_attempts and attempt.attempt <= len(days):
        _plan_next(session, attempt, attempt.planned_on + dt.timedelta(days=days[attempt.attempt - 1]), reason,
                   actor, branding, payment)
        return True
    return _end(session, attempt, reason, actor, branding)


def _plan_next(session: Session, attempt: PaymentAttempt, on: dt.date, reason: str | None, actor: Actor,
               branding: Branding, payment: Payment) -> None:
    attempt.next_try_on = on
    session.add(PaymentAttempt(
        first_payment_id=attempt.first_payment_id, attempt=attempt.attempt + 1, of_attempts=attempt.of_attempts,
        idempotency_key=attempt_key(attempt.first_payment_id, attempt.attempt + 1), processor=attempt.processor,
        planned_on=on, outcome="planned"))
    audit.record(session, actor, "payment.retry_planned", customer_id=payment.customer_id,
                 subject=f"payment:{attempt.first_payment_id}", attempt=attempt.attempt, of=attempt.of_attempts,
                 reason=reason, next_try_on=on.isoformat())
    if attempt.attempt == 1:  # one notice for the chain, not one per attempt
        queue_payment_notice(session, payment, "failed", reason, actor, branding, retry_on=on)


def _end(session: Session, attempt: PaymentAttempt, reason: str | None, actor: Actor, branding: Branding) -> bool:
    first = session.get(Payment, attempt.first_payment_id)
    assert first is not None
    audit.record(session, actor, "payment.retries_ended", customer_id=first.customer_id,
                 subject=f"payment:{first.id}", attempt=attempt.attempt, of=attempt.of_attempts, reason=reason,
                 soft=decline(reason).soft)
    queue_payment_notice(session, first, "failed", reason, actor, branding, tries=attempt.attempt)
    return True


def open_due_retries(uow_factory: Callable[[], UnitOfWork], processor: str, today: dt.date,
                     actor: Actor) -> tuple[list[int], list[str]]:
    """Every attempt planned for `today` or earlier, each taken by one process only: a pending payment to charge
    (its ids), or canceled when its invoices were paid, voided or put in another payment meanwhile, or its method
    deactivated (the outcomes say so). Charging is the caller's (core.payments.jobs)."""
    with uow_factory() as uow:
        due = uow.session.scalars(select(PaymentAttempt.id).where(
            PaymentAttempt.outcome == "planned", PaymentAttempt.planned_on <= today,
            PaymentAttempt.processor == processor).order_by(PaymentAttempt.id)).all()
    opened: list[int] = []
    outcomes: list[str] = []
    for attempt_id in due:
        with uow_factory() as uow:
            payment_id, outcome = _open(uow.session, attempt_id, today, actor)
            uow.commit()
        if payment_id is not None:
            opened.append(payment_id)
        if outcome:
            outcomes.append(outcome)
    return opened, outcomes


def _open(session: Session, attempt_id: int, today: dt.date, actor: Actor) -> tuple[int | None, str]:
    claimed = session.execute(update(PaymentAttempt).where(
        PaymentAttempt.id == attempt_id, PaymentAttempt.outcome == "planned").values(outcome="charging"))
    if not cast(CursorResult, claimed).rowcount:
        return None, ""  # another process took it
    attempt = session.get(PaymentAttempt, attempt_id)
    assert attempt is not None
    first = session.get(Payment, attempt.first_payment_id)
    assert first is not None
    lines = list(session.scalars(select(PaymentLine).where(PaymentLine.payment_id == first.id)
                                 .order_by(PaymentLine.id)))
    why_not = _why_not(session, first, lines)
    retry = None if why_not else _write_retry(session, first, lines, attempt, today, actor)
    if retry is None:
        why_not = why_not or "one of its invoices was just put into another payment"
        attempt.outcome, attempt.note = "canceled", why_not[:300]
        audit.record(session, actor, "payment.retry_canceled", customer_id=first.customer_id,
                     subject=f"payment:{first.id}", attempt=attempt.attempt, of=attempt.of_attempts, reason=why_not)
        return None, f"attempt {attempt.attempt} of {attempt.of_attempts} of payment {first.id}: canceled, {why_not}"
    attempt.payment_id, attempt.charged_at = retry.id, dt.datetime.now(dt.UTC)
    audit.record(session, actor, "payment.retry", customer_id=first.customer_id, subject=f"payment:{retry.id}",
                 first_payment=first.id, attempt=attempt.attempt, of=attempt.of_attempts,
                 amount=str(retry.amount.amount), currency=retry.currency, key=attempt.idempotency_key)
    return retry.id, ""


def _write_retry(session: Session, first: Payment, lines: list[PaymentLine], attempt: PaymentAttempt,
                 today: dt.date, actor: Actor) -> Payment | None:
    """The attempt's own payment: the first one's amount and lines, its invoices held; None when a hold is refused
    (another payment took an invoice between the check and the insert: the hold's primary key decides)."""
    retry = Payment(customer_id=first.customer_id, currency=first.currency, amount_minor=first.amount_minor,
                    unapplied_minor=0, status="pending", method_id=first.method_id, method_kind=first.method_kind,
                    channel=actor.channel, initiated_by=actor.name, received_on=today, processor=first.processor,
                    reference=first.reference, note=f"attempt {attempt.attempt} of payment {first.id}")
    try:
        with session.begin_nested():
            session.add(retry)
            session.flush()
            for line in lines:
                session.add(PaymentLine(payment_id=retry.id, invoice_id=line.invoice_id,
                                        amount_minor=line.amount_minor, discount_minor=line.discount_minor,
                                        short_reason=line.short_reason, short_comment=line.short_comment))
                session.add(InvoiceHold(invoice_id=line.invoice_id, payment_id=retry.id))
    except IntegrityError:
        return None
    return retry


def _why_not(session: Session, first: Payment, lines: list[PaymentLine]) -> str:
    """Why the payment must not be charged again now, or "": money safety before every retry."""
    method = session.get(PaymentMethod, first.method_id) if first.method_id else None
    if method is None or not method.active:
        return "its payment method was deactivated"
    docs = {doc.id: doc for doc in session.scalars(
        select(Document).where(Document.id.in_([line.invoice_id for line in lines])).order_by(Document.id)
        .with_for_update())}
    holders = dict(session.execute(select(InvoiceHold.invoice_id, InvoiceHold.payment_id)
                                   .where(InvoiceHold.invoice_id.in_(list(docs)))).all())
    for line in lines:
        doc = docs[line.invoice_id]
        if doc.status == "void":
            return f"invoice {doc.number} was voided"
        if line.invoice_id in holders:
            return f"invoice {doc.number} is in payment {holders[line.invoice_id]}"
        if doc.open_minor < line.amount_minor + line.discount_minor:
            return f"invoice {doc.number} was paid meanwhile" if doc.open_minor == 0 else \
                f"invoice {doc.number} was partly paid meanwhile"
    return ""


def cancel_retry(uow: UnitOfWork, customer_code: str, payment_id: int, actor: Actor, reason: str) -> str:
    """Staff stop the planned retry of a declined scheduled charge (the customer asked, or will pay another way);
    `payment_id`: any payment of the chain. Nothing was with the processor, so nothing else changes."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        first = uow.session.scalar(select(PaymentAttempt.first_payment_id).where(
            PaymentAttempt.payment_id == payment_id))
        planned = uow.session.scalars(select(PaymentAttempt).where(
            PaymentAttempt.first_payment_id == first, PaymentAttempt.outcome == "planned").with_for_update()).first()
        owner = uow.session.get(Payment, first) if first is not None else None
        if planned is None or owner is None or owner.customer_id != customer.id:
            raise Conflict(f"payment {payment_id} has no retry planned")
        why = f"canceled by {actor.name.removeprefix('user:')}" + (f": {reason.strip()}" if reason.strip() else "")
        planned.outcome, planned.note = "canceled", why[:300]
        audit.record(uow.session, actor, "payment.retry_canceled", customer_id=customer.id,
                     subject=f"payment:{first}", attempt=planned.attempt, of=planned.of_attempts, reason=why)
        uow.commit()
        return f"attempt {planned.attempt} of payment {first} canceled"
