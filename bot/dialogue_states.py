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
  idle ── cancel_scheduled ──▶ ask_scheduled (when several) ──▶ confirm_quote         (flows_confirm)
  idle ── promise ──▶ ask_promise_date (when no date) ──▶ idle                         (flows_care)
  idle ── dispute ──▶ idle
  idle ── agent ──▶ agent ── BOT, or staff (core.conversations.end_handoff) ──▶ idle
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot import flows_account, flows_answers, flows_care, flows_confirm, flows_methods, flows_pay, quotes, texts
from bot.dialogue_core import PENDING_KEYS, Step, Turn, position, say

StepFn = Callable[[Turn, dict[str, Any]], Step | None]


def _list_shown(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    """Just after the numbered list: a bare number or "the second one" picks that invoice to pay."""
    if position(turn) is not None and turn.parsed.intent in ("unknown", "confirm", "deny", "pay"):
        return flows_pay.start(turn, ctx)
    return None


def _confirm_quote(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    if turn.parsed.intent == "confirm":
        return flows_confirm.confirm(turn, ctx)
    if turn.parsed.intent in flows_answers.NEW_REQUESTS:
        return None
    return say("Reply YES to confirm the payment or NO to cancel it.", state="confirm_quote")


ANSWERS: dict[str, StepFn] = {
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
    "promise": flows_care.promise,
    "dispute": flows_care.dispute,
    "agent": flows_care.handoff,
    "confirm": flows_confirm.confirm,
}


def _cancels(turn: Turn, state: str) -> bool:
    """NO, CANCEL, and STOP where it is not the SMS opt-out. A bare "2" is NO only to a yes/no question;
    elsewhere it is a position in a list."""
    p = turn.parsed
    no = p.intent == "deny" and (p.selector is None or state == "confirm_quote")
    return turn.payload is None and (no or p.intent == "stop")


def _drop_pending(turn: Turn, ctx: dict[str, Any]) -> None:
    if "quote_id" in ctx:
        quotes.decline(turn, int(ctx["quote_id"]))  # a quote left behind is not executed later by accident
    for key in PENDING_KEYS:
        ctx.pop(key, None)


def step(turn: Turn, ctx: dict[str, Any]) -> Step:
    state = turn.conversation.state
    if state == "agent":
        return flows_care.with_agent(turn, ctx)
    if turn.payload_of("yes") is not None:
        return flows_confirm.confirm(turn, ctx)
    if turn.payload_of("no") is not None:
        return flows_confirm.deny(turn, ctx)
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
    handler = REQUESTS.get(turn.parsed.intent)
    return handler(turn, ctx) if handler is not None else say(texts.SHORT_HELP)
