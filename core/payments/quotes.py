"""Confirm the exact total, then charge: one service for the chat, the agent console and the phone line.

    chat     offer_payment ──▶ PaymentQuote(open, 10 min) ──YES──▶ confirm_quote ─┬─ claimed ─▶ pay_exactly
                               offer_cancel ──┘     │                             ├─ expired: said so (a fresh quote)
                                                    └──NO──▶ decline_quote        └─ executed / canceled / failed before
    console  review (quote_payment) ──confirm──▶ pay_confirmed ─▶ pay_exactly
    phone    offer (quote_payment) ──press 1──▶ pay_confirmed ─▶ pay_exactly

    pay_exactly: re-price ─┬─ exactly what was confirmed ─▶ the payment, scheduled or pending (exact=True)
                           └─ anything else ─▶ PriceChanged: nothing is paid

A chat quote's claim is its idempotency record: only the first YES (or the first copy of a message delivered
twice) moves it from open, so only it reaches the processor; every later YES is told where it stands. The claim,
the re-pricing, the comparison and the payment with its invoice holds are one transaction (a refusal inside it
is undone to a savepoint, so the quote still records why); the processor is called after that commits — no
lock is held across the network call — and its answer is recorded in one more (`jobs.send_charge`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, cast

from sqlalchemy import CursorResult, update

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import ARError, Conflict, NotFound
from core.kernel.money import Money
from core.ledger.models import Customer, Payment
from core.ledger.posting import customer_by_code
from core.ledger.rules import AllocationRequest
from core.payments.history import method_label
from core.payments.idempotency import Claim
from core.payments.initiation import InitiatedPayment, Quote, price, write_payment
from core.payments.jobs import cancel_payment, resume, send_charge
from core.payments.models import PaymentMethod, PaymentQuote
from core.payments.notices import Branding
from core.payments.plan_pay import Pick, write_with_instalments
from core.payments.plans import agree_quoted
from core.payments.processor import ChargeRequest, PaymentProcessor

QUOTE_TTL = dt.timedelta(minutes=10)
# A payment just written: itself, the charge to send once it commits (None: scheduled), the method as the payer
# knows it ("Visa •4242").
Started = tuple[InitiatedPayment, ChargeRequest | None, str]


@dataclass(frozen=True)
class Confirmed:
    """What the payer read and said yes to: the invoices (each in full, or a short amount with its reason), the
    method, the date, the exact total and, when the payer was shown them, each invoice's amount."""

    requests: tuple[AllocationRequest, ...]
    total: Money
    method_id: int
    pay_on: dt.date
    deposit: Money | None = None  # money on account, beside the invoices (all of it, when there are none)
    lines: tuple[tuple[str, int], ...] | None = None  # (number, amount in minor units) as read; None: the total only
    instalments: tuple[Pick, ...] = ()  # a plan's missed instalments picked on the pay page (core.payments.plan_pay)

    def matches(self, quote: Quote) -> bool:
        read = self.lines is None or self.lines == tuple((line.number, line.pay.minor) for line in quote.lines)
        return read and quote.total == self.total


class PriceChanged(Conflict):
    """The invoices no longer come to what the payer confirmed: nothing was paid."""

    def __init__(self, now: Money, confirmed: Money) -> None:
        what = (f"the total is now {now.amount} {now.currency}, not the {confirmed.amount} {confirmed.currency} you "
                "confirmed" if now != confirmed else "the invoices' amounts are not the ones you confirmed")
        super().__init__(f"{what}: the balance changed since the review; nothing was charged, review the payment "
                         "again")
        self.now, self.confirmed = now, confirmed


@dataclass(frozen=True)
class PaymentMade:
    payment_id: int
    status: str  # scheduled | pending | succeeded | failed, as the processor's answer left it
    amount: Money
    method: str  # "Visa •4242"
    failure_reason: str | None
    outcome: str


