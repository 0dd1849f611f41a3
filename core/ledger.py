"""Reading the book: open items, balances and aging as of any date, and dunning candidates.

What was open on a past date is what is open now plus every allocation applied after that date,
so one UNION serves today's report (where the add-back parts are empty) and any historical one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Date, Select, and_, case, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from core.model import Allocation, Customer, Document, Payment
from core.money import Money
from core.rules import BUCKETS, aging_bucket, days_past_due

CREDIT_KINDS = ("credit", "payment")


def _open_parts(as_of: dt.date, customer_ids: Iterable[int] | None) -> list[Select]:
    """The rows of (customer, currency, kind, document, due date, open amount) as of `as_of`."""
    d, c, a, p = Document.__table__, Document.__table__.alias("c"), Allocation.__table__, Payment.__table__

    def scoped(query: Select, customer_column) -> Select:  # type: ignore[no-untyped-def]
        return query if customer_ids is None else query.where(customer_column.in_(list(customer_ids)))

    open_now = select(
        d.c.customer_id, d.c.currency, d.c.kind, d.c.id.label("document_id"), d.c.due_date,
        d.c.open_minor.label("open_minor"),
    ).where(d.c.open_minor > 0, d.c.doc_date <= as_of, d.c.voided.is_(False))
    paid_later = select(
        d.c.customer_id, d.c.currency, d.c.kind, d.c.id, d.c.due_date, (a.c.amount_minor + a.c.discount_minor)
    ).select_from(a.join(d, d.c.id == a.c.invoice_id)).where(a.c.applied_on > as_of, d.c.doc_date <= as_of)
    credit_used_later = select(
        c.c.customer_id, c.c.currency, c.c.kind, c.c.id, c.c.due_date, a.c.amount_minor
    ).select_from(a.join(c, c.c.id == a.c.credit_id)).where(a.c.applied_on > as_of, c.c.doc_date <= as_of)
    succeeded = and_(p.c.status == "succeeded", p.c.received_on <= as_of)
    unapplied_now = select(
        p.c.customer_id, p.c.currency, literal("payment"), -p.c.id, null().label("due_date"), p.c.unapplied_minor
    ).where(succeeded, p.c.unapplied_minor > 0)
    unapplied_later = select(
        p.c.customer_id, p.c.currency, literal("payment"), -p.c.id, null(), a.c.amount_minor
    ).select_from(a.join(p, p.c.id == a.c.payment_id)).where(succeeded, a.c.applied_on > as_of)
    return [
        scoped(open_now, d.c.customer_id),
        scoped(paid_later, d.c.customer_id),
        scoped(credit_used_later, c.c.customer_id),
        scoped(unapplied_now, p.c.customer_id),
        scoped(unapplied_later, p.c.customer_id),
    ]


def _open_rows(as_of: dt.date, customer_ids: Iterable[int] | None = None):  # type: ignore[no-untyped-def]
    return union_all(*_open_parts(as_of, customer_ids)).subquery("open_rows")


@dataclass(frozen=True, slots=True)
class Aging:
    """One customer's aging in one currency, in minor units; Money views for the edges."""

    customer_code: str
    currency: str
    buckets_minor: tuple[int, int, int, int, int]
    credit_minor: int  # credit memos and unapplied payments, as a positive figure
    oldest_due: dt.date | None
    as_of: dt.date

    @property
    def debit_minor(self) -> int:
        return sum(self.buckets_minor)

    @property
    def balance_minor(self) -> int:
        return self.debit_minor - self.credit_minor

    @property
    def balance(self) -> Money:
        return Money.from_minor(self.balance_minor, self.currency)

    @property
    def credit(self) -> Money:
        return Money.from_minor(self.credit_minor, self.currency)

    @property
    def buckets(self) -> dict[str, Money]:
        return {name: Money.from_minor(v, self.currency) for name, v in zip(BUCKETS, self.buckets_minor, strict=True)}

    @property
    def most_overdue_days(self) -> int | None:
        return None if self.oldest_due is None else days_past_due(self.oldest_due, self.as_of)


