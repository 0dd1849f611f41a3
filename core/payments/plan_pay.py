"""A missed instalment paid by the customer on their pay page ("Pay online"), as the missed-instalment and retry
notices promise:

    pay page ─▶ payable_instalments: per current plan, its first unpaid instalment that was missed, or whose
                declined charge waits for a retry ─▶ review (price_instalments: the exact total)
             ─▶ confirm: write_with_instalments, in the confirm's one transaction: the plan locked, the instalment
                still payable for the amount read; a payment whose lines are exactly the instalment's (the same
                invoices, amounts and reason as its scheduled payment), beside any other invoice picked; the planned
                retry of its declined charge canceled; the instalment now carried by this payment

The instalment points to the new payment (its `payment_id`), so `plans.standing` and the daily plan check read it
like any instalment: succeeded, the instalment is paid (the plan completes after its last); declined, it stays
missed. The retry is canceled here rather than left to `retries._why_not`: once this payment settles, an invoice
the plan pays over several instalments still has enough open for the retry's line, which would charge it twice.
A plan's invoices are never paid here outside of their instalments (`initiation._refuse_held` still refuses them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Conflict
from core.kernel.money import Money
from core.ledger.models import Customer, Document, InvoiceHold, Payment, PaymentPlan, PlanInstalment, PlanInvoice
from core.ledger.posting import customer_by_code
from core.ledger.rules import AllocationRequest
from core.payments.history import method_label
from core.payments.idempotency import Claim, bind_payment
from core.payments.initiation import InitiatedPayment, Quote, _active_method, _charge_request, charge_key, price
from core.payments.models import PaymentAttempt, PaymentLine
from core.payments.plan_checks import MISSED
from core.payments.plans import Started, standing, stop_retries

Pick = tuple[int, int, int]  # (plan id, instalment seq, amount in minor units as the customer read it)


@dataclass(frozen=True)
class PayableInstalment:
    plan_id: int
    seq: int
    of: int  # instalments in the plan
    due_on: dt.date
    amount: Money
    invoices: tuple[str, ...]  # the invoices its lines pay
    state: str  # missed | retrying

    @property
    def key(self) -> str:
        """How the pay page's form names it: `instalment-<plan>-<seq>`."""
        return f"{self.plan_id}-{self.seq}"


@dataclass(frozen=True)
class InstalmentQuote:
    """The pay page's review: the invoices picked (priced as ever), the instalments picked, the exact total."""

    invoices: Quote | None
    instalments: tuple[PayableInstalment, ...]
    total: Money


def _payable(state: str | None) -> str:
    """"missed" or "retrying" when the customer may pay the instalment now; "" when not: paid, being charged, or
    still scheduled (an instalment past its date and grace but not charged yet is the scheduler's to charge)."""
    return "retrying" if state == "retrying" else "missed" if state in MISSED else ""


def _plan_payable(session: Session, plan: PaymentPlan) -> PayableInstalment | None:
    """The plan's first unpaid instalment the customer may pay now: one per plan, since every payment carries at
    most one instalment of a plan (the lines of one instalment are told apart by the plan's invoices)."""
    rows = standing(session, plan.id)
    for instalment, state in rows:
        if state == "succeeded":
            continue
        why = _payable(state)
        if not why:
            return None
        numbers = session.scalars(select(Document.number).join(PaymentLine, PaymentLine.invoice_id == Document.id)
                                  .where(PaymentLine.payment_id == instalment.payment_id)
                                  .where(PaymentLine.invoice_id.in_(_plan_invoice_ids(session, plan.id)))
                                  .order_by(Document.due_date, Document.number))
        return PayableInstalment(plan.id, instalment.seq, len(rows), instalment.due_on,
                                 Money.from_minor(instalment.amount_minor, instalment.currency), tuple(numbers), why)
    return None


def _plan_invoice_ids(session: Session, plan_id: int) -> list[int]:
    return list(session.scalars(select(PlanInvoice.invoice_id).where(PlanInvoice.plan_id == plan_id)))


