"""The conversations staff see first, on both backends: every one waiting for a person, a handoff asked for in the
console's demo chat included, ahead of the bot's; the demo chats the bot still has stay out of the way."""

from __future__ import annotations

import datetime as dt

from bot.engine import handle
from bot.turns import Inbound
from core import conversations
from core.bootstrap import Services
from core.kernel import Actor
from tests.books import customer

STAFF = Actor("user:agent", "console")


def demo_chat(services: Services, sender: str, text: str) -> int:
    """What the console's demo chat does: a conversation acting for ACME, then the staff's message to the bot."""
    customer_id, contact_id = conversations.acting_as(services.db.uow(), "ACME")
    convo = conversations.open_conversation(services.db.uow(), conversations.DEMO_CHANNEL, sender)
    conversations.link_customer(services.db.uow(), convo.id, customer_id=customer_id, contact_id=contact_id,
                                now=dt.datetime.now(dt.UTC), actor=STAFF, how="console demo chat")
    handle(services, Inbound(conversations.DEMO_CHANNEL, sender, text))
    return convo.id


def test_the_default_view_shows_a_demo_chat_handoff_first_and_hides_the_bots_demo_chats(services: Services) -> None:
    customer(services.db, phone="+15105550123")
    handle(services, Inbound("sms", "+15105550123", "balance", provider_id="SM1"))
    asked = demo_chat(services, "agent:ACME:1", "Can I talk to a person please?")
    chatting = demo_chat(services, "agent:ACME:2", "balance")

    rows = conversations.conversations(services.db.uow())

    assert [(row.channel, row.status) for row in rows] == [("demo", "waiting"), ("sms", "bot")]
    assert rows[0].id == asked and chatting not in {row.id for row in rows}
    assert [row.id for row in conversations.conversations(services.db.uow(), needs_agent=True)] == [asked]
    assert {row.id for row in conversations.conversations(services.db.uow(), channel="demo")} == {asked, chatting}
