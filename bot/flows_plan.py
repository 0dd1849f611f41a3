"""An instalment plan in the chat: "can I split this into 3 payments?", "can we do a payment plan for 1043".

    idle ──plan──▶ start: which invoices (named, ALL / OVERDUE / OLDEST, a reminder's, else every one not in
                   dispute) and how many payments ("3 payments", "in half") ──▶ quote
    quote: core.payments.offer_plan (the class's policy; nearest plan when the request is outside it, said plainly)
           ──▶ which method? (as a payment asks: ask_method ──▶ flows_pay.advance ──▶ quote)
           ──▶ every date and amount, the total, the method ──▶ confirm_quote [Yes, agree] [No]
    confirm_quote ──YES──▶ core.payments.confirm_quote: the plan agreed with the customer's words, its instalments
                   scheduled (the first charged now when it is due today) ──▶ idle      (flows_confirm)

The request waits in ctx["request"] (kind "plan", numbers, asked, method_id, method_hint) like a payment's.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bot import dialogue_reads as reads
from bot import flows_methods, nlu_slots, quotes, texts
from bot.dialogue_core import Step, Turn, say
from bot.turns import Button
from core import payments
from core.kernel import ARError
from core.payments import PaymentMade, PlanOffer, QuoteView

_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "twelve": 12}
_COUNT = re.compile(r"\b(\d{1,2}|" + "|".join(_NUMBERS) + r")\s+(?:equal\s+|monthly\s+|smaller\s+)?"
                    r"(?:payments|instal+ments|parts|pieces|chunks|months|tranches)\b", re.IGNORECASE)
_HALF = re.compile(r"\bin (?:half|two)\b", re.IGNORECASE)


def asked_count(text: str) -> int | None:
    """How many payments the message asks for ("3 payments", "three installments", "in half"); None: not said."""
    found = _COUNT.search(text)
    if found:
        word = found.group(1).lower()
        return int(word) if word.isdigit() else _NUMBERS[word]
    return 2 if _HALF.search(text) else None


def start(turn: Turn, ctx: dict[str, Any]) -> Step:
    numbers = _invoices(turn)
    if isinstance(numbers, Step):
        return numbers
    req = {"kind": "plan", "numbers": numbers, "asked": asked_count(turn.inbound.text), "amount": None,
           "pay_on": None, "reason": None, "comment": None, "method_id": None, "method_hint": turn.parsed.method}
    return quote(turn, ctx, req)


def _invoices(turn: Turn) -> list[str] | Step:
    """The invoices the plan would pay: those named or selected; else a recent reminder's; else all open ones that
    are in no payment and not in dispute."""
    debits = reads.open_debits(turn.services, turn.account, turn.today)
    free = [d for d in debits if not d.held]
    p = turn.parsed
    if p.invoices:
        found = [d for ref in p.invoices for d in reads.matching(debits, ref)]
        if not found:
            return say(f"I can't find an open invoice {p.invoices[0]} on your account. Say INVOICES to see them.")
        if held := [d.number for d in found if d.held]:
            return say(f"Invoice {held[0]} is already in a payment or a plan on its way, so it can't go into a "
                       "new plan. Say BALANCE to see your account.")
        return list(dict.fromkeys(d.number for d in found))
    if p.selector == "overdue":
        free = [d for d in free if d.days_past_due > 0]
    elif (count := nlu_slots.oldest_count(p.selector)) is not None:
        free = free[:count]
    elif p.selector != "all" and (reminder := reads.reminder(turn.services, turn.account, turn.today)) is not None:
        free = [d for d in free if d.number in reminder.invoices] or free
    chosen = [d.number for d in free if d.in_bulk]
    if not chosen:
        return say("You have no open invoices a plan could pay right now. Say BALANCE to see your account.")
    return chosen


def quote(turn: Turn, ctx: dict[str, Any], req: dict[str, Any]) -> Step:
    """The plan within the policy, priced to the cent; the method asked for first when it is not clear."""
    ctx["request"] = req
    try:
        offer = payments.offer_plan(turn.services.db.uow(), customer_code=turn.account.code, numbers=req["numbers"],
                                    asked=req.get("asked"), today=turn.today,
                                    defaults=turn.services.settings.plan_defaults)
    except ARError as refused:
        return say(f"I can't offer a payment plan for that: {refused}. Say AGENT to talk to a person.")
    on_file = reads.methods(turn.services, turn.account)
    method = flows_methods.chosen(on_file, req)
    if method is None:
        return flows_methods.ask(turn, ctx, on_file)
    text = (offer.proposal.adjusted + "\n" if offer.proposal.adjusted else "") + _text(offer, method.label, turn.today)
    quote_id = payments.keep_offer(
        turn.services.db.uow(), conversation_id=turn.conversation.id, offer=offer, method_id=method.id, text=text,
        now=turn.now, expires_at=turn.now + dt.timedelta(minutes=10), actor=turn.actor)
    numbers = [number for number, _ in offer.invoices]
    ctx["named"] = numbers
    ctx["quote_id"] = quote_id
    ctx["quoted"] = quotes.Quoted(kind="plan", numbers=numbers, total=str(offer.total.amount),
                                  currency=offer.total.currency, method=method.label,
                                  pay_on=offer.proposal.instalments[0].due_on.isoformat())
    ctx.pop("done_quote_id", None)
    count = len(offer.proposal.instalments)
    return say(text, Button(f"Yes, agree to {count} payments", f"yes:{quote_id}"), Button("No", f"no:{quote_id}"),
               state="confirm_quote")


def _text(offer: PlanOffer, method: str, today: dt.date) -> str:
    invoices = [f"{number}: {texts.money(open_)} open" for number, open_ in offer.invoices]
    rows = [f"{i.seq}. {texts.day(i.due_on, today)}: {texts.money(i.amount)}" for i in offer.proposal.instalments]
    return (f"Here is a payment plan for {quotes.names([n for n, _ in offer.invoices])}:\n{texts.bullets(invoices)}\n"
            f"Payments:\n" + "\n".join(rows) + f"\nTotal: {texts.money(offer.total)}\nMethod: {method}, charged on "
            f"each date.\nIf a payment is missed, the plan ends {offer.terms.grace_days} days later and the full "
            "balance is due. This offer is valid for 10 minutes.")


def agreed(turn: Turn, quote: QuoteView, first: PaymentMade | None) -> str:
    """What the customer hears after YES to a plan."""
    charged = ""
    if first is not None:
        charged = (f"The first payment of {texts.money(first.amount)} was charged to {first.method}. "
                   if first.status in ("pending", "succeeded") else
                   f"The first payment of {texts.money(first.amount)} did not go through"
                   f"{': ' + first.failure_reason if first.failure_reason else ''}. ")
    return (f"Agreed: your payment plan for {texts.money(quote.total)} is set up. {charged}We'll charge each payment "
            "on its date, and your reminders for these invoices pause while the plan is on track. Say BALANCE to "
            "see your account.")
