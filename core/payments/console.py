"""Payments staff make on a caller's behalf: what the pages show, and the one confirmed submit that moves money.

The console shows a review (`quote_payment`), then the agent confirms that exact total. `confirm_payment`
pays it through the one confirm-and-charge service (`core.payments.quotes.pay_confirmed`: quoted again and
refused if the total changed since the review), and `submit_once` makes a resubmitted or double-clicked confirm
form (same one-time nonce) answer with the first payment instead of charging twice.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import ARError, Conflict, NotFound
from core.kernel.money import Money
from core.ledger.models import Allocation, Customer, Document, Payment
from core.ledger.posting import customer_by_code
from core.ledger.rules import AllocationRequest
from core.payments import idempotency
from core.payments.attempts import AttemptView, attempts_of
from core.payments.history import method_label
from core.payments.methods import MethodView
from core.payments.models import PaymentLine, PaymentMethod
from core.payments.notices import Branding
from core.payments.processor import PaymentProcessor
from core.payments.quotes import Confirmed, pay_confirmed

IN_PROGRESS_WAIT = 10.0  # seconds a resubmitted form waits for the first submit to finish


@dataclass(frozen=True)
class CustomerHeading:
    code: str
    name: str
    currency: str


def customer_heading(uow: UnitOfWork, code: str) -> CustomerHeading:
    with uow:
        customer = customer_by_code(uow, code)
        return CustomerHeading(customer.code, customer.name, customer.currency)


def due_dates(uow: UnitOfWork, code: str, numbers: list[str]) -> dict[str, dt.date]:
    with uow:
        customer = customer_by_code(uow, code)
        rows = uow.session.execute(select(Document.number, Document.due_date).where(
            Document.customer_id == customer.id, Document.number.in_(numbers)))
        return {number: due for number, due in rows}


@dataclass(frozen=True)
class MethodRow:
    view: MethodView
    added_on: dt.date
    authorization_reference: str | None


def method_rows(uow: UnitOfWork, code: str) -> list[MethodRow]:
    """Every method on file, deactivated ones too (the pay page offers only `list_methods`' active ones)."""
    with uow:
        customer = customer_by_code(uow, code)
        methods = uow.session.scalars(select(PaymentMethod).where(PaymentMethod.customer_id == customer.id)
                                      .order_by(PaymentMethod.active.desc(), PaymentMethod.id))
        return [MethodRow(MethodView.of(m), m.created_at.date(), m.ach_authorization_reference) for m in methods]


def confirm_payment(
    uow_factory: Callable[[], UnitOfWork], adapter: PaymentProcessor, *, customer_code: str, total: Money,
    requests: list[AllocationRequest], deposit: Money | None, method_id: int, pay_on: dt.date, today: dt.date,
    reasons: tuple[str, ...], actor: Actor, branding: Branding, claim: idempotency.Claim | None = None,
) -> int:
    """Pay exactly the total the agent confirmed, or nothing: a balance changed since the review is refused.
    A claim whose earlier attempt wrote the payment answers with that payment (its invoices are held by it)."""
    confirmed = Confirmed(tuple(requests), total, method_id, pay_on, deposit)
    return pay_confirmed(uow_factory, adapter, confirmed, customer_code=customer_code, today=today, reasons=reasons,
                         actor=actor, branding=branding, claim=claim).payment_id


def submit_once(uow_factory: Callable[[], UnitOfWork], scope: str, nonce: str, fingerprint: str,
                submit: Callable[[idempotency.Claim], int]) -> int:
    """Run `submit` once per review nonce; a repeat gets the first payment's id (or its refusal) again."""
    key, digest = f"console-pay:{nonce}", idempotency.body_hash(fingerprint.encode())
    claim = _begin(uow_factory, scope, key, digest)
    if isinstance(claim, idempotency.StoredAnswer):
        if claim.status_code == 201:
            return int(claim.body)
        raise Conflict(claim.body)
    try:
        payment_id = submit(claim)
    except ARError as refused:
        idempotency.finish(uow_factory(), claim, 422, str(refused))
        raise
    except BaseException:
        idempotency.abandon(uow_factory(), claim)
        raise
    idempotency.finish(uow_factory(), claim, 201, str(payment_id))
    return payment_id


def _begin(uow_factory: Callable[[], UnitOfWork], scope: str, key: str,
           digest: str) -> idempotency.Claim | idempotency.StoredAnswer:
    # A double-click sends the form twice at once: the second waits for the first's answer instead of failing.
    deadline = time.monotonic() + IN_PROGRESS_WAIT
    while True:
        try:
            return idempotency.begin(uow_factory(), scope, key, digest)
        except Conflict:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@dataclass(frozen=True)
class DetailLine:
    number: str
    due_date: dt.date
    amount: Money
    discount: Money
    short_reason: str | None
    short_comment: str | None
    invoice_open: Money
    invoice_status: str


@dataclass(frozen=True)
class PaymentDetail:
    id: int
    customer: CustomerHeading
    status: str
    amount: Money
    unapplied: Money
    method: str
    method_id: int | None
    received_on: dt.date
    scheduled_for: dt.date | None
    initiated_by: str
    channel: str
    processor_payment_id: str | None
    failure_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    lines: tuple[DetailLine, ...]
    attempts: tuple[AttemptView, ...] = ()  # a scheduled charge's attempts, this payment's among them


def payment_detail(uow: UnitOfWork, code: str, payment_id: int) -> PaymentDetail:
    """One payment of the customer's, with the invoices it pays and where they stand now."""
    with uow:
        customer = customer_by_code(uow, code)
        payment = uow.session.get(Payment, payment_id)
        if payment is None or payment.customer_id != customer.id:
            raise NotFound("payment", f"{payment_id} for customer {code}")
        method = uow.session.get(PaymentMethod, payment.method_id) if payment.method_id else None
        return PaymentDetail(
            payment.id, _heading(customer), payment.status, payment.amount, payment.unapplied,
            method_label(payment.method_kind, method), payment.method_id, payment.received_on, payment.scheduled_for,
            payment.initiated_by, payment.channel, payment.processor_payment_id, payment.failure_reason,
            payment.created_at, payment.updated_at, _detail_lines(uow, payment), attempts_of(uow.session, payment.id))


def _heading(customer: Customer) -> CustomerHeading:
    return CustomerHeading(customer.code, customer.name, customer.currency)


def _detail_lines(uow: UnitOfWork, payment: Payment) -> tuple[DetailLine, ...]:
    """The lines a processor payment was initiated with; a recorded check or wire has its allocations only."""
    lines = list(uow.session.execute(_lines_of(PaymentLine, payment.id)))
    rows = lines or list(uow.session.execute(_lines_of(Allocation, payment.id)))
    return tuple(
        DetailLine(doc.number, doc.due_date, Money.from_minor(line.amount_minor, payment.currency),
                   Money.from_minor(line.discount_minor, payment.currency), line.short_reason, line.short_comment,
                   doc.open, doc.status)
        for line, doc in rows
    )


def _lines_of(table: type[PaymentLine] | type[Allocation], payment_id: int) -> Select[Any, Document]:
    return (select(table, Document).join(Document, Document.id == table.invoice_id)
            .where(table.payment_id == payment_id).order_by(table.id))
