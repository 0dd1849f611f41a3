"""What a chunk of the statement cycle reads: each kind of row for all of the chunk's customers at once.

The accounts as they stand now, whether a statement for the date exists already, what each customer had
open on the date, their previous statement (its date and the balance it stated) and every entry since. A handful of
set-based queries per chunk, never a query per customer.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from sqlalchemy import BigInteger, Date, Select, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

# The ledger's as-of rows (what was open on a date, allocations applied since added back), shared rather
# than written a second time: the statement must show what the aging report shows.
from core.documents.letterhead import mailing_address
from core.ledger.book import CREDIT_KINDS, as_of_params, open_rows
from core.ledger.finance_charges import FinanceChargePolicy
from core.ledger.models import Allocation, Contact, Customer, Document, Payment
from core.statements.models import Statement
from core.statements.snapshots import ActivityLine, CustomerInfo

RETURNED_STATUSES = ("returned", "refunded", "disputed")
ActivityRow = tuple[int, str, ActivityLine]  # customer id, currency, line


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


@dataclass(frozen=True, slots=True)
class PreviousStatement:
    statement_date: dt.date
    currency: str
    balance_minor: int  # the balance it stated


def previous_statements(session: Session, customer_ids: list[int], before: dt.date) -> dict[int, PreviousStatement]:
    """Each customer's latest statement dated before `before`."""
    latest = (
        select(Statement.customer_id, func.max(Statement.statement_date, type_=Date).label("statement_date"))
        .where(Statement.customer_id.in_(customer_ids), Statement.statement_date < before)
        .group_by(Statement.customer_id)
        .subquery()
    )
    s = Statement.__table__
    query = select(s.c.customer_id, s.c.statement_date, s.c.currency, s.c.balance_minor).join(
        latest, and_(latest.c.customer_id == s.c.customer_id, latest.c.statement_date == s.c.statement_date)
    )
    rows = session.execute(query)
    return {cid: PreviousStatement(as_date(day), currency, balance) for cid, day, currency, balance in rows}


def as_date(value: dt.date | str) -> dt.date:
    # SQLite hands back an aggregate of dates as ISO text.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


@cache
def _balances_select() -> Select:
    rows = open_rows(scoped=True)
    signed = case((rows.c.kind.in_(CREDIT_KINDS), -rows.c.open_minor), else_=rows.c.open_minor)
    return (select(rows.c.customer_id, rows.c.currency, cast(func.sum(signed), BigInteger))
            .group_by(rows.c.customer_id, rows.c.currency))


def balances_on(session: Session, customer_ids: list[int], as_of: dt.date) -> dict[tuple[int, str], int]:
    """Each customer's balance on `as_of` per currency, as the statement of that date would have stated it."""
    if not customer_ids:
        return {}
    result = session.execute(_balances_select(), as_of_params(as_of, customer_ids))
    return {(cid, currency): balance for cid, currency, balance in result}


def activity_between(
    session: Session, customer_ids: list[int], since: dt.date, until: dt.date
) -> dict[int, list[tuple[str, ActivityLine]]]:
    """Every entry dated in (since, until] that moved a balance, with its currency, per customer.

    The entries the ledger's as-of balance (`core.ledger.book`) changes by: documents issued (and what of
    them the ERP reports settled outside our ledger), money received, discounts taken, and money that went
    back. Applying a credit memo or money on account to an invoice moves nothing, and is not an entry here.
    """
    lines: dict[int, list[tuple[str, ActivityLine]]] = defaultdict(list)
    if not customer_ids:
        return lines
    for cid, currency, line in [*_documents_issued(session, customer_ids, since, until),
                                *_money_received_and_returned(session, customer_ids, since, until),
                                *_discounts(session, customer_ids, since, until)]:
        lines[cid].append((currency, line))
    return lines


