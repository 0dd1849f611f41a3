"""What needs a person or a promise: promise to pay, dispute, handoff to an agent, SMS STOP and START.

    idle ──promise──▶ date given? ──yes──▶ PaymentPromise (dunning holds off) ──▶ idle
                                  └─no──▶ ask_promise_date ──date──▶ PaymentPromise ──▶ idle
    idle ──dispute──▶ audit event + a message for staff ──▶ idle
    idle ──agent────▶ agent ──"BOT" (or staff end it)──▶ idle;  anything else in agent: recorded, no answer
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot import dialogue_reads as reads
from bot import texts
from bot.dialogue_core import Step, Turn, say
from core import kernel, outbox
from core.dunning import record_promise
from core.kernel import ARError, Money

RETURN_WORD = "bot"


def promise(turn: Turn, ctx: dict[str, Any]) -> Step:
    amount = None if turn.parsed.amount is None else str(turn.parsed.amount)
    if turn.parsed.date is None:
        ctx["request"] = {"kind": "promise", "amount": amount}
        return say("Thanks! By which date will you pay? For example FRIDAY or DEC 5.", state="ask_promise_date")
    return _record(turn, ctx, turn.parsed.date, amount)


def ask_promise_date(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    if turn.parsed.date is None:
        return None if turn.parsed.intent not in ("unknown", "promise") else say(
            "Which date? For example FRIDAY or DEC 5 — or NO to cancel.", state="ask_promise_date")
    return _record(turn, ctx, turn.parsed.date, ctx.get("request", {}).get("amount"))


def _record(turn: Turn, ctx: dict[str, Any], when: dt.date, amount: str | None) -> Step:
    money = None if amount is None else Money.of(amount, turn.account.currency)
    try:
        made = record_promise(turn.services.db.uow(), turn.account.code, when, money, turn.actor, turn.inbound.channel,
                              grace_days=turn.services.settings.promise_grace_days, today=turn.today,
                              note=f"conversation:{turn.conversation.id}: {turn.text[:200]}")
    except ARError as refused:
        ctx["request"] = {"kind": "promise", "amount": amount}
        return say(f"I couldn't note that: {refused}. Which later date should I use?", state="ask_promise_date")
    what = texts.money(money) if money else "your balance"
    return say(f"Thank you — I've noted that you'll pay {what} by {texts.day(made.promised_for)}. We'll hold "
               f"off reminders until {texts.day(made.held_off_until)}. Say PAY whenever you're ready to pay here.")


def dispute(turn: Turn, ctx: dict[str, Any]) -> Step:
    """Record it and tell staff; a person answers. Nothing about the invoices changes by itself."""
    p, settings = turn.parsed, turn.services.settings
    debits = reads.open_debits(turn.services, turn.account, turn.today) if p.invoices else []
    numbers = [found[0].number if len(found := reads.matching(debits, ref)) == 1 else ref for ref in p.invoices]
    about = f" about {', '.join(numbers)}" if numbers else ""
    with turn.services.db.uow() as uow:
        kernel.record_audit(uow.session, turn.actor, "dispute.reported", customer_id=turn.account.id,
                     subject=f"conversation:{turn.conversation.id}", invoices=numbers, reason=p.reason,
                     message=turn.text[:500], channel=turn.inbound.channel)
        body = (f"Customer {turn.account.code} ({turn.account.name}) reports a problem{about} through "
                f"{turn.inbound.channel} (conversation {turn.conversation.id}).\nReason: {p.reason or 'not given'}\n"
                f"Their words: {turn.text[:1000]}\n")
        message = outbox.queue(uow.session, turn.actor, channel="email", recipient=settings.seller_email,
                               template="bot.dispute", subject=f"Dispute from {turn.account.code}{about}",
                               body_text=body, reason="dispute", customer_id=turn.account.id, approved=True)
        uow.commit()
        reference = f"D-{message.id}"
    return say(texts.DISPUTE.format(about=about, reference=reference))


def handoff(turn: Turn, ctx: dict[str, Any]) -> Step:
    with turn.services.db.uow() as uow:
        kernel.record_audit(uow.session, turn.actor, "conversation.handoff", customer_id=turn.account.id,
                     subject=f"conversation:{turn.conversation.id}", channel=turn.inbound.channel,
                     message=turn.text[:500])
        uow.commit()
    return say(texts.HANDOFF, state="agent")


def with_agent(turn: Turn, ctx: dict[str, Any]) -> Step:
    """A person has the conversation: the bot answers only the word that brings it back."""
    if turn.inbound.text.strip().lower() != RETURN_WORD:
        return Step([], state="agent")
    ctx.pop("agent", None)  # whoever had the chat has it no longer (core.conversations.takeover)
    with turn.services.db.uow() as uow:
        kernel.record_audit(uow.session, turn.actor, "conversation.handoff_ended", customer_id=turn.account.id,
                     subject=f"conversation:{turn.conversation.id}", channel=turn.inbound.channel, by="customer")
        uow.commit()
    return say(texts.BACK_FROM_AGENT)