@dataclass(frozen=True)
class QuoteView:
    id: int
    kind: str  # pay | schedule | deposit | cancel_scheduled
    total: Money
    pay_on: dt.date
    text: str  # the confirmation as the customer read it
    payment_id: int | None  # the payment it made, or (cancel_scheduled) the one it cancels

    @classmethod
    def of(cls, row: PaymentQuote) -> QuoteView:
        return cls(row.id, row.kind, Money.from_minor(row.total_minor, row.currency), row.pay_on, row.text,
                   row.payment_id)


# What a YES found: the quote already executed, canceled, failed, or now expired (nothing done), or "unknown";
# or what it did: "changed" (re-priced differently: nothing paid), "refused" (`reason`), "done".
Answer = Literal["unknown", "executed", "canceled", "failed", "expired", "changed", "refused", "done"]


@dataclass(frozen=True)
class QuoteOutcome:
    answer: Answer
    quote: QuoteView | None
    payment: PaymentMade | None = None  # done, for a payment (not for canceling a scheduled one)
    reason: str = ""


def offer_payment(
    uow: UnitOfWork, *, conversation_id: int, customer_code: str, kind: str, requests: Sequence[AllocationRequest],
    pay_on: dt.date, reasons: tuple[str, ...], method_id: int, now: dt.datetime, actor: Actor,
    words: Callable[[Quote], str], deposit: Money | None = None,
) -> tuple[Quote, QuoteView]:
    """Price the payment and keep exactly that as an open quote, in one transaction; `words` writes what the
    customer reads from the quote (kept with it)."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        quote = price(uow, customer, list(requests), pay_on, reasons, deposit)
        comments = {r.number: r.comment for r in requests if r.comment}
        lines = [{"number": line.number, "amount_minor": line.pay.minor, "discount_minor": line.discount.minor,
                  "reason": line.short_reason, "comment": comments.get(line.number)} for line in quote.lines]
        row = PaymentQuote(conversation_id=conversation_id, customer_id=customer.id, kind=kind, lines=lines,
                           currency=quote.total.currency, total_minor=quote.total.minor, method_id=method_id,
                           pay_on=pay_on, text=words(quote), status="open", expires_at=now + QUOTE_TTL, created_at=now)
        return quote, _keep(uow, row, actor)


def offer_cancel(uow: UnitOfWork, *, conversation_id: int, customer_code: str, payment_id: int, amount: Money,
                 on: dt.date, invoices: Sequence[str], text: str, now: dt.datetime, actor: Actor) -> QuoteView:
    """Keep the question "cancel this scheduled payment?" as an open quote."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        row = PaymentQuote(conversation_id=conversation_id, customer_id=customer.id, kind="cancel_scheduled",
                           lines=[{"number": n} for n in invoices], currency=amount.currency, total_minor=amount.minor,
                           pay_on=on, text=text, status="open", expires_at=now + QUOTE_TTL, payment_id=payment_id,
                           created_at=now)
        return _keep(uow, row, actor)


def _keep(uow: UnitOfWork, row: PaymentQuote, actor: Actor) -> QuoteView:
    uow.session.add(row)
    uow.session.flush()
    view = QuoteView.of(row)
    audit.record(uow.session, actor, "quote.offered", customer_id=row.customer_id, subject=f"quote:{row.id}",
                 conversation_id=row.conversation_id, channel=actor.channel, kind=row.kind,
                 total=str(view.total.amount), currency=row.currency)
    uow.commit()
    return view


def decline_quote(uow: UnitOfWork, *, conversation_id: int, quote_id: int) -> QuoteView | None:
    """NO: the open quote is canceled; None when it was no longer open."""
    with uow:
        moved = cast(CursorResult, uow.session.execute(
            update(PaymentQuote).where(PaymentQuote.id == quote_id, PaymentQuote.status == "open",
                                       PaymentQuote.conversation_id == conversation_id)
            .values(status="canceled", outcome="the customer said no"))).rowcount
        row = uow.session.get(PaymentQuote, quote_id) if moved else None
        declined = QuoteView.of(row) if row is not None else None
        uow.commit()
        return declined


