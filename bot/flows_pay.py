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
more than one, is a question. The amount quoted is the one typed: a zero, negative or larger-than-open one is
refused with the range that can be taken (and asked again), never swapped for the full amount; an invoice number
is never read as money; a number picks only from the list the customer was shown.

    ask_invoice (the picker) ── a page of 8: "1." … "8." [pick:1 … pick:8] ─┬─ "2", "2 and 3" ──▶ those
                                                                            ├─ MORE ──▶ 9 … 16, numbered on
                                                                            ├─ ALL / OVERDUE (words) ──▶ those
                                                                            └─ "9" not shown ──▶ "There is no 9"
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from bot import dialogue_reads as reads
from bot import flows_answers_general, flows_methods, flows_plan, nlu_slots, quotes, texts
from bot.dialogue_core import Step, Turn, position, say
from bot.turns import Button
from core.kernel import Conflict, Invalid, Money, NotFound
from core.ledger import AllocationRequest, OpenDebit
from core.payments import Quote

Request = dict[str, Any]
MAX_LISTED = 8  # a page of the picker; MORE shows the next one
_CENT = Decimal("0.01")


def start(turn: Turn, ctx: dict[str, Any]) -> Step:
    p = turn.parsed
    later = p.date is not None and p.date > turn.today
    undated_schedule = p.intent == "schedule" and p.date is None
    kind = "deposit" if p.intent == "deposit" else ("schedule" if later or undated_schedule else "pay")
    typed = p.amount if p.amount is not None else p.unpayable_amount  # "pay -5 on 1042": refused, not dropped
    req: Request = {"kind": kind, "numbers": None, "amount": None if typed is None else str(typed),
                    "pay_on": p.date.isoformat() if later and p.date else None, "reason": p.reason,
                    "comment": None, "method_id": None, "method_hint": p.method}
    if (refused := other_currency(turn, p.currency)) is not None:
        return refused
    if kind == "deposit":
        req["numbers"] = []
        bare = [n for n in p.invoices if n.isdigit() and n not in p.prefixed]
        if req["amount"] is None and len(p.invoices) == 1 and bare:
            req["amount"] = str(Decimal(bare[0]))  # "put 5000 on account": a number, but no invoice
        return advance(turn, ctx, req)
    chosen = choose(turn, ctx, req, reads.open_debits(turn.services, turn.account, turn.today))
    if isinstance(chosen, Step):
        return chosen
    req["numbers"] = chosen
    return advance(turn, ctx, req)


def choose(turn: Turn, ctx: dict[str, Any], req: Request, debits: list[OpenDebit]) -> list[str] | Step:
    """The invoices the message names (by number, selector or list position), or a question."""
    # "everything except 1042", "1043, not 1042": what the customer said not to pay is never taken
    excluded = {d.number for ref in turn.parsed.excluded for d in reads.matching(debits, ref)}
    refs = tuple(ref for ref in turn.parsed.invoices
                 if not any(d.number in excluded for d in reads.matching(debits, ref)))
    debits = [d for d in debits if d.number not in excluded]
    payable = [d for d in debits if not d.held]
    if not payable:
        return say("You have no open invoices to pay right now. Say BALANCE to see your account.")
    selector, picked = turn.parsed.selector, positions(turn)
    if refs:
        return _by_reference(turn, ctx, req, debits, refs)
    if picked:
        return _by_position(turn, ctx, req, payable, picked)
    if selector == "all" or turn.payload_of("pick") == "all" or turn.inbound.text.strip().lower() == "all":
        return _undisputed(req, payable)
    if selector == "overdue" or turn.payload_of("pick") == "overdue":
        overdue = [d for d in payable if d.days_past_due > 0]
        if not overdue:
            return say("Nothing is overdue — thank you! Say INVOICES to see what is open.")
        return _undisputed(req, overdue)
    if (count := nlu_slots.oldest_count(selector)) is not None:  # "the oldest", "the two oldest"
        return _undisputed(req, payable[:count])
    if (reminder := reads.reminder(turn.services, turn.account, turn.today)) is not None:
        asked = [d for n in reminder.invoices for d in payable if d.number == n]
        if asked:  # "PAY" after a reminder: what the reminder named, and nothing more
            req["reminder"] = {"run_date": reminder.run_date.isoformat(), "channel": reminder.channel}
            return _undisputed(req, asked)
    if len(payable) == 1:
        return _undisputed(req, payable)
    return ask_invoice(turn, ctx, req, payable, "Which invoices would you like to pay?")


