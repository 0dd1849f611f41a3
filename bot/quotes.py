"""Quotes in the chat: the words a customer reads before YES or NO, and the buttons. Keeping a quote and
executing it once, exactly as read, is core.payments' (offer_payment, offer_cancel, confirm_quote, decline_quote).

    offer ─────────▶ "Please confirm this payment: … Total … Method … Date" [Yes, pay $X] [No] ─┐
    offer_cancel ──▶ "Cancel the payment of … scheduled for …?" [Yes, cancel it] [No] ───────────┴─▶ confirm_quote

The quote itself does not say "Reply YES": its buttons do (an SMS channel writes them out as that sentence).
What the waiting quote is, in the customer's words, stays in ctx["quoted"] (invoices, total, method, date), so
any other answer is asked again exactly ("Reply YES to pay $400.00 with Visa •4242, or NO to cancel.") and the
reply after YES names what was paid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypedDict

from bot import texts
from bot.dialogue_core import Step, Turn, say
from bot.turns import Button
from core import payments
from core.kernel import Money
from core.ledger import AllocationRequest
from core.payments import MethodView, Quote, QuoteOutcome, QuoteView, ScheduledPayment


class Quoted(TypedDict):
    """ctx["quoted"]: the quote waiting for YES or NO, as the customer read it."""

    kind: str  # pay | schedule | deposit | cancel_scheduled
    numbers: list[str]
    total: str
    currency: str
    method: str  # "Visa •4242"
    pay_on: str  # ISO date


def names(numbers: Sequence[str]) -> str:
    """ "INV-1042", "INV-1042 and INV-1043", "INV-1042, INV-1043 and INV-1044"."""
    return numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} and {numbers[-1]}"


def quoted(ctx: dict[str, Any]) -> Quoted | None:
    found = ctx.get("quoted")
    return found if isinstance(found, dict) and "total" in found else None  # type: ignore[return-value]


def ask_again(ctx: dict[str, Any], today: dt.date) -> str:
    """What a waiting quote needs, for any answer that is not an explicit YES or NO."""
    waiting = quoted(ctx)
    if waiting is None:
        return "Reply YES to confirm the payment or NO to cancel it."
    total, on = texts.money(Money.of(waiting["total"], waiting["currency"])), dt.date.fromisoformat(waiting["pay_on"])
    if waiting["kind"] == "cancel_scheduled":
        return f"Reply YES to cancel the payment of {total} scheduled for {texts.day(on)}, or NO to keep it."
    if waiting["kind"] == "plan":
        return f"Reply YES to agree to the payment plan for {total} with {waiting['method']}, or NO to cancel."
    when = f" on {texts.day(on)}" if on > today else ""
    return f"Reply YES to pay {total} with {waiting['method']}{when}, or NO to cancel."


def price(turn: Turn, requests: list[AllocationRequest], pay_on: dt.date, deposit: Money | None = None) -> Quote:
    """What a payment would be, for a question asked before any quote (nothing is kept)."""
    return payments.quote_payment(turn.services.db.uow(), customer_code=turn.account.code, requests=requests,
                                  pay_on=pay_on, reasons=turn.reasons, deposit=deposit)


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
            "This quote is valid for 10 minutes.")


def offer(turn: Turn, ctx: dict[str, Any], kind: str, requests: Sequence[AllocationRequest], pay_on: dt.date,
          method: MethodView, deposit: Money | None = None, lead: Callable[[Quote], str] = lambda quote: "") -> Step:
    """Price, keep and show the quote (one transaction), and ask for YES or NO."""
    comments = {r.number: r.comment for r in requests if r.comment}
    priced, kept = payments.offer_payment(
        turn.services.db.uow(), conversation_id=turn.conversation.id, customer_code=turn.account.code, kind=kind,
        requests=requests, pay_on=pay_on, reasons=turn.reasons, method_id=method.id, now=turn.now, actor=turn.actor,
        deposit=deposit, words=lambda quote: lead(quote) + _text(quote, method, turn.today, comments))
    numbers = [line.number for line in priced.lines]
    if numbers:
        ctx["named"] = numbers  # "that one" from now on
    return _ask(ctx, kept, f"Yes, pay {texts.money(kept.total)}", numbers, method.label)


def offer_cancel(turn: Turn, ctx: dict[str, Any], scheduled: ScheduledPayment) -> Step:
    paying = f" for {', '.join(scheduled.invoices)}" if scheduled.invoices else " (on account)"
    text = (f"Cancel the payment of {texts.money(scheduled.amount)}{paying} scheduled for {texts.day(scheduled.on)} "
            f"with {scheduled.method}? Reply YES to cancel it or NO to keep it.")
    kept = payments.offer_cancel(
        turn.services.db.uow(), conversation_id=turn.conversation.id, customer_code=turn.account.code,
        payment_id=scheduled.id, amount=scheduled.amount, on=scheduled.on, invoices=scheduled.invoices, text=text,
        now=turn.now, actor=turn.actor)
    return _ask(ctx, kept, "Yes, cancel it", list(scheduled.invoices), scheduled.method)


def _ask(ctx: dict[str, Any], kept: QuoteView, yes: str, numbers: list[str], method: str) -> Step:
    ctx["quote_id"] = kept.id
    ctx["quoted"] = Quoted(kind=kept.kind, numbers=numbers, total=str(kept.total.amount), currency=kept.total.currency,
                           method=method, pay_on=kept.pay_on.isoformat())
    ctx.pop("done_quote_id", None)  # a YES now answers this quote, not the one executed before
    return say(kept.text, Button(yes, f"yes:{kept.id}"), Button("No", f"no:{kept.id}"), state="confirm_quote")


def confirm(turn: Turn, quote_id: int) -> QuoteOutcome:
    """YES: the quote executed once, exactly as the customer read it, or the reason it was not."""
    return payments.confirm_quote(
        turn.services.db.uow, turn.services.processor, conversation_id=turn.conversation.id, quote_id=quote_id,
        now=turn.now, today=turn.today, reasons=turn.reasons, actor=turn.actor, branding=turn.services.branding,
        reply=turn.text if turn.payload is None else f"pressed the button “Yes” ({turn.inbound.text})")


def decline(turn: Turn, quote_id: int) -> QuoteView | None:
    """NO: the open quote is canceled; None when it was no longer open."""
    return payments.decline_quote(turn.services.db.uow(), conversation_id=turn.conversation.id, quote_id=quote_id)
