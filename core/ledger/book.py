"""Reading the book: open items, balances and aging as of any date, and dunning candidates.

What was open on a past date is what is open now plus every allocation applied after that date.
The reports total the open debits (invoices, finance charges: the bulk of the book) straight off their
covering partial index, in index order, and total the rest (open credit memos, unapplied payments and,
for a past date, the add-backs: a few rows, none at all for most of today's book) on their own; the
big part never goes through a UNION, a hash or a sort.

Each statement is built once, with the date and customers as parameters: building one takes longer
than running it for one customer.

The whole book's aging and candidates come off the balances kept per customer and currency
(`core.ledger.kept_balances`), which fall back on the recomputation here (`aging_from_ledger`,
`candidates_from_ledger`) for what they cannot answer; `core.ledger.balance_check` holds the two together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Date,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from core.kernel.money import Money
from core.ledger.kept_balances import kept_aging, kept_candidates
from core.ledger.models import Allocation, Customer, Document, Payment
from core.ledger.positions import Aging, DunningCandidate, as_candidate, no_gc_pauses
from core.ledger.rules import aging_bucket, bucket_due_range, days_past_due

__all__ = [
    "AS_OF", "CREDIT_KINDS", "Aging", "DunningCandidate", "OpenItem", "aging_from_ledger", "aging_report",
    "as_of_params", "candidates_from_ledger", "dunning_candidates", "no_gc_pauses", "open_items", "open_rows",
]

CREDIT_KINDS = ("credit", "payment")

AS_OF = bindparam("as_of", type_=Date)
CUSTOMER_IDS: BindParameter[int] = bindparam("customer_ids", expanding=True)
DUE_30, DUE_60, DUE_90 = (bindparam(f"due_{days}", type_=Date) for days in (30, 60, 90))
# current, 1-30, 31-60, 61-90, 90+: due dates in [from, before), as core.ledger.rules.bucket_due_range has them
BUCKET_DUE = [(AS_OF, None), (DUE_30, AS_OF), (DUE_60, DUE_30), (DUE_90, DUE_60), (None, DUE_90)]


def as_of_params(as_of: dt.date, customer_ids: list[int] | None = None) -> dict[str, Any]:
    """The bind parameters of an as-of statement (this module's, or one built on `open_rows`): the date,
    the aging bucket boundaries and, for a scoped statement, the customers."""
    params: dict[str, Any] = {"as_of": as_of}
    for days, bucket in ((30, "1-30"), (60, "31-60"), (90, "61-90")):
        params[f"due_{days}"] = bucket_due_range(bucket, as_of)[0]
    return params if customer_ids is None else {**params, "customer_ids": customer_ids}


def _open_debits(scoped: bool) -> list[ColumnElement[bool]]:
    """Invoices and finance charges open today that existed on `as_of`: ix_documents_open_debits."""
    d = Document.__table__
    # Written as the index predicate is, so both PostgreSQL and SQLite pick the partial index.
    where = [d.c.open_minor > 0, d.c.kind != "credit", d.c.doc_date <= AS_OF, d.c.voided.is_(False)]
    return [*where, d.c.customer_id.in_(CUSTOMER_IDS)] if scoped else where


def _other_parts(scoped: bool) -> list[Select]:
    """Open credit memos, unapplied payments and, for a past `as_of`, what was applied after it."""
    d, c, a, p = Document.__table__, Document.__table__.alias("c"), Allocation.__table__, Payment.__table__

    def in_scope(query: Select, customer_column) -> Select:  # type: ignore[no-untyped-def]
        return query.where(customer_column.in_(CUSTOMER_IDS)) if scoped else query

    open_credits = select(
        d.c.customer_id, d.c.currency, d.c.kind, d.c.id.label("document_id"), d.c.due_date, d.c.open_minor
    ).where(d.c.open_minor > 0, d.c.kind == "credit", d.c.doc_date <= AS_OF, d.c.voided.is_(False))
    paid_later = select(
        d.c.customer_id, d.c.currency, d.c.kind, d.c.id.label("document_id"), d.c.due_date,
        a.c.amount_minor + a.c.discount_minor,
    ).select_from(a.join(d, d.c.id == a.c.invoice_id)).where(
        a.c.applied_on > AS_OF, a.c.reversed_on.is_(None), d.c.doc_date <= AS_OF, d.c.voided.is_(False)
    )
    # Paid on the day, returned since: open again now, but it was not open then.
    returned_later = select(
        d.c.customer_id, d.c.currency, d.c.kind, d.c.id.label("document_id"), d.c.due_date,
        -(a.c.amount_minor + a.c.discount_minor),
    ).select_from(a.join(d, d.c.id == a.c.invoice_id)).where(
        a.c.applied_on <= AS_OF, a.c.reversed_on > AS_OF, d.c.doc_date <= AS_OF, d.c.voided.is_(False)
    )
    credit_used_later = select(
        c.c.customer_id, c.c.currency, c.c.kind, c.c.id.label("document_id"), c.c.due_date, a.c.amount_minor
    ).select_from(a.join(c, c.c.id == a.c.credit_id)).where(
        a.c.applied_on > AS_OF, c.c.doc_date <= AS_OF, c.c.voided.is_(False)
    )
    # Money on account counts from its receipt until, if ever, it was returned.
    returned_since = and_(p.c.status.in_(("returned", "refunded", "disputed")), p.c.returned_on > AS_OF)
    succeeded = and_(or_(p.c.status == "succeeded", returned_since), p.c.received_on <= AS_OF)
    unapplied_now = select(
        p.c.customer_id, p.c.currency, literal("payment"), (-p.c.id).label("document_id"), null(),
        p.c.unapplied_minor,
    ).where(succeeded, p.c.unapplied_minor > 0)
    unapplied_later = select(
        p.c.customer_id, p.c.currency, literal("payment"), (-p.c.id).label("document_id"), null(),
        a.c.amount_minor,
    ).select_from(a.join(p, p.c.id == a.c.payment_id)).where(succeeded, a.c.applied_on > AS_OF)
    return [
        in_scope(open_credits, d.c.customer_id),
        in_scope(paid_later, d.c.customer_id),
        in_scope(returned_later, d.c.customer_id),
        in_scope(credit_used_later, c.c.customer_id),
        in_scope(unapplied_now, p.c.customer_id),
        in_scope(unapplied_later, p.c.customer_id),
    ]


def open_rows(scoped: bool) -> Subquery:
    """The rows of (customer, currency, kind, document, due date, open amount) as of `as_of`.

    A document may come in several rows (open now, plus what was applied after `as_of`): sum per document.
    Unapplied payments come as kind `payment` with the payment's id negated as `document_id`. Scoped: to
    the customers of `customer_ids`. Run what is built on it with `as_of_params`.
    """
    d = Document.__table__
    debits = select(
        d.c.customer_id, d.c.currency, d.c.kind, d.c.id.label("document_id"), d.c.due_date, d.c.open_minor
    ).where(*_open_debits(scoped))
    return union_all(debits, *_other_parts(scoped)).subquery("open_rows")


def _without_document_id(part: Select) -> Select:
    # Totals need no document id, and without it open credit memos are read off their index alone.
    return part.with_only_columns(*[col for col in part.selected_columns if col.key != "document_id"])


def _total(value: ColumnElement, *where: ColumnElement[bool]) -> ColumnElement[int]:
    """sum(value) over the rows meeting `where`; 0, not NULL, when none does."""
    summed = func.sum(value).filter(and_(*where)) if where else func.sum(value)
    # An integer, not the NUMERIC PostgreSQL makes of sum(bigint): no Decimal per cell on the way out.
    return func.coalesce(cast(summed, BigInteger), 0)


def _earliest_due(cols: Any, debit: ColumnElement[bool] | None) -> ColumnElement[dt.date]:
    due = func.min(cols.due_date, type_=Date)
    return due if debit is None else due.filter(debit)


@dataclass(frozen=True)
class _Measure:
    """One figure per customer and currency: how to total open rows, and how two totals combine.

    `total(cols, debit)` gets the rows' columns and the condition that a row is a debit, or None when
    every row is (the open-debits part).
    """

    name: str
    total: Callable[[Any, ColumnElement[bool] | None], ColumnElement]
    earliest: bool = False  # a date: combined by taking the earlier one, not by adding

    def combine(self, left: ColumnElement, right: ColumnElement) -> ColumnElement:
        if not self.earliest:
            return left + func.coalesce(right, 0)
        return case((or_(right.is_(None), left <= right), left), else_=right)


def _per_customer(scoped: bool, measures: list[_Measure]) -> Subquery:
    """`measures` per customer and currency over everything open on `as_of`."""
    d = Document.__table__

    def grouped(source: Any, debit: ColumnElement[bool] | None, *where: ColumnElement[bool]) -> Select:
        totals = [m.total(source.c, debit).label(m.name) for m in measures]
        query = select(source.c.customer_id, source.c.currency, *totals).where(*where)
        return query.group_by(source.c.customer_id, source.c.currency)

    debits = grouped(d, None, *_open_debits(scoped)).subquery()
    others = union_all(*[_without_document_id(part) for part in _other_parts(scoped)]).subquery()
    # A CTE, as it is read twice: computed once, not once per reference.
    rest = grouped(others, others.c.kind.not_in(CREDIT_KINDS)).cte("rest")
    key = and_(rest.c.customer_id == debits.c.customer_id, rest.c.currency == debits.c.currency)
    with_debits = select(
        debits.c.customer_id, debits.c.currency,
        *[m.combine(debits.c[m.name], rest.c[m.name]).label(m.name) for m in measures],
    ).select_from(debits.outerjoin(rest, key))
    # With the LEFT JOIN above, a FULL JOIN spelled so that SQLite before 3.39 runs it too.
    has_debits = exists().where(
        d.c.customer_id == rest.c.customer_id, d.c.currency == rest.c.currency, *_open_debits(scoped)
    )
    rest_only = select(rest.c.customer_id, rest.c.currency, *[rest.c[m.name] for m in measures])
    return union_all(with_debits, rest_only.where(~has_debits)).subquery("per_customer")


def _as_date(value: dt.date | str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _aging_measures() -> list[_Measure]:
    def bucket(due_from: Any, due_before: Any) -> Callable[..., ColumnElement]:
        def total(cols: Any, debit: ColumnElement[bool] | None) -> ColumnElement:
            due = [cols.due_date >= due_from] if due_from is not None else []
            due += [cols.due_date < due_before] if due_before is not None else []
            return _total(cols.open_minor, *([] if debit is None else [debit]), *due)

        return total

    def credit(cols: Any, debit: ColumnElement[bool] | None) -> ColumnElement:
        return literal(0) if debit is None else _total(cols.open_minor, ~debit)

    return [
        *[_Measure(f"b{n}", bucket(*due)) for n, due in enumerate(BUCKET_DUE)],
        _Measure("credit", credit),
        _Measure("oldest_due", _earliest_due, earliest=True),
    ]


@cache
def _aging_select(scoped: bool) -> Select:
    rows = _per_customer(scoped, _aging_measures())
    customers = Customer.__table__
    return (
        select(customers.c.code, *[col for col in rows.c if col.name != "customer_id"])
        .join_from(rows, customers, customers.c.id == rows.c.customer_id)
        .order_by(customers.c.code, rows.c.currency)
    )


def aging_report(session: Session, as_of: dt.date, customer_ids: Iterable[int] | None = None) -> list[Aging]:
    """Every customer with anything open on `as_of` (or of `customer_ids`), per currency, bucketed by days past
    due, in customer code order. The whole book's comes off the balances kept as entries post; a few
    customers' is recomputed from the ledger (a handful of index probes: as quick, and the one source)."""
    if customer_ids is None:
        return kept_aging(session, as_of, lambda ids: aging_from_ledger(session, as_of, ids))
    return aging_from_ledger(session, as_of, list(customer_ids))


def dunning_candidates(session: Session, as_of: dt.date) -> list[DunningCandidate]:
    """Customers whose balance is above zero (credits included), with their most overdue open item."""
    return kept_candidates(session, as_of, lambda ids: candidates_from_ledger(session, as_of, ids))


def aging_from_ledger(session: Session, as_of: dt.date, customer_ids: list[int] | None = None) -> list[Aging]:
    """`aging_report` recomputed from the documents, payments and allocations: the ledger's own answer."""
    result = session.execute(_aging_select(customer_ids is not None), as_of_params(as_of, customer_ids))
    with no_gc_pauses():
        return [
            Aging(row[0], row[1], (row[2], row[3], row[4], row[5], row[6]), row[7], _as_date(row[8]), as_of)
            for row in result
        ]


@cache
def _candidates_select() -> Select:
    def balance(cols: Any, debit: ColumnElement[bool] | None) -> ColumnElement:
        signed = cols.open_minor if debit is None else case((debit, cols.open_minor), else_=-cols.open_minor)
        return _total(signed)

    rows = _per_customer(False, [_Measure("balance", balance), _Measure("oldest_due", _earliest_due, True)])
    customers = Customer.__table__
    return (
        select(customers.c.code, rows.c.currency, rows.c.balance, rows.c.oldest_due)
        .join_from(rows, customers, customers.c.id == rows.c.customer_id)
        .where(rows.c.balance > 0)
        .order_by(customers.c.code, rows.c.currency)
    )


def candidates_from_ledger(
    session: Session, as_of: dt.date, customer_ids: list[int] | None = None
) -> list[DunningCandidate]:
    """`dunning_candidates` recomputed from the ledger: for the whole book in one pass, or for `customer_ids`."""
    if customer_ids is not None:
        found = (as_candidate(aging) for aging in aging_from_ledger(session, as_of, customer_ids))
        return [candidate for candidate in found if candidate is not None]
    result = session.execute(_candidates_select(), as_of_params(as_of))
    out = []
    with no_gc_pauses():
        for code, currency, balance_minor, due in result:
            oldest = _as_date(due)
            assert oldest is not None  # a balance above zero has a debit, and a debit a due date
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


@cache
def _open_items_select() -> Select:
    rows = open_rows(scoped=True)
    per_doc = (
        select(rows.c.document_id, func.sum(rows.c.open_minor).label("open_minor"))
        .where(rows.c.kind != "payment")
        .group_by(rows.c.document_id)
        .subquery()
    )
    return (
        select(Document, per_doc.c.open_minor)
        .join(per_doc, per_doc.c.document_id == Document.id)
        .order_by(Document.due_date, Document.number)
    )


def open_items(session: Session, customer_id: int, as_of: dt.date) -> list[OpenItem]:
    """The customer's documents with something open on `as_of`, oldest due first."""
    items = []
    for doc, open_minor in session.execute(_open_items_select(), as_of_params(as_of, [customer_id])):
        days = days_past_due(doc.due_date, as_of)
        items.append(OpenItem(
            doc.number, doc.kind, doc.doc_date, doc.due_date, doc.po, doc.amount,
            Money.from_minor(open_minor, doc.currency), days, aging_bucket(days),
        ))
    return items
