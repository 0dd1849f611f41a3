"""A customer's account as people ask for it: details, balance and aging, and the invoice list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.ledger.book import Aging, aging_report, open_items
from core.ledger.disputes import disputed_by_invoice
from core.ledger.models import Customer, Document, InvoiceHold
from core.ledger.plans import plan_numbers
from core.ledger.posting import customer_by_code
from core.ledger.rules import aging_bucket, bucket_due_range, days_past_due

INVOICE_STATUSES = ("open", "paid", "void", "all")


@dataclass(frozen=True)
class ContactView:
    name: str
    email: str | None
    phone: str | None
    is_primary: bool


@dataclass(frozen=True)
class AccountView:
    code: str
    name: str
    class_code: str
    terms_days: int
    currency: str
    timezone: str
    on_hold: bool
    delivery: tuple[str, ...]
    address: dict[str, str | None]
    contacts: tuple[ContactView, ...]
    aging: tuple[Aging, ...]
    as_of: dt.date


def _address(customer: Customer) -> dict[str, str | None]:
    fields = ("address_line1", "address_line2", "city", "region", "postal_code", "country")
    return {f: getattr(customer, f) for f in fields}


def account(uow: UnitOfWork, code: str, as_of: dt.date) -> AccountView:
    with uow:
        customer = customer_by_code(uow, code)
        aging = aging_report(uow.session, as_of, [customer.id])
        return AccountView(
            code=customer.code, name=customer.name, class_code=customer.customer_class.code,
            terms_days=customer.terms_days, currency=customer.currency, timezone=customer.timezone,
            on_hold=customer.on_hold, delivery=tuple(customer.delivery_methods), address=_address(customer),
            contacts=tuple(ContactView(c.name, c.email, c.phone, c.is_primary) for c in customer.contacts),
            aging=tuple(aging), as_of=as_of,
        )


@dataclass(frozen=True)
class InvoiceLine:
    number: str
    kind: str
    status: str
    doc_date: dt.date
    due_date: dt.date
    po: str | None
    amount: Money
    open: Money
    days_past_due: int
    bucket: str
    discount_percent: str | None
    discount_until: dt.date | None


def _line(doc: Document, today: dt.date) -> InvoiceLine:
    days = days_past_due(doc.due_date, today)
    discount_until = None
    if doc.discount_percent and doc.discount_days is not None and not doc.discount_forfeited:
        discount_until = doc.doc_date + dt.timedelta(days=doc.discount_days)
    return InvoiceLine(
        doc.number, doc.kind, doc.status, doc.doc_date, doc.due_date, doc.po, doc.amount, doc.open,
        days, aging_bucket(days) if doc.open_minor else "", str(doc.discount_percent) if doc.discount_percent else None,
        discount_until,
    )


def invoices(
    uow: UnitOfWork,
    code: str,
    today: dt.date,
    *,
    status: str = "open",
    bucket: str | None = None,
    search: str | None = None,
    limit: int = 1000,
) -> list[InvoiceLine]:
    """The customer's documents filtered by status, aging bucket and number/PO text, oldest due first."""
    if status not in INVOICE_STATUSES:
        raise Invalid(f"unknown status {status!r}; use one of {', '.join(INVOICE_STATUSES)}", "status")
    with uow:
        customer = customer_by_code(uow, code)
        query = select(Document).where(Document.customer_id == customer.id)
        if status == "open":
            query = query.where(Document.open_minor > 0, Document.voided.is_(False))
        elif status == "paid":
            query = query.where(Document.open_minor == 0, Document.voided.is_(False))
        elif status == "void":
            query = query.where(Document.voided.is_(True))
        if bucket:
            low, high = bucket_due_range(bucket, today)
            query = query.where(Document.open_minor > 0, Document.kind != "credit")
            if low is not None:
                query = query.where(Document.due_date >= low)
            if high is not None:
                query = query.where(Document.due_date < high)
        if search:
            pattern = f"%{search.strip().lower()}%"
            query = query.where(or_(func.lower(Document.number).like(pattern), func.lower(Document.po).like(pattern)))
        query = query.order_by(Document.due_date, Document.number).limit(limit)
        return [_line(doc, today) for doc in uow.session.scalars(query)]


@dataclass(frozen=True)
class OpenDebit:
    """An open invoice or finance charge, as a payer picks what to pay."""

    number: str
    open: Money
    due_date: dt.date
    days_past_due: int
    held: bool  # already in a scheduled or pending payment
    disputed: Money  # what of `open` is in dispute (core.ledger.disputes): shown marked, never taken unless named

    @property
    def in_bulk(self) -> bool:
        """May a payment that does not name it take it (PAY ALL, PAY OVERDUE, a reply to a reminder, the phone's
        past due)? Not when it is in a payment already or anything of it is in dispute."""
        return not self.held and not self.disputed.is_positive()


def open_debits(uow: UnitOfWork, customer: int | str, today: dt.date,
                dispute_reasons: Sequence[str]) -> list[OpenDebit]:
    """The customer's (by id or code) open invoices and finance charges, oldest due first, each saying whether a
    payment holds it and what of it is in dispute."""
    with uow:
        customer_id = customer if isinstance(customer, int) else customer_by_code(uow, customer).id
        items = [item for item in open_items(uow.session, customer_id, today) if item.kind != "credit"]
        held = set(uow.session.scalars(select(Document.number).join(InvoiceHold, InvoiceHold.invoice_id == Document.id)
                                       .where(Document.customer_id == customer_id)))
        held |= set(plan_numbers(uow.session, customer_id))  # an instalment plan carries them
        disputed = disputed_by_invoice(uow.session, customer_id, today, dispute_reasons)
        return [OpenDebit(i.number, i.open, i.due_date, i.days_past_due, i.number in held,
                          Money.from_minor(disputed.get(i.number, 0), i.open.currency)) for i in items]
