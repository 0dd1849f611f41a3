"""A customer's payment history: what was paid, how, against which invoices, and whether a receipt exists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, exists, func, or_, select

from core.documents.models import StoredFile
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid, NotFound
from core.kernel.money import Money
from core.ledger.accounts import open_debits
from core.ledger.models import PAYMENT_STATUSES, Allocation, Document, Payment
from core.ledger.posting import customer_by_code
from core.payments.attempts import attempt_texts
from core.payments.models import PaymentLine, PaymentMethod

RECEIPT_KIND = "receipt"
BULLET = "\u2022"


def receipt_filename(payment_id: int) -> str:
    return f"receipt-R-{payment_id}.pdf"


def method_label(method_kind: str, method: PaymentMethod | None) -> str:
    """What a customer recognises: "Visa •4242", "Bank account •6789", or the kind ("Check", "Wire")."""
    if method is not None and method.last4:
        name = method.brand.title() if method.kind == "card" and method.brand else "Bank account"
        return f"{name} {BULLET}{method.last4}"
    return method_kind.replace("_", " ").capitalize() if method_kind else "Other"


def payment_status(uow: UnitOfWork, payment_id: int) -> str:
    """Where the payment stands now (a declined card has already failed by the time the charge returns)."""
    with uow:
        status = uow.session.scalar(select(Payment.status).where(Payment.id == payment_id))
    if status is None:
        raise NotFound("payment", payment_id)
    return status


@dataclass(frozen=True)
class PaymentView:
    id: int
    status: str
    received_on: dt.date
    amount: Money
    unapplied: Money
    method: str
    channel: str
    reference: str | None
    processor_payment_id: str | None
    invoices: tuple[str, ...]
    receipt_available: bool
    attempt: str | None = None  # an attempt at a scheduled charge: "Attempt 2 of 4 on …: declined, …; next try …"


def payment_history(
    uow: UnitOfWork,
    customer_code: str,
    *,
    status: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    search: str | None = None,
    limit: int = 500,
) -> list[PaymentView]:
    """The customer's payments, newest first; `search` matches references and the invoice numbers paid."""
    if status is not None and status not in PAYMENT_STATUSES:
        raise Invalid(f"unknown status {status!r}; use one of {', '.join(PAYMENT_STATUSES)}", "status")
    with uow:
        customer = customer_by_code(uow, customer_code)
        query = _filtered(select(Payment).where(Payment.customer_id == customer.id), status, since, until, search)
        payments = list(uow.session.scalars(
            query.order_by(Payment.received_on.desc(), Payment.id.desc()).limit(limit)
        ))
        ids = [p.id for p in payments]
        invoices = _invoice_numbers(uow, ids)
        methods = _methods(uow, {p.method_id for p in payments if p.method_id is not None})
        receipts = _receipt_filenames(uow, customer.id)
        attempts = attempt_texts(uow.session, ids)
        return [
            PaymentView(
                p.id, p.status, p.received_on, p.amount, p.unapplied,
                method_label(p.method_kind, methods.get(p.method_id) if p.method_id else None),
                p.channel, p.reference, p.processor_payment_id, tuple(invoices[p.id]),
                receipt_filename(p.id) in receipts, attempts.get(p.id),
            )
            for p in payments
        ]



@dataclass(frozen=True)
class ScheduledPayment:
    id: int
    amount: Money
    on: dt.date
    method: str  # "Visa •4242"
    invoices: tuple[str, ...]  # by number; none: money on account


def scheduled_payments(uow: UnitOfWork, customer_code: str) -> list[ScheduledPayment]:
    """The customer's payments waiting for their date, soonest first: what can still be canceled."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        payments = list(uow.session.scalars(select(Payment).where(
            Payment.customer_id == customer.id, Payment.status == "scheduled")
            .order_by(Payment.scheduled_for, Payment.id)))
        methods = _methods(uow, {p.method_id for p in payments if p.method_id is not None})
        numbers: dict[int, list[str]] = defaultdict(list)
        for payment_id, number in uow.session.execute(
                select(PaymentLine.payment_id, Document.number).join(Document, Document.id == PaymentLine.invoice_id)
                .where(PaymentLine.payment_id.in_([p.id for p in payments])).order_by(Document.number)):
            numbers[payment_id].append(number)
        return [ScheduledPayment(p.id, p.amount, p.scheduled_for or p.received_on,
                                 method_label(p.method_kind, methods.get(p.method_id) if p.method_id else None),
                                 tuple(numbers[p.id])) for p in payments]


def latest_succeeded_payment(uow: UnitOfWork, customer_code: str) -> int | None:
    """The customer's latest payment that went through (the one a receipt is asked for)."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        return uow.session.scalar(select(Payment.id).where(Payment.customer_id == customer.id,
                                                           Payment.status == "succeeded")
                                  .order_by(Payment.received_on.desc(), Payment.id.desc()).limit(1))


