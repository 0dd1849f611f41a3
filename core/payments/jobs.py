"""Payments meet the processor: charge now, charge scheduled payments on their date, cancel before it,
and reconcile what a crash or a lost webhook left pending. The network call never runs inside a transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import structlog
from sqlalchemy import CursorResult, delete, select, update

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork, reconnecting
from core.kernel.errors import ARError, Conflict, NotFound
from core.kernel.money import Money
from core.ledger.models import Customer, InvoiceHold, Payment, PaymentPlan, PlanInstalment
from core.ledger.posting import customer_by_code
from core.ledger.rules import AllocationRequest
from core.payments.idempotency import Claim
from core.payments.initiation import (
    InitiatedPayment,
    awaits_charge,
    charge_request,
    initiated,
    record_charge,
    write_payment,
)
from core.payments.notices import Branding
from core.payments.processor import ChargeRequest, ChargeStatus, PaymentProcessor, ProcessorEvent
from core.payments.retries import begin_attempts, open_due_retries
from core.payments.settlement import apply_event

log = structlog.get_logger("aragent.payments")
UNSENT_CHARGE_AFTER = dt.timedelta(seconds=30)  # a pending payment this old with no processor answer: send it
# Where the processor's answer to a charge leaves the payment (a card declined at once has failed already).
STATUS_AFTER: dict[ChargeStatus, str] = {"processing": "pending", "succeeded": "succeeded", "failed": "failed",
                                         "canceled": "canceled"}


@dataclass(frozen=True)
class Charged:
    outcome: str  # what recording the processor's answer did
    status: str  # the payment's status as that answer leaves it: pending | succeeded | failed | canceled
    failure_reason: str | None = None


def initiate_and_charge(
    uow_factory: Callable[[], UnitOfWork], adapter: PaymentProcessor, *, customer_code: str, amount: Money,
    requests: list[AllocationRequest], method_id: int, pay_on: dt.date, today: dt.date,
    reasons: tuple[str, ...], actor: Actor, branding: Branding, exact: bool = False, claim: Claim | None = None,
) -> tuple[InitiatedPayment, str]:
    """Initiate, then charge at once unless scheduled. A processor that cannot be reached leaves the
    payment pending with its invoices held: reconcile retries the same idempotency key later.

    `claim`: the request's idempotency key. When it comes back from a request that died after writing its
    payment, that payment is the answer: nothing new is written, and a charge that was never sent is sent.

    `branding` signs the notice a declined charge owes the customer."""
    if claim is not None and claim.payment_id is not None:
        return resume(uow_factory, adapter, claim.payment_id, actor, branding)
    with uow_factory() as uow:
        started, charge = write_payment(
            uow, customer_by_code(uow, customer_code), amount=amount, requests=requests, method_id=method_id,
            pay_on=pay_on, today=today, processor=adapter.name, reasons=reasons, actor=actor, exact=exact,
            claim=claim)
        uow.commit()
    if charge is None:
        return started, f"scheduled for {pay_on}"
    return started, send_charge(uow_factory, adapter, started.payment_id, actor, branding, charge).outcome


def resume(uow_factory: Callable[[], UnitOfWork], adapter: PaymentProcessor, payment_id: int,
           actor: Actor, branding: Branding) -> tuple[InitiatedPayment, str]:
    """A payment a dead request wrote: its charge is sent (with its own key: the processor makes it once) if
    no answer was recorded, and the payment is answered as it stands."""
    outcome = "this Idempotency-Key's payment, written by an earlier attempt of the request"
    if awaits_charge(uow_factory(), payment_id):
        outcome = _charge(uow_factory, adapter, payment_id, actor, branding)
    return initiated(uow_factory(), payment_id), outcome


def cancel_scheduled(uow: UnitOfWork, customer_code: str, payment_id: int, actor: Actor) -> str:
    """Cancel a payment before its date; its invoices are free to be paid again."""
    with uow:
        outcome = cancel_payment(uow, customer_by_code(uow, customer_code), payment_id, actor)
        uow.commit()
        return outcome


def cancel_payment(uow: UnitOfWork, customer: Customer, payment_id: int, actor: Actor, *,
                   by_plan: bool = False) -> str:
    """`cancel_scheduled` inside the caller's transaction, which commits it. An instalment of a current plan is
    canceled only by its plan (`by_plan`: core.payments.plans changes or ends it)."""
    payment = uow.session.get(Payment, payment_id, with_for_update=True)
    if payment is None or payment.customer_id != customer.id:
        raise NotFound("payment", f"{payment_id} for customer {customer.code}")
    if payment.status != "scheduled":
        raise Conflict(f"payment {payment_id} is {payment.status}; only a scheduled payment can be canceled")
    if not by_plan and (plan := uow.session.scalar(select(PaymentPlan.id).join(
            PlanInstalment, PlanInstalment.plan_id == PaymentPlan.id).where(
            PlanInstalment.payment_id == payment.id, PaymentPlan.status == "current"))) is not None:
        raise Conflict(f"payment {payment_id} is an instalment of payment plan {plan}: change or cancel the plan "
                       "instead")
    payment.status = "canceled"
    uow.session.execute(delete(InvoiceHold).where(InvoiceHold.payment_id == payment.id))
    audit.record(uow.session, actor, "payment.canceled", customer_id=customer.id, subject=f"payment:{payment.id}",
                 status_from="scheduled", status_to="canceled", amount=str(payment.amount.amount),
                 currency=payment.currency)
    return f"payment {payment_id}: scheduled → canceled"


def _claim(uow_factory: Callable[[], UnitOfWork], payment_id: int, actor: Actor, today: dt.date,
           branding: Branding) -> bool:
    """scheduled → pending for one process only: the conditional update is the lock. The charge is the payment's
    first attempt: a soft decline is tried again (core.payments.retries)."""
    with uow_factory() as uow:
        result = uow.session.execute(
            update(Payment).where(Payment.id == payment_id, Payment.status == "scheduled").values(status="pending")
        )
        moved = cast(CursorResult, result).rowcount
        if moved:
            payment = uow.session.get(Payment, payment_id)
            assert payment is not None
            audit.record(uow.session, actor, "payment.pending", customer_id=payment.customer_id,
                         subject=f"payment:{payment_id}", status_from="scheduled", status_to="pending")
            begin_attempts(uow.session, payment, today, branding)
        uow.commit()
        return bool(moved)


def _charge(uow_factory: Callable[[], UnitOfWork], adapter: PaymentProcessor, payment_id: int, actor: Actor,
            branding: Branding) -> str:
    return send_charge(uow_factory, adapter, payment_id, actor, branding).outcome


def answered_by(adapter: PaymentProcessor) -> Actor:
    """Who the audit names for an outcome the processor gave (a card declined at charge time, a settlement read
    back): the processor, not the person or job that asked for the charge (their `payment.pending` names them)."""
    return Actor(f"processor:{adapter.name}", "processor")


def send_charge(uow_factory: Callable[[], UnitOfWork], adapter: PaymentProcessor, payment_id: int, actor: Actor,
                branding: Branding, request: ChargeRequest | None = None) -> Charged:
    """Charge a pending payment for `actor` and record the processor's answer as the processor's, outside any
    transaction: no lock is held while the processor answers. `request`: the charge, when the caller has it from
    writing the payment (no read then)."""
    request = request or reconnecting(lambda: charge_request(uow_factory(), payment_id))
    try:
        result = adapter.charge(request)
    except ARError:
        raise
    except Exception as exc:  # unreachable processor: stays pending, reconcile retries the same key
        log.warning("charge not confirmed; reconcile will retry", payment_id=payment_id, asked_by=actor.name,
                    error=str(exc))
        return Charged(f"payment {payment_id}: pending, the processor did not answer", "pending")
    # Recording twice is harmless (the processor's id is kept, an outcome applied once by its event id).
    outcome = reconnecting(lambda: record_charge(uow_factory(), payment_id, result, answered_by(adapter), branding))
    return Charged(outcome, STATUS_AFTER[result.status], result.failure_reason)


def charge_scheduled(
    uow_factory: Callable[[], UnitOfWork], adapter: PaymentProcessor, today: dt.date, actor: Actor, branding: Branding
) -> list[str]:
    """The scheduler's job: charge every scheduled payment due today or earlier, each exactly once; then the retries
    of declined ones due by today (core.payments.retries), each under its attempt's own key."""
    with uow_factory() as uow:
        due = uow.session.scalars(select(Payment.id).where(
            Payment.status == "scheduled", Payment.scheduled_for <= today, Payment.processor == adapter.name
        ).order_by(Payment.id)).all()
    outcomes = [_charge(uow_factory, adapter, pid, actor, branding) for pid in due
                if _claim(uow_factory, pid, actor, today, branding)]
    retries, canceled = open_due_retries(uow_factory, adapter.name, today, actor)
    return outcomes + canceled + [_charge(uow_factory, adapter, pid, actor, branding) for pid in retries]


