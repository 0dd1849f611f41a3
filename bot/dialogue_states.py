"""The dialogue: an explicit state machine per conversation, persisted with it (Conversation.state, .context).

Named states, one small step each; a step answers the message and names the next state.

  any state ── NO / CANCEL / STOP (not SMS) ──▶ idle   the question or the quote dropped, nothing paid
  any state ── HELP ──────────────────────────▶ idle   the help text
  a question ─ a new request ("balance" …) ───▶ handled as in idle, the question dropped

  idle ── balance, statement, history, receipt, help ──▶ idle                        (flows_account)
  idle ── methods, add_method ─────────────────────────▶ idle                        (flows_methods)
  idle ── invoices ──▶ list_shown ── "2", "the second one" ──▶ pay that invoice
  idle ── pay, schedule, deposit ──▶ whichever is missing, in order:                 (flows_pay, flows_answers)
          ask_invoice ─▶ ask_date ─▶ ask_amount ─▶ ask_reason ─▶ ask_comment ─▶ ask_method ─▶ confirm_quote
  confirm_quote ── YES ──▶ idle, executed once │ NO ──▶ idle │ expired YES ──▶ confirm_quote, a fresh quote
  confirm_quote ── "no, I meant 1043" ──▶ confirm_quote, a new quote │ 👍, "ok" … ──▶ asked for YES again
                                                                                   (flows_confirm)
  any state ── "the other one", "that one" ──▶ as if the invoice was named (several: ask_invoice)
  idle ── "and september's?" just after a statement ──▶ that month's statement
  idle ── cancel_scheduled ──▶ ask_scheduled (when several) ──▶ confirm_quote         (flows_confirm)
  idle ── plan ──▶ (ask_method) ──▶ confirm_quote ── YES ──▶ idle, the plan agreed      (flows_plan)
  idle ── promise ──▶ ask_promise_date (when no date) ──▶ idle                         (flows_care)
  idle ── dispute ──▶ idle
  idle ── a message read with doubt ──▶ ask_intent ── "2", a button ──▶ as that request   (flows_clarify)
  idle ── agent ──▶ agent ── BOT, or staff (core.conversations.end_handoff) ──▶ idle
  any state ── autopay on / off / SKIP ──▶ confirm_autopay ── YES ──▶ idle │ off, skip ──▶ idle  (flows_autopay)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot import dialogue_reads as reads
from bot import (
    flows_account,
    flows_answers,
    flows_autopay,
    flows_care,
    flows_clarify,
    flows_confirm,
    flows_methods,
    flows_pay,
    flows_plan,
    quotes,
    texts,
)
from bot import flows_answers_general as everyday
from bot.dialogue_core import PENDING_KEYS, Step, Turn, say

StepFn = Callable[[Turn, dict[str, Any]], Step | None]


def _list_shown(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    """Just after the numbered list: a bare number, "the second one" or "2 and 3" picks those invoices to pay."""
    if flows_pay.positions(turn) and turn.parsed.intent in ("unknown", "confirm", "deny", "pay"):
        return flows_pay.start(turn, ctx)
    return None


def _confirm_quote(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    if flows_confirm.explicit_yes(turn.inbound.text):
        return flows_confirm.confirm(turn, ctx)
    if turn.parsed.intent in flows_answers.NEW_REQUESTS:
        return None
    return say(quotes.ask_again(ctx, turn.today), state="confirm_quote")


def _ask_intent(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    """The answer to "which do you mean?": the message asked about, handled as the request picked."""
    picked = flows_clarify.answer(turn, ctx)
    return idle(picked, ctx) if picked is not None else None


ANSWERS: dict[str, StepFn] = {
    flows_clarify.STATE: _ask_intent,
    "list_shown": _list_shown,
    "confirm_quote": _confirm_quote,
    "ask_invoice": flows_answers.ask_invoice,
    "ask_date": flows_answers.ask_date,
    "ask_amount": flows_answers.ask_amount,
    "ask_reason": flows_answers.ask_reason,
    "ask_comment": flows_answers.ask_comment,
    "ask_method": flows_answers.ask_method,
    "ask_scheduled": flows_confirm.ask_scheduled,
    "ask_promise_date": flows_care.ask_promise_date,
    flows_autopay.STATE: flows_autopay.answer,  # also asked first in `step`: its buttons are no quote's
}

REQUESTS: dict[str, Callable[[Turn, dict[str, Any]], Step]] = {
    "balance": flows_account.balance,
    "invoices": flows_account.invoices,
    "statement": flows_account.statement,
    "history": flows_account.history,
    "receipt": flows_account.receipt,
    "methods": flows_methods.methods,
    "add_method": flows_methods.add_method,
    "help": flows_account.help_,
    "start": flows_account.help_,
    "link": flows_account.help_,
    "pay": flows_pay.start,
    "schedule": flows_pay.start,
    "deposit": flows_pay.start,
    "cancel_scheduled": flows_confirm.start_cancel,
    "plan": flows_plan.start,
    "promise": flows_care.promise,
    "dispute": flows_care.dispute,
    "agent": flows_care.handoff,
    "confirm": flows_confirm.confirm,
    "who_are_you": everyday.who_are_you,
    "thanks": everyday.thanks,
    "finance_charge": everyday.finance_charge,
    "remit_to": everyday.remit_to,
}


# "don't pay anything today" to a waiting quote or question drops it; canceling a *scheduled* payment says so.
_SCHEDULED = re.compile(r"\b(?:schedul\w*|autopay|auto pay|auto-pay|draft|recurring)\b", re.IGNORECASE)


def _cancels(turn: Turn, state: str) -> bool:
    """NO, CANCEL, and STOP where it is not the SMS opt-out. A bare "2" is NO only to a yes/no question;
    elsewhere it is a position in a list."""
    p = turn.parsed
    no = p.intent == "deny" and (p.selector is None or state == "confirm_quote")
    waiting = state in ANSWERS and state != "list_shown"
    dont_pay = p.intent == "cancel_scheduled" and waiting and not _SCHEDULED.search(turn.text)
    return turn.payload is None and (no or dont_pay or p.intent == "stop")


def _refers(turn: Turn, state: str) -> bool:
    """A request about an invoice the message does not name ("that one" to a quote is the quote itself)."""
    p = turn.parsed
    return (turn.payload is None and p.refers is not None and not p.invoices
            and p.intent in ("unknown", "confirm", "deny", "pay", "schedule")
            and not (state == "confirm_quote" and p.refers == "that"))


def _referred(turn: Turn, ctx: dict[str, Any]) -> Turn | Step:
    """ "the other one": what is left of the invoices just shown (the list, else a recent reminder's, else all open
    ones) besides those just quoted; "that one": those just quoted. One: the turn as if the customer had named it;
    several: which one?"""
    payable = [d for d in reads.open_debits(turn.services, turn.account, turn.today) if not d.held]
    named = set(ctx.get("named") or [])
    if turn.parsed.refers == "that":
        found = [d for d in payable if d.number in named] or payable
    else:
        shown = set(ctx.get("list") or reads.dunned_numbers(turn.services, turn.account, turn.today))
        found = ([d for d in payable if d.number in shown and d.number not in named]
                 or [d for d in payable if d.number not in named])
    if not found:
        return say("There is no other open invoice to pay — thank you! Say BALANCE to see your account.")
    if len(found) == 1:
        return replace(turn, parsed=replace(turn.parsed, invoices=(found[0].number,)))
    waiting = quotes.quoted(ctx) if "quote_id" in ctx else None
    _drop_pending(turn, ctx)
    lead = f"OK — nothing was paid for {quotes.names(waiting['numbers'])}.\n" if waiting and waiting["numbers"] else ""
    req = {"kind": "pay", "numbers": None, "amount": None, "pay_on": None, "reason": None, "comment": None,
           "method_id": None}
    return flows_pay.ask_invoice(turn, ctx, req, found, f"{lead}Which one do you mean?")


def _drop_pending(turn: Turn, ctx: dict[str, Any]) -> None:
    if "quote_id" in ctx:
        quotes.decline(turn, int(ctx["quote_id"]))  # a quote left behind is not executed later by accident
    for key in PENDING_KEYS:
        ctx.pop(key, None)


def step(turn: Turn, ctx: dict[str, Any]) -> Step:
    state = turn.conversation.state
    if state == "agent":
        return flows_care.with_agent(turn, ctx)
    if state == flows_autopay.STATE and (answered := flows_autopay.answer(turn, ctx)) is not None:
        return answered
    if (autopay := flows_autopay.route(turn)) is not None:  # before a waiting question: "stop autopay" is no NO
        _drop_pending(turn, ctx)
        return flows_autopay.REQUESTS[autopay](turn, ctx)
    if turn.payload_of("yes") is not None:
        return flows_confirm.confirm(turn, ctx)
    if turn.payload_of("no") is not None:
        return flows_confirm.deny(turn, ctx)
    if _refers(turn, state):
        resolved = _referred(turn, ctx)
        if isinstance(resolved, Step):
            return resolved
        turn = resolved
    if state == "confirm_quote" and flows_confirm.corrects(turn, ctx):
        return replace(flows_confirm.correct(turn, ctx), corrected=True)
    if _cancels(turn, state):
        if state == "confirm_quote":
            return flows_confirm.deny(turn, ctx)
        pending = any(key in ctx for key in PENDING_KEYS)
        _drop_pending(turn, ctx)
        return say(texts.CANCELED if pending else "OK. Say HELP to see what I can do.")
    if turn.parsed.intent == "help" and turn.payload is None:
        _drop_pending(turn, ctx)
        return say(texts.HELP)
    answer = ANSWERS.get(state)
    if answer is not None:
        answered = answer(turn, ctx)
        if answered is not None:
            return answered
    _drop_pending(turn, ctx)
    return idle(turn, ctx)


def idle(turn: Turn, ctx: dict[str, Any]) -> Step:
    if turn.payload_of("pick") is not None:
        return flows_pay.start(turn, ctx)  # a "Pay 2" button under a list shown earlier
    intent = _in_context(turn, ctx)
    if flows_clarify.needed(turn) and intent == turn.parsed.intent:
        return flows_clarify.ask(turn, ctx)  # read with doubt: which of the likely requests, never a guess
    handler = REQUESTS.get(intent)
    if handler is None:
        return say(texts.SHORT_HELP)
    ctx["topic"] = intent
    return handler(replace(turn, parsed=replace(turn.parsed, intent=intent)), ctx)


def _in_context(turn: Turn, ctx: dict[str, Any]) -> str:
    """What a message that asks nothing by itself asks after what was just said: "and september's?" after a
    statement is September's statement; "and the other one?" (its invoice found by `_referred`) is paying it."""
    p = turn.parsed
    if p.intent == "unknown" and p.month is not None and ctx.get("topic") == "statement":
        return "statement"
    if p.intent in ("unknown", "confirm") and p.refers and p.invoices:
        return "pay"
    return p.intent
