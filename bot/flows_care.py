"""What needs a person or a promise: promise to pay, dispute, handoff to an agent, SMS STOP and START.

    idle ──promise──▶ date given? ──yes──▶ PaymentPromise (dunning holds off) ──▶ idle
                                  └─no──▶ ask_promise_date ──date──▶ PaymentPromise ──▶ idle
         (a promise keeps the invoices it names and their open amount; one not open gets the open list)
    idle ──dispute──▶ Dispute (holds the amount until staff resolve it) + a message for staff ──▶ idle
    idle ──agent────▶ agent ──"BOT" (or staff end it)──▶ idle;  follow-ups: told when a person answers (flows_handoff)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot import dialogue_reads as reads
from bot import flows_account, flows_handoff, texts
from bot.dialogue_core import Step, Turn, prefixed, say
from core import ledger, outbox
from core.dunning import record_promise
from core.kernel import ARError, Money
from core.ledger import DisputeView, OpenDebit


def promise(turn: Turn, ctx: dict[str, Any]) -> Step:
    amount = None if turn.parsed.amount is None else str(turn.parsed.amount)
    numbers = _promised_invoices(turn, ctx)
    if isinstance(numbers, Step):
        return numbers
    if turn.parsed.date is None:
        ctx["request"] = {"kind": "promise", "amount": amount, "numbers": numbers}
        return say(f"Thanks! By which date will you pay? For example {texts.date_example(turn.today)}.",
                   state="ask_promise_date")
    return _record(turn, ctx, turn.parsed.date, amount, numbers)


def _promised_invoices(turn: Turn, ctx: dict[str, Any]) -> list[str] | Step:
    """The open invoices the promise names, by their numbers; one that is not open: the open list instead."""
    if not turn.parsed.invoices:
        return []
    debits, numbers = reads.open_debits(turn.services, turn.account, turn.today), []
    for reference in turn.parsed.invoices:
        found = reads.matching(debits, reference)
        if len(found) != 1:
            return prefixed(flows_account.open_list(turn, ctx), f"I can't find invoice {reference} among your open "
                                                                "invoices, so I haven't noted a promise. ")
        numbers.append(found[0].number)
    return numbers


def ask_promise_date(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    if turn.parsed.invoices and turn.parsed.intent not in ("unknown", "promise", "confirm", "deny"):
        return None  # "schedule 104005 for 12/22": a request of its own, not the date of the promise asked about
    if turn.parsed.intent == "promise" and (turn.parsed.invoices or turn.parsed.amount is not None):
        return promise(turn, ctx)  # "we pay 104002 on thursday, $7,100": a promise of its own, with what it names
    if turn.parsed.date is None:
        return None if turn.parsed.intent not in ("unknown", "promise") else say(
            f"Which date? For example {texts.date_example(turn.today)} — or NO to cancel.", state="ask_promise_date")
    request = ctx.get("request", {})
    return _record(turn, ctx, turn.parsed.date, request.get("amount"), request.get("numbers", []))


def _record(turn: Turn, ctx: dict[str, Any], when: dt.date, amount: str | None, numbers: list[str]) -> Step:
    money = None if amount is None else Money.of(amount, turn.account.currency)
    # "we mailed the check friday", "sent a wire yesterday": the money is on its way. The promise is for today, so
    # reminders hold off while it arrives, and the day they say it went out is kept in its note for staff.
    sent_on = when if when < turn.today else None
    said_sent = f"said sent on {sent_on.isoformat()}; " if sent_on else ""
    try:
        made = record_promise(turn.services.db.uow(), turn.account.code, max(when, turn.today), money, turn.actor,
                              turn.inbound.channel, grace_days=turn.services.settings.promise_grace_days,
                              today=turn.today, invoices=numbers,
                              note=f"conversation:{turn.conversation.id}: {said_sent}{turn.text[:200]}")
    except ARError as refused:
        ctx["request"] = {"kind": "promise", "amount": amount, "numbers": numbers}
        return say(f"I couldn't note that: {refused}. Which later date should I use?", state="ask_promise_date")
    held_off = ("Reminders to your account are paused meanwhile. "
                if reads.reminders_paused(turn.services, turn.account, turn.today)  # a dunning hold: no date to name
                else f"We'll hold off reminders until {texts.day(made.held_off_until)}. ")
    if sent_on is not None:
        what = _promised(made.invoices, made.amount, said=money)
        payment = (f"your payment {'for' if made.invoices else 'of'} {what}" if made.invoices or money
                   else "your payment")
        return say(f"Thank you — I've noted that {payment} went out on {texts.day(sent_on)}. {held_off}If it hasn't "
                   "reached us by then, reminders start again.")
    return say(f"Thank you — I've noted that you'll pay {_promised(made.invoices, made.amount, said=money)} by "
               f"{texts.day(made.promised_for)}. {held_off}Say PAY whenever you're ready to pay here.")


def _promised(numbers: tuple[str, ...], amount: Money | None, *, said: Money | None) -> str:
    """"104108 ($2,044.12)", "$500.00 on 104108", "$500.00", "your balance"."""
    named = " and ".join(numbers) if len(numbers) < 3 else ", ".join(numbers[:-1]) + f" and {numbers[-1]}"
    if numbers and said is not None:
        return f"{texts.money(said)} on {named}"
    if numbers and amount is not None:
        return f"{named} ({texts.money(amount)}{' in all' if len(numbers) > 1 else ''})"
    return texts.money(said) if said is not None else "your balance"


def dispute(turn: Turn, ctx: dict[str, Any]) -> Step:
    """Record the dispute (core.ledger) and tell staff, in one transaction; a person answers. Until staff resolve
    it, the amount disputed on a named invoice (the one said, else all that is open on it) is left out of
    reminders and of PAY ALL."""
    p, settings = turn.parsed, turn.services.settings
    debits = reads.open_debits(turn.services, turn.account, turn.today) if p.invoices else []
    found = [matched[0] if len(matched := reads.matching(debits, ref)) == 1 else ref for ref in p.invoices]
    invoices = list({d.number: d for d in found if isinstance(d, OpenDebit)}.values())
    unknown = [ref for ref in found if isinstance(ref, str)]
    said = Money.of(p.amount, turn.account.currency) if p.amount is not None and len(invoices) <= 1 else None
    numbers = [d.number for d in invoices] + unknown
    about = f" about {', '.join(numbers)}" if numbers else ""
    with turn.services.db.uow() as uow:
        recorded = [ledger.open_dispute(uow.session, turn.actor, customer_code=turn.account.code, invoice=number,
                                        amount=said, reason=p.reason, words=turn.text, channel=turn.inbound.channel,
                                        now=turn.now) for number in _invoices_or_none(invoices)]
        references = ", ".join(r.reference for r in recorded)
        body = (f"Customer {turn.account.code} ({turn.account.name}) reports a problem{about} through "
                f"{turn.inbound.channel} (conversation {turn.conversation.id}). Reference: {references}.\n"
                f"{_held_lines(recorded)}Reason: {p.reason or 'not given'}\nTheir words: {turn.text[:1000]}\n"
                "Resolve it in the console (Disputes) once settled: the amount is asked for again from then on.\n")
        outbox.queue(uow.session, turn.actor, channel="email", recipient=settings.seller_email,
                     template="bot.dispute", subject=f"Dispute {references} from {turn.account.code}{about}",
                     body_text=body, reason="dispute", customer_id=turn.account.id, approved=True)
        uow.commit()
    return say(_dispute_reply(recorded, unknown, references,
                              paused=reads.reminders_paused(turn.services, turn.account, turn.today)))


def _invoices_or_none(invoices: list[OpenDebit]) -> list[str | None]:
    """One dispute per invoice named; one for the account when none is."""
    return [d.number for d in invoices] or [None]


def _held_lines(recorded: list[DisputeView]) -> str:
    return "".join(f"Held out of reminders and PAY ALL: {texts.money(r.held)} on {r.invoice}\n" for r in recorded
                   if r.held is not None and r.held.is_positive())


def _dispute_reply(recorded: list[DisputeView], unknown: list[str], references: str, *, paused: bool = False) -> str:
    """What was recorded, what we hold back meanwhile, and the reference (no word of reminders while `paused`: the
    account is on dunning hold)."""
    holding = [r for r in recorded if r.held is not None and r.held.is_positive()]
    text = "Thanks for letting us know. "
    if holding:
        held = " and ".join(f"{texts.money(r.held)} on {r.invoice}" for r in holding)  # type: ignore[arg-type]
        named, them = " and ".join(str(r.invoice) for r in holding), "it" if len(holding) == 1 else "them"
        reminders = "" if paused else "reminders leave that amount out, and "
        text += (f"I've recorded your dispute of {held}. Until our team has looked at it, {reminders}"
                 f"PAY ALL leaves {named} out unless you name {them}. ")
    else:
        text += "I've recorded this and passed it to our team. "
    if unknown:
        text += f"I couldn't find {' or '.join(unknown)} among your open invoices, so our team will check it. "
    return text + f"A person will get back to you. Reference: {references}."


def handoff(turn: Turn, ctx: dict[str, Any]) -> Step:
    """A person is asked for: when they will answer, by the business hours (bot.flows_handoff)."""
    return flows_handoff.handoff(turn, ctx)


def with_agent(turn: Turn, ctx: dict[str, Any]) -> Step:
    """A person has the conversation, or is about to: BOT brings the bot back; follow-ups are answered once."""
    return flows_handoff.with_agent(turn, ctx)