def _undisputed(req: Request, chosen: list[OpenDebit]) -> list[str] | Step:
    """What a payment that does not name invoices takes of `chosen`: none with an amount in dispute (they wait in
    req["in_dispute"], to be said beside the quote); naming one pays it anyway."""
    disputed = [d for d in chosen if d.disputed.is_positive()]
    req["in_dispute"] = [d.number for d in disputed]
    if len(disputed) < len(chosen):
        return [d.number for d in chosen if not d.disputed.is_positive()]
    named = " and ".join(f"{d.number} ({texts.money(d.disputed)} of it)" if d.disputed < d.open else d.number
                         for d in disputed)
    return say(f"{named} {'is' if len(disputed) == 1 else 'are'} in dispute, so I won't take that unless you say "
               f"so. To pay anyway, say PAY {disputed[0].number}.")


def positions(turn: Turn) -> list[int]:
    """The 1-based positions picked: a `pick:N` button, "2", "the second one", or several ("2 and 3")."""
    one = position(turn)
    if one is not None:
        return [one]
    selector = turn.parsed.selector or ""
    return [int(n) for n in selector.split(",")] if re.fullmatch(r"\d+(?:,\d+)+", selector) else []


def _by_position(turn: Turn, ctx: dict[str, Any], req: Request, payable: list[OpenDebit],
                 picked: list[int]) -> list[str] | Step:
    """Positions in the list the customer was shown (ctx["list"]), and only there: never a hidden invoice."""
    listed: list[str] = ctx.get("list", [])
    outside = [p for p in picked if not 1 <= p <= len(listed)]
    if outside and not listed:
        return ask_invoice(turn, ctx, req, payable, "Which invoice do you mean?")
    if outside and turn.conversation.state == "ask_invoice" and ctx.get("choices"):
        return say(f"There is no {outside[0]} in the list. {how_to_answer(ctx)}", state="ask_invoice")
    if outside:
        return ask_invoice(turn, ctx, req, payable, f"There is no {outside[0]} in the list I showed. "
                                                    "Which invoices would you like to pay?")
    numbers = list(dict.fromkeys(listed[p - 1] for p in picked))
    gone = [n for n in numbers if n not in {d.number for d in payable}]
    if gone:
        return ask_invoice(turn, ctx, req, payable, f"{gone[0]} is paid or already in a payment on its way. "
                                                    "Which invoices would you like to pay?")
    return numbers


def _by_reference(turn: Turn, ctx: dict[str, Any], req: Request, debits: list[OpenDebit],
                  refs: tuple[str, ...]) -> list[str] | Step:
    missing = [ref for ref in refs if not reads.matching(debits, ref)]
    if missing:
        return _not_found(turn, ctx, req, [d for d in debits if not d.held], missing)
    chosen = []
    for ref in refs:
        found = reads.matching(debits, ref)
        if len(found) > 1:
            return ask_invoice(turn, ctx, req, found, f"More than one invoice matches {ref}. Which one?")
        if found[0].held:
            return say(f"Invoice {found[0].number} is already in a payment that is scheduled or on its way.")
        chosen.append(found[0].number)
    return list(dict.fromkeys(chosen))


def _not_found(turn: Turn, ctx: dict[str, Any], req: Request, payable: list[OpenDebit], missing: list[str]) -> Step:
    """References with no open invoice on the account: said as references (never read as money), and the open
    invoices offered. Only a bare number ("pay 1500", no "invoice" before it) may have meant an amount."""
    names = " and ".join([", ".join(missing[:-1]), missing[-1]] if len(missing) > 1 else missing)
    lead = f"I can't find {'an open invoice' if len(missing) == 1 else 'open invoices'} {names} on your account."
    bare = [ref for ref in missing if ref.isdigit() and ref not in turn.parsed.prefixed]
    no_amount = turn.parsed.amount is None and turn.parsed.unpayable_amount is None  # "pay -5 on 104108": one given
    if bare == missing and len(bare) == 1 and no_amount and payable:
        lead += (f" If you meant {texts.money(Money.of(bare[0], turn.account.currency))}, say which invoice it is "
                 f"for, e.g. PAY {bare[0]} ON {payable[0].number}.")
    if not payable:
        return say(f"{lead} You have no open invoices to pay right now. Say BALANCE to see your account.")
    return ask_invoice(turn, ctx, req, payable, f"{lead} Which would you like to pay?")


def ask_invoice(turn: Turn, ctx: dict[str, Any], req: Request, debits: list[OpenDebit], lead: str) -> Step:
    """The numbered picker, one page at a time. ctx["choices"] holds every invoice offered, ctx["list"] those
    shown so far: a number typed or pressed means only one of those."""
    ctx["request"], ctx["choices"], ctx["list"] = {**req, "numbers": None}, [d.number for d in debits], []
    return _page(ctx, debits, lead)


