"""Settling payments by the processor's events: success posts a payment's lines to the ledger, failure or
cancel releases its invoices, and a return, refund or dispute reopens what it paid.

Events are settled in batches, one transaction each, with set-based reads: the payments the events name
are locked in id order (one query — two batches never wait on each other in a cycle), then their lines
and invoices (one query each); the ORM writes the effects in one flush, inserts batched. One event is a
batch of one. A status only moves forward, so a late or repeated event is recorded and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.ledger.models import Allocation, Document, InvoiceHold, Payment
from core.ledger.posting import post_allocation
from core.payments.models import PaymentLine
from core.payments.notices import Branding, queue_payment_notice
from core.payments.processor import ProcessorEvent
from core.payments.retries import after_outcome
from core.payments.states import can_move

EVENT_STATUS = {
    "payment.succeeded": "succeeded", "payment.failed": "failed", "payment.canceled": "canceled",
    "payment.returned": "returned", "payment.refunded": "refunded", "payment.disputed": "disputed",
}
MONEY_WENT_BACK = ("returned", "refunded", "disputed")


def _reference_id(event: ProcessorEvent) -> int | None:
    return int(event.reference) if event.reference and event.reference.isdigit() else None


def _locked_payments(session: Session, events: Sequence[ProcessorEvent]) -> list[Payment]:
    ours = {r for e in events if (r := _reference_id(e)) is not None}
    theirs = {e.processor_payment_id for e in events if e.processor_payment_id}
    match = ([Payment.id.in_(ours)] if ours else []) + ([Payment.processor_payment_id.in_(theirs)] if theirs else [])
    if not match:
        return []
    return list(session.scalars(select(Payment).where(or_(*match)).order_by(Payment.id).with_for_update()))


class _Batch:
    """The rows a batch of events touches, read and locked up front."""

    def __init__(self, uow: UnitOfWork, events: Sequence[ProcessorEvent]) -> None:
        self.session = uow.session
        payments = _locked_payments(self.session, events)
        self.by_id = {p.id: p for p in payments}
        self.by_processor_id = {p.processor_payment_id: p for p in payments if p.processor_payment_id}
        self.lines: dict[int, list[PaymentLine]] = {p.id: [] for p in payments}
        self.documents: dict[int, Document] = {}
        # Lines and their invoices in one round trip, the invoices locked in id order like the payments.
        rows = self.session.execute(
            select(PaymentLine, Document).join(Document, Document.id == PaymentLine.invoice_id)
            .where(PaymentLine.payment_id.in_(self.by_id)).order_by(Document.id, PaymentLine.id)
            .with_for_update(of=Document)
        ) if payments else ()
        for line, doc in rows:
            self.documents[doc.id] = doc
            self.lines[line.payment_id].append(line)
        for lines in self.lines.values():
            lines.sort(key=lambda line: line.id)
        self.moved: list[int] = []

    def payment_for(self, event: ProcessorEvent) -> Payment | None:
        """By their id when we know it, else by our reference (the event may beat the charge's answer)."""
        if event.processor_payment_id and event.processor_payment_id in self.by_processor_id:
            return self.by_processor_id[event.processor_payment_id]
        reference = _reference_id(event)
        return self.by_id.get(reference) if reference is not None else None

    def document(self, document_id: int) -> Document:
        doc = self.documents.get(document_id) or self.session.get(Document, document_id, with_for_update=True)
        assert doc is not None
        self.documents[document_id] = doc
        return doc

    def release_holds(self) -> None:
        if self.moved:
            self.session.execute(delete(InvoiceHold).where(InvoiceHold.payment_id.in_(self.moved)))


def _settle_lines(batch: _Batch, payment: Payment, settled_on: dt.date) -> None:
    applied = 0
    for line in batch.lines[payment.id]:
        doc = batch.document(line.invoice_id)
        # The ERP may have reduced the invoice meanwhile: never apply more than is open; the rest is credit.
        amount = min(line.amount_minor, doc.open_minor)
        discount = min(line.discount_minor, doc.open_minor - amount)
        if amount + discount:
            post_allocation(batch.session, payment, doc, amount, discount, line.short_reason, line.short_comment,
                            settled_on)
        applied += amount
    payment.unapplied_minor = payment.amount_minor - applied


def _reopen_invoices(batch: _Batch, payment: Payment, returned_on: dt.date) -> None:
    """The money came back: every invoice it paid is open again by what it paid, discount included."""
    batch.session.flush()  # the payment may have settled earlier in this batch: its allocations are pending
    allocations = batch.session.scalars(
        select(Allocation).where(Allocation.payment_id == payment.id, Allocation.reversed_on.is_(None))
    )
    for allocation in allocations:
        doc = batch.document(allocation.invoice_id)
        doc.open_minor += allocation.amount_minor + allocation.discount_minor
        allocation.reversed_on = returned_on


def _apply(batch: _Batch, event: ProcessorEvent, actor: Actor, branding: Branding) -> str:
    target = EVENT_STATUS.get(event.kind)
    if target is None:
        return f"ignored: {event.raw_type or event.kind} does not change a payment here"
    payment = batch.payment_for(event)
    if payment is None:
        return f"ignored: no payment matches {event.processor_payment_id or event.reference}"
    if payment.processor_payment_id and event.processor_payment_id and \
            payment.processor_payment_id != event.processor_payment_id:
        return f"ignored: payment {payment.id} belongs to {payment.processor_payment_id}"
    before = payment.status
    if not can_move(before, target):
        return f"ignored: payment {payment.id} is {before}; {target} would not move it forward"
    if not payment.processor_payment_id and event.processor_payment_id:
        payment.processor_payment_id = event.processor_payment_id
        batch.by_processor_id[event.processor_payment_id] = payment
    payment.status = target
    if target == "succeeded" and before == "disputed":
        # A dispute won: the money is ours again and goes back on the invoices it was meant for.
        payment.returned_on = None
        _settle_lines(batch, payment, event.occurred_at.date())
    elif target == "succeeded":
        payment.received_on = event.occurred_at.date()
        _settle_lines(batch, payment, payment.received_on)
    elif target in MONEY_WENT_BACK:
        payment.returned_on = event.occurred_at.date()
        payment.failure_reason = event.failure_reason
        _reopen_invoices(batch, payment, payment.returned_on)
    else:
        payment.failure_reason = event.failure_reason
    batch.moved.append(payment.id)
    audit.record(batch.session, actor, f"payment.{target}", customer_id=payment.customer_id,
                 subject=f"payment:{payment.id}", status_from=before, status_to=target,
                 amount=str(payment.amount.amount), currency=payment.currency, event=event.event_id,
                 reason=event.failure_reason)
    # A scheduled charge's attempt: a decline plans the next attempt or ends them, with the notice that owes.
    told = after_outcome(batch.session, payment, target, event.failure_reason, actor, branding)
    if not told and target in ("failed", "canceled", *MONEY_WENT_BACK):
        queue_payment_notice(batch.session, payment, target, event.failure_reason, actor, branding)
    return f"payment {payment.id}: {before} → {target}"


def apply_events_in(uow: UnitOfWork, events: Sequence[ProcessorEvent], actor: Actor,
                    branding: Branding) -> list[str]:
    """Settle `events` in order inside a unit of work the caller commits; one outcome per event. `branding`
    signs the notices a failure, a return, a refund or a dispute owes the customer."""
    with uow.session.no_autoflush:
        batch = _Batch(uow, events)
        outcomes = [_apply(batch, event, actor, branding) for event in events]
        batch.release_holds()
    return outcomes


def apply_event_in(uow: UnitOfWork, event: ProcessorEvent, actor: Actor, branding: Branding) -> str:
    return apply_events_in(uow, [event], actor, branding)[0]


def apply_event(uow: UnitOfWork, event: ProcessorEvent, actor: Actor, branding: Branding) -> str:
    """Move the payment forward as the event says; returns what was done, or why nothing was."""
    with uow:
        outcome = apply_event_in(uow, event, actor, branding)
        uow.commit()
        return outcome


def lock_payment(uow: UnitOfWork, event: ProcessorEvent) -> Payment | None:
    """The payment an event is about, locked, for a caller that only records the processor's id."""
    theirs = event.processor_payment_id
    payments = _locked_payments(uow.session, [event])
    return next((p for p in payments if theirs and p.processor_payment_id == theirs), None) or \
        next(iter(payments), None)