def _filtered(
    query: Select[Payment], status: str | None, since: dt.date | None, until: dt.date | None,
    search: str | None,
) -> Select[Payment]:
    if status is not None:
        query = query.where(Payment.status == status)
    if since is not None:
        query = query.where(Payment.received_on >= since)
    if until is not None:
        query = query.where(Payment.received_on <= until)
    if search and search.strip():
        query = query.where(_matches(search.strip().lower()))
    return query


def _contains(column: SQLColumnExpression[str | None], term: str) -> ColumnElement[bool]:
    # lower() on both sides: the same case-insensitive match on SQLite and PostgreSQL; autoescape keeps % and _
    # in a reference literal.
    return func.lower(column).contains(term, autoescape=True)


def _matches(term: str) -> ColumnElement[bool]:
    # A payment in flight has no allocations yet, only payment lines; both name the invoices it pays.
    allocated = exists().where(
        Allocation.payment_id == Payment.id, Allocation.invoice_id == Document.id, _contains(Document.number, term)
    )
    planned = exists().where(
        PaymentLine.payment_id == Payment.id, PaymentLine.invoice_id == Document.id,
        _contains(Document.number, term),
    )
    return or_(_contains(Payment.reference, term), _contains(Payment.processor_payment_id, term), allocated, planned)


def _invoice_numbers(uow: UnitOfWork, payment_ids: list[int]) -> dict[int, list[str]]:
    """Invoice numbers per payment: its allocations once it succeeded, else the lines it will apply."""
    numbers: dict[int, list[str]] = defaultdict(list)
    if not payment_ids:
        return numbers
    allocated = _numbers(uow, Allocation.payment_id, Allocation.invoice_id, Allocation.id, payment_ids)
    planned = _numbers(uow, PaymentLine.payment_id, PaymentLine.invoice_id, PaymentLine.id, payment_ids)
    for payment_id in payment_ids:
        numbers[payment_id] = allocated.get(payment_id) or planned.get(payment_id) or []
    return numbers


def _numbers(
    uow: UnitOfWork, payment_col: SQLColumnExpression[Any], invoice_col: SQLColumnExpression[Any],
    order_col: SQLColumnExpression[Any],
    payment_ids: list[int],
) -> dict[int, list[str]]:
    rows = uow.session.execute(
        select(payment_col, Document.number)
        .join(Document, Document.id == invoice_col)
        .where(payment_col.in_(payment_ids))
        .order_by(order_col)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for payment_id, number in rows:
        if number not in found[payment_id]:  # a later credit application may hit the same invoice again
            found[payment_id].append(number)
    return found


def _methods(uow: UnitOfWork, method_ids: Iterable[int]) -> dict[int, PaymentMethod]:
    ids = list(method_ids)
    if not ids:
        return {}
    return {m.id: m for m in uow.session.scalars(select(PaymentMethod).where(PaymentMethod.id.in_(ids)))}


def _receipt_filenames(uow: UnitOfWork, customer_id: int) -> set[str]:
    query = select(StoredFile.filename).where(StoredFile.customer_id == customer_id, StoredFile.kind == RECEIPT_KIND)
    return set(uow.session.scalars(query))


def still_open(uow: UnitOfWork, customer_id: int, currency: str, today: dt.date) -> Money:
    """What the customer will still owe on invoices once the payments under way (scheduled, or with the processor)
    are made: each open debit less what those payments apply to it, early-payment discounts included. A short pay
    leaves its shortfall; a credit on account is not netted (it is the customer's to apply)."""
    debits = [d for d in open_debits(uow, customer_id, today, ()) if d.open.currency == currency]
    with uow:
        covered = dict(uow.session.execute(
            select(Document.number, func.sum(PaymentLine.amount_minor + PaymentLine.discount_minor))
            .join(PaymentLine, PaymentLine.invoice_id == Document.id)
            .join(Payment, Payment.id == PaymentLine.payment_id)
            .where(Payment.customer_id == customer_id, Payment.status.in_(("scheduled", "pending")))
            .group_by(Document.number)).all())
    left = sum(max(d.open.minor - int(covered.get(d.number) or 0), 0) for d in debits)
    return Money.from_minor(left, currency)