def more(turn: Turn, ctx: dict[str, Any]) -> Step:
    """MORE: the picker's next page, numbered on from the last one shown."""
    shown, offered = ctx.get("list", []), ctx.get("choices", [])
    rest = sorted((d for d in reads.open_debits(turn.services, turn.account, turn.today)
                   if d.number in offered and d.number not in shown and not d.held),
                  key=lambda d: offered.index(d.number))
    if not rest:
        return say(f"That was all of them. {how_to_answer(ctx)}", state="ask_invoice")
    return _page(ctx, rest, "More open invoices:")


def _page(ctx: dict[str, Any], debits: list[OpenDebit], lead: str) -> Step:
    first, page, left = len(ctx["list"]) + 1, debits[:MAX_LISTED], len(debits) - MAX_LISTED
    ctx["list"] = ctx["list"] + [d.number for d in page]
    rows = [f"{i}. {d.number} — {texts.money(d.open)}" + (f", {texts.count(d.days_past_due, 'day')} overdue"
            if d.days_past_due > 0 else f", due {texts.day(d.due_date)}") + in_dispute_note(d)
            for i, d in enumerate(page, start=first)]
    buttons = [Button(f"{i}. {d.number} — {texts.money(d.open)}", f"pick:{i}") for i, d in enumerate(page, start=first)]
    if left > 0:
        buttons.append(Button("More", "pick:more"))
        rows.append(f"…and {left} more: say MORE to see them.")
    if _several(ctx):
        buttons += [Button("All of them", "pick:all"), Button("Overdue only", "pick:overdue")]
    return say(f"{lead}\n" + "\n".join(rows) + "\n" + how_to_answer(ctx), *buttons, state="ask_invoice")


def in_dispute_note(debit: OpenDebit) -> str:
    """" (in dispute)" beside an invoice in a list, or how much of it is."""
    if not debit.disputed.is_positive():
        return ""
    return " (in dispute)" if debit.disputed >= debit.open else f" ({texts.money(debit.disputed)} of it in dispute)"


def _several(ctx: dict[str, Any]) -> bool:
    """Whether the picker offers ALL and OVERDUE: not when it asks which one invoice an amount is for."""
    return len(ctx.get("choices", [])) > 1 and not (ctx.get("request") or {}).get("amount")