def _documents_issued(session: Session, ids: list[int], since: dt.date, until: dt.date) -> Iterator[ActivityRow]:
    d, a = Document.__table__, Allocation.__table__
    # What our ledger applied to (or, from a credit memo, out of) the document; the rest of what is no longer
    # open the ERP settled: it imported the document part paid, or lowered its open amount since.
    applied_to = select(func.coalesce(func.sum(a.c.amount_minor + a.c.discount_minor), 0)).where(
        a.c.invoice_id == d.c.id, a.c.reversed_on.is_(None)).scalar_subquery()
    applied_from = select(func.coalesce(func.sum(a.c.amount_minor), 0)).where(a.c.credit_id == d.c.id).scalar_subquery()
    settled_here = case((d.c.kind == "credit", applied_from), else_=applied_to)
    query = select(
        d.c.customer_id, d.c.currency, d.c.kind, d.c.number, d.c.doc_date, d.c.po, d.c.amount_minor,
        d.c.amount_minor - d.c.open_minor - settled_here,
    ).where(d.c.customer_id.in_(ids), d.c.doc_date > since, d.c.doc_date <= until, d.c.voided.is_(False))
    for cid, currency, kind, number, day, po, amount, settled_in_erp in session.execute(query):
        sign = -1 if kind == "credit" else 1
        yield cid, currency, ActivityLine(day, number, kind, sign * amount, po)
        if settled_in_erp:
            yield cid, currency, ActivityLine(day, number, "settled_in_erp", -sign * int(settled_in_erp))


def _money_received_and_returned(session: Session, ids: list[int], since: dt.date,
                                 until: dt.date) -> Iterator[ActivityRow]:
    p = Payment.__table__
    went_back = p.c.status.in_(RETURNED_STATUSES)
    # Money received counts from its receipt until, if ever, it went back: as the ledger has it.
    received = and_(p.c.received_on > since, p.c.received_on <= until, or_(p.c.status == "succeeded", went_back))
    returned = and_(went_back, p.c.returned_on > since, p.c.returned_on <= until)
    query = select(p.c.customer_id, p.c.currency, p.c.id, p.c.reference, p.c.received_on, p.c.returned_on,
                   p.c.amount_minor).where(p.c.customer_id.in_(ids), or_(received, returned))
    for cid, currency, pid, ref, received_on, returned_on, amount in session.execute(query):
        reference = payment_reference(pid, ref)
        if since < received_on <= until:
            yield cid, currency, ActivityLine(received_on, reference, "payment", -amount)
        if returned_on is not None and since < returned_on <= until:
            yield cid, currency, ActivityLine(returned_on, reference, "payment_returned", amount)


def _discounts(session: Session, ids: list[int], since: dt.date, until: dt.date) -> Iterator[ActivityRow]:
    """Early-payment discounts taken, and given back when the payment that took one was returned."""
    a, d, p = Allocation.__table__, Document.__table__, Payment.__table__
    in_period = [and_(column > since, column <= until) for column in (a.c.applied_on, a.c.reversed_on)]
    query = (
        select(d.c.customer_id, d.c.currency, d.c.number, p.c.id, p.c.reference, a.c.applied_on, a.c.reversed_on,
               a.c.discount_minor)
        .select_from(a.join(d, d.c.id == a.c.invoice_id).outerjoin(p, p.c.id == a.c.payment_id))
        .where(d.c.customer_id.in_(ids), a.c.discount_minor > 0, d.c.doc_date <= until, d.c.voided.is_(False),
               or_(*in_period))
    )
    for cid, currency, number, pid, ref, applied_on, reversed_on, discount in session.execute(query):
        paid_with = payment_reference(pid, ref) if pid is not None else None
        if since < applied_on <= until:
            yield cid, currency, ActivityLine(applied_on, number, "discount", -discount, paid_with)
        if reversed_on is not None and since < reversed_on <= until:
            yield cid, currency, ActivityLine(reversed_on, number, "discount_reversed", discount, paid_with)