def confirm_quote(
    uow_factory: Callable[[], UnitOfWork], adapter: PaymentProcessor, *, conversation_id: int, quote_id: int,
    now: dt.datetime, today: dt.date, reasons: tuple[str, ...], actor: Actor, branding: Branding,
    reply: str | None = None,
) -> QuoteOutcome:
    """YES to a quote: executed once, exactly as the customer read it, or not at all (the outcome says why).
    `reply`: the customer's words, kept with an instalment plan's agreement."""
    with uow_factory() as uow:
        row, claimed = _claim(uow, conversation_id, quote_id, now)
        if row is None:
            return QuoteOutcome("unknown", None)
        if not claimed:
            uow.commit()  # an open quote past its time is now expired
            return QuoteOutcome(cast(Answer, row.status), QuoteView.of(row))
        try:
            with uow.session.begin_nested():
                outcome, started = _execute(uow, row, adapter.name, now, today, reasons, actor, reply)
        except PriceChanged:
            return _close(uow, row, "failed", "the invoices changed after the quote", actor, "changed")
        except ARError as refused:
            return _close(uow, row, "failed", f"refused: {refused}", actor, "refused", str(refused))
        made = started[0].payment_id if started else None
        done = _close(uow, row, "executed", outcome, actor, "done", payment_id=made)
    if started is None:
        return done
    return QuoteOutcome("done", done.quote, _send(uow_factory, adapter, *started, actor, branding))


def _execute(uow: UnitOfWork, row: PaymentQuote, processor: str, now: dt.datetime, today: dt.date,
             reasons: tuple[str, ...], actor: Actor, reply: str | None) -> tuple[str, Started | None]:
    """Inside the claim's transaction: cancel the scheduled payment, agree the instalment plan, or pay exactly what
    the quote says."""
    customer = uow.session.get(Customer, row.customer_id)
    assert customer is not None  # the quote's foreign key
    if row.kind == "plan":
        return agree_quoted(uow, row, customer, processor, now, today, actor, reply)
    if row.kind == "cancel_scheduled":
        assert row.payment_id is not None
        return cancel_payment(uow, customer, row.payment_id, actor), None
    started = pay_exactly(uow, customer, _confirmed(row), processor, today, reasons, actor)
    return f"payment {started[0].payment_id}: {started[0].status}", started


def _claim(uow: UnitOfWork, conversation_id: int, quote_id: int,
           now: dt.datetime) -> tuple[PaymentQuote | None, bool]:
    """The quote, and whether this YES moved it from open (to executed, its row locked until the caller's
    transaction ends: a second YES waits, then finds it executed); an open one past its time is marked expired.
    None: no such quote in this conversation."""
    moved = cast(CursorResult, uow.session.execute(
        update(PaymentQuote).where(PaymentQuote.id == quote_id, PaymentQuote.status == "open",
                                   PaymentQuote.conversation_id == conversation_id, PaymentQuote.expires_at > now)
        .values(status="executed"))).rowcount
    row = uow.session.get(PaymentQuote, quote_id)
    if row is None or row.conversation_id != conversation_id:
        return None, False
    if not moved and row.status == "open":
        row.status = "expired"
    return row, bool(moved)


def _confirmed(row: PaymentQuote) -> Confirmed:
    """What the customer read in a stored quote: each invoice in full, or short with its reason and comment."""
    lines = list(row.lines or [])
    requests = tuple(AllocationRequest(line["number"], Money.from_minor(line["amount_minor"], row.currency)
                                       if line.get("reason") else None, line.get("reason"), line.get("comment"))
                     for line in lines)
    total = Money.from_minor(row.total_minor, row.currency)
    assert row.method_id is not None  # a payment quote names its method
    return Confirmed(requests, total, row.method_id, row.pay_on, total if row.kind == "deposit" else None,
                     tuple((line["number"], line["amount_minor"]) for line in lines))


