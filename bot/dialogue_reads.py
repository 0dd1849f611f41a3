"""What the dialogue reads of a customer's account, as plain values: open invoices, methods, scheduled payments.

Each read is its own short transaction (never one inside another: SQLite takes one at a time per process).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.dialogue_core import Account
from core.bootstrap import Services
from core.dunning import DunningNotice
from core.kernel import Money
from core.ledger import Customer, Document, InvoiceHold, Payment, open_items
from core.payments import MethodView, PaymentLine, PaymentMethod, list_methods, method_label

DUNNING_CONTEXT = dt.timedelta(days=30)  # how long "PAY" still means what a dunning message asked for


@dataclass(frozen=True)
class OpenDebit:
    number: str
    open: Money
    due_date: dt.date
    days_past_due: int
    held: bool  # already in a scheduled or pending payment


@dataclass(frozen=True)
class Scheduled:
    id: int
    amount: Money
    on: dt.date
    method: str
    invoices: tuple[str, ...]


def account(services: Services, customer_id: int) -> Account:
    with services.db.uow() as uow:
        row = uow.session.get(Customer, customer_id)
        assert row is not None  # a conversation's foreign key
        return Account(row.id, row.code, row.name, row.currency, row.timezone)


def open_debits(services: Services, who: Account, today: dt.date) -> list[OpenDebit]:
    """Open invoices and finance charges, oldest due first."""
    with services.db.uow() as uow:
        return _open_debits(uow.session, who, today)


def _open_debits(session: Session, who: Account, today: dt.date) -> list[OpenDebit]:
    items = [item for item in open_items(session, who.id, today) if item.kind != "credit"]
    held = set(session.scalars(select(Document.number).join(InvoiceHold, InvoiceHold.invoice_id == Document.id)
                               .where(Document.customer_id == who.id)))
    return [OpenDebit(i.number, i.open, i.due_date, i.days_past_due, i.number in held) for i in items]


def matching(debits: list[OpenDebit], reference: str) -> list[OpenDebit]:
    """The open debits a customer's reference names: "INV-1042", or just its number "1042"."""
    ref = reference.strip().lower()
    exact = [d for d in debits if d.number.lower() == ref]
    if exact:
        return exact
    digits = ref.lstrip("#")
    return [d for d in debits if (m := re.search(r"(\d+)$", d.number)) and m.group(1).lstrip("0") == digits.lstrip("0")]


def methods(services: Services, who: Account) -> list[MethodView]:
    return list_methods(services.db.uow(), who.code)


def default_method(services: Services, who: Account) -> int | None:
    """The active method the customer paid with most recently."""
    with services.db.uow() as uow:
        return uow.session.scalar(
            select(Payment.method_id).join(PaymentMethod, PaymentMethod.id == Payment.method_id)
            .where(Payment.customer_id == who.id, PaymentMethod.active.is_(True))
            .order_by(Payment.id.desc()).limit(1))


def dunned_numbers(services: Services, who: Account, today: dt.date) -> list[str]:
    """The invoices the latest recent dunning message asked the customer to pay."""
    with services.db.uow() as uow:
        notice = uow.session.scalar(
            select(DunningNotice).where(DunningNotice.customer_id == who.id,
                                        DunningNotice.run_date >= today - DUNNING_CONTEXT)
            .order_by(DunningNotice.run_date.desc(), DunningNotice.id.desc()).limit(1))
        if notice is None or not notice.invoice_ids:
            return []
        ids = [int(i) for i in notice.invoice_ids]
        return list(uow.session.scalars(select(Document.number).where(Document.id.in_(ids))
                                        .order_by(Document.due_date, Document.number)))


def scheduled_payments(services: Services, who: Account) -> list[Scheduled]:
    with services.db.uow() as uow:
        payments = list(uow.session.scalars(select(Payment).where(Payment.customer_id == who.id,
                                                                  Payment.status == "scheduled")
                                            .order_by(Payment.scheduled_for, Payment.id)))
        found = []
        for p in payments:
            method = uow.session.get(PaymentMethod, p.method_id) if p.method_id else None
            paid = PaymentLine.invoice_id == Document.id
            numbers = uow.session.scalars(select(Document.number).join(PaymentLine, paid)
                                          .where(PaymentLine.payment_id == p.id).order_by(Document.number))
            label = method_label(p.method_kind, method)
            found.append(Scheduled(p.id, p.amount, p.scheduled_for or p.received_on, label, tuple(numbers)))
        return found


def latest_succeeded_payment(services: Services, who: Account) -> int | None:
    with services.db.uow() as uow:
        return uow.session.scalar(select(Payment.id).where(Payment.customer_id == who.id, Payment.status == "succeeded")
                                  .order_by(Payment.received_on.desc(), Payment.id.desc()).limit(1))