def payable_instalments(uow: UnitOfWork, customer_code: str) -> tuple[PayableInstalment, ...]:
    """Per current plan of the customer, the instalment their pay page offers (missed, or waiting for a retry)."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        plans = uow.session.scalars(select(PaymentPlan).where(PaymentPlan.customer_id == customer.id,
                                                              PaymentPlan.status == "current").order_by(PaymentPlan.id))
        return tuple(found for plan in plans if (found := _plan_payable(uow.session, plan)) is not None)


def _picked(session: Session, customer: Customer, picks: Sequence[Pick]) -> list[PayableInstalment]:
    """The instalments picked, each still payable for exactly the amount read; their plans locked."""
    if len({plan_id for plan_id, _, _ in picks}) != len(picks):
        raise Conflict("pay one instalment of a plan at a time")
    found = []
    for plan_id, seq, amount_minor in picks:
        plan = session.get(PaymentPlan, plan_id, with_for_update=True)
        _lock_retries(session, plan_id)
        payable = _plan_payable(session, plan) if plan is not None and plan.customer_id == customer.id \
            and plan.status == "current" else None
        if payable is None or payable.seq != seq or payable.amount.minor != amount_minor:
            raise Conflict(f"instalment {seq} of plan {plan_id} is no longer waiting to be paid as shown: "
                           "nothing was charged; review the payment again")
        found.append(payable)
    return found


def _lock_retries(session: Session, plan_id: int) -> None:
    """The attempts of the plan's charges, locked before any invoice (as `retries._open` takes them): a retry
    opening now waits for this payment or finds its attempt canceled, and the standing read next is current."""
    session.scalars(select(PaymentAttempt.id).where(PaymentAttempt.first_payment_id.in_(
        select(PlanInstalment.payment_id).where(PlanInstalment.plan_id == plan_id))).with_for_update()).all()


def price_instalments(uow: UnitOfWork, *, customer_code: str, requests: list[AllocationRequest],
                      picks: Sequence[Pick], pay_on: dt.date, reasons: tuple[str, ...]) -> InstalmentQuote:
    """What paying these invoices and instalments would be, to the cent. Moves no money."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        return _price(uow, customer, requests, picks, pay_on, reasons)


def _price(uow: UnitOfWork, customer: Customer, requests: list[AllocationRequest], picks: Sequence[Pick],
           pay_on: dt.date, reasons: tuple[str, ...]) -> InstalmentQuote:
    instalments = _picked(uow.session, customer, picks)
    invoices = price(uow, customer, requests, pay_on, reasons) if requests else None
    total = sum((i.amount for i in instalments), invoices.total if invoices else Money.zero(customer.currency))
    return InstalmentQuote(invoices, tuple(instalments), total)


def _instalment_lines(session: Session, customer: Customer, payable: PayableInstalment) -> list[PaymentLine]:
    """The instalment's lines as its payment carries them (only the plan's invoices: a payment made here may carry
    other invoices too); each invoice locked and still open for its line."""
    instalment = session.scalar(select(PlanInstalment).where(PlanInstalment.plan_id == payable.plan_id,
                                                             PlanInstalment.seq == payable.seq))
    assert instalment is not None and instalment.payment_id is not None
    lines = list(session.scalars(select(PaymentLine).where(
        PaymentLine.payment_id == instalment.payment_id,
        PaymentLine.invoice_id.in_(_plan_invoice_ids(session, payable.plan_id))).order_by(PaymentLine.id)))
    docs = {d.id: d for d in session.scalars(select(Document).where(
        Document.id.in_([line.invoice_id for line in lines])).order_by(Document.id).with_for_update())}
    for line in lines:
        doc = docs[line.invoice_id]
        if doc.voided or doc.customer_id != customer.id or doc.open_minor < line.amount_minor + line.discount_minor:
            raise Conflict(f"invoice {doc.number} changed since the instalment was agreed: nothing was charged; "
                           "ask us about the plan")
    if sum(line.amount_minor for line in lines) != payable.amount.minor:
        raise Conflict(f"instalment {payable.seq} of plan {payable.plan_id} cannot be paid here; ask us about it")
    return lines


