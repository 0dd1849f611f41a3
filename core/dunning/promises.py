"""Promises to pay ("I'll pay on Friday"): dunning holds off until the promised date plus grace days.

A customer has at most one open promise: a new one replaces the one before (the later word counts).
A promise may name invoices ("I'll pay 104108 on the 15th"): it keeps them and, unless an amount was said,
what is open on them when it is made.
When the grace runs out, dunning simply resumes; the promise stays on record as it was made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from core.dunning.models import PaymentPromise
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid, NotFound
from core.kernel.money import Money
from core.ledger.models import Customer, Document
from core.ledger.posting import customer_by_code


@dataclass(frozen=True)
class Promise:
    id: int
    customer: str
    promised_for: dt.date
    amount: Money | None  # None: the balance
    held_off_until: dt.date  # the last day dunning holds off
    status: str
    invoices: tuple[str, ...] = ()  # by number, as promised; none: the account as a whole


def _view(promise: PaymentPromise, code: str, numbers: Sequence[str] = ()) -> Promise:
    amount = None if promise.amount_minor is None else Money.from_minor(promise.amount_minor, promise.currency)
    until = promise.promised_for + dt.timedelta(days=promise.grace_days)
    return Promise(promise.id, code, promise.promised_for, amount, until, promise.status, tuple(numbers))


def _open(uow: UnitOfWork, customer_id: int) -> list[PaymentPromise]:
    query = (select(PaymentPromise).where(PaymentPromise.customer_id == customer_id, PaymentPromise.status == "open")
             .order_by(PaymentPromise.id).with_for_update())
    return list(uow.session.scalars(query))


def _cancel(uow: UnitOfWork, promise: PaymentPromise, actor: Actor, why: str) -> None:
    promise.status = "canceled"
    audit.record(uow.session, actor, "promise.canceled", customer_id=promise.customer_id,
                 subject=f"promise:{promise.id}", status_from="open", status_to="canceled", reason=why)


def _promised_invoices(uow: UnitOfWork, customer: Customer, numbers: Sequence[str]) -> list[Document]:
    """The customer's open documents `numbers` (exact numbers), in the order given."""
    if not numbers:
        return []
    found = {d.number: d for d in uow.session.scalars(
        select(Document).where(Document.customer_id == customer.id, Document.number.in_(numbers)))}
    for number in numbers:
        doc = found.get(number)
        if doc is None or doc.voided or doc.kind == "credit":
            raise NotFound("invoice", f"{number} for customer {customer.code}")
        if doc.open_minor <= 0:
            raise Invalid(f"{number} has nothing open", "invoices")
    docs = [found[number] for number in dict.fromkeys(numbers)]
    if len({d.currency for d in docs}) > 1:
        raise Invalid("the invoices are in different currencies: promise each currency on its own", "invoices")
    return docs


def record_promise(uow: UnitOfWork, customer_code: str, promised_for: dt.date, amount: Money | None, actor: Actor,
                   channel: str = "", *, grace_days: int | None = None, today: dt.date | None = None,
                   note: str | None = None, invoices: Sequence[str] = ()) -> Promise:
    """Record the customer's promise to pay `amount` by `promised_for`: of the open `invoices` when named (None:
    all that is open on them), else on the account (None: the balance).

    `grace_days`: pass the configured `Settings.promise_grace_days`; None takes its default.
    """
    grace = Settings.promise_grace_days if grace_days is None else grace_days
    if grace < 0:
        raise Invalid("grace days cannot be negative", "grace_days")
    if promised_for < (today or dt.date.today()):
        raise Invalid(f"a promise to pay cannot be dated {promised_for}, in the past", "date")
    if amount is not None and not amount.is_positive():
        raise Invalid("a promised amount must be above zero", "amount")
    with uow:
        customer = customer_by_code(uow, customer_code)
        docs = _promised_invoices(uow, customer, invoices)
        if amount is None and docs:
            amount = Money.from_minor(sum(d.open_minor for d in docs), docs[0].currency)
        for earlier in _open(uow, customer.id):
            _cancel(uow, earlier, actor, "replaced by a new promise")
        promise = PaymentPromise(
            customer_id=customer.id, promised_for=promised_for, amount_minor=None if amount is None else amount.minor,
            currency=customer.currency if amount is None else amount.currency, grace_days=grace, status="open",
            channel=channel or actor.channel, created_by=actor.name, note=note, invoice_ids=[d.id for d in docs])
        uow.session.add(promise)
        uow.session.flush()
        numbers = [d.number for d in docs]
        audit.record(uow.session, actor, "promise.recorded", customer_id=customer.id, subject=f"promise:{promise.id}",
                     promised_for=promised_for.isoformat(), amount=None if amount is None else str(amount.amount),
                     currency=promise.currency, grace_days=grace, invoices=numbers)
        uow.commit()
        return _view(promise, customer.code, numbers)


def cancel_promise(uow: UnitOfWork, customer_code: str, actor: Actor, *, promise_id: int | None = None,
                   reason: str = "withdrawn") -> list[int]:
    """Cancel the customer's open promise (or the one of `promise_id`): dunning resumes at the next run."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        promises = [p for p in _open(uow, customer.id) if promise_id is None or p.id == promise_id]
        if promise_id is not None and not promises:
            raise NotFound("open promise", f"{promise_id} for customer {customer_code}")
        for promise in promises:
            _cancel(uow, promise, actor, reason)
        uow.commit()
        return [p.id for p in promises]
