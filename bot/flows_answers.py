"""The answers to flows_pay's questions: one step per question state, each filling in one thing and advancing.

A step returns None when the message is not an answer but a new request ("balance", "statement" …): the
dialogue then drops the payment being put together and handles the message from idle.

The invoice picker takes a number shown, several ("2 and 3"), MORE for its next page, ALL or OVERDUE; the amount
question takes a number alone as money ("500", "1.500,00"), and refuses a zero, negative or too large one with
the range it can take (flows_pay.advance).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from bot import dialogue_reads as reads
from bot import flows_methods, flows_pay, nlu_slots, texts
from bot.dialogue_core import Step, Turn, say
from core.kernel import Money
from core.ledger import OTHER_REASON

# Intents that start something else rather than answer a question.
NEW_REQUESTS = frozenset({"balance", "statement", "invoices", "pay", "schedule", "cancel_scheduled", "deposit",
                          "methods", "add_method", "history", "receipt", "promise", "dispute", "agent", "link",
                          "who_are_you", "finance_charge", "remit_to"})
MAX_COMMENT = 500
_MORE = re.compile(r"(?:(?:show|see|send|list)(?: me)? )?(?:the )?(?:more|next|rest|next page|next ones)"
                   r"(?: (?:please|pls|invoices))?[.!]*", re.IGNORECASE)


def _new_request(turn: Turn) -> bool:
    return turn.payload is None and turn.parsed.intent in NEW_REQUESTS


def ask_invoice(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    p, req = turn.parsed, dict(ctx["request"])
    if turn.payload_of("pick") == "more" or (turn.payload is None and _MORE.fullmatch(turn.inbound.text.strip())):
        return flows_pay.more(turn, ctx)
    typed_all = turn.inbound.text.strip().lower() == "all"  # the parser reads "all" alone as no selector
    picked = turn.payload_of("pick") is not None or p.selector is not None or bool(p.invoices) or typed_all
    if not picked:
        return None if _new_request(turn) else say(f"{flows_pay.how_to_answer(ctx)} Or NO to cancel.",
                                                   state="ask_invoice")
    if p.amount is not None:
        req["amount"] = str(p.amount)
    if p.date is not None and p.date > turn.today:
        req["kind"], req["pay_on"] = "schedule", p.date.isoformat()
    chosen = flows_pay.choose(turn, ctx, req, reads.open_debits(turn.services, turn.account, turn.today))
    if isinstance(chosen, Step):
        return chosen
    ctx.pop("choices", None)
    req["numbers"] = chosen
    return flows_pay.advance(turn, ctx, req)


def ask_date(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    when, req = turn.parsed.date, dict(ctx["request"])
    if turn.parsed.invoices and _new_request(turn):
        return None  # "pay 1043 on friday": a request of its own, not just the date
    if when is None:
        example = texts.date_example(turn.today)
        return None if _new_request(turn) else say(f"Which date? For example {example} — or NO to cancel.",
                                                   state="ask_date")
    if when < turn.today:
        return say(f"{when:%b} {when.day} has passed. Which later date should I use?", state="ask_date")
    req["kind"], req["pay_on"] = ("schedule", when.isoformat()) if when > turn.today else ("pay", None)
    return flows_pay.advance(turn, ctx, req)


def _amount(turn: Turn) -> Decimal | None:
    """The amount as typed, sign included: "-5" is refused with the range rather than asked again blankly."""
    p = turn.parsed
    if p.amount is not None or p.unpayable_amount is not None:
        return p.amount if p.amount is not None else p.unpayable_amount
    return nlu_slots.amount_alone(turn.inbound.text).value  # "500", "0": not money to the parser, an amount here


def ask_amount(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    amount, req = _amount(turn), dict(ctx["request"])
    if amount is None:
        return None if _new_request(turn) else say("How much? For example 500 — or NO to cancel.", state="ask_amount")
    written = turn.parsed.currency or nlu_slots.amount_alone(turn.inbound.text).currency
    if (refused := flows_pay.other_currency(turn, written, "ask_amount")) is not None:
        return refused
    req["amount"] = str(amount)
    return flows_pay.advance(turn, ctx, req)


def _reason(turn: Turn) -> str | None:
    index = turn.payload_of("reason")
    if index is not None and index.isdigit() and int(index) < len(turn.reasons):
        return turn.reasons[int(index)]
    typed = turn.inbound.text.strip().lower()
    return next((r for r in turn.reasons if r.lower() == typed), turn.parsed.reason)


def ask_reason(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    reason, req = _reason(turn), dict(ctx["request"])
    if reason is None:
        if _new_request(turn) and turn.parsed.intent != "dispute":
            return None
        amount = Money.of(req["amount"], turn.account.currency) if req.get("amount") else None
        return flows_pay.ask_reason(turn, (req["numbers"] or ["the invoice"])[0], amount)
    req["reason"] = reason
    if reason.lower() == OTHER_REASON.lower() and not req["comment"]:
        ctx["request"] = req
        return say("Please tell me in a few words what the difference is for.", state="ask_comment")
    return flows_pay.advance(turn, ctx, req)


def ask_comment(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    comment, req = turn.text.strip()[:MAX_COMMENT], dict(ctx["request"])
    if not comment:
        return say("Please tell me in a few words what the difference is for.", state="ask_comment")
    req["comment"] = comment
    return flows_pay.advance(turn, ctx, req)


def ask_method(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    """Which method (bot.flows_methods.answer); a message naming what to pay is a new request, not an answer."""
    p, req = turn.parsed, dict(ctx["request"])
    chosen = p.selector in ("all", "overdue") or nlu_slots.oldest_count(p.selector) is not None
    if _new_request(turn) and (p.invoices or chosen or p.amount is not None):
        return None
    method = flows_methods.answer(turn, ctx)
    if method is None:
        return None if _new_request(turn) and not p.method else say(
            "Please reply with the number in the list or the last 4 digits of the card or account — or NO to "
            "cancel.", state="ask_method")
    req["method_id"] = method.id
    ctx.pop("choices", None)
    return flows_pay.advance(turn, ctx, req)
