"""YES and NO to a quote, and canceling a scheduled payment. What happens to the money is core.payments'
(`confirm_quote`: the claim, the re-pricing and the payment in one transaction); this is what the customer is told.

    confirm_quote ──YES──▶ claim ─┬─ claimed ──▶ re-price ─┬─ same ──▶ charge / schedule / cancel ──▶ idle
                  │               │                        ├─ changed ─▶ fresh quote ──▶ confirm_quote
                  │               │                        └─ refused ─▶ "nothing was paid: why" ──▶ idle
                  │               ├─ expired ──▶ fresh quote ──▶ confirm_quote
                  │               └─ executed / canceled / failed ──▶ "already done" / "was canceled" ──▶ idle
                  └──NO───▶ canceled ──▶ idle

    idle ──cancel_scheduled──▶ none: say so │ one: cancel quote │ several: ask_scheduled ──pick──▶ cancel quote
"""

from __future__ import annotations

from typing import Any

from bot import dialogue_reads as reads
from bot import flows_pay, quotes, texts
from bot.dialogue_core import Step, Turn, prefixed, say
from bot.turns import Button
from core.payments import PaymentMade, QuoteView


def _quote_id(turn: Turn, ctx: dict[str, Any]) -> int | None:
    pressed = turn.payload_of("yes") or turn.payload_of("no")
    if pressed is not None:
        return int(pressed) if pressed.isdigit() else None
    return ctx.get("quote_id") or ctx.get("done_quote_id")


def confirm(turn: Turn, ctx: dict[str, Any]) -> Step:
    quote_id = _quote_id(turn, ctx)
    if quote_id is None:
        return say(texts.NOTHING_TO_CONFIRM)
    outcome = quotes.confirm(turn, quote_id)
    quote, answer = outcome.quote, outcome.answer
    if quote is None:
        return say(texts.NOTHING_TO_CONFIRM)
    if answer == "executed":
        ctx["done_quote_id"] = quote.id
        return say(f"That was already done — nothing more was charged. {_reference(quote)}".strip())
    if answer in ("canceled", "failed"):
        return say(f"That quote was {'canceled' if answer == 'canceled' else 'not completed'}, so nothing was "
                   "paid. Say PAY to start again.")
    if answer == "expired":
        lead = "That quote expired (quotes are valid for 10 minutes), so nothing was paid. Here is a fresh one.\n"
        return _fresh(turn, ctx, lead) if quote.id == ctx.get("quote_id") else say(lead.split(" Here")[0])
    ctx.pop("quote_id", None)
    ctx["done_quote_id"] = quote.id
    if answer == "changed":
        return _fresh(turn, ctx, "Your invoices changed since that quote, so nothing was paid. Here is a fresh one.\n")
    if answer == "refused":
        lead = "I couldn't cancel it" if quote.kind == "cancel_scheduled" else "Nothing was paid"
        return say(f"{lead}: {outcome.reason}")
    if outcome.payment is None:  # a scheduled payment canceled
        return say(f"Canceled: the payment of {texts.money(quote.total)} scheduled for {texts.day(quote.pay_on)} "
                   "will not be made.")
    return say(_paid_text(quote, outcome.payment))


def deny(turn: Turn, ctx: dict[str, Any]) -> Step:
    quote_id = _quote_id(turn, ctx)
    ctx.pop("done_quote_id", None)
    declined = quotes.decline(turn, quote_id) if quote_id is not None else None
    if declined is None:
        return say("OK.")
    if declined.kind == "cancel_scheduled":
        return say(f"OK, I'll leave it: {texts.money(declined.total)} will be paid on {texts.day(declined.pay_on)}.")
    return say(texts.CANCELED)


def _fresh(turn: Turn, ctx: dict[str, Any], lead: str) -> Step:
    ctx.pop("quote_id", None)
    request = ctx.get("request")
    if not request:
        return say(lead.replace("Here is a fresh one.", "Please ask again."))
    return prefixed(flows_pay.advance(turn, ctx, dict(request)), lead)


def _reference(quote: QuoteView) -> str:
    return f"(Payment P-{quote.payment_id}.)" if quote.payment_id and quote.kind != "cancel_scheduled" else ""


def _paid_text(quote: QuoteView, paid: PaymentMade) -> str:
    amount, label, payment_id = texts.money(quote.total), paid.method, paid.payment_id
    if paid.status == "scheduled":
        return (f"Scheduled: {amount} with {label} on {texts.day(quote.pay_on)} (payment P-{payment_id}). "
                "Say CANCEL SCHEDULED before then if you change your mind.")
    if paid.status == "failed":
        return (f"Sorry — the payment of {amount} with {label} did not go through ({paid.failure_reason or 'declined'})"
                ". Nothing was charged. Say PAY to try again, or ADD CARD to use another card.")
    if paid.status == "succeeded":
        return f"Thank you! {amount} was paid with {label} (payment P-{payment_id})."
    return (f"Thank you! Your payment of {amount} with {label} is on its way (payment P-{payment_id}). "
            "I'll send a receipt when it clears.")


def start_cancel(turn: Turn, ctx: dict[str, Any]) -> Step:
    scheduled = reads.scheduled_payments(turn.services, turn.account)
    if turn.parsed.date is not None:
        scheduled = [s for s in scheduled if s.on == turn.parsed.date] or scheduled
    if not scheduled:
        return say("You have no scheduled payments to cancel.")
    if len(scheduled) == 1:
        one = scheduled[0]
        return quotes.offer_cancel(turn, ctx, one)
    ctx["choices"] = [s.id for s in scheduled]
    rows = [f"{i}. {texts.money(s.amount)} on {texts.day(s.on)} ({', '.join(s.invoices) or 'on account'})"
            for i, s in enumerate(scheduled, start=1)]
    buttons = [Button(f"{i}. {texts.money(s.amount)} {s.on:%b} {s.on.day}", f"sched:{s.id}")
               for i, s in enumerate(scheduled, start=1)]
    return say("Which scheduled payment should I cancel?\n" + "\n".join(rows), *buttons, state="ask_scheduled")


def ask_scheduled(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    choices = [int(c) for c in ctx.get("choices", [])]
    pressed, selector = turn.payload_of("sched"), turn.parsed.selector
    chosen = int(pressed) if pressed and pressed.isdigit() else None
    if chosen is None and selector and selector.isdigit() and 1 <= int(selector) <= len(choices):
        chosen = choices[int(selector) - 1]
    found = [s for s in reads.scheduled_payments(turn.services, turn.account) if s.id == chosen and s.id in choices]
    if not found:
        return None if turn.parsed.intent not in ("unknown", "confirm", "deny") else say(
            "Please pick one of the payments by its number — or NO to keep them all.", state="ask_scheduled")
    ctx.pop("choices", None)
    one = found[0]
    return quotes.offer_cancel(turn, ctx, one)


