"""Posting money to the ledger: payments (full, short, with discount), deposits, credit applications.

Each function is one unit of work: it locks the rows it changes, applies the pure rules from
`core.ledger.rules`, writes allocations and an audit event, and commits — or changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid, NotFound
from core.kernel.money import Money
from core.ledger.models import Allocation, Customer, Document, Payment
from core.ledger.rules import AllocationRequest, DiscountTerms, OpenInvoice, plan_allocations


@dataclass(frozen=True)
class PostedLine:
    number: str
    amount: Money
    discount: Money
    short_reason: str | None


@dataclass(frozen=True)
class PostedPayment:
    payment_id: int
    customer_code: str
    amount: Money
    unapplied: Money
    lines: tuple[PostedLine, ...]


def customer_by_code(uow: UnitOfWork, code: str) -> Customer:
    customer = uow.session.scalar(select(Customer).where(Customer.code == code))
    if customer is None:
        raise NotFound("customer", code)
    return customer


def customer_name_by_id(uow: UnitOfWork, customer_id: int | None) -> str | None:
    with uow:
        customer = uow.session.get(Customer, customer_id) if customer_id is not None else None
        return customer.name if customer else None


def customer_document(uow: UnitOfWork, code: str, number: str) -> Document:
    """The customer's document `number`; another customer's number is not found."""
    customer = customer_by_code(uow, code)
    doc = uow.session.scalar(select(Document).where(Document.number == number, Document.customer_id == customer.id))
    if doc is None:
        raise NotFound("invoice", f"{number} for customer {code}")
    return doc


def lock_documents(uow: UnitOfWork, customer: Customer, numbers: list[str]) -> dict[str, Document]:
    """The customer's documents by number, locked for update; another customer's number is not found."""
    query = (
        select(Document)
        .where(Document.customer_id == customer.id, Document.number.in_(numbers))
        .order_by(Document.id)
        .with_for_update()
    )
    found = {doc.number: doc for doc in uow.session.scalars(query)}
    for number in numbers:
        if number not in found or found[number].voided:
            raise NotFound("invoice", f"{number} for customer {customer.code}")
    return found


def post_allocation(
    session: Session, payment: Payment, doc: Document, amount_minor: int, discount_minor: int,
    short_reason: str | None, short_comment: str | None, applied_on: dt.date,
) -> None:
    """Apply part of a payment to an invoice: the invoice's open amount falls by amount and discount."""
    doc.open_minor -= amount_minor + discount_minor
    doc.discount_forfeited = doc.discount_forfeited or short_reason is not None
    session.add(Allocation(
        payment_id=payment.id, invoice_id=doc.id, amount_minor=amount_minor, discount_minor=discount_minor,
        short_reason=short_reason, short_comment=short_comment, applied_on=applied_on,
    ))


def open_invoice(doc: Document) -> OpenInvoice:
    return OpenInvoice(
        doc.number, doc.kind, doc.open, doc.doc_date,
        DiscountTerms(doc.discount_percent, doc.discount_days), doc.discount_forfeited,
    )


def record_payment(
    uow: UnitOfWork,
    *,
    customer_code: str,
    amount: Money,
    received_on: dt.date,
    requests: list[AllocationRequest],
    reasons: tuple[str, ...],
    actor: Actor,
    method_kind: str = "other",
    reference: str | None = None,
    note: str | None = None,
) -> PostedPayment:
    """Record money received and apply it; an empty `requests` list makes a deposit on account."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        docs = lock_documents(uow, customer, [r.number for r in requests])
        plan = plan_allocations(
            amount, requests, {n: open_invoice(d) for n, d in docs.items()}, received_on, reasons
        )
        payment = Payment(
            customer_id=customer.id, currency=amount.currency, amount_minor=amount.minor,
            unapplied_minor=plan.unapplied.minor, status="succeeded", method_kind=method_kind,
            channel=actor.channel, initiated_by=actor.name, reference=reference, note=note,
            received_on=received_on,
        )
        uow.session.add(payment)
        uow.session.flush()
        for line in plan.lines:
            post_allocation(uow.session, payment, docs[line.number], line.amount.minor, line.discount.minor,
                            line.short_reason, line.short_comment, received_on)
        audit.record(
            uow.session, actor, "payment.recorded" if plan.lines else "deposit.recorded",
            customer_id=customer.id, subject=f"payment:{payment.id}", amount=str(amount.amount),
            currency=amount.currency, unapplied=str(plan.unapplied.amount),
            allocations=[{"invoice": ln.number, "amount": str(ln.amount.amount), "discount": str(ln.discount.amount),
                          "short_reason": ln.short_reason} for ln in plan.lines],
        )
        uow.commit()
        lines = tuple(PostedLine(ln.number, ln.amount, ln.discount, ln.short_reason) for ln in plan.lines)
        return PostedPayment(payment.id, customer.code, amount, plan.unapplied, lines)


@dataclass(frozen=True)
class CreditSource:
    """Where applied credit comes from: a credit memo by number, or a payment's unapplied amount."""

    credit_number: str | None = None
    payment_id: int | None = None

    def __post_init__(self) -> None:
        if (self.credit_number is None) == (self.payment_id is None):
            raise Invalid("name exactly one credit source: a credit memo number or a payment id", "source")


