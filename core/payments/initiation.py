"""Payments through a processor: initiate with exact amounts, hold the invoices, settle by event.

Money moves in three steps, each its own transaction so no database lock is held across a network call:
1. `initiate_payment` checks the exact confirmed amount against the plan, writes the payment (scheduled or
   pending), its lines and one hold per invoice — the hold's primary key refuses a second payment;
2. the channel charges the processor with the key `charge:{payment_id}`, and `record_charge` keeps the
   processor's id (a retried charge with the same key is the same charge);
3. `core.payments.settlement` moves the status forward on a verified event: success posts the lines to the ledger,
   failure or cancel releases the invoices. A late or repeated event is recorded and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Conflict, Invalid, NotFound
from core.kernel.money import Money
from core.ledger.models import Customer, Document, InvoiceHold, Payment
from core.ledger.plans import invoices_in_current_plans
from core.ledger.posting import customer_by_code, lock_documents, open_invoice
from core.ledger.rules import (
    AllocationRequest,
    OpenInvoice,
    PlannedAllocation,
    early_payment_discount,
    plan_allocations,
    plan_line,
)
from core.payments.history import method_label
from core.payments.idempotency import Claim, bind_payment
from core.payments.models import PaymentLine, PaymentMethod
from core.payments.notices import Branding
from core.payments.processor import ChargeRequest, ChargeResult, ProcessorEvent
from core.payments.retries import key_of
from core.payments.settlement import apply_event, lock_payment


@dataclass(frozen=True)
class InitiatedPayment:
    payment_id: int
    status: str
    amount: Money
    unapplied: Money
    idempotency_key: str


def charge_key(payment_id: int) -> str:
    return f"charge:{payment_id}"


def _refuse_held(uow: UnitOfWork, docs: dict[str, Document]) -> None:
    held = uow.session.execute(
        select(Document.number, Payment.id, Payment.status)
        .join(InvoiceHold, InvoiceHold.invoice_id == Document.id)
        .join(Payment, Payment.id == InvoiceHold.payment_id)
        .where(Document.id.in_([d.id for d in docs.values()]))
    ).first()
    if held:
        number, payment_id, status = held
        raise Conflict(f"invoice {number} is already in payment {payment_id} ({status}); it can be paid "
                       "again only if that payment fails or is canceled")
    planned = invoices_in_current_plans(uow.session, [d.id for d in docs.values()])
    if planned:
        doc = next(d for d in docs.values() if d.id in planned)
        raise Conflict(f"invoice {doc.number} is in instalment plan {planned[doc.id]}: its instalments pay it "
                       "(change or cancel the plan to pay it otherwise)")


def _active_method(uow: UnitOfWork, customer_id: int, method_id: int) -> PaymentMethod:
    method = uow.session.get(PaymentMethod, method_id)
    if method is None or method.customer_id != customer_id:
        raise NotFound("payment method", method_id)
    if not method.active:
        raise Invalid(f"payment method {method.brand} •{method.last4} is deactivated", "method")
    return method


def initiate_payment(
    uow: UnitOfWork, *, customer_code: str, amount: Money, requests: list[AllocationRequest], method_id: int,
    pay_on: dt.date, today: dt.date, processor: str, reasons: tuple[str, ...], actor: Actor, exact: bool = False,
    claim: Claim | None = None,
) -> InitiatedPayment:
    """Write a payment of exactly `amount` for `requests` (none: a deposit), scheduled when `pay_on` is later.

    `exact`: the payer confirmed a quote whose invoices take all of `amount`; when they would now take less
    (a credit or payment landed since), refuse rather than leave the difference on account. Checked under the
    invoices' row locks, so nothing can change between the check and the payment.

    `claim`: the request's idempotency key, bound to the payment in the same transaction (a retry of a request
    that dies after this commit answers with this payment and never writes a second one)."""
    with uow:
        started, _ = write_payment(
            uow, customer_by_code(uow, customer_code), amount=amount, requests=requests, method_id=method_id,
            pay_on=pay_on, today=today, processor=processor, reasons=reasons, actor=actor, exact=exact, claim=claim)
        uow.commit()
        return started


def write_payment(
    uow: UnitOfWork, customer: Customer, *, amount: Money, requests: list[AllocationRequest], method_id: int,
    pay_on: dt.date, today: dt.date, processor: str, reasons: tuple[str, ...], actor: Actor, exact: bool = False,
    claim: Claim | None = None,
) -> tuple[InitiatedPayment, ChargeRequest | None]:
    """`initiate_payment` inside the caller's transaction, which commits it; with the charge to send once it
    has (None for a scheduled payment), so the charge needs no read of its own."""
    if pay_on < today:
        raise Invalid(f"a payment cannot be dated {pay_on}, before today ({today})", "date")
    docs = lock_documents(uow, customer, [r.number for r in requests])
    _refuse_held(uow, docs)
    plan = plan_allocations(amount, requests, {n: open_invoice(d) for n, d in docs.items()}, pay_on, reasons)
    if exact and requests and not plan.unapplied.is_zero():
        raise Conflict(f"these invoices now need {plan.applied.amount} {amount.currency}, not the "
                       f"{amount.amount} {amount.currency} confirmed: the balance changed; nothing was charged")
    method = _active_method(uow, customer.id, method_id)
    status = "scheduled" if pay_on > today else "pending"
    payment = Payment(
        customer_id=customer.id, currency=amount.currency, amount_minor=amount.minor, unapplied_minor=0,
        status=status, method_id=method.id, method_kind=method.kind, channel=actor.channel,
        initiated_by=actor.name, received_on=pay_on, scheduled_for=pay_on if status == "scheduled" else None,
        processor=processor,
    )
    uow.session.add(payment)
    uow.session.flush()
    if claim is not None:
        bind_payment(uow.session, claim, payment.id)
    for line in plan.lines:
        doc = docs[line.number]
        uow.session.add(PaymentLine(payment_id=payment.id, invoice_id=doc.id, amount_minor=line.amount.minor,
                                    discount_minor=line.discount.minor, short_reason=line.short_reason,
                                    short_comment=line.short_comment))
        uow.session.add(InvoiceHold(invoice_id=doc.id, payment_id=payment.id))
    try:
        uow.session.flush()
    except IntegrityError:
        raise Conflict("one of these invoices was just put into another payment; nothing was charged") from None
    audit.record(uow.session, actor, f"payment.{status}", customer_id=customer.id, subject=f"payment:{payment.id}",
                 amount=str(amount.amount), currency=amount.currency, method=method_label(method.kind, method),
                 invoices=[ln.number for ln in plan.lines], pay_on=str(pay_on), status_to=status)
    started = InitiatedPayment(payment.id, status, amount, plan.unapplied, charge_key(payment.id))
    return started, _charge_request(payment, method) if status == "pending" else None


def initiated(uow: UnitOfWork, payment_id: int) -> InitiatedPayment:
    """A payment as `initiate_payment` answered for it, read back (for a retried request that wrote it)."""
    with uow:
        payment = uow.session.get(Payment, payment_id)
        if payment is None:
            raise NotFound("payment", payment_id)
        applied = sum((line.amount_minor for line in uow.session.scalars(
            select(PaymentLine).where(PaymentLine.payment_id == payment_id))), 0)
        unapplied = Money.from_minor(payment.amount_minor - applied, payment.currency)
        return InitiatedPayment(payment.id, payment.status, payment.amount, unapplied, charge_key(payment.id))


def awaits_charge(uow: UnitOfWork, payment_id: int) -> bool:
    """Pending with no answer from the processor yet: its charge may never have been sent."""
    with uow:
        payment = uow.session.get(Payment, payment_id)
        return payment is not None and payment.status == "pending" and payment.processor_payment_id is None


def charge_request(uow: UnitOfWork, payment_id: int) -> ChargeRequest:
    """What to send the processor for a pending payment; the key makes a retried call the same charge."""
    with uow:
        payment = uow.session.get(Payment, payment_id)
        if payment is None or payment.status != "pending" or payment.method_id is None:
            raise Invalid(f"payment {payment_id} is not waiting to be charged")
        method = uow.session.get(PaymentMethod, payment.method_id)
        assert method is not None
        # A retry of a scheduled charge is its own payment with its attempt's key (core.payments.retries).
        return _charge_request(payment, method, key_of(uow.session, payment.id))


def _charge_request(payment: Payment, method: PaymentMethod, key: str | None = None) -> ChargeRequest:
    return ChargeRequest(payment.amount, method.token, key or charge_key(payment.id),
                         f"customer:{payment.customer_id}", metadata={"payment_id": str(payment.id)})


def record_charge(uow: UnitOfWork, payment_id: int, result: ChargeResult, actor: Actor, branding: Branding) -> str:
    """Keep the processor's id for the payment; an immediate final answer settles it like an event."""
    event = ProcessorEvent(f"charge:{payment_id}:{result.status}", f"payment.{result.status}",  # type: ignore[arg-type]
                           result.processor_payment_id, dt.datetime.now(dt.UTC), result.failure_reason,
                           reference=str(payment_id))
    if result.status == "processing":
        with uow:
            payment = lock_payment(uow, event)
            if payment is None:
                raise NotFound("payment", payment_id)
            payment.processor_payment_id = result.processor_payment_id
            uow.commit()
        return "processing: waiting for the processor's event"
    return apply_event(uow, event, actor, branding)


