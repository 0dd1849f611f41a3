"""YES and NO to a quote, and canceling a scheduled payment.

    confirm_quote ──YES──▶ claim ─┬─ claimed ──▶ re-price ─┬─ same ──▶ charge / schedule / cancel ──▶ idle
                  │               │                        └─ changed ─▶ fresh quote ──▶ confirm_quote
                  │               ├─ expired ──▶ fresh quote ──▶ confirm_quote
                  │               └─ executed / canceled ──▶ "already done" / "was canceled" ──▶ idle
                  └──NO───▶ canceled ──▶ idle

    idle ──cancel_scheduled──▶ none: say so │ one: cancel quote │ several: ask_scheduled ──pick──▶ cancel quote
"""

from __future__ import annotations

from typing import Any

from bot import dialogue_reads as reads
from bot import flows_pay, quotes, texts
from bot.dialogue_core import Step, Turn, prefixed, say
from bot.quotes import QuoteRow
from bot.turns import Button
from core.kernel import ARError
from core.ledger import Payment
from core.payments import PaymentMethod, cancel_scheduled, initiate_and_charge, method_label


def _quote_id(turn: Turn, ctx: dict[str, Any]) -> int | None:
    pressed = turn.payload_of("yes") or turn.payload_of("no")
    if pressed is not None:
        return int(pressed) if pressed.isdigit() else None
    return ctx.get("quote_id") or ctx.get("done_quote_id")


def confirm(turn: Turn, ctx: dict[str, Any]) -> Step:
    quote_id = _quote_id(turn, ctx)
    if quote_id is None:
        return say(texts.NOTHING_TO_CONFIRM)
    status, row = quotes.claim(turn, quote_id)
    if row is None:
        return say(texts.NOTHING_TO_CONFIRM)
    if status == "executed":
        ctx["done_quote_id"] = row.id
        return say(f"That was already done — nothing more was charged. {_reference(row)}".strip())
    if status in ("canceled", "failed"):
        return say(f"That quote was {'canceled' if status == 'canceled' else 'not completed'}, so nothing was "
                   "paid. Say PAY to start again.")
    if status == "expired":
        lead = "That quote expired (quotes are valid for 10 minutes), so nothing was paid. Here is a fresh one.\n"
        return _fresh(turn, ctx, lead) if row.id == ctx.get("quote_id") else say(lead.split(" Here")[0])
    ctx.pop("quote_id", None)
    ctx["done_quote_id"] = row.id
    if row.kind == "cancel_scheduled":
        return _cancel(turn, row)
    return _pay(turn, ctx, row)


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


def _reference(row: QuoteRow) -> str:
    return f"(Payment P-{row.payment_id}.)" if row.payment_id and row.kind != "cancel_scheduled" else ""


def _pay(turn: Turn, ctx: dict[str, Any], row: QuoteRow) -> Step:
    deposit = row.total if row.kind == "deposit" else None
    try:
        again = quotes.price(turn, row.requests(), row.pay_on, deposit=deposit)
    except ARError as refused:
        quotes.settle(turn, row.id, "failed", f"refused on re-pricing: {refused}")
        return say(f"Nothing was paid: {refused}")
    if again.total.minor != row.total_minor or [(ln.number, ln.pay.minor) for ln in again.lines] != [
            (ln["number"], ln["amount_minor"]) for ln in row.lines]:
        quotes.settle(turn, row.id, "failed", "the invoices changed after the quote")
        return _fresh(turn, ctx, "Your invoices changed since that quote, so nothing was paid. Here is a fresh one.\n")
    assert row.method_id is not None
    try:
        started, outcome = initiate_and_charge(
            turn.services.db.uow, turn.services.processor, customer_code=turn.account.code, amount=row.total,
            requests=row.requests(), method_id=row.method_id, pay_on=row.pay_on, today=turn.today,
            reasons=turn.reasons, actor=turn.actor, exact=True)
    except ARError as refused:
        quotes.settle(turn, row.id, "failed", f"refused: {refused}")
        return say(f"Nothing was paid: {refused}")
    quotes.settle(turn, row.id, "executed", outcome, started.payment_id)
    return say(_paid_text(turn, row, started.payment_id))


def _paid_text(turn: Turn, row: QuoteRow, payment_id: int) -> str:
    with turn.services.db.uow() as uow:
        payment = uow.session.get(Payment, payment_id)
        assert payment is not None
        method = uow.session.get(PaymentMethod, payment.method_id) if payment.method_id else None
        status, failure, label = payment.status, payment.failure_reason, method_label(payment.method_kind, method)
    amount = texts.money(row.total)
    if status == "scheduled":
        return (f"Scheduled: {amount} with {label} on {texts.day(row.pay_on)} (payment P-{payment_id}). "
                "Say CANCEL SCHEDULED before then if you change your mind.")
    if status == "failed":
        return (f"Sorry — the payment of {amount} with {label} did not go through ({failure or 'declined'}). "
                "Nothing was charged. Say PAY to try again, or ADD CARD to use another card.")
    if status == "succeeded":
        return f"Thank you! {amount} was paid with {label} (payment P-{payment_id})."
    return (f"Thank you! Your payment of {amount} with {label} is on its way (payment P-{payment_id}). "
            "I'll send a receipt when it clears.")


def _cancel(turn: Turn, row: QuoteRow) -> Step:
    assert row.payment_id is not None
    try:
        outcome = cancel_scheduled(turn.services.db.uow(), turn.account.code, row.payment_id, turn.actor)
    except ARError as refused:
        quotes.settle(turn, row.id, "failed", f"refused: {refused}")
        return say(f"I couldn't cancel it: {refused}")
    quotes.settle(turn, row.id, "executed", outcome)
    return say(f"Canceled: the payment of {texts.money(row.total)} scheduled for {texts.day(row.pay_on)} "
               "will not be made.")


def start_cancel(turn: Turn, ctx: dict[str, Any]) -> Step:
    scheduled = reads.scheduled_payments(turn.services, turn.account)
    if turn.parsed.date is not None:
        scheduled = [s for s in scheduled if s.on == turn.parsed.date] or scheduled
    if not scheduled:
        return say("You have no scheduled payments to cancel.")
    if len(scheduled) == 1:
        one = scheduled[0]
        return quotes.offer_cancel(turn, ctx, one.id, one.amount, one.on, one.method, one.invoices)
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
    return quotes.offer_cancel(turn, ctx, one.id, one.amount, one.on, one.method, one.invoices)