@dataclass(frozen=True)
class AppliedCredit:
    invoice_number: str
    amount: Money
    source_remaining: Money
    invoice_open: Money


def _lock_source(uow: UnitOfWork, customer: Customer, source: CreditSource) -> Document | Payment:
    if source.credit_number is not None:
        memo = lock_documents(uow, customer, [source.credit_number])[source.credit_number]
        if memo.kind != "credit":
            raise Invalid(f"{memo.number} is not a credit memo", "source")
        return memo
    query = select(Payment).where(Payment.id == source.payment_id, Payment.customer_id == customer.id)
    payment = uow.session.scalar(query.with_for_update())
    if payment is None or payment.status != "succeeded":
        raise NotFound("payment", f"{source.payment_id} for customer {customer.code}")
    return payment


def apply_credit(
    uow: UnitOfWork,
    *,
    customer_code: str,
    source: CreditSource,
    invoice_number: str,
    applied_on: dt.date,
    actor: Actor,
    amount: Money | None = None,
) -> AppliedCredit:
    """Apply a credit memo or unapplied payment to an invoice: `amount`, or as much as both allow."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        credit = _lock_source(uow, customer, source)
        invoice = lock_documents(uow, customer, [invoice_number])[invoice_number]
        if invoice.kind == "credit":
            raise Invalid(f"{invoice.number} is a credit memo, not an invoice", "invoice")
        # The book as of an earlier day must not see credit used before it, or the invoice, existed.
        source_date = credit.doc_date if isinstance(credit, Document) else credit.received_on
        if applied_on < max(source_date, invoice.doc_date):
            raise Invalid(
                f"cannot apply credit on {applied_on}: the credit is dated {source_date} and invoice "
                f"{invoice.number} is dated {invoice.doc_date}", "applied_on",
            )
        available = credit.open if isinstance(credit, Document) else credit.unapplied
        if available.currency != invoice.currency:
            raise Invalid(f"the credit is in {available.currency}, invoice {invoice.number} in {invoice.currency}")
        applied = amount if amount is not None else min(available, invoice.open)
        if not applied.is_positive():
            raise Invalid("nothing to apply: the credit is used up or the invoice is paid", "amount")
        if applied > available:
            raise Invalid(f"only {available.amount} {available.currency} of credit is available", "amount")
        if applied > invoice.open:
            raise Invalid(f"invoice {invoice.number} has only {invoice.open.amount} open", "amount")
        if isinstance(credit, Document):
            credit.open_minor -= applied.minor
        else:
            credit.unapplied_minor -= applied.minor
        invoice.open_minor -= applied.minor
        uow.session.add(Allocation(
            payment_id=credit.id if isinstance(credit, Payment) else None,
            credit_id=credit.id if isinstance(credit, Document) else None,
            invoice_id=invoice.id, amount_minor=applied.minor, applied_on=applied_on,
        ))
        remaining = credit.open if isinstance(credit, Document) else credit.unapplied
        audit.record(
            uow.session, actor, "credit.applied", customer_id=customer.id, subject=f"invoice:{invoice.number}",
            amount=str(applied.amount), currency=applied.currency,
            source=source.credit_number or f"payment:{source.payment_id}",
        )
        uow.commit()
        return AppliedCredit(invoice.number, applied, remaining, invoice.open)
