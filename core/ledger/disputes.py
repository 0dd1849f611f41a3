"""Money in dispute: what a customer says it does not owe, held out of what is asked for and paid in bulk until
staff resolve it.

One rule (`in_dispute`) says what of an invoice's open amount is in dispute:
- all of it, once a payment short-paid the invoice with one of the dispute reasons (`Settings.dispute_reasons`,
  e.g. "Damaged goods"): the rest was withheld on purpose;
- else what its open disputes name (a chat's "$200 of 1043 is wrong"; what was open on the invoice when no
  amount was said), never more than is open.
Dunning asks for the rest only; the chat's PAY ALL, PAY OVERDUE and a reply to a reminder, and the phone line's
past-due amount, leave it out. A customer who names the invoice may still pay it: they decide.

A dispute moves forward only: open → resolved (by staff, audited). One without an invoice holds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import BindParameter, ColumnElement, ScalarSelect, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from core.kernel.audit import Actor, record
from core.kernel.db import UnitOfWork
from core.kernel.errors import Conflict, Invalid, NotFound
from core.kernel.money import Money
from core.ledger.models import Allocation, Customer, Dispute, Document

WORDS_KEPT = 2000  # of the customer's words


def in_dispute(open_minor: int, *, withheld: bool, claimed_minor: int) -> int:
    """What of an invoice's open amount is in dispute (see the module's rule)."""
    if open_minor <= 0:
        return 0
    return open_minor if withheld else min(max(claimed_minor, 0), open_minor)


def withheld_with_dispute_reason(invoice_id: ColumnElement[int], reasons: Sequence[str] | BindParameter,
                                 as_of: ColumnElement[dt.date] | dt.date) -> ColumnElement[bool]:
    """SQL: a payment (not reversed, applied by `as_of`) short-paid the invoice with a dispute reason."""
    a = Allocation.__table__
    return exists().where(a.c.invoice_id == invoice_id, a.c.short_reason.in_(reasons), a.c.reversed_on.is_(None),
                          a.c.applied_on <= as_of)


def claimed_in_open_disputes(invoice_id: ColumnElement[int] | InstrumentedAttribute[int]) -> ScalarSelect[int]:
    """SQL: the amounts the invoice's open disputes name (0 when none)."""
    d = Dispute.__table__
    return (select(func.coalesce(func.sum(d.c.amount_minor), 0))
            .where(d.c.document_id == invoice_id, d.c.status == "open").scalar_subquery())


def disputed_by_invoice(session: Session, customer_id: int, today: dt.date,
                        dispute_reasons: Sequence[str]) -> dict[str, int]:
    """The customer's open invoices and finance charges with something in dispute: number → minor units."""
    d = Document.__table__
    query = select(d.c.number, d.c.open_minor, withheld_with_dispute_reason(d.c.id, list(dispute_reasons), today),
                   claimed_in_open_disputes(d.c.id)).where(
        d.c.customer_id == customer_id, d.c.open_minor > 0, d.c.kind != "credit", d.c.voided.is_(False))
    found = {number: in_dispute(int(open_minor), withheld=bool(withheld), claimed_minor=int(claimed or 0))
             for number, open_minor, withheld, claimed in session.execute(query)}
    return {number: minor for number, minor in found.items() if minor}


# -- disputes as staff and customers see them ---------------------------------------------------------------


@dataclass(frozen=True)
class DisputeView:
    id: int
    customer_code: str
    customer_name: str
    invoice: str | None
    amount: Money | None  # what it names; None: no invoice and no amount said
    held: Money | None  # what of it is held out now (never more than is open on the invoice); None: no invoice
    reason: str | None
    words: str
    channel: str
    status: str
    opened_at: dt.datetime
    opened_by: str
    resolved_at: dt.datetime | None
    resolved_by: str | None
    resolution: str | None

    @property
    def reference(self) -> str:
        """What the customer is told, and quotes back: D-12."""
        return f"D-{self.id}"


