"""The payment book staff search: every customer's payments (or one customer's), filtered, newest first.

`core.payments.history.payment_history` answers one customer over the API; the console also needs all customers at
once and a filter by how the money came (card, ACH, check, wire), so it reads through here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, exists, func, or_, select

from core.documents.models import StoredFile
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.ledger.models import PAYMENT_STATUSES, Allocation, Customer, Document, Payment
from core.ledger.posting import customer_by_code
from core.payments.attempts import attempt_texts
from core.payments.history import RECEIPT_KIND, method_label, receipt_filename
from core.payments.models import PaymentLine, PaymentMethod

METHOD_KINDS = ("card", "ach", "check", "wire", "cash", "other")


@dataclass(frozen=True)
class BookFilters:
    status: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    method_kind: str | None = None
    search: str | None = None

    def check(self) -> BookFilters:
        if self.status and self.status not in PAYMENT_STATUSES:
            raise Invalid(f"unknown status {self.status!r}; use one of {', '.join(PAYMENT_STATUSES)}", "status")
        if self.since and self.until and self.since > self.until:
            raise Invalid(f"the date range starts ({self.since}) after it ends ({self.until})", "since")
        return self


@dataclass(frozen=True)
class BookRow:
    id: int
    customer_code: str
    customer_name: str
    status: str
    received_on: dt.date
    amount: Money
    unapplied: Money
    method_kind: str
    method: str
    channel: str
    initiated_by: str
    reference: str | None
    processor_payment_id: str | None
    invoices: tuple[str, ...]
    receipt_available: bool
    attempt: str | None = None  # an attempt at a scheduled charge (core.payments.attempts)


def payment_book(uow: UnitOfWork, filters: BookFilters, *, customer_code: str | None = None,
                 limit: int = 200) -> list[BookRow]:
    """Payments matching `filters`, newest first, at most `limit`; one customer's when `customer_code` is given."""
    filters.check()
    with uow:
        query = _filtered(select(Payment, Customer).join(Customer, Customer.id == Payment.customer_id), filters)
        if customer_code is not None:
            query = query.where(Payment.customer_id == customer_by_code(uow, customer_code).id)
        rows = [(p, c) for p, c in uow.session.execute(query.order_by(Payment.received_on.desc(), Payment.id.desc())
                                                      .limit(limit))]
        ids = [payment.id for payment, _ in rows]
        invoices, methods, receipts = _invoices(uow, ids), _methods(uow, rows), _receipts(uow, ids)
        attempts = attempt_texts(uow.session, ids)
        return [
            BookRow(p.id, c.code, c.name, p.status, p.received_on, p.amount, p.unapplied, p.method_kind,
                    method_label(p.method_kind, methods.get(p.method_id or 0)), p.channel, p.initiated_by,
                    p.reference, p.processor_payment_id, tuple(invoices[p.id]), p.id in receipts,
                    attempts.get(p.id))
            for p, c in rows
        ]


def _filtered(query: Select[Payment, Customer], f: BookFilters) -> Select[Payment, Customer]:
    conditions = [
        Payment.status == f.status if f.status else None,
        Payment.received_on >= f.since if f.since else None,
        Payment.received_on <= f.until if f.until else None,
        Payment.method_kind == f.method_kind if f.method_kind else None,
        _matches(f.search.strip().lower()) if f.search and f.search.strip() else None,
    ]
    return query.where(*[c for c in conditions if c is not None])


def _matches(term: str) -> ColumnElement[bool]:
    """The payment's reference, processor id, customer code or name, or an invoice number it pays."""
    def has(column: SQLColumnExpression[Any]) -> ColumnElement[bool]:
        return func.lower(column).contains(term, autoescape=True)

    invoice = [exists().where(table.payment_id == Payment.id, table.invoice_id == Document.id, has(Document.number))
               for table in (PaymentLine, Allocation)]
    return or_(has(Payment.reference), has(Payment.processor_payment_id), has(Customer.code), has(Customer.name),
               *invoice)


def _invoices(uow: UnitOfWork, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for table in (PaymentLine, Allocation):
        rows = uow.session.execute(select(table.payment_id, Document.number)
                                   .join(Document, Document.id == table.invoice_id)
                                   .where(table.payment_id.in_(ids)).order_by(table.id))
        for payment_id, number in rows:
            if payment_id is not None and number not in found[payment_id]:
                found[payment_id].append(number)
    return found


def _methods(uow: UnitOfWork, rows: list[tuple[Payment, Customer]]) -> dict[int, PaymentMethod]:
    ids = {p.method_id for p, _ in rows if p.method_id is not None}
    if not ids:
        return {}
    return {m.id: m for m in uow.session.scalars(select(PaymentMethod).where(PaymentMethod.id.in_(ids)))}


def _receipts(uow: UnitOfWork, ids: list[int]) -> set[int]:
    names = {receipt_filename(pid): pid for pid in ids}
    if not names:
        return set()
    stored = uow.session.scalars(select(StoredFile.filename).where(StoredFile.kind == RECEIPT_KIND,
                                                                   StoredFile.filename.in_(list(names))))
    return {names[name] for name in stored}
