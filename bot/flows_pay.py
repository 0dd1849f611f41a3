"""Putting a payment together: which invoices, when, how much, why short, which method; then the quote.

    idle ──pay / schedule / deposit──▶ start ──▶ advance ─┬─ which invoice? ───▶ ask_invoice ─┐
                                                          ├─ which date? ──────▶ ask_date ────┤
                                                          ├─ how much? ────────▶ ask_amount ──┤ answer
                                                          ├─ why short? ───────▶ ask_reason ──┤ (flows_answers)
                                                          ├─ Other: comment? ──▶ ask_comment ─┤   │
                                                          ├─ which method? ────▶ ask_method ──┘   │
                                                          │        ▲                              │
                                                          │        └──────────── advance ◀────────┘
                                                          └─ all known ──▶ quote ──▶ confirm_quote

The request being put together waits in ctx["request"]: kind, numbers, amount, pay_on, reason, comment and
method_id. Nothing about money is guessed: an amount with several invoices open, or a reference that fits
more than one, is a question.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from bot import dialogue_reads as reads
from bot import flows_methods, quotes, texts
from bot.dialogue_core import Step, Turn, position, say
from bot.turns import Button
from core.kernel import Conflict, Invalid, Money, NotFound
from core.ledger import AllocationRequest, OpenDebit
from core.payments import Quote

Request = dict[str, Any]
MAX_LISTED = 8


def start(turn: Turn, ctx: dict[str, Any]) -> Step:
    p = turn.parsed
    later = p.date is not None and p.date > turn.today
    undated_schedule = p.intent == "schedule" and p.date is None
    kind = "deposit" if p.intent == "deposit" else ("schedule" if later or undated_schedule else "pay")
    req: Request = {"kind": kind, "numbers": None, "amount": None if p.amount is None else str(p.amount),
                    "pay_on": p.date.isoformat() if later and p.date else None, "reason": p.reason,
                    "comment": None, "method_id": None}
    if kind == "deposit":
        req["numbers"] = []
        if req["amount"] is None and len(p.invoices) == 1 and p.invoices[0].isdigit():
            req["amount"] = str(Decimal(p.invoices[0]))  # "put 500 on account": a number, but no invoice
        return advance(turn, ctx, req)
    chosen = choose(turn, ctx, req, reads.open_debits(turn.services, turn.account, turn.today))
    if isinstance(chosen, Step):
        return chosen
    req["numbers"] = chosen
    return advance(turn, ctx, req)


def choose(turn: Turn, ctx: dict[str, Any], req: Request, debits: list[OpenDebit]) -> list[str] | Step:
    """The invoices the message names (by number, selector or list position), or a question."""
    payable = [d for d in debits if not d.held]
    if not payable:
        return say("You have no open invoices to pay right now. Say BALANCE to see your account.")
    refs, selector, picked = turn.parsed.invoices, turn.parsed.selector, position(turn)
    if refs:
        return _by_reference(turn, ctx, req, debits, refs)
    if picked is not None:
        listed: list[str] = ctx.get("list", [])
        number = listed[picked - 1] if 1 <= picked <= len(listed) else None
        if number in {d.number for d in payable}:
            return [str(number)]
        return ask_invoice(turn, ctx, req, payable, "Which invoice do you mean?")
    if selector == "all" or turn.payload_of("pick") == "all" or turn.inbound.text.strip().lower() == "all":
        return [d.number for d in payable]
    if selector == "overdue" or turn.payload_of("pick") == "overdue":
        overdue = [d.number for d in payable if d.days_past_due > 0]
        return overdue or say("Nothing is overdue — thank you! Say INVOICES to see what is open.")
    if selector == "oldest":
        return [payable[0].number]
    open_numbers = {d.number for d in payable}
    dunned = [n for n in reads.dunned_numbers(turn.services, turn.account, turn.today) if n in open_numbers]
    if dunned:
        return dunned  # "PAY" after a reminder: what the reminder asked for
    if len(payable) == 1:
        return [payable[0].number]
    return ask_invoice(turn, ctx, req, payable, "Which invoices would you like to pay?")


def _by_reference(turn: Turn, ctx: dict[str, Any], req: Request, debits: list[OpenDebit],
                  refs: tuple[str, ...]) -> list[str] | Step:
    chosen = []
    for ref in refs:
        found = reads.matching(debits, ref)
        if not found:
            hint = (f" If you meant {texts.money(Money.of(ref, turn.account.currency))}, say which invoice it is "
                    f"for, e.g. PAY {ref} ON {debits[0].number}." if ref.isdigit() and turn.parsed.amount is None
                    and debits else "")
            return say(f"I can't find an open invoice {ref} on your account.{hint} Say INVOICES to see them.")
        if len(found) > 1:
            return ask_invoice(turn, ctx, req, found, f"More than one invoice matches {ref}. Which one?")
        if found[0].held:
            return say(f"Invoice {found[0].number} is already in a payment that is scheduled or on its way.")
        chosen.append(found[0].number)
    return list(dict.fromkeys(chosen))


def ask_invoice(turn: Turn, ctx: dict[str, Any], req: Request, debits: list[OpenDebit], lead: str) -> Step:
    ctx["request"], ctx["list"] = {**req, "numbers": None}, [d.number for d in debits]
    rows = [f"{i}. {d.number} — {texts.money(d.open)}" + (f", {d.days_past_due} days overdue" if d.days_past_due > 0
            else f", due {texts.day(d.due_date)}") for i, d in enumerate(debits[:MAX_LISTED], start=1)]
    more = f"\n…and {len(debits) - MAX_LISTED} more." if len(debits) > MAX_LISTED else ""
    buttons = [Button(f"{i}. {d.number}", f"pick:{i}") for i, d in enumerate(debits[:MAX_LISTED], start=1)]
    if len(debits) > 1:
        buttons += [Button("All of them", "pick:all"), Button("Overdue only", "pick:overdue")]
    text = f"{lead}\n" + "\n".join(rows) + more + "\nReply with the number in the list, ALL or OVERDUE."
    return say(text, *buttons, state="ask_invoice")


def advance(turn: Turn, ctx: dict[str, Any], req: Request) -> Step:
    """Ask for the first thing still missing; when nothing is, quote."""
    ctx["request"] = req
    if req["kind"] == "schedule" and not req["pay_on"]:
        return say("On which date should I pay it? For example FRIDAY or DEC 5.", state="ask_date")
    if req["kind"] == "deposit" and not req["amount"]:
        return say("How much would you like to pay on account? For example 500.", state="ask_amount")
    pay_on = dt.date.fromisoformat(req["pay_on"]) if req["pay_on"] else turn.today
    amount = Money.of(req["amount"], turn.account.currency) if req["amount"] else None
    numbers: list[str] = req["numbers"] or []
    try:
        if amount is not None and len(numbers) > 1:
            if quotes.price(turn, [AllocationRequest(n) for n in numbers], pay_on).total != amount:
                debits = [d for d in reads.open_debits(turn.services, turn.account, turn.today) if d.number in numbers]
                return ask_invoice(turn, ctx, req, debits, f"Which invoice should the {texts.money(amount)} go to?")
            amount = None  # exactly what those invoices need: each in full
        return _quote(turn, ctx, req, numbers, amount, pay_on)
    except Invalid as refused:
        if refused.field == "reason":
            return ask_reason(turn, numbers[0])
        if refused.field == "comment":
            return say("Please tell me in a few words what the difference is for.", state="ask_comment")
        return say(f"I can't quote that: {refused}")
    except (Conflict, NotFound) as refused:
        return say(f"I can't quote that: {refused}")


def _quote(turn: Turn, ctx: dict[str, Any], req: Request, numbers: list[str], amount: Money | None,
           pay_on: dt.date) -> Step:
    """The quote, priced and kept; or first the question about the method (once the payment itself prices)."""
    requests, deposit = _requests(numbers, amount, req)
    on_file = reads.methods(turn.services, turn.account)
    method = flows_methods.chosen(on_file, req)
    if method is None:
        quotes.price(turn, requests, pay_on, deposit)  # what is wrong with the payment is asked first
        return flows_methods.ask(turn, ctx, on_file)

    def lead(quote: Quote) -> str:
        if amount is not None and req["kind"] != "deposit" and quote.total < amount:
            return f"{numbers[0]} needs only {texts.money(quote.total)}, so that is what I'll take.\n"
        return ""

    return quotes.offer(turn, ctx, req["kind"], requests, pay_on, method, deposit, lead)


def _requests(numbers: list[str], amount: Money | None, req: Request) -> tuple[list[AllocationRequest], Money | None]:
    """What to pay per invoice (a short amount with its reason, or in full), and what goes on account."""
    if req["kind"] == "deposit":
        assert amount is not None
        return [], amount
    if amount is not None:
        return [AllocationRequest(numbers[0], amount, req["reason"], req["comment"])], None
    return [AllocationRequest(n) for n in numbers], None


def ask_reason(turn: Turn, number: str) -> Step:
    buttons = [Button(reason, f"reason:{i}") for i, reason in enumerate(turn.reasons)]
    return say(f"That is less than what is open on {number}. What is the reason for paying less?", *buttons,
               state="ask_reason")