def how_to_answer(ctx: dict[str, Any]) -> str:
    shown, offered = ctx.get("list", []), ctx.get("choices", [])
    words = ["the number in the list" + (" (or several: 1 AND 3)" if len(shown) > 1 and _several(ctx) else "")]
    words += (["MORE"] if len(offered) > len(shown) else []) + (["ALL", "OVERDUE"] if _several(ctx) else [])
    return "Reply with " + (", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]) + "."


def advance(turn: Turn, ctx: dict[str, Any], req: Request) -> Step:
    """Ask for the first thing still missing; when nothing is, quote."""
    ctx["request"] = req
    if req["kind"] == "plan":
        return flows_plan.quote(turn, ctx, req)  # back from "which method?"
    if req["kind"] == "schedule" and not req["pay_on"]:
        return say(f"On which date should I pay it? For example {texts.date_example(turn.today)}.", state="ask_date")
    if req["kind"] == "deposit" and not req["amount"]:
        return say("How much would you like to pay on account? For example 500.", state="ask_amount")
    pay_on = dt.date.fromisoformat(req["pay_on"]) if req["pay_on"] else turn.today
    amount = Money.of(req["amount"], turn.account.currency) if req["amount"] else None
    numbers: list[str] = req["numbers"] or []
    if amount is not None and (refusal := _out_of_range(turn, ctx, req, numbers, amount)) is not None:
        return refusal
    try:
        if amount is not None and len(numbers) > 1:
            if quotes.price(turn, [AllocationRequest(n) for n in numbers], pay_on).total != amount:
                debits = [d for d in reads.open_debits(turn.services, turn.account, turn.today) if d.number in numbers]
                return ask_invoice(turn, ctx, req, debits, f"Which invoice should the {texts.money(amount)} go to?")
            amount = None  # exactly what those invoices need: each in full
        return _quote(turn, ctx, req, numbers, amount, pay_on)
    except Invalid as refused:
        if refused.field == "reason":
            return ask_reason(turn, numbers[0], amount)
        if refused.field == "comment":
            return say("Please tell me in a few words what the difference is for.", state="ask_comment")
        return say(f"I can't quote that: {refused}")
    except (Conflict, NotFound) as refused:
        return say(f"I can't quote that: {refused}")


def _out_of_range(turn: Turn, ctx: dict[str, Any], req: Request, numbers: list[str], amount: Money) -> Step | None:
    """A zero or negative amount, or more than is open on the one invoice: refused with what can be taken, and
    asked again. Never quietly replaced by another amount."""
    least = Money.of(_CENT, amount.currency)
    if len(numbers) == 1:
        debit = next((d for d in reads.open_debits(turn.services, turn.account, turn.today) if d.number == numbers[0]),
                     None)
        if debit is None or least <= amount <= debit.open:
            return None
        allowed = f"I can take between {texts.money(least)} and {texts.money(debit.open)} on {debit.number}."
        question = "How much would you like to pay?"
    elif amount >= least:
        return None
    elif req["kind"] == "deposit":
        allowed = f"I can take a deposit of {texts.money(least)} or more."
        question = "How much would you like to pay on account?"
    else:
        allowed, question = f"I can take {texts.money(least)} or more.", "How much would you like to pay?"
    ctx["request"] = {**req, "amount": None}
    return say(f"I can't take {texts.money(amount)}. {allowed} {question} (Or NO to cancel.)", state="ask_amount")


def other_currency(turn: Turn, written: str | None, state: str = "idle") -> Step | None:
    """An amount written in another currency than the account's ("1.234,50 EUR"): refused, never taken as dollars."""
    own = turn.account.currency
    if written is None or written == own:
        return None
    return say(f"Your account is in {own}, so I can only take payments in {own}, not {written}. Please say the "
               f"amount in {own}.", state=state)


def _quote(turn: Turn, ctx: dict[str, Any], req: Request, numbers: list[str], amount: Money | None,
           pay_on: dt.date) -> Step:
    """The quote, priced and kept; or first the question about the method (once the payment itself prices)."""
    requests, deposit = _requests(numbers, amount, req)
    on_file = reads.methods(turn.services, turn.account)
    method = flows_methods.chosen(on_file, req)
    if method is None:
        quotes.price(turn, requests, pay_on, deposit)  # what is wrong with the payment is asked first
        return flows_methods.ask(turn, ctx, on_file)

    notes = _quote_notes(turn, req, numbers, pay_on)  # read before the quote's own transaction

    def lead(quote: Quote) -> str:
        if amount is not None and req["kind"] != "deposit" and quote.total < amount:
            return f"{numbers[0]} needs only {texts.money(quote.total)}, so that is what I'll take.\n" + notes
        return notes

    return quotes.offer(turn, ctx, req["kind"], requests, pay_on, method, deposit, lead)


def _quote_notes(turn: Turn, req: Request, numbers: list[str], pay_on: dt.date) -> str:
    """What the quote answers and what it leaves out, said before it: the reminder it pays, invoices left out
    because they are in dispute, and a payment dated after an invoice's due date."""
    notes = []
    if reminder := req.get("reminder"):
        asked = " and ".join(numbers)
        notes.append(f"This pays what our reminder of {texts.day(dt.date.fromisoformat(reminder['run_date']))} "
                     f"asked for: {asked}.")
    if disputed := req.get("in_dispute"):
        notes.append(f"Left out: {', '.join(disputed)}, in dispute (name it if you want to pay it anyway).")
    if req["kind"] == "schedule" and (late := flows_answers_general.late_warning(turn, numbers, pay_on)):
        notes.append(late)
    return "".join(f"{note}\n" for note in notes)


def _requests(numbers: list[str], amount: Money | None, req: Request) -> tuple[list[AllocationRequest], Money | None]:
    """What to pay per invoice (a short amount with its reason, or in full), and what goes on account."""
    if req["kind"] == "deposit":
        assert amount is not None
        return [], amount
    if amount is not None:
        return [AllocationRequest(numbers[0], amount, req["reason"], req["comment"])], None
    return [AllocationRequest(n) for n in numbers], None


def ask_reason(turn: Turn, number: str, amount: Money | None = None) -> Step:
    """Why less than is open: the question names the open amount, the amount offered and the shortfall."""
    buttons = [Button(reason, f"reason:{i}") for i, reason in enumerate(turn.reasons)]
    debit = next((d for d in reads.open_debits(turn.services, turn.account, turn.today) if d.number == number), None)
    if debit is None or amount is None or amount >= debit.open:
        less = f"That is less than what is open on {number}."
    else:
        less = (f"{number} has {texts.money(debit.open)} open; paying {texts.money(amount)} leaves "
                f"{texts.money(debit.open - amount)} unpaid.")
    return say(f"{less} What is the reason for paying less?", *buttons, state="ask_reason")
