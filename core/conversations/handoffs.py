"""Chats handed to staff that no one has taken by the time the customer was promised: they are told so, once, and
offered the bot back — when they write again (bot.flows_handoff) or, if they just wait, by a pushed message.

    agent, waiting (context "handoff": at, answer_by) ── answer_by passed, no one took it ──▶ told once ("late_told")
    agent, taken (context "agent": the person) ──▶ never spoken over

The notice is one template (chat.handoff_late.txt), the hours in the customer's time zone (core.conversations.hours).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from core.conversations.hours import Hours
from core.conversations.models import Conversation, ConversationTurn
from core.conversations.takeover import REPLY_CHANNELS
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.db import UnitOfWork, as_utc
from core.ledger.models import Customer
from core.outbox.lifecycle import queue
from core.outbox.messages import render

ACTOR = Actor("handoff-watch", "scheduler")


def late_notice(hours: Hours, customer_zone: str, now: dt.datetime) -> str:
    """What a customer whose chat no one has taken is told: sorry, our hours (their clock), BOT for the assistant."""
    return render("chat.handoff_late.txt", hours=hours.told_in(customer_zone, now))


def is_late(context: dict[str, Any], now: dt.datetime) -> bool:
    """A chat waiting for a person past the time promised, not yet told so, and taken by no one."""
    waiting = context.get("handoff")
    if context.get("agent") or not isinstance(waiting, dict) or waiting.get("late_told"):
        return False
    return as_utc(dt.datetime.fromisoformat(waiting["answer_by"])) <= now


def tell_unanswered(uow: UnitOfWork, settings: Settings, now: dt.datetime) -> int:
    """Push the late notice to every chat waiting for a person past the time promised; returns how many were told.
    Each chat is told once (its context says so, in the same transaction as the message)."""
    hours = Hours(settings.business_hours, settings.seller_timezone)
    told = 0
    with uow:
        waiting = uow.session.execute(
            select(Conversation, Customer.timezone).outerjoin(Customer, Customer.id == Conversation.customer_id)
            .where(Conversation.state == "agent", Conversation.channel.in_(REPLY_CHANNELS))
            .with_for_update(of=Conversation, skip_locked=True)).all()
        for convo, zone in waiting:
            context = dict(convo.context or {})
            if not is_late(context, now):
                continue
            text = late_notice(hours, zone or settings.seller_timezone, now)
            queue(uow.session, ACTOR, channel=convo.channel, recipient=convo.external_id, template="chat.handoff_late",
                  body_text=text, reason="handoff_late", customer_id=convo.customer_id, approved=True,
                  dedupe_key=f"handoff-late:{convo.id}:{context['handoff']['at']}")
            uow.session.add(ConversationTurn(conversation_id=convo.id, channel=convo.channel, direction="out",
                                             text=text, intent="handoff_late", created_at=now))
            convo.context = {**context, "handoff": {**context["handoff"], "late_told": True, "acknowledged": True}}
            audit.record(uow.session, ACTOR, "conversation.handoff_late", customer_id=convo.customer_id,
                         subject=f"conversation:{convo.id}", channel=convo.channel)
            told += 1
        uow.commit()
    return told
