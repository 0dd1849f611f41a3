"""A person takes a chat over from the bot, answers the customer, and hands it back.

    bot states ──take over──▶ agent {"agent": "alice"} ──reply──▶ a turn out + an outbox message ──▶ agent
                                          └──hand back (core.conversations.end_handoff) or the customer's BOT──▶ idle

While the conversation is in state "agent" the bot records what the customer writes and stays quiet
(bot.flows_care.with_agent). The person holding it is the only one who replies; another takes it over only
after it is handed back. A reply goes through the outbox to the chat it came from (the Telegram chat, the SMS
number), approved, so the dispatcher sends it like any chat message; its turn names the agent.
"""

from __future__ import annotations

import datetime as dt

from core.conversations.chats import ConversationView, redact
from core.conversations.models import Conversation, ConversationTurn
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Conflict, Invalid, NotFound
from core.outbox import lifecycle as outbox

REPLY_CHANNELS = ("telegram", "sms")  # chats a message can be pushed to; the terminal and demo chat cannot
AGENT_INTENT = "agent:"  # an outbound turn written by a person: intent "agent:<username>"
MAX_REPLY = 1600  # an SMS of ten segments; Telegram takes 4096


def _locked(uow: UnitOfWork, conversation_id: int) -> Conversation:
    convo = uow.session.get(Conversation, conversation_id, with_for_update=True)
    if convo is None:
        raise NotFound("conversation", conversation_id)
    return convo


def holder(convo: Conversation | ConversationView) -> str | None:
    """The person who has the conversation; None while the bot has it or while it waits for someone."""
    return str(convo.context.get("agent")) if convo.state == "agent" and (convo.context or {}).get("agent") else None


def take_over(uow: UnitOfWork, conversation_id: int, agent: str, actor: Actor) -> ConversationView:
    """The bot stops answering; `agent` (a username) has the chat until it is handed back."""
    with uow:
        convo = _locked(uow, conversation_id)
        current = holder(convo)
        if current is not None and current != agent:
            raise Conflict(f"{current} has this conversation; it can be taken over once they hand it back")
        convo.state, convo.context = "agent", {"agent": agent}  # an open quote is dropped: a person answers now
        audit.record(uow.session, actor, "conversation.taken_over", customer_id=convo.customer_id,
                     subject=f"conversation:{convo.id}", channel=convo.channel, agent=agent)
        view = ConversationView.of(convo)
        uow.commit()
        return view


def agent_reply(uow: UnitOfWork, conversation_id: int, text: str, agent: str, actor: Actor,
                now: dt.datetime | None = None) -> int:
    """Write the agent's message into the transcript and the outbox; returns the outbox message's id."""
    clean = redact(text.strip())[0]  # a card number typed here would reach the transcript and the customer
    if not clean:
        raise Invalid("write a message first", "text")
    if len(clean) > MAX_REPLY:
        raise Invalid(f"a reply is at most {MAX_REPLY} characters", "text")
    with uow:
        convo = _locked(uow, conversation_id)
        if holder(convo) != agent:
            raise Conflict("take the conversation over before replying")
        if convo.channel not in REPLY_CHANNELS:
            raise Invalid(f"a {convo.channel} conversation cannot be written to", "channel")
        uow.session.add(ConversationTurn(conversation_id=convo.id, channel=convo.channel, direction="out", text=clean,
                                         intent=(AGENT_INTENT + agent)[:30], created_at=now or dt.datetime.now(dt.UTC)))
        message = outbox.queue(uow.session, actor, channel=convo.channel, recipient=convo.external_id,
                               template="chat.agent_reply", body_text=clean, reason="agent_reply",
                               customer_id=convo.customer_id, approved=True)
        audit.record(uow.session, actor, "conversation.agent_reply", customer_id=convo.customer_id,
                     subject=f"conversation:{convo.id}", channel=convo.channel, outbox_id=message.id,
                     characters=len(clean))
        uow.commit()
        return message.id
