"""What a chunk of the statement cycle reads: each kind of row for all of the chunk's customers at once.

The accounts as they stand now, whether a statement for the date exists already, what each customer had
open on the date, the date of their previous statement and the money received since. A handful of
set-based queries per chunk, never a query per customer.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from sqlalchemy import BigInteger, Date, Select, and_, cast, func, or_, select
from sqlalchemy.orm import Session

# The ledger's as-of rows (what was open on a date, allocations applied since added back), shared rather
# than written a second time: the statement must show what the aging report shows.
from core.documents.letterhead import mailing_address
from core.ledger.book import as_of_params, open_rows
from core.ledger.finance_charges import FinanceChargePolicy
from core.ledger.models import Allocation, Contact, Customer, Document, Payment
from core.statements.models import Statement
from core.statements.snapshots import ActivityLine, CustomerInfo

RETURNED_STATUSES = ("returned", "refunded", "disputed")


# -- the customers, as their accounts stand now ---------------------------------------------------


@dataclass(frozen=True)
class Account:
    id: int
    code: str
    currency: str
    terms_days: int
    on_hold: bool
    policy: FinanceChargePolicy
    info: CustomerInfo  # as the statement shows the customer


def customer_accounts(session: Session, customer_ids: list[int], home_country: str) -> list[Account]:
    """The customers of `customer_ids` in id order; `home_country` (the seller's) is left off addresses."""
    if not customer_ids:
        return []
    contacts = _billing_contacts(session, customer_ids)
    customers = session.scalars(select(Customer).where(Customer.id.in_(customer_ids)).order_by(Customer.id))
    return [_account(c, contacts.get(c.id, (None, None)), home_country) for c in customers]


def _account(customer: Customer, contact: tuple[str | None, str | None], home_country: str) -> Account:
    email, phone = contact
    info = CustomerInfo(
        code=customer.code, name=customer.name, address=mailing_address(customer, home_country),
        class_code=customer.customer_class.code, terms_days=customer.terms_days,
        delivery=tuple(customer.delivery_methods), email=email, fax=customer.fax, phone=phone,
        timezone=customer.timezone,
    )
    policy = FinanceChargePolicy.for_customer(customer.customer_class, customer.finance_charge_exempt)
    return Account(customer.id, customer.code, customer.currency, customer.terms_days, customer.on_hold,
                   policy, info)


def _billing_contacts(session: Session, customer_ids: list[int]) -> dict[int, tuple[str | None, str | None]]:
    """Each customer's billing contact (the primary one, else the first): email and phone."""
    query = (
        select(Contact.customer_id, Contact.email, Contact.phone)
        .where(Contact.customer_id.in_(customer_ids))
        .order_by(Contact.customer_id, Contact.is_primary.desc(), Contact.id)
    )
    contacts: dict[int, tuple[str | None, str | None]] = {}
    for customer_id, email, phone in session.execute(query):
        contacts.setdefault(customer_id, (email, phone))
    return contacts


def already_stated(session: Session, customer_ids: list[int], statement_date: dt.date) -> set[int]:
    """The customers of `customer_ids` that have their statement for the date."""
    if not customer_ids:
        return set()
    query = select(Statement.customer_id).where(
        Statement.statement_date == statement_date, Statement.customer_id.in_(customer_ids)
    )
    return set(session.scalars(query))


# -- the ledger as of a date ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenLine:
    """A document open on the date, or money on account (kind `payment`)."""

    customer_id: int
    currency: str
    kind: str
    number: str
    doc_date: dt.date
    due_date: dt.date | None
    po: str | None
    amount_minor: int
    open_minor: int

    @property
    def is_debit(self) -> bool:
        return self.kind not in ("credit", "payment")


def payment_reference(payment_id: int, reference: str | None) -> str:
    return reference or f"Payment {payment_id}"


@cache
def _open_lines_select() -> Select:
    rows = open_rows(scoped=True)
    per_item = (
        select(rows.c.customer_id, rows.c.currency, rows.c.kind, rows.c.document_id,
               cast(func.sum(rows.c.open_minor), BigInteger).label("open_minor"))
        .group_by(rows.c.customer_id, rows.c.currency, rows.c.kind, rows.c.document_id)
        .subquery("per_item")
    )
    d, p = Document.__table__, Payment.__table__
    is_payment = per_item.c.kind == "payment"
    # Unapplied payments come through with the payment's id negated (see core.ledger.book).
    joined = per_item.outerjoin(d, and_(~is_payment, d.c.id == per_item.c.document_id)).outerjoin(
        p, and_(is_payment, p.c.id == -per_item.c.document_id)
    )
    return select(
        per_item.c.customer_id, per_item.c.currency, per_item.c.kind, per_item.c.open_minor,
        d.c.number, d.c.doc_date, d.c.due_date, d.c.po, d.c.amount_minor,
        p.c.id, p.c.reference, p.c.received_on, p.c.amount_minor,
    ).select_from(joined).where(per_item.c.open_minor > 0)


def open_lines(session: Session, customer_ids: list[int], as_of: dt.date) -> dict[int, list[OpenLine]]:
    """What each customer had open on `as_of`: debits, credit memos and money on account, any currency."""
    lines: dict[int, list[OpenLine]] = defaultdict(list)
    if not customer_ids:
        return lines
    for row in session.execute(_open_lines_select(), as_of_params(as_of, customer_ids)):
        cid, currency, kind, open_minor, number, doc_date, due, po, amount, pid, ref, received, paid = row
        if kind == "payment":
            line = OpenLine(cid, currency, kind, payment_reference(pid, ref), received, None, None, paid, open_minor)
        else:
            line = OpenLine(cid, currency, kind, number, doc_date, due, po, amount, open_minor)
        lines[cid].append(line)
    return lines


# -- since the previous statement -----------------------------------------------------------------


def previous_statement_dates(session: Session, customer_ids: list[int], before: dt.date) -> dict[int, dt.date]:
    query = (
        select(Statement.customer_id, func.max(Statement.statement_date, type_=Date))
        .where(Statement.customer_id.in_(customer_ids), Statement.statement_date < before)
        .group_by(Statement.customer_id)
    )
    return {cid: as_date(day) for cid, day in session.execute(query)}


def as_date(value: dt.date | str) -> dt.date:
    # SQLite hands back an aggregate of dates as ISO text.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def activity_between(
    session: Session, customer_ids: list[int], since: dt.date, until: dt.date
) -> dict[int, list[tuple[str, ActivityLine]]]:
    """Payments received and credit memos applied in (since, until], with their currency, per customer."""
    p, a, c = Payment.__table__, Allocation.__table__, Document.__table__
    # Money received then counts as received until, if ever, it went back: as the ledger has it.
    received = or_(p.c.status == "succeeded", and_(p.c.status.in_(RETURNED_STATUSES), p.c.returned_on > until))
    payments = select(p.c.customer_id, p.c.currency, p.c.id, p.c.reference, p.c.received_on, p.c.amount_minor).where(
        p.c.customer_id.in_(customer_ids), p.c.received_on > since, p.c.received_on <= until, received
    )
    credits = (
        select(c.c.customer_id, c.c.currency, c.c.number, a.c.applied_on, a.c.amount_minor)
        .select_from(a.join(c, c.c.id == a.c.credit_id))
        .where(c.c.customer_id.in_(customer_ids), a.c.applied_on > since, a.c.applied_on <= until)
    )
    lines: dict[int, list[tuple[str, ActivityLine]]] = defaultdict(list)
    for cid, currency, pid, ref, day, amount in session.execute(payments):
        lines[cid].append((currency, ActivityLine(day, payment_reference(pid, ref), "payment", amount)))
    for cid, currency, number, day, amount in session.execute(credits):
        lines[cid].append((currency, ActivityLine(day, number, "credit_applied", amount)))
    return lines