@dataclass(frozen=True)
class QuoteLine:
    number: str
    open: Money
    pay: Money
    discount: Money
    short_reason: str | None
    note: str | None


@dataclass(frozen=True)
class Quote:
    customer_code: str
    pay_on: dt.date
    lines: tuple[QuoteLine, ...]
    deposit: Money
    total: Money  # what the payer confirms: POST /api/payments takes exactly this amount


def _quote_line(invoice: OpenInvoice, planned: PlannedAllocation, pay_on: dt.date) -> QuoteLine:
    in_full = early_payment_discount(invoice.open, invoice.discount, invoice.doc_date, pay_on,
                                     invoice.discount_forfeited)
    deadline = invoice.discount.deadline(invoice.doc_date)
    note = None
    if planned.discount.is_positive():
        note = f"includes the {invoice.discount.percent}% early-payment discount for paying by {deadline}"
    elif planned.is_short and in_full.is_positive():
        note = (f"a partial payment forfeits the {invoice.discount.percent}% early-payment discount "
                f"({in_full.amount} if paid in full by {deadline})")
    return QuoteLine(invoice.number, invoice.open, planned.amount, planned.discount, planned.short_reason, note)


def quote_payment(
    uow: UnitOfWork, *, customer_code: str, requests: list[AllocationRequest], pay_on: dt.date,
    reasons: tuple[str, ...], deposit: Money | None = None,
) -> Quote:
    """What a payment would be, to the cent, before anyone confirms it. Moves no money."""
    with uow:
        return price(uow, customer_by_code(uow, customer_code), requests, pay_on, reasons, deposit)


def price(uow: UnitOfWork, customer: Customer, requests: list[AllocationRequest], pay_on: dt.date,
          reasons: tuple[str, ...], deposit: Money | None = None) -> Quote:
    """`quote_payment` inside the caller's transaction (its invoices stay locked until that ends)."""
    docs = lock_documents(uow, customer, [r.number for r in requests])
    _refuse_held(uow, docs)
    invoices = {n: open_invoice(d) for n, d in docs.items()}
    extra = deposit or Money.zero(customer.currency)
    planned = [plan_line(invoices[r.number], r, pay_on, reasons) for r in requests]
    total = sum((p.amount for p in planned), extra)
    plan_allocations(total, requests, invoices, pay_on, reasons)  # the same checks the payment will meet
    lines = tuple(_quote_line(invoices[p.number], p, pay_on) for p in planned)
    return Quote(customer.code, pay_on, lines, extra, total)
