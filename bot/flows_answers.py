"""The answers to flows_pay's questions: one step per question state, each filling in one thing and advancing.

A step returns None when the message is not an answer but a new request ("balance", "statement" …): the
dialogue then drops the payment being put together and handles the message from idle.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from bot import dialogue_reads as reads
from bot import flows_pay
from bot.dialogue_core import Step, Turn, say
from core.ledger import OTHER_REASON

# Intents that start something else rather than answer a question.
NEW_REQUESTS = frozenset({"balance", "statement", "invoices", "pay", "schedule", "cancel_scheduled", "deposit",
                          "methods", "add_method", "history", "receipt", "promise", "dispute", "agent", "link"})
MAX_COMMENT = 500


def _new_request(turn: Turn) -> bool:
    return turn.payload is None and turn.parsed.intent in NEW_REQUESTS


def ask_invoice(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    p, req = turn.parsed, dict(ctx["request"])
    typed_all = turn.inbound.text.strip().lower() == "all"  # the parser reads "all" alone as no selector
    picked = turn.payload_of("pick") is not None or p.selector is not None or bool(p.invoices) or typed_all
    if not picked:
        return None if _new_request(turn) else say("Please reply with the number in the list, ALL or OVERDUE — "
                                                   "or NO to cancel.", state="ask_invoice")
    if p.amount is not None:
        req["amount"] = str(p.amount)
    if p.date is not None and p.date > turn.today:
        req["kind"], req["pay_on"] = "schedule", p.date.isoformat()
    chosen = flows_pay.choose(turn, ctx, req, reads.open_debits(turn.services, turn.account, turn.today))
    if isinstance(chosen, Step):
        return chosen
    req["numbers"] = chosen
    return flows_pay.advance(turn, ctx, req)


def ask_date(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    when, req = turn.parsed.date, dict(ctx["request"])
    if turn.parsed.invoices and _new_request(turn):
        return None  # "pay 1043 on friday": a request of its own, not just the date
    if when is None:
        return None if _new_request(turn) else say("Which date? For example FRIDAY or DEC 5 — or NO to cancel.",
                                                   state="ask_date")
    if when < turn.today:
        return say(f"{when:%b} {when.day} has passed. Which later date should I use?", state="ask_date")
    req["kind"], req["pay_on"] = ("schedule", when.isoformat()) if when > turn.today else ("pay", None)
    return flows_pay.advance(turn, ctx, req)


def _amount(turn: Turn) -> Decimal | None:
    if turn.parsed.amount is not None:
        return turn.parsed.amount
    bare = re.fullmatch(r"\s*\$?\s*(\d{1,9}(?:\.\d{1,2})?)\s*", turn.inbound.text)
    return Decimal(bare.group(1)) if bare else None  # "500": an invoice number to the parser, an amount here


def ask_amount(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    amount, req = _amount(turn), dict(ctx["request"])
    if amount is None or amount <= 0:
        return None if _new_request(turn) else say("How much? For example 500 — or NO to cancel.", state="ask_amount")
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
        return flows_pay.ask_reason(turn, (req["numbers"] or ["the invoice"])[0])
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
    req, choices = dict(ctx["request"]), [int(c) for c in ctx.get("choices", [])]
    views = [m for m in reads.methods(turn.services, turn.account).active if m.id in choices]
    pressed, typed = turn.payload_of("method"), turn.inbound.text.lower()
    found = [m for m in views if str(m.id) == pressed] or [m for m in views if m.last4 and m.last4 in typed] or \
        [m for m in views if m.brand and m.brand.lower() in typed]
    selector = turn.parsed.selector
    if not found and selector and selector.isdigit() and 1 <= int(selector) <= len(views):
        found = [views[int(selector) - 1]]
    if len(found) != 1:
        return None if _new_request(turn) else say("Please pick one of the buttons, or type the last 4 digits "
                                                   "of the card or account — or NO to cancel.", state="ask_method")
    req["method_id"] = found[0].id
    ctx.pop("choices", None)
    return flows_pay.advance(turn, ctx, req)