def write_with_instalments(uow: UnitOfWork, customer: Customer, *, requests: list[AllocationRequest],
                           picks: Sequence[Pick], total: Money, lines_read: tuple[tuple[str, int], ...] | None,
                           method_id: int, processor: str, today: dt.date, reasons: tuple[str, ...], actor: Actor,
                           claim: Claim | None) -> Started:
    """Inside the confirm's transaction: re-price, refuse anything but what was confirmed, write the one payment
    (pending: charged once this commits) and move the instalments onto it."""
    quote = _price(uow, customer, requests, picks, today, reasons)
    read_ok = lines_read is None or quote.invoices is None or \
        lines_read == tuple((line.number, line.pay.minor) for line in quote.invoices.lines)
    if quote.total != total or not read_ok:
        raise Conflict(f"the total is now {quote.total.format()}, not the {total.format()} you confirmed: nothing "
                       "was charged, review the payment again")
    method = _active_method(uow, customer.id, method_id)
    payment = Payment(customer_id=customer.id, currency=customer.currency, amount_minor=total.minor,
                      unapplied_minor=0, status="pending", method_id=method.id, method_kind=method.kind,
                      channel=actor.channel, initiated_by=actor.name, received_on=today, processor=processor,
                      note="; ".join(f"Instalment {i.seq} of plan {i.plan_id}" for i in quote.instalments))
    uow.session.add(payment)
    uow.session.flush()
    if claim is not None:
        bind_payment(uow.session, claim, payment.id)
    numbers = _write_lines(uow.session, customer, payment, quote, requests)
    audit.record(uow.session, actor, "payment.pending", customer_id=customer.id, subject=f"payment:{payment.id}",
                 amount=str(total.amount), currency=total.currency, method=method_label(method.kind, method),
                 invoices=numbers, pay_on=str(today), status_to="pending",
                 instalments=[[i.plan_id, i.seq] for i in quote.instalments])
    for payable in quote.instalments:
        _carry(uow.session, customer, payable, payment, actor)
    started = InitiatedPayment(payment.id, "pending", total, Money.zero(total.currency), charge_key(payment.id))
    return started, _charge_request(payment, method), method_label(method.kind, method)


def _write_lines(session: Session, customer: Customer, payment: Payment, quote: InstalmentQuote,
                 requests: list[AllocationRequest]) -> list[str]:
    """The payment's lines and holds: the invoices picked as priced, then each instalment's lines as agreed."""
    comments = {r.number: r.comment for r in requests}
    written: list[tuple[int, str, int, int, str | None, str | None]] = []
    if quote.invoices is not None:
        picked = [ln.number for ln in quote.invoices.lines]
        ids = dict(session.execute(select(Document.number, Document.id).where(
            Document.customer_id == customer.id, Document.number.in_(picked))).all())
        written += [(ids[ln.number], ln.number, ln.pay.minor, ln.discount.minor, ln.short_reason,
                     comments.get(ln.number) if ln.short_reason else None) for ln in quote.invoices.lines]
    for payable in quote.instalments:
        agreed = _instalment_lines(session, customer, payable)
        names = dict(session.execute(select(Document.id, Document.number).where(
            Document.id.in_([ln.invoice_id for ln in agreed]))).all())
        written += [(ln.invoice_id, names[ln.invoice_id], ln.amount_minor, ln.discount_minor, ln.short_reason, None)
                    for ln in agreed]
    for invoice_id, _, amount, discount, reason, comment in written:
        session.add(PaymentLine(payment_id=payment.id, invoice_id=invoice_id, amount_minor=amount,
                                discount_minor=discount, short_reason=reason, short_comment=comment))
        session.add(InvoiceHold(invoice_id=invoice_id, payment_id=payment.id))
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("one of these invoices was just put into another payment; nothing was charged") from None
    return [number for _, number, *_ in written]


def _carry(session: Session, customer: Customer, payable: PayableInstalment, payment: Payment, actor: Actor) -> None:
    """The instalment is now this payment's: the retry planned for its declined charge is canceled (refused while
    one is with the processor), and the audit says which payment it leaves."""
    instalment = session.scalar(select(PlanInstalment).where(PlanInstalment.plan_id == payable.plan_id,
                                                             PlanInstalment.seq == payable.seq))
    assert instalment is not None and instalment.payment_id is not None
    before = instalment.payment_id
    stop_retries(session, customer, before, payable.plan_id, actor, why=f"paid online in payment {payment.id}")
    instalment.payment_id = payment.id
    audit.record(session, actor, "plan.instalment_paid_online", customer_id=customer.id,
                 subject=f"plan:{payable.plan_id}", instalment=payable.seq, payment=payment.id, previous=before,
                 amount=str(payable.amount.amount), currency=payable.amount.currency, was=payable.state)
