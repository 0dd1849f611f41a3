"""Quotes: exactly what the customer confirms, stored, and executed once.

    offer ──▶ PaymentQuote(open, expires in 10 min) ──YES──▶ claim: open → executed (one conditional UPDATE)
                                                    │              └─▶ re-price: unchanged? ─▶ initiate_and_charge
                                                    ├──NO──▶ canceled
                                                    └──late YES──▶ expired (a fresh quote is offered)

The claim is the idempotency record: only the first YES (or the first copy of a message delivered twice)
moves the row from open to executed, so only it reaches the processor; every later YES finds the quote
executed and is told so. The amount charged is the quote's own total, after a re-pricing shows the invoices
still need exactly what the customer read; otherwise nothing is charged and a fresh quote is offered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, update

from bot import texts
from bot.dialogue_core import Step, Turn, say
from bot.turns import Button
from core import kernel
from core.kernel import Money
from core.ledger import AllocationRequest
from core.payments import MethodView, PaymentQuote, Quote, quote_payment

QUOTE_TTL = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class QuoteRow:
    id: int
    kind: str  # pay | schedule | deposit | cancel_scheduled
    lines: list[dict[str, Any]]
    currency: str
    total_minor: int
    method_id: int | None
    pay_on: dt.date
    payment_id: int | None
    status: str

    @property
    def total(self) -> Money:
        return Money.from_minor(self.total_minor, self.currency)

    def requests(self) -> list[AllocationRequest]:
        """What to pay per invoice: the short amount with its reason, or None (in full, discount included)."""
        return [AllocationRequest(line["number"], Money.from_minor(line["amount_minor"], self.currency)
                                  if line.get("reason") else None, line.get("reason"), line.get("comment"))
                for line in self.lines]

    @classmethod
    def of(cls, row: PaymentQuote) -> QuoteRow:
        return cls(row.id, row.kind, list(row.lines or []), row.currency, row.total_minor, row.method_id,
                   row.pay_on, row.payment_id, row.status)


def price(turn: Turn, requests: list[AllocationRequest], pay_on: dt.date, deposit: Money | None = None) -> Quote:
    return quote_payment(turn.services.db.uow(), customer_code=turn.account.code, requests=requests, pay_on=pay_on,
                         reasons=turn.reasons, deposit=deposit)


def _lines(quote: Quote) -> list[dict[str, Any]]:
    return [{"number": line.number, "amount_minor": line.pay.minor, "discount_minor": line.discount.minor,
             "reason": line.short_reason, "comment": None} for line in quote.lines]


def _text(quote: Quote, method: MethodView, today: dt.date, comments: dict[str, str]) -> str:
    rows = []
    for line in quote.lines:
        row = f"{line.number}: {texts.money(line.pay)}"
        if line.discount.is_positive():
            row += f" (after a {texts.money(line.discount)} early-payment discount)"
        if line.short_reason:
            row += f" of {texts.money(line.open)} open — short paid: {line.short_reason}"
            row += f" ({comments[line.number]})" if line.number in comments else ""
            row += f"; {line.note}" if line.note else ""  # e.g. the discount a partial payment forfeits
        rows.append(row)
    if quote.deposit.is_positive():
        rows.append(f"On account (a deposit): {texts.money(quote.deposit)}")
    heading = "Please confirm this payment" if quote.pay_on <= today else "Please confirm this scheduled payment"
    return (f"{heading}:\n{texts.bullets(rows)}\nTotal: {texts.money(quote.total)}\n"
            f"Method: {method.label}\nDate: {texts.day(quote.pay_on, today)}\n"
            "Reply YES to confirm or NO to cancel (this quote is valid for 10 minutes).")


def offer(turn: Turn, ctx: dict[str, Any], kind: str, quote: Quote, method: MethodView,
          comments: dict[str, str] | None = None, lead: str = "") -> Step:
    """Store the quote and ask for YES or NO."""
    comments = comments or {}
    lines = [{**line, "comment": comments.get(line["number"])} for line in _lines(quote)]
    text = lead + _text(quote, method, turn.today, comments)
    row = PaymentQuote(conversation_id=turn.conversation.id, customer_id=turn.account.id, kind=kind, lines=lines,
                       currency=quote.total.currency, total_minor=quote.total.minor, method_id=method.id,
                       pay_on=quote.pay_on, text=text, status="open", expires_at=turn.now + QUOTE_TTL,
                       created_at=turn.now)
    return _keep(turn, ctx, row)


def offer_cancel(turn: Turn, ctx: dict[str, Any], payment_id: int, amount: Money, on: dt.date, method: str,
                 invoices: tuple[str, ...]) -> Step:
    paying = f" for {', '.join(invoices)}" if invoices else " (on account)"
    text = (f"Cancel the payment of {texts.money(amount)}{paying} scheduled for {texts.day(on)} with {method}? "
            "Reply YES to cancel it or NO to keep it.")
    row = PaymentQuote(conversation_id=turn.conversation.id, customer_id=turn.account.id, kind="cancel_scheduled",
                       lines=[{"number": n} for n in invoices], currency=amount.currency, total_minor=amount.minor,
                       pay_on=on, text=text, status="open", expires_at=turn.now + QUOTE_TTL, payment_id=payment_id,
                       created_at=turn.now)
    return _keep(turn, ctx, row)


def _keep(turn: Turn, ctx: dict[str, Any], row: PaymentQuote) -> Step:
    with turn.services.db.uow() as uow:
        uow.session.add(row)
        uow.session.flush()
        kernel.record_audit(uow.session, turn.actor, "quote.offered", customer_id=turn.account.id,
                            subject=f"quote:{row.id}",
                     conversation_id=turn.conversation.id, channel=turn.inbound.channel, kind=row.kind,
                     total=str(Money.from_minor(row.total_minor, row.currency).amount), currency=row.currency)
        uow.commit()
    ctx["quote_id"] = row.id
    ctx.pop("done_quote_id", None)  # a YES now answers this quote, not the one executed before
    yes = "Yes, cancel it" if row.kind == "cancel_scheduled" else f"Yes, pay {texts.money(QuoteRow.of(row).total)}"
    return say(row.text, Button(yes, f"yes:{row.id}"), Button("No", f"no:{row.id}"), state="confirm_quote")


def claim(turn: Turn, quote_id: int) -> tuple[str, QuoteRow | None]:
    """Move the quote from open to executed, once; else say where it is (executed, canceled, expired …)."""
    with turn.services.db.uow() as uow:
        moved = cast(CursorResult, uow.session.execute(
            update(PaymentQuote).where(PaymentQuote.id == quote_id, PaymentQuote.status == "open",
                                       PaymentQuote.conversation_id == turn.conversation.id,
                                       PaymentQuote.expires_at > turn.now)
            .values(status="executed"))).rowcount
        row = uow.session.get(PaymentQuote, quote_id)
        if row is None or row.conversation_id != turn.conversation.id:
            return "missing", None
        if not moved and row.status == "open":
            row.status = "expired"
        uow.commit()
        return ("claimed" if moved else row.status), QuoteRow.of(row)


def settle(turn: Turn, quote_id: int, status: str, outcome: str, payment_id: int | None = None) -> None:
    """Record what executing the quote did, with an audit line naming the channel and the conversation."""
    with turn.services.db.uow() as uow:
        row = uow.session.get(PaymentQuote, quote_id, with_for_update=True)
        assert row is not None
        row.status, row.outcome = status, outcome[:300]
        row.payment_id = payment_id or row.payment_id
        kernel.record_audit(uow.session, turn.actor, f"quote.{status}", customer_id=row.customer_id,
                            subject=f"quote:{row.id}",
                     conversation_id=turn.conversation.id, channel=turn.inbound.channel, payment_id=row.payment_id,
                     kind=row.kind, total=str(Money.from_minor(row.total_minor, row.currency).amount), outcome=outcome)
        uow.commit()


def decline(turn: Turn, quote_id: int) -> QuoteRow | None:
    """NO: the open quote is canceled; None when it was no longer open."""
    with turn.services.db.uow() as uow:
        moved = cast(CursorResult, uow.session.execute(
            update(PaymentQuote).where(PaymentQuote.id == quote_id, PaymentQuote.status == "open",
                                       PaymentQuote.conversation_id == turn.conversation.id)
            .values(status="canceled", outcome="the customer said no"))).rowcount
        row = uow.session.get(PaymentQuote, quote_id) if moved else None
        declined = QuoteRow.of(row) if row is not None else None
        uow.commit()
        return declined
