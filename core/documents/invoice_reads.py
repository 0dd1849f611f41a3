"""A customer's open invoices as the console lists them, and one invoice's page.

The list is one query: the customer's open debits off `ix_documents_open_debits`, with the payment holding
each (scheduled or pending) and its comment count; filters run in SQL, sorting in Python (a few hundred
rows). A held invoice cannot go into a second payment, so the console offers no checkbox for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select

from core.documents.models import StoredFile
from core.kernel.db import UnitOfWork, like_pattern
from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.ledger.invoice_comments import CommentRow, comments_of
from core.ledger.models import Allocation, Document, InvoiceComment, InvoiceHold, Payment
from core.ledger.plans import in_current_plan
from core.ledger.posting import customer_by_code, customer_document
from core.ledger.rules import DiscountTerms, aging_bucket, bucket_due_range, days_past_due, early_payment_discount

SORT_KEYS = ("number", "kind", "doc_date", "due_date", "po", "amount", "open", "days", "bucket", "discount",
             "comments", "status")


@dataclass(frozen=True)
class InvoiceFilters:
    bucket: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str | None = None
    sort: str = "due_date"
    descending: bool = False

    def __post_init__(self) -> None:
        if self.sort not in SORT_KEYS:
            raise Invalid(f"cannot sort by {self.sort!r}; use one of {', '.join(SORT_KEYS)}", "sort")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise Invalid("the period starts after it ends", "date_from")


@dataclass(frozen=True)
class InvoiceRow:
    number: str
    kind: str
    doc_date: dt.date
    due_date: dt.date
    po: str | None
    currency: str
    amount_minor: int
    open_minor: int
    days: int
    bucket: str
    discount_percent: str | None  # "2": the early-payment discount that can still be taken, until …
    discount_until: dt.date | None
    comments: int
    status: str  # open | pending | scheduled (held by a payment in flight) | plan (carried by a current plan)
    pay_today_minor: int = 0  # what paying it in full today costs: open less the discount still earned

    @property
    def held(self) -> bool:
        return self.status != "open"

    # Money on demand: building one checks its currency, which for 1,000 of them was most of a page's read.
    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def open(self) -> Money:
        return Money.from_minor(self.open_minor, self.currency)


@dataclass(frozen=True)
class InvoiceTable:
    code: str
    name: str
    currency: str
    rows: tuple[InvoiceRow, ...]
    as_of: dt.date

    @property
    def total_amount(self) -> Money:
        return Money.from_minor(sum(r.amount_minor for r in self.rows), self.currency)

    @property
    def total_open(self) -> Money:
        return Money.from_minor(sum(r.open_minor for r in self.rows), self.currency)


def _filters(f: InvoiceFilters, as_of: dt.date) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.bucket:
        low, high = bucket_due_range(f.bucket, as_of)
        where += [Document.due_date >= low] if low else []
        where += [Document.due_date < high] if high else []
    where += [Document.doc_date >= f.date_from] if f.date_from else []
    where += [Document.doc_date <= f.date_to] if f.date_to else []
    if f.search and f.search.strip():
        pattern = like_pattern(f.search)
        where.append(or_(func.lower(Document.number).like(pattern, escape="\\"),
                         func.lower(Document.po).like(pattern, escape="\\")))
    return where


def _row(values: Any, as_of: dt.date) -> InvoiceRow:
    number, kind, doc_date, due_date, po, currency, amount, open_minor, percent, days, forfeited, held, n = values
    until = doc_date + dt.timedelta(days=days) if percent and days is not None and not forfeited else None
    until = until if until and until >= as_of else None
    discount = f"{percent.normalize():f}" if until else None
    late = days_past_due(due_date, as_of)
    pay_today = open_minor
    if until:  # the quote's own rule, so the console's running total is the review's total
        pay_today -= early_payment_discount(Money.from_minor(open_minor, currency), DiscountTerms(percent, days),
                                            doc_date, as_of, forfeited).minor
    return InvoiceRow(number, kind, doc_date, due_date, po, currency, amount, open_minor, late, aging_bucket(late),
                      discount, until, n, held or "open", pay_today)


SORTING: dict[str, Callable[[InvoiceRow], Any]] = {
    "amount": lambda r: r.amount_minor, "open": lambda r: r.open_minor, "po": lambda r: r.po or "",
    "bucket": lambda r: r.days, "discount": lambda r: r.discount_until or dt.date.max,
}


def open_invoices(uow: UnitOfWork, code: str, as_of: dt.date, filters: InvoiceFilters) -> InvoiceTable:
    comments = select(func.count(InvoiceComment.id)).where(InvoiceComment.document_id == Document.id)
    with uow:
        customer = customer_by_code(uow, code)
        found = uow.session.execute(
            select(Document.number, Document.kind, Document.doc_date, Document.due_date, Document.po,
                   Document.currency, Document.amount_minor, Document.open_minor, Document.discount_percent,
                   Document.discount_days, Document.discount_forfeited,
                   case((in_current_plan(Document.id), "plan"), else_=Payment.status),  # a plan holds it too
                   comments.scalar_subquery())
            .outerjoin(InvoiceHold, InvoiceHold.invoice_id == Document.id)
            .outerjoin(Payment, Payment.id == InvoiceHold.payment_id)
            .where(Document.customer_id == customer.id, Document.open_minor > 0, Document.kind != "credit",
                   Document.voided.is_(False), *_filters(filters, as_of))
        ).all()
        name, currency = customer.name, customer.currency
    key = SORTING.get(filters.sort) or (lambda r: getattr(r, filters.sort))
    rows = sorted((_row(values, as_of) for values in found), key=lambda r: r.number)
    rows.sort(key=key, reverse=filters.descending)
    return InvoiceTable(code, name, currency, tuple(rows), as_of)


@dataclass(frozen=True)
class AppliedRow:
    applied_on: dt.date
    amount: Money
    discount: Money
    source: str  # "Payment 12 (CHK 1234)" or "Credit memo CM-104010"
    short_reason: str | None
    reversed_on: dt.date | None


@dataclass(frozen=True)
class InvoiceDetail:
    code: str
    name: str
    row: InvoiceRow
    status: str  # the document's: open | paid | void, or the payment holding it
    has_pdf: bool  # the ERP attached one (without, `core.documents.invoice_pdfs` renders one from the ledger)
    applied: tuple[AppliedRow, ...]
    comments: tuple[CommentRow, ...]


def applied_to(uow: UnitOfWork, doc: Document) -> tuple[AppliedRow, ...]:
    """The payments and credit memos applied to the debit `doc`, oldest first (returned ones too)."""
    credit = Document.__table__.alias("credit")
    found = uow.session.execute(
        select(Allocation.applied_on, Allocation.amount_minor, Allocation.discount_minor, Allocation.payment_id,
               Payment.reference, credit.c.number, Allocation.short_reason, Allocation.reversed_on)
        .outerjoin(Payment, Payment.id == Allocation.payment_id)
        .outerjoin(credit, credit.c.id == Allocation.credit_id)
        .where(Allocation.invoice_id == doc.id).order_by(Allocation.applied_on, Allocation.id)
    ).all()
    return tuple(
        AppliedRow(on, Money.from_minor(amount, doc.currency), Money.from_minor(discount, doc.currency),
                   f"Credit memo {memo}" if memo else f"Payment {pid}" + (f" ({ref})" if ref else ""), reason, back)
        for on, amount, discount, pid, ref, memo, reason, back in found
    )


def invoice_detail(uow: UnitOfWork, code: str, number: str, as_of: dt.date) -> InvoiceDetail:
    with uow:
        doc = customer_document(uow, code, number)
        held = uow.session.scalar(select(Payment.status).join(InvoiceHold, InvoiceHold.payment_id == Payment.id)
                                  .where(InvoiceHold.invoice_id == doc.id))
        has_pdf = uow.session.scalar(select(StoredFile.id).where(
            StoredFile.document_id == doc.id, StoredFile.kind == "invoice_pdf", StoredFile.source == "erp"
        ).limit(1)) is not None
        comments = comments_of(uow, doc.id)
        row = _row((doc.number, doc.kind, doc.doc_date, doc.due_date, doc.po, doc.currency, doc.amount_minor,
                    doc.open_minor, doc.discount_percent, doc.discount_days, doc.discount_forfeited, held,
                    len(comments)), as_of)
        return InvoiceDetail(code, doc.customer.name, row, held or doc.status, has_pdf, applied_to(uow, doc),
                             comments)