def _pending(uow: UnitOfWork, processor: str, unsent_before: dt.datetime,
             stale_before: dt.datetime) -> tuple[list[int], list[tuple[int, str]]]:
    """Pending payments with no processor answer since `unsent_before`, and those waiting for their event since
    `stale_before` (with the processor's id)."""
    pending = (Payment.status == "pending", Payment.processor == processor)
    with uow:
        unsent = uow.session.scalars(select(Payment.id).where(
            *pending, Payment.processor_payment_id.is_(None), Payment.updated_at <= unsent_before)
            .order_by(Payment.id)).all()
        stale = uow.session.execute(select(Payment.id, Payment.processor_payment_id).where(
            *pending, Payment.processor_payment_id.is_not(None), Payment.updated_at <= stale_before)
            .order_by(Payment.id)).all()
    return list(unsent), [(payment_id, str(processor_id)) for payment_id, processor_id in stale]


def reconcile(
    uow_factory: Callable[[], UnitOfWork], adapter: PaymentProcessor, older_than: dt.timedelta, actor: Actor,
    branding: Branding, now: dt.datetime | None = None, unsent_after: dt.timedelta = UNSENT_CHARGE_AFTER,
) -> list[str]:
    """Pending payments: one with no answer from the processor after `unsent_after` (its charge may never have
    been sent: the process died, the connection dropped) is charged with its own key (the processor returns
    the charge it already made, if it did); one whose event has not come after `older_than` is read back."""
    moment = now or dt.datetime.now(dt.UTC)
    unsent, stale = reconnecting(lambda: _pending(uow_factory(), adapter.name, moment - min(unsent_after, older_than),
                                                  moment - older_than))
    outcomes = [_charge(uow_factory, adapter, payment_id, actor, branding) for payment_id in unsent]
    for payment_id, processor_id in stale:
        result = adapter.retrieve(processor_id)
        if result.status == "processing":
            outcomes.append(f"payment {payment_id}: still processing")
            continue
        event = ProcessorEvent(f"reconcile:{payment_id}:{result.status}", f"payment.{result.status}",  # type: ignore[arg-type]
                               processor_id, dt.datetime.now(dt.UTC), result.failure_reason, reference=str(payment_id))
        outcomes.append(apply_event(uow_factory(), event, answered_by(adapter), branding))
    return outcomes
