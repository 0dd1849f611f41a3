"""Dunning holds ("Mahnstopp"): staff stop dunning for a customer, or for one of its invoices, with a reason and
an optional last day.

A hold counts through its `until` day and ends by itself after it: no job lifts it, a run as of a later date
simply does not see it, and the hold reads as ended. Staff may lift it sooner. A customer has at most one hold on
the account and one per invoice: a new one replaces the one before (the later word counts), so changing the
reason or the date is putting the hold again. Every put and lift is audited.

What a run leaves out because of holds is gathered in `core.dunning.held_off`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from core.dunning.models import DunningHold
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid, NotFound
from core.kernel.models import utcnow
from core.ledger.models import Customer, Document
from core.ledger.posting import customer_by_code

MAX_REASON = 500


@dataclass(frozen=True)
class Hold:
    """A hold as staff read it, as of a date: `status` active | ended (its last day has passed) | lifted."""

    id: int
    customer: str
    invoice: str | None  # the invoice's number; None: the whole account
    reason: str
    until: dt.date | None  # the last day it holds; None: until lifted
    created_by: str
    created_at: dt.datetime
    lifted_by: str | None
    lifted_at: dt.datetime | None
    status: str

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def why(self) -> str:
        """`on hold until 2027-01-15: waiting for the credit note` (a run's skip reason)."""
        return hold_words(self.until, self.reason)


def hold_words(until: dt.date | None, reason: str) -> str:
    return f"on hold{f' until {until.isoformat()}' if until else ''}: {reason}"


def in_force(as_of: dt.date) -> ColumnElement[bool]:
    """The holds that stop dunning on `as_of`: not lifted, and without a last day or not past it."""
    return DunningHold.lifted_at.is_(None) & or_(DunningHold.until.is_(None), DunningHold.until >= as_of)


def _status(hold: DunningHold, as_of: dt.date) -> str:
    if hold.lifted_at is not None:
        return "lifted"
    return "ended" if hold.until is not None and hold.until < as_of else "active"


def _views(session: Session, holds: list[DunningHold], as_of: dt.date) -> list[Hold]:
    customers = dict(session.execute(select(Customer.id, Customer.code).where(
        Customer.id.in_({h.customer_id for h in holds}))).all()) if holds else {}
    invoice_ids = {h.invoice_id for h in holds if h.invoice_id is not None}
    numbers = dict(session.execute(select(Document.id, Document.number).where(
        Document.id.in_(invoice_ids))).all()) if invoice_ids else {}
    return [Hold(h.id, customers[h.customer_id], numbers.get(h.invoice_id) if h.invoice_id else None, h.reason,
                 h.until, h.created_by, h.created_at, h.lifted_by, h.lifted_at, _status(h, as_of)) for h in holds]


def _invoice(uow: UnitOfWork, customer: Customer, number: str) -> Document:
    doc = uow.session.scalar(select(Document).where(Document.customer_id == customer.id, Document.number == number))
    if doc is None or doc.voided or doc.kind == "credit":
        raise NotFound("invoice", f"{number} for customer {customer.code}")
    if doc.open_minor <= 0:
        raise Invalid(f"{number} has nothing open: there is nothing to hold dunning off", "invoice")
    return doc


def _holding(uow: UnitOfWork, customer_id: int, invoice_id: int | None, as_of: dt.date) -> list[DunningHold]:
    """The customer's holds in force on the account (or on `invoice_id`), locked."""
    return list(uow.session.scalars(
        select(DunningHold).where(DunningHold.customer_id == customer_id, DunningHold.invoice_id.is_(None)
                                  if invoice_id is None else DunningHold.invoice_id == invoice_id, in_force(as_of))
        .order_by(DunningHold.id).with_for_update()))


def _lift(uow: UnitOfWork, hold: DunningHold, number: str | None, actor: Actor, why: str) -> None:
    hold.lifted_by, hold.lifted_at = actor.name, utcnow()
    audit.record(uow.session, actor, "dunning.hold_lifted", customer_id=hold.customer_id, subject=f"hold:{hold.id}",
                 **_set(invoice=number, reason=hold.reason, why=why))


def _set(**details: str | None) -> dict[str, str]:
    """The audit details that have a value: an account hold names no invoice, an open-ended one no date."""
    return {key: value for key, value in details.items() if value}


def put_on_hold(uow: UnitOfWork, customer_code: str, reason: str, actor: Actor, *, until: dt.date | None = None,
                invoice: str | None = None, today: dt.date | None = None) -> Hold:
    """Stop dunning for the customer (or for its open `invoice`) through `until` (None: until lifted), saying why.

    A hold already in force on the same account or invoice is replaced (lifted, and audited as replaced).
    """
    today = today or dt.date.today()
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid("say why dunning is on hold (a reason)", "reason")
    if len(reason) > MAX_REASON:
        raise Invalid(f"the reason is {len(reason)} characters; at most {MAX_REASON}", "reason")
    if until is not None and until < today:
        raise Invalid(f"a hold cannot end on {until.isoformat()}, in the past", "until")
    with uow:
        customer = customer_by_code(uow, customer_code)
        doc = _invoice(uow, customer, invoice) if invoice else None
        for earlier in _holding(uow, customer.id, doc.id if doc else None, today):
            _lift(uow, earlier, invoice, actor, "replaced by a new hold")
        hold = DunningHold(customer_id=customer.id, invoice_id=doc.id if doc else None, reason=reason, until=until,
                           created_by=actor.name)
        uow.session.add(hold)
        uow.session.flush()
        audit.record(uow.session, actor, "dunning.hold_put", customer_id=customer.id, subject=f"hold:{hold.id}",
                     **_set(invoice=invoice, reason=reason, until=until.isoformat() if until else None))
        [view] = _views(uow.session, [hold], today)
        uow.commit()
        return view


def lift_hold(uow: UnitOfWork, customer_code: str, actor: Actor, *, invoice: str | None = None,
              hold_id: int | None = None, today: dt.date | None = None) -> list[Hold]:
    """Lift the customer's hold in force on the account (or on `invoice`, or the one of `hold_id`): dunning resumes
    at the next run. Nothing in force to lift is NotFound."""
    today = today or dt.date.today()
    with uow:
        customer = customer_by_code(uow, customer_code)
        if hold_id is not None:
            holds = list(uow.session.scalars(select(DunningHold).where(
                DunningHold.id == hold_id, DunningHold.customer_id == customer.id, in_force(today)).with_for_update()))
        else:
            doc = _held_invoice(uow, customer, invoice) if invoice else None
            holds = _holding(uow, customer.id, doc.id if doc else None, today)
        if not holds:
            what = f"{hold_id}" if hold_id else f"on {invoice}" if invoice else "on the account"
            raise NotFound("dunning hold", f"{what} of customer {customer.code} in force")
        views = _views(uow.session, holds, today)
        for hold, view in zip(holds, views, strict=True):
            _lift(uow, hold, view.invoice, actor, "lifted")
        uow.session.flush()
        lifted = _views(uow.session, holds, today)
        uow.commit()
        return lifted


def _held_invoice(uow: UnitOfWork, customer: Customer, number: str) -> Document:
    doc = uow.session.scalar(select(Document).where(Document.customer_id == customer.id, Document.number == number))
    if doc is None:
        raise NotFound("invoice", f"{number} for customer {customer.code}")
    return doc


def holds_for(uow: UnitOfWork, customer_code: str, as_of: dt.date, *, past: bool = False) -> list[Hold]:
    """The customer's holds in force on `as_of` (the account's first, then by invoice); with `past`, also those
    ended or lifted, newest first after them."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        query = select(DunningHold).where(DunningHold.customer_id == customer.id)
        if not past:
            query = query.where(in_force(as_of))
        return _ordered(_views(uow.session, list(uow.session.scalars(query)), as_of))


def all_holds(uow: UnitOfWork, as_of: dt.date, *, past: bool = False) -> list[Hold]:
    """Every customer's holds in force on `as_of` (with `past`, also those ended or lifted), by customer."""
    with uow:
        query = select(DunningHold)
        if not past:
            query = query.where(in_force(as_of))
        return sorted(_ordered(_views(uow.session, list(uow.session.scalars(query)), as_of)),
                      key=lambda h: h.customer)


def account_hold(uow: UnitOfWork, customer_id: int, as_of: dt.date) -> Hold | None:
    """The hold in force on the customer's account on `as_of`, if any (what the chat must not promise past)."""
    with uow:
        hold = uow.session.scalar(select(DunningHold).where(
            DunningHold.customer_id == customer_id, DunningHold.invoice_id.is_(None), in_force(as_of))
            .order_by(DunningHold.id.desc()).limit(1))
        return _views(uow.session, [hold], as_of)[0] if hold else None


def _ordered(holds: list[Hold]) -> list[Hold]:
    def key(h: Hold) -> tuple[bool, bool, str, int]:
        return (not h.active, h.invoice is not None, h.invoice or "", -h.id)

    return sorted(holds, key=key)