def _close(uow: UnitOfWork, row: PaymentQuote, status: str, outcome: str, actor: Actor, answer: Answer,
           reason: str = "", payment_id: int | None = None) -> QuoteOutcome:
    """Record what executing the quote did, with an audit line naming the channel and the conversation."""
    row.status, row.outcome = status, outcome[:300]
    row.payment_id = payment_id or row.payment_id
    view = QuoteView.of(row)
    audit.record(uow.session, actor, f"quote.{status}", customer_id=row.customer_id, subject=f"quote:{row.id}",
                 conversation_id=row.conversation_id, channel=actor.channel, payment_id=row.payment_id,
                 kind=row.kind, total=str(view.total.amount), currency=row.currency, outcome=outcome)
    uow.commit()
    return QuoteOutcome(answer, view, reason=reason)


def pay_confirmed(
    uow_factory: Callable[[], UnitOfWork], adapter: PaymentProcessor, confirmed: Confirmed, *, customer_code: str,
    today: dt.date, reasons: tuple[str, ...], actor: Actor, branding: Branding, claim: Claim | None = None,
) -> PaymentMade:
    """Pay exactly what was confirmed, or nothing (PriceChanged, or the refusal). `claim`: the request's
    idempotency key; one whose earlier attempt wrote the payment answers with that payment."""
    if claim is not None and claim.payment_id is not None:
        again, outcome = resume(uow_factory, adapter, claim.payment_id, actor, branding)
        return payment_made(uow_factory(), again.payment_id, outcome)
    with uow_factory() as uow:
        started = pay_exactly(uow, customer_by_code(uow, customer_code), confirmed, adapter.name, today, reasons,
                              actor, claim)
        uow.commit()
    return _send(uow_factory, adapter, *started, actor, branding)


def pay_exactly(uow: UnitOfWork, customer: Customer, confirmed: Confirmed, processor: str, today: dt.date,
                reasons: tuple[str, ...], actor: Actor, claim: Claim | None = None) -> Started:
    """Inside the caller's transaction: re-price, refuse anything but what was confirmed, write the payment.
    With the charge to send once that commits and the method as the payer knows it."""
    if confirmed.instalments:
        return write_with_instalments(
            uow, customer, requests=list(confirmed.requests), picks=confirmed.instalments, total=confirmed.total,
            lines_read=confirmed.lines, method_id=confirmed.method_id, processor=processor, today=today,
            reasons=reasons, actor=actor, claim=claim)
    now = price(uow, customer, list(confirmed.requests), confirmed.pay_on, reasons, confirmed.deposit)
    if not confirmed.matches(now):
        raise PriceChanged(now.total, confirmed.total)
    started, charge = write_payment(
        uow, customer, amount=confirmed.total, requests=list(confirmed.requests), method_id=confirmed.method_id,
        pay_on=confirmed.pay_on, today=today, processor=processor, reasons=reasons, actor=actor, exact=True,
        claim=claim)
    method = uow.session.get(PaymentMethod, confirmed.method_id)  # loaded by write_payment: no query
    return started, charge, method_label(method.kind if method else "", method)


def _send(uow_factory: Callable[[], UnitOfWork], adapter: PaymentProcessor, started: InitiatedPayment,
          charge: ChargeRequest | None, method: str, actor: Actor, branding: Branding) -> PaymentMade:
    if charge is None:  # scheduled: the scheduler charges it on its date
        return PaymentMade(started.payment_id, started.status, started.amount, method, None,
                           f"payment {started.payment_id}: scheduled")
    charged = send_charge(uow_factory, adapter, started.payment_id, actor, branding, charge)
    return PaymentMade(started.payment_id, charged.status, started.amount, method, charged.failure_reason,
                       charged.outcome)


def payment_made(uow: UnitOfWork, payment_id: int, outcome: str) -> PaymentMade:
    """A payment as it stands, told like a fresh one (for a retried request whose first attempt wrote it)."""
    with uow:
        payment = uow.session.get(Payment, payment_id)
        if payment is None:
            raise NotFound("payment", payment_id)
        method = uow.session.get(PaymentMethod, payment.method_id) if payment.method_id else None
        return PaymentMade(payment.id, payment.status, payment.amount, method_label(payment.method_kind, method),
                           payment.failure_reason, outcome)
