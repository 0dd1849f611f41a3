"""YES and NO to a quote, corrections of it, and canceling a scheduled payment. What happens to the money is
core.payments' (`confirm_quote`: the claim, the re-pricing and the payment in one transaction); this is what the
customer is told.

Money moves only on an explicit YES (`EXPLICIT_YES`, checked on the message as typed, not as understood: 👍, "ok",
"sure?" are asked again) or on the waiting quote's own button. A button of an older quote pays nothing.

    confirm_quote ──YES──▶ claim ─┬─ claimed ──▶ re-price ─┬─ same ──▶ charge / schedule / cancel ──▶ idle
                  │               │                        ├─ changed ─▶ fresh quote ──▶ confirm_quote
                  │               │                        └─ refused ─▶ "nothing was paid: why" ──▶ idle
                  │               ├─ expired ──▶ fresh quote ──▶ confirm_quote
                  │               └─ executed / canceled / failed ──▶ "already done" / "was canceled" ──▶ idle
                  ├──NO, "don't pay anything today"──▶ canceled ──▶ idle
                  ├──"no, I meant 1043", "just do 1043"──▶ canceled, and at once a new quote ──▶ confirm_quote
                  ├──an old quote's button──▶ "that quote was replaced / expired: nothing was paid" ──▶ confirm_quote
                  └──anything else──▶ "Reply YES to pay $X with Visa •4242, or NO to cancel." ──▶ confirm_quote

    idle ──cancel_scheduled──▶ none: say so │ one: cancel quote │ several: ask_scheduled ──pick──▶ cancel quote
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any

from bot import dialogue_reads as reads
from bot import flows_pay, flows_plan, quotes, texts
from bot.dialogue_core import Step, Turn, prefixed, say
from bot.turns import Button
from core import payments
from core.payments import PaymentMade, QuoteView

# The words that confirm a quote, alone or together ("yes, go ahead"), with "please"/"thanks" around them.
EXPLICIT_YES = ("yes", "y", "yep", "yup", "yeah", "yes please", "confirm", "confirmed", "i confirm", "pay it",
                "pay now", "go ahead", "do it", "approve", "approved", "proceed",
                # the same yes in the languages bot.nlu_languages reads
                "ja", "jawohl", "oui", "sí", "si", "sì", "sim", "bevestigd", "bestätigt", "confirmé", "confirmado",
                "confermato", "einverstanden", "akkoord", "d'accord", "de acuerdo", "va bene")
_POLITE = "please|thanks|thank you|bitte|danke|graag|alstublieft|merci|s'il vous plaît|por favor|gracias|per favore" \
          "|grazie|obrigado|obrigada|tak|takk|tack"
_PHRASE = "|".join(re.escape(word) for word in sorted(EXPLICIT_YES, key=len, reverse=True))
_YES = re.compile(rf"(?:(?:ok|okay)[\s,]+)?(?:{_PHRASE})(?:[\s,]+(?:{_PHRASE}|{_POLITE}))*[\s.!]*",
                  re.IGNORECASE)
_ADDING = re.compile(r"\b(?:too|also|as well|plus)\b", re.IGNORECASE)  # "1043 too": beside the quoted ones


def explicit_yes(text: str) -> bool:
    """Whether a message, as typed, says YES in so many words (emoji dropped: "yes 👍" is a yes, "👍" is not)."""
    words = "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) not in ("So", "Sk"))
    return bool(_YES.fullmatch(words.strip()))


def confirm(turn: Turn, ctx: dict[str, Any]) -> Step:
    waiting, pressed = ctx.get("quote_id"), turn.payload_of("yes")
    if pressed is not None:
        quote_id = int(pressed) if pressed.isdigit() else None
        if quote_id is not None and quote_id not in (waiting, ctx.get("done_quote_id")):
            return _stale(turn, ctx, quote_id)
    elif waiting is not None and not explicit_yes(turn.inbound.text):
        return say(quotes.ask_again(ctx, turn.today), state="confirm_quote")
    elif turn.parsed.amount is not None or turn.parsed.date is not None:
        return say(texts.NOTHING_TO_CONFIRM)  # "NO. The 20th." with no quote waiting: no yes to what was done
    else:
        quote_id = waiting or ctx.get("done_quote_id")
    if quote_id is None:
        return say(texts.NOTHING_TO_CONFIRM)
    asked = quotes.quoted(ctx) if quote_id == waiting else None
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
        return _fresh(turn, ctx, lead) if quote.id == waiting else say(lead.split(" Here")[0])
    ctx.pop("quote_id", None)
    ctx["done_quote_id"] = quote.id
    if answer == "changed":
        return _fresh(turn, ctx, "Your invoices changed since that quote, so nothing was paid. Here is a fresh one.\n")
    if answer == "refused":
        lead = "I couldn't cancel it" if quote.kind == "cancel_scheduled" else "Nothing was paid"
        return say(f"{lead}: {outcome.reason}")
    if quote.kind == "plan":
        return say(flows_plan.agreed(turn, quote, outcome.payment))
    numbers = asked["numbers"] if asked else []
    if outcome.payment is None:  # a scheduled payment canceled
        paying = f" for {quotes.names(numbers)}" if numbers else ""
        return say(f"Canceled: the payment of {texts.money(quote.total)}{paying} scheduled for "
                   f"{texts.day(quote.pay_on)} will not be made. {_still_open(turn, quote.total.currency)}")
    return say(_paid_text(turn, quote, outcome.payment, numbers))


def _stale(turn: Turn, ctx: dict[str, Any], quote_id: int) -> Step:
    """The YES button of a quote that is not the one waiting: it pays nothing, whatever became of that quote."""
    waiting = quotes.quoted(ctx) if ctx.get("quote_id") is not None else None
    declined = quotes.decline(turn, quote_id)  # still open (a replaced quote never is): closed now, unpaid
    if declined is not None:
        gone = f"That quote ({texts.money(declined.total)}) is no longer open, so nothing was paid."
    else:
        outcome = quotes.confirm(turn, quote_id)  # no longer open: this only reads where it stands
        if outcome.quote is None:
            return say(texts.NOTHING_TO_CONFIRM)
        amount = texts.money(outcome.quote.total)
        gone = {"executed": f"That was already done — nothing more was charged. {_reference(outcome.quote)}".strip(),
                "expired": f"That quote ({amount}) expired, so nothing was paid.",
                }.get(outcome.answer, f"That quote ({amount}) was {'replaced' if waiting else 'canceled'}, so "
                                      "nothing was paid.")
    if waiting is None:
        return say(f"{gone} Say PAY to start again." if declined else gone)
    about = f" for {quotes.names(waiting['numbers'])}" if waiting["numbers"] else ""
    return say(f"{gone}\nThe quote waiting now is the one{about}. {quotes.ask_again(ctx, turn.today)}",
               state="confirm_quote")


def deny(turn: Turn, ctx: dict[str, Any]) -> Step:
    pressed, waiting = turn.payload_of("no"), ctx.get("quote_id")
    quote_id = (int(pressed) if pressed.isdigit() else None) if pressed is not None else waiting
    if waiting is not None and quote_id != waiting:  # the NO button of an older quote: the one waiting stays
        if quote_id is not None:
            quotes.decline(turn, quote_id)
        return say(f"That quote is closed; nothing was paid. {quotes.ask_again(ctx, turn.today)}",
                   state="confirm_quote")
    asked = quotes.quoted(ctx) if quote_id == waiting else None
    ctx.pop("done_quote_id", None)
    declined = quotes.decline(turn, quote_id) if quote_id is not None else None
    if declined is None:
        return say("OK.")
    if declined.kind == "cancel_scheduled":
        return say(f"OK, I'll leave it: {texts.money(declined.total)} will be paid on {texts.day(declined.pay_on)}.")
    if asked and asked["numbers"]:
        return say(f"OK, canceled — nothing was paid for {quotes.names(asked['numbers'])}.")
    return say(texts.CANCELED)


def corrects(turn: Turn, ctx: dict[str, Any]) -> bool:
    """Whether a message to a waiting payment quote names other invoices to pay instead ("no, I meant 1043"),
    another card or account to pay with ("use the mastercard instead"), or says yes to another sum or day ("yes
    but only $400"): a new quote, never the old one paid."""
    waiting, p = quotes.quoted(ctx), turn.parsed
    other = bool(p.invoices) or p.method is not None or (
        p.intent == "confirm" and not p.clarify and (p.amount is not None or p.date is not None))
    return (turn.payload is None and other and waiting is not None
            and waiting["kind"] != "cancel_scheduled" and not explicit_yes(turn.inbound.text)
            and not (waiting["kind"] == "plan" and p.invoices)  # a plan is asked for anew, not corrected
            and bool({p.intent, *p.clarify} & {"deny", "unknown", "confirm", "pay", "schedule"}))


def correct(turn: Turn, ctx: dict[str, Any]) -> Step:
    """The waiting quote declined, and in the same answer a new exact quote for what the customer meant."""
    waiting, before = quotes.quoted(ctx), dict(ctx.get("request") or {})
    quote_id = ctx.pop("quote_id", None)
    declined = quotes.decline(turn, int(quote_id)) if quote_id is not None else None
    ctx.pop("quoted", None)
    old = waiting["numbers"] if waiting else []
    lead = f"OK — nothing was paid for {quotes.names(old)}.\n" if declined is not None and old else ""
    p = turn.parsed
    if not p.invoices and before.get("numbers") is not None:  # the same payment: another card, sum or day
        changed = dict(before)
        if p.method is not None:
            changed.update(method_id=None, method_hint=p.method)
        if p.amount is not None:
            changed["amount"] = str(p.amount)
        if p.date is not None:
            changed["pay_on"] = p.date.isoformat() if p.date > turn.today else None
            changed["kind"] = "schedule" if changed["pay_on"] else "pay"
        said = "with that one" if p.method is not None else "on that quote"
        lead = f"OK — nothing was paid {said}.\n" if declined is not None else ""
        return prefixed(flows_pay.advance(turn, ctx, changed), lead)
    numbers = list(dict.fromkeys((old if _ADDING.search(turn.text) else []) + list(p.invoices)))
    pay_on = before.get("pay_on") if p.date is None else (p.date.isoformat() if p.date > turn.today else None)
    req = {"kind": "schedule" if pay_on else "pay", "numbers": None, "amount": None if p.amount is None
           else str(p.amount), "pay_on": pay_on, "reason": p.reason, "comment": None,
           "method_id": before.get("method_id")}
    meant = replace(turn, parsed=replace(p, invoices=tuple(numbers)))
    chosen = flows_pay.choose(meant, ctx, req, reads.open_debits(turn.services, turn.account, turn.today))
    if isinstance(chosen, Step):
        return prefixed(chosen, lead)
    req["numbers"] = chosen
    return prefixed(flows_pay.advance(meant, ctx, req), lead)


def _fresh(turn: Turn, ctx: dict[str, Any], lead: str) -> Step:
    ctx.pop("quote_id", None)
    request = ctx.get("request")
    if not request:
        return say(lead.replace("Here is a fresh one.", "Please ask again."))
    return prefixed(flows_pay.advance(turn, ctx, dict(request)), lead)


def _reference(quote: QuoteView) -> str:
    return f"(Payment P-{quote.payment_id}.)" if quote.payment_id and quote.kind != "cancel_scheduled" else ""


def _still_open(turn: Turn, currency: str) -> str:
    """What is left to pay once the payments under way (this one too) are made."""
    total = payments.still_open(turn.services.db.uow(), turn.account.id, currency, turn.today)
    return f"Still open on your account: {texts.money(total)}." if total.is_positive() else \
        "Nothing else is open on your account."


def _paid_text(turn: Turn, quote: QuoteView, paid: PaymentMade, numbers: list[str]) -> str:
    amount, label, payment_id = texts.money(quote.total), paid.method, paid.payment_id
    paying = f" for {quotes.names(numbers)}" if numbers else (" on account" if quote.kind == "deposit" else "")
    if paid.status == "failed":
        left = (f" {quotes.names(numbers)} {'is' if len(numbers) == 1 else 'are'} still open." if numbers else "")
        why = payments.decline_words(paid.failure_reason) if paid.failure_reason else "declined"
        return (f"Sorry — the payment of {amount}{paying} with {label} did not go through "
                f"({why}). Nothing was charged.{left} Say PAY to try again, or ADD "
                "CARD to use another card.")
    still = _still_open(turn, quote.total.currency)
    if paid.status == "scheduled":
        return (f"Scheduled: {amount}{paying} with {label} on {texts.day(quote.pay_on)} (payment P-{payment_id}). "
                f"{still} Say CANCEL SCHEDULED before then if you change your mind.")
    if paid.status == "succeeded":
        return f"Thank you! {amount}{paying} was paid with {label} (payment P-{payment_id}). {still}"
    return (f"Thank you! Your payment of {amount}{paying} with {label} is on its way (payment P-{payment_id}). "
            f"{still} I'll send a receipt when it clears.")


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
