"""Pure AR rules on plain values: aging buckets, early-payment discounts, allocating a payment.

No database here; unit tests call these directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from core.kernel.errors import Invalid
from core.kernel.money import Money

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
OTHER_REASON = "Other"


def days_past_due(due_date: dt.date, as_of: dt.date) -> int:
    return (as_of - due_date).days


def aging_bucket(days_past: int) -> str:
    """Day 0 (due today) and earlier are current; 1-30, 31-60, 61-90, then 90+ past due."""
    if days_past <= 0:
        return "current"
    if days_past <= 30:
        return "1-30"
    if days_past <= 60:
        return "31-60"
    if days_past <= 90:
        return "61-90"
    return "90+"


def bucket_due_range(bucket: str, as_of: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The due dates (inclusive lower, exclusive upper) that fall into `bucket` on `as_of`."""
    day = dt.timedelta(days=1)
    bounds = {
        "current": (as_of, None),
        "1-30": (as_of - 30 * day, as_of),
        "31-60": (as_of - 60 * day, as_of - 30 * day),
        "61-90": (as_of - 90 * day, as_of - 60 * day),
        "90+": (None, as_of - 90 * day),
    }
    if bucket not in bounds:
        raise Invalid(f"unknown aging bucket {bucket!r}; use one of {', '.join(BUCKETS)}", "bucket")
    return bounds[bucket]


def due_date_for(doc_date: dt.date, terms_days: int) -> dt.date:
    return doc_date + dt.timedelta(days=terms_days)


@dataclass(frozen=True)
class DiscountTerms:
    percent: Decimal | None
    days: int | None

    def deadline(self, doc_date: dt.date) -> dt.date | None:
        if not self.percent or self.days is None:
            return None
        return doc_date + dt.timedelta(days=self.days)


def early_payment_discount(
    open_amount: Money, terms: DiscountTerms, doc_date: dt.date, paid_on: dt.date, forfeited: bool
) -> Money:
    """The discount earned by paying `open_amount` in full on `paid_on`; zero outside the window."""
    deadline = terms.deadline(doc_date)
    if forfeited or deadline is None or paid_on > deadline or not open_amount.is_positive():
        return Money.zero(open_amount.currency)
    return open_amount.percent(terms.percent or Decimal(0))


@dataclass(frozen=True)
class OpenInvoice:
    """What allocation needs to know about one open debit document."""

    number: str
    kind: str
    open: Money
    doc_date: dt.date
    discount: DiscountTerms
    discount_forfeited: bool = False


@dataclass(frozen=True)
class AllocationRequest:
    """Pay `number`: in full when `amount` is None, else exactly `amount` (short when below what is due)."""

    number: str
    amount: Money | None = None
    reason: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class PlannedAllocation:
    number: str
    amount: Money
    discount: Money
    short_reason: str | None
    short_comment: str | None

    @property
    def is_short(self) -> bool:
        return self.short_reason is not None


@dataclass(frozen=True)
class AllocationPlan:
    lines: tuple[PlannedAllocation, ...]
    unapplied: Money

    @property
    def applied(self) -> Money:
        return sum((line.amount for line in self.lines), Money.zero(self.unapplied.currency))


def check_short_reason(reason: str | None, comment: str | None, reasons: tuple[str, ...]) -> str:
    if not reason:
        raise Invalid(f"a short payment needs a reason: one of {', '.join(reasons)}", "reason")
    match = next((r for r in reasons if r.lower() == reason.strip().lower()), None)
    if match is None:
        raise Invalid(f"unknown short-pay reason {reason!r}; use one of {', '.join(reasons)}", "reason")
    if match.lower() == OTHER_REASON.lower() and not (comment and comment.strip()):
        raise Invalid("a short payment with reason 'Other' needs a comment", "comment")
    return match


def plan_line(
    invoice: OpenInvoice, request: AllocationRequest, paid_on: dt.date, reasons: tuple[str, ...]
) -> PlannedAllocation:
    if invoice.kind == "credit":
        raise Invalid(f"{invoice.number} is a credit memo; apply it to an invoice instead", "invoices")
    if not invoice.open.is_positive():
        raise Invalid(f"invoice {invoice.number} has nothing open to pay", "invoices")
    if paid_on < invoice.doc_date:
        raise Invalid(
            f"invoice {invoice.number} is dated {invoice.doc_date}, after the payment on {paid_on}; "
            "record the payment on account and apply it to the invoice later",
            "invoices",
        )
    discount = early_payment_discount(
        invoice.open, invoice.discount, invoice.doc_date, paid_on, invoice.discount_forfeited
    )
    due_in_full = invoice.open - discount
    if request.amount is None or request.amount >= due_in_full:
        return PlannedAllocation(invoice.number, due_in_full, discount, None, None)
    if not request.amount.is_positive():
        raise Invalid(f"the amount for {invoice.number} must be greater than zero", "amount")
    reason = check_short_reason(request.reason, request.comment, reasons)
    zero = Money.zero(invoice.open.currency)
    comment = request.comment.strip() if request.comment else None
    return PlannedAllocation(invoice.number, request.amount, zero, reason, comment)


def plan_allocations(
    payment: Money,
    requests: list[AllocationRequest],
    invoices: dict[str, OpenInvoice],
    paid_on: dt.date,
    reasons: tuple[str, ...],
) -> AllocationPlan:
    """Split `payment` over the requested invoices; what is left over stays unapplied on account.

    An allocation never exceeds what is open on its invoice (less any discount earned), and the
    allocations never exceed the payment: asking for more than was paid is refused, not guessed.
    """
    if not payment.is_positive():
        raise Invalid("a payment must be greater than zero", "amount")
    seen: set[str] = set()
    lines = []
    for request in requests:
        if request.number in seen:
            raise Invalid(f"invoice {request.number} is listed twice", "invoices")
        seen.add(request.number)
        invoice = invoices[request.number]
        if invoice.open.currency != payment.currency:
            raise Invalid(
                f"invoice {invoice.number} is in {invoice.open.currency}, the payment in {payment.currency}",
                "currency",
            )
        lines.append(plan_line(invoice, request, paid_on, reasons))
    plan = AllocationPlan(tuple(lines), Money.zero(payment.currency))
    if plan.applied > payment:
        raise Invalid(
            f"the invoices need {plan.applied.amount} {payment.currency} but the payment is "
            f"{payment.amount} {payment.currency}; pay less per invoice (a short payment) or pay more",
            "amount",
        )
    return AllocationPlan(plan.lines, payment - plan.applied)