def _aging_select(as_of: dt.date, customer_ids: Iterable[int] | None) -> Select:
    rows = _open_rows(as_of, customer_ids)
    is_debit = rows.c.kind.not_in(CREDIT_KINDS)
    day = dt.timedelta(days=1)
    edges = [(rows.c.due_date >= as_of)] + [
        and_(rows.c.due_date < as_of - lo * day, rows.c.due_date >= as_of - hi * day)
        for lo, hi in ((0, 30), (30, 60), (60, 90))
    ] + [rows.c.due_date < as_of - 90 * day]
    bucket_sums = [
        func.coalesce(func.sum(case((and_(is_debit, edge), rows.c.open_minor), else_=0)), 0) for edge in edges
    ]
    credit_sum = func.coalesce(func.sum(case((is_debit, 0), else_=rows.c.open_minor)), 0)
    oldest_due = func.min(case((is_debit, rows.c.due_date)), type_=Date)
    grouped = (
        select(rows.c.customer_id, rows.c.currency, *bucket_sums, credit_sum, oldest_due.label("oldest_due"))
        .group_by(rows.c.customer_id, rows.c.currency)
        .subquery("aging")
    )
    customers = Customer.__table__
    return (
        select(customers.c.code, *[col for col in grouped.c if col.name != "customer_id"])
        .join_from(grouped, customers, customers.c.id == grouped.c.customer_id)
        .order_by(customers.c.code, grouped.c.currency)
    )


def aging_report(session: Session, as_of: dt.date, customer_ids: Iterable[int] | None = None) -> list[Aging]:
    """Every customer with anything open on `as_of`, per currency, bucketed by days past due."""
    result = session.execute(_aging_select(as_of, customer_ids))
    return [
        Aging(row[0], row[1], (row[2], row[3], row[4], row[5], row[6]), row[7], _as_date(row[8]), as_of)
        for row in result
    ]


def _as_date(value: dt.date | str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


@dataclass(frozen=True, slots=True)
class DunningCandidate:
    customer_code: str
    currency: str
    balance_minor: int
    oldest_due: dt.date
    most_overdue_days: int

    @property
    def balance(self) -> Money:
        return Money.from_minor(self.balance_minor, self.currency)


def dunning_candidates(session: Session, as_of: dt.date) -> list[DunningCandidate]:
    """Customers whose balance is above zero (credits included), with their most overdue open item."""
    rows = _open_rows(as_of)
    is_debit = rows.c.kind.not_in(CREDIT_KINDS)
    balance = func.sum(case((is_debit, rows.c.open_minor), else_=-rows.c.open_minor))
    grouped = (
        select(rows.c.customer_id, rows.c.currency, balance.label("balance"),
               func.min(case((is_debit, rows.c.due_date)), type_=Date).label("oldest_due"))
        .group_by(rows.c.customer_id, rows.c.currency)
        .having(balance > 0)
        .subquery("candidates")
    )
    customers = Customer.__table__
    query = (
        select(customers.c.code, grouped.c.currency, grouped.c.balance, grouped.c.oldest_due)
        .join_from(grouped, customers, customers.c.id == grouped.c.customer_id)
        .order_by(customers.c.code)
    )
    out = []
    for code, currency, balance_minor, oldest in session.execute(query):
        oldest = _as_date(oldest)
        out.append(DunningCandidate(code, currency, balance_minor, oldest, days_past_due(oldest, as_of)))
    return out


@dataclass(frozen=True, slots=True)
class OpenItem:
    number: str
    kind: str
    doc_date: dt.date
    due_date: dt.date
    po: str | None
    amount: Money
    open: Money
    days_past_due: int
    bucket: str


def open_items(session: Session, customer_id: int, as_of: dt.date) -> list[OpenItem]:
    """The customer's documents with something open on `as_of`, oldest due first."""
    rows = _open_rows(as_of, [customer_id])
    per_doc = (
        select(rows.c.document_id, func.sum(rows.c.open_minor).label("open_minor"))
        .where(rows.c.kind != "payment")
        .group_by(rows.c.document_id)
        .subquery()
    )
    query = (
        select(Document, per_doc.c.open_minor)
        .join(per_doc, per_doc.c.document_id == Document.id)
        .order_by(Document.due_date, Document.number)
    )
    items = []
    for doc, open_minor in session.execute(query):
        days = days_past_due(doc.due_date, as_of)
        items.append(OpenItem(
            doc.number, doc.kind, doc.doc_date, doc.due_date, doc.po, doc.amount,
            Money.from_minor(open_minor, doc.currency), days, aging_bucket(days),
        ))
    return items