def _view(dispute: Dispute) -> DisputeView:
    amount = None if dispute.amount_minor is None else Money.from_minor(dispute.amount_minor, dispute.currency)
    document = dispute.document
    held = None
    if document is not None:
        minor = 0 if dispute.status != "open" else min(dispute.amount_minor or 0, document.open_minor)
        held = Money.from_minor(minor, document.currency)
    return DisputeView(dispute.id, dispute.customer.code, dispute.customer.name, document.number if document else None,
                       amount, held, dispute.reason, dispute.words, dispute.channel, dispute.status,
                       dispute.opened_at, dispute.opened_by, dispute.resolved_at, dispute.resolved_by,
                       dispute.resolution)


def open_dispute(session: Session, actor: Actor, *, customer_code: str, invoice: str | None, amount: Money | None,
                 reason: str | None, words: str, channel: str, now: dt.datetime) -> DisputeView:
    """Record a dispute in the caller's transaction (with whatever else tells staff) and audit it.

    `invoice`: the document's number exactly; `amount`: what was said, else what is open on the invoice.
    """
    customer = session.scalar(select(Customer).where(Customer.code == customer_code))
    if customer is None:
        raise NotFound("customer", customer_code)
    document = None
    if invoice is not None:
        document = session.scalar(select(Document).where(Document.number == invoice,
                                                         Document.customer_id == customer.id))
        if document is None:
            raise NotFound("invoice", invoice)
    if amount is not None and not amount.is_positive():
        raise Invalid("a disputed amount must be greater than zero", "amount")
    if amount is None and document is not None and document.open_minor > 0:
        amount = document.open
    currency = document.currency if document is not None else customer.currency
    if amount is not None and amount.currency != currency:
        raise Invalid(f"the amount is in {amount.currency}, the account in {currency}", "currency")
    dispute = Dispute(customer_id=customer.id, document_id=document.id if document else None,
                      amount_minor=amount.minor if amount is not None else None, currency=currency, reason=reason,
                      words=words[:WORDS_KEPT], channel=channel, status="open", opened_at=now, opened_by=actor.name)
    session.add(dispute)
    session.flush()
    record(session, actor, "dispute.opened", customer_id=customer.id, subject=f"dispute:{dispute.id}",
           invoice=invoice, amount=str(amount.amount) if amount is not None else None, currency=currency,
           reason=reason, words=words[:500])
    return _view(dispute)


def resolve_dispute(uow: UnitOfWork, dispute_id: int, actor: Actor, *, note: str, now: dt.datetime) -> DisputeView:
    """Staff close a dispute: what it held is asked for and paid in bulk again. Audited; once only."""
    with uow:
        dispute = uow.session.get(Dispute, dispute_id, with_for_update=True)
        if dispute is None:
            raise NotFound("dispute", f"D-{dispute_id}")
        if dispute.status != "open":
            raise Conflict(f"dispute D-{dispute_id} was already resolved by {dispute.resolved_by}")
        dispute.status, dispute.resolved_at, dispute.resolved_by = "resolved", now, actor.name
        dispute.resolution = note.strip() or None
        record(uow.session, actor, "dispute.resolved", customer_id=dispute.customer_id, subject=f"dispute:{dispute.id}",
               invoice=dispute.document.number if dispute.document else None, note=note.strip())
        view = _view(dispute)
        uow.commit()
        return view


def disputes(uow: UnitOfWork, *, status: str = "open", customer_code: str | None = None) -> list[DisputeView]:
    """Disputes by status (open, resolved, or all), oldest first."""
    if status not in ("open", "resolved", "all"):
        raise Invalid(f"unknown status {status!r}; use open, resolved or all", "status")
    query = select(Dispute).join(Customer, Customer.id == Dispute.customer_id).order_by(Dispute.opened_at, Dispute.id)
    if status != "all":
        query = query.where(Dispute.status == status)
    if customer_code:
        query = query.where(Customer.code == customer_code)
    with uow:
        return [_view(d) for d in uow.session.scalars(query)]
