"""A chat handed to a person: the customer is told when someone will answer, and is never left in silence.

    idle ──agent──▶ agent: "someone will answer by 8:15 AM PST" (open) │ "we open Mon at 8:00 AM PST" (closed)
    agent ── a message, no one has taken the chat ──▶ agent: "a colleague has your messages", once
          ── a message past the time promised ──────▶ agent: "sorry, no one has taken it yet; BOT for me", once
                                                       (or pushed unasked: core.conversations.tell_unanswered_handoffs)
          ── a message while a person has it ───────▶ agent: recorded; the person answers (core.conversations)
          ── BOT (or staff hand it back) ───────────▶ idle

The promise is kept in ctx["handoff"] (when asked, by when a person should answer, what was said since); taking the
chat over (core.conversations.take_over) replaces the context, so a person who has it is never spoken over.
Business hours and the wait are settings (core.conversations.Hours), said in the customer's time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot import texts
from bot.dialogue_core import Step, Turn, say
from core import kernel
from core.conversations import Hours, clock, handoff_is_late, handoff_late_notice, hours_zone

RETURN_WORD = "bot"


def hours_of(turn: Turn) -> Hours:
    settings = turn.services.settings
    return Hours(settings.business_hours, settings.seller_timezone)


def handoff(turn: Turn, ctx: dict[str, Any]) -> Step:
    settings, hours = turn.services.settings, hours_of(turn)
    wait = dt.timedelta(minutes=settings.handoff_wait_minutes)
    answer_by = hours.answer_by(turn.now, wait)
    with turn.services.db.uow() as uow:
        kernel.record_audit(uow.session, turn.actor, "conversation.handoff", customer_id=turn.account.id,
                            subject=f"conversation:{turn.conversation.id}", channel=turn.inbound.channel,
                            message=turn.text[:500], answer_by=answer_by.isoformat())
        uow.commit()
    ctx["handoff"] = {"at": turn.now.isoformat(), "answer_by": answer_by.isoformat()}
    if hours.is_open(turn.now) or not settings.business_hours:
        return say(texts.HANDOFF.format(when=f"within {texts.count(settings.handoff_wait_minutes, 'minute')}"),
                   state="agent")
    opening = hours.next_opening(turn.now) or turn.now
    return say(texts.HANDOFF_CLOSED.format(hours=hours.told_in(turn.account.timezone, turn.now),
                                           opens=moment_told(turn, opening)), state="agent")


def with_agent(turn: Turn, ctx: dict[str, Any]) -> Step:
    """A person has the conversation, or is about to: only BOT brings the bot back; the rest is answered once."""
    if turn.inbound.text.strip().strip(".!").lower() == RETURN_WORD:
        return back(turn, ctx)
    waiting: dict[str, Any] | None = ctx.get("handoff")
    if ctx.get("agent") or waiting is None:
        return Step([], state="agent")  # a person has it (or staff put it here): they answer, the bot keeps quiet
    if handoff_is_late(ctx, turn.now):
        ctx["handoff"] = {**waiting, "late_told": True, "acknowledged": True}
        return say(handoff_late_notice(hours_of(turn), turn.account.timezone, turn.now), state="agent")
    if waiting.get("acknowledged"):
        return Step([], state="agent")
    ctx["handoff"] = {**waiting, "acknowledged": True}
    answer_by = dt.datetime.fromisoformat(waiting["answer_by"])
    return say(texts.HANDOFF_ACK.format(when=moment_told(turn, answer_by)), state="agent")


def back(turn: Turn, ctx: dict[str, Any]) -> Step:
    ctx.pop("agent", None)  # whoever had the chat has it no longer (core.conversations.takeover)
    ctx.pop("handoff", None)
    with turn.services.db.uow() as uow:
        kernel.record_audit(uow.session, turn.actor, "conversation.handoff_ended", customer_id=turn.account.id,
                            subject=f"conversation:{turn.conversation.id}", channel=turn.inbound.channel,
                            by="customer")
        uow.commit()
    return say(texts.BACK_FROM_AGENT)


def moment_told(turn: Turn, moment: dt.datetime) -> str:
    """"8:15 AM PST" today, "Mon, Nov 23 at 8:00 AM PST" another day: the customer's clock."""
    there = moment.astimezone(hours_zone(turn.account.timezone))
    label = f"{clock(there)} {there.tzname() or ''}".strip()
    if there.date() == turn.now.astimezone(there.tzinfo).date():
        return label
    return f"{there:%a, %b} {there.day} at {label}"
