"""Autopay: a customer's standing permission to charge one saved method for their invoices on their due dates.

    enroll (chat after YES, pay page, console, API, CLI: who, when, channel, the words agreed to)
      └─▶ AutopayEnrollment (one active per customer; a change of method ends it and starts another)
    daily job (core.payments.autopay_run): N days before a due date ─▶ a scheduled payment + a notice (SKIP)
    turn off (every channel) ─▶ the enrollment ends and its upcoming charges are canceled

A bank account (ACH) pays automatically only with a recurring debit authorization on file: the one an ACH
method is saved with covers the payments the customer approves one at a time, so enrolling one needs the
reference of the customer's recurring authorization (a signed form, a recorded call), which staff record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.card_numbers import refuse_card_number
from core.kernel.db import UnitOfWork
from core.kernel.errors import Conflict, Invalid, NotFound
from core.kernel.money import Money
from core.ledger.models import Customer, Payment
from core.ledger.posting import customer_by_code
from core.payments.jobs import cancel_payment
from core.payments.methods import MethodView
from core.payments.models import AutopayCharge, AutopayEnrollment, PaymentMethod

RULE = "each invoice is charged in full on its due date, with a notice {days} days before (reply SKIP to skip one)"
ACH_NEEDS_RECURRING = ("a bank account can pay automatically only with the customer's recurring debit authorization "
                       "on file; the authorization it was saved with covers single payments the customer approves. "
                       "Record the recurring authorization's reference (signed form, recorded call), or use a card")


@dataclass(frozen=True)
class Authorization:
    """Who agreed to autopay, when, where, and the words they agreed to (or the agent's note of them)."""

    by: str  # "contact:12 (Dana Ruiz)", "user:alice for the customer on a call"
    at: dt.datetime
    channel: str
    text: str
    ach_recurring_reference: str = ""  # a bank account: the customer's recurring debit authorization on file


@dataclass(frozen=True)
class UpcomingCharge:
    id: int
    payment_id: int
    due_on: dt.date
    amount: Money
    invoices: tuple[str, ...]
    status: str  # the payment's: scheduled | pending | succeeded | failed | canceled
    skipped_at: dt.datetime | None


@dataclass(frozen=True)
class AutopayView:
    id: int
    customer_code: str
    method: MethodView
    authorized_by: str
    authorized_at: dt.datetime
    channel: str
    authorization_text: str
    ach_recurring_reference: str | None
    ended_at: dt.datetime | None
    ended_by: str | None
    charges: tuple[UpcomingCharge, ...] = ()

    @property
    def active(self) -> bool:
        return self.ended_at is None


def autopay_rule(notice_days: int) -> str:
    return RULE.format(days=notice_days)


def _active(uow: UnitOfWork, customer_id: int, lock: bool = False) -> AutopayEnrollment | None:
    query = select(AutopayEnrollment).where(AutopayEnrollment.customer_id == customer_id,
                                            AutopayEnrollment.ended_at.is_(None))
    return uow.session.scalar(query.with_for_update() if lock else query)


def _method(uow: UnitOfWork, customer: Customer, method_id: int) -> PaymentMethod:
    method = uow.session.get(PaymentMethod, method_id)
    if method is None or method.customer_id != customer.id:
        raise NotFound("payment method", method_id)
    if not method.active:
        raise Invalid(f"payment method {MethodView.of(method).label} is deactivated", "method")
    return method


def check_method(method: PaymentMethod, reference: str) -> None:
    """Refuse a bank account without a recurring authorization (or without any authorization on file)."""
    if method.kind != "ach":
        return
    if not method.ach_authorization_kind:
        raise Invalid("this bank account has no debit authorization on file", "method")
    if not reference.strip():
        raise Invalid(ACH_NEEDS_RECURRING, "ach_recurring_reference")
    refuse_card_number(reference, "ach_recurring_reference")


def _checked(authorization: Authorization) -> Authorization:
    if not authorization.by.strip() or not authorization.text.strip() or not authorization.channel.strip():
        raise Invalid("authorization: say who agreed, on which channel, and the words agreed to", "authorization")
    return authorization


def enroll_autopay(uow: UnitOfWork, *, customer_code: str, method_id: int, authorization: Authorization,
                   actor: Actor) -> AutopayView:
    """Enroll the method (or change the enrolled one: the old enrollment ends, a new one records the new
    authorization). The same method again changes nothing."""
    authorization = _checked(authorization)
    with uow:
        customer = customer_by_code(uow, customer_code)
        method = _method(uow, customer, method_id)
        check_method(method, authorization.ach_recurring_reference)
        current = _active(uow, customer.id, lock=True)
        if current is not None and current.method_id == method.id:
            return _view(uow, customer, current)
        if current is not None:
            _end(current, authorization.at, actor, "changed to another method")
        row = AutopayEnrollment(
            customer_id=customer.id, method_id=method.id, authorized_by=authorization.by[:200],
            authorized_at=authorization.at, channel=authorization.channel[:40], authorization_text=authorization.text,
            ach_recurring_reference=authorization.ach_recurring_reference.strip() or None)
        uow.session.add(row)
        try:
            uow.session.flush()
        except IntegrityError:
            raise Conflict("autopay was just changed for this customer; look again") from None
        label = MethodView.of(method).label
        action = "autopay.changed" if current is not None else "autopay.enrolled"
        audit.record(uow.session, actor, action, customer_id=customer.id, subject=f"autopay:{row.id}",
                     method=label, authorized_by=row.authorized_by, authorized_at=authorization.at.isoformat(),
                     channel=row.channel, text=row.authorization_text,
                     ach_recurring_reference=row.ach_recurring_reference,
                     previous=current.id if current is not None else None)
        view = _view(uow, customer, row)
        uow.commit()
        return view


def _end(row: AutopayEnrollment, now: dt.datetime, actor: Actor, reason: str) -> None:
    row.ended_at, row.ended_by, row.end_reason = now, actor.name[:200], reason[:200]


def turn_off_autopay(uow: UnitOfWork, *, customer_code: str, now: dt.datetime, actor: Actor,
                     reason: str = "") -> AutopayView | None:
    """End the customer's autopay and cancel its charges not yet made; None when it was not on."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        row = _active(uow, customer.id, lock=True)
        if row is None:
            return None
        _end(row, now, actor, reason or "turned off")
        canceled = [skip_charge(uow, customer, charge, now, actor)
                    for charge in _charges(uow, customer.id, waiting_only=True)]
        audit.record(uow.session, actor, "autopay.ended", customer_id=customer.id, subject=f"autopay:{row.id}",
                     channel=actor.channel, reason=row.end_reason, canceled_payments=[c for c in canceled if c])
        view = _view(uow, customer, row)
        uow.commit()
        return view


def _charges(uow: UnitOfWork, customer_id: int, *, waiting_only: bool = False,
             since: dt.date | None = None) -> list[AutopayCharge]:
    query = select(AutopayCharge).where(AutopayCharge.customer_id == customer_id)
    if waiting_only:
        query = query.join(Payment, Payment.id == AutopayCharge.payment_id).where(
            Payment.status == "scheduled", AutopayCharge.skipped_at.is_(None))
    if since is not None:
        query = query.where(AutopayCharge.due_on >= since)
    return list(uow.session.scalars(query.order_by(AutopayCharge.due_on, AutopayCharge.id)))


def skip_charge(uow: UnitOfWork, customer: Customer, charge: AutopayCharge, now: dt.datetime,
                actor: Actor) -> int | None:
    """Inside the caller's transaction: cancel the charge's scheduled payment and mark it skipped (audited);
    the payment's id, or None when it was already skipped, charged or canceled."""
    payment = uow.session.get(Payment, charge.payment_id)
    if charge.skipped_at is not None or payment is None or payment.status != "scheduled":
        return None
    cancel_payment(uow, customer, charge.payment_id, actor)
    charge.skipped_at, charge.skipped_by = now, actor.name[:200]
    audit.record(uow.session, actor, "autopay.skipped", customer_id=customer.id, subject=f"autopay_charge:{charge.id}",
                 payment_id=charge.payment_id, due_on=str(charge.due_on), invoices=list(charge.invoices),
                 amount=str(payment.amount.amount), currency=payment.currency, channel=actor.channel)
    return charge.payment_id


def skip_autopay(uow: UnitOfWork, *, customer_code: str, now: dt.datetime, actor: Actor,
                 charge_id: int | None = None) -> UpcomingCharge:
    """Skip one autopay charge before its date: the one named, or the next one waiting. Conflict when there is
    none to skip."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        waiting = _charges(uow, customer.id, waiting_only=True)
        if charge_id is not None:
            found = uow.session.get(AutopayCharge, charge_id, with_for_update=True)
            if found is None or found.customer_id != customer.id:
                raise NotFound("autopay charge", charge_id)
            if found.id not in {charge.id for charge in waiting}:
                raise Conflict("this autopay charge was already skipped, made or canceled; there is nothing to skip")
            waiting = [found]
        if not waiting:
            raise Conflict("there is no upcoming autopay charge to skip")
        charge = waiting[0]
        skip_charge(uow, customer, charge, now, actor)
        upcoming = _upcoming(uow, charge)
        uow.commit()
        return upcoming


def _upcoming(uow: UnitOfWork, charge: AutopayCharge) -> UpcomingCharge:
    payment = uow.session.get(Payment, charge.payment_id)
    assert payment is not None  # the charge's foreign key
    return UpcomingCharge(charge.id, charge.payment_id, charge.due_on, payment.amount, tuple(charge.invoices),
                          payment.status, charge.skipped_at)


def _view(uow: UnitOfWork, customer: Customer, row: AutopayEnrollment) -> AutopayView:
    method = uow.session.get(PaymentMethod, row.method_id)
    assert method is not None  # the enrollment's foreign key
    charges = tuple(_upcoming(uow, charge) for charge in _charges(uow, customer.id)
                    if charge.enrollment_id == row.id)
    return AutopayView(row.id, customer.code, MethodView.of(method), row.authorized_by, row.authorized_at,
                       row.channel, row.authorization_text, row.ach_recurring_reference, row.ended_at, row.ended_by,
                       charges)


def autopay_status(uow: UnitOfWork, customer_code: str) -> AutopayView | None:
    """The customer's active autopay with its charges, or None when it is off."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        row = _active(uow, customer.id)
        return _view(uow, customer, row) if row is not None else None


@dataclass(frozen=True)
class ChargeView:
    """One autopay charge as its skip link shows it (the link names the charge, not the customer)."""

    customer_code: str
    customer_name: str
    charge: UpcomingCharge
    method: str  # "Visa •4242"


def autopay_charge(uow: UnitOfWork, charge_id: int) -> ChargeView:
    with uow:
        charge = uow.session.get(AutopayCharge, charge_id)
        if charge is None:
            raise NotFound("autopay charge", charge_id)
        customer = uow.session.get(Customer, charge.customer_id)
        enrollment = uow.session.get(AutopayEnrollment, charge.enrollment_id)
        assert customer is not None and enrollment is not None  # the charge's foreign keys
        method = uow.session.get(PaymentMethod, enrollment.method_id)
        label = MethodView.of(method).label if method is not None else ""
        return ChargeView(customer.code, customer.name, _upcoming(uow, charge), label)


def autopay_enrollments(uow: UnitOfWork, *, include_ended: bool = False) -> list[AutopayView]:
    """Every active enrollment (and the ended ones, when asked), by customer code."""
    with uow:
        query = select(AutopayEnrollment, Customer).join(Customer, Customer.id == AutopayEnrollment.customer_id)
        if not include_ended:
            query = query.where(AutopayEnrollment.ended_at.is_(None))
        rows = uow.session.execute(query.order_by(Customer.code, AutopayEnrollment.id)).all()
        return [_view(uow, customer, row) for row, customer in rows]
