"""A person takes a chat over from the bot, replies through the outbox, and hands it back (both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.engine import handle
from bot.turns import Inbound
from core.bootstrap import Services
from core.conversations import chats as conversations
from core.conversations import reads as conversation_reads
from core.conversations import takeover
from core.kernel.audit import Actor
from core.kernel.errors import Conflict, Invalid
from core.kernel.models import AuditEvent
from core.outbox.models import OutboxMessage
from tests.books import customer

PHONE = "+15105550123"
ALICE, BOB = Actor("user:alice", "console"), Actor("user:bob", "console")


@pytest.fixture
def waiting(services: Services) -> int:
    """An SMS conversation whose customer asked for a person."""
    customer(services.db, phone=PHONE)
    handle(services, Inbound("sms", PHONE, "I want to talk to a person", provider_id="SM1"))
    (row,) = conversation_reads.conversations(services.db.uow(), needs_agent=True)
    return row.id


def test_take_over_reply_and_hand_back(services: Services, waiting: int) -> None:
    takeover.take_over(services.db.uow(), waiting, "alice", ALICE)
    handle(services, Inbound("sms", PHONE, "hello?", provider_id="SM2"))  # the bot stays quiet
    outbox_id = takeover.agent_reply(services.db.uow(), waiting, "Hi, Alice here. Invoice 1001 is fixed.", "alice",
                                     ALICE)

    row, lines = conversation_reads.conversation(services.db.uow(), waiting)
    assert (row.status, row.agent) == ("agent", "alice")
    assert [(line.kind, line.agent) for line in lines[-2:]] == [("in", None), ("agent", "alice")]
    with services.db.uow() as uow:
        message = uow.session.get(OutboxMessage, outbox_id)
        assert message is not None
        assert (message.channel, message.recipient, message.status) == ("sms", PHONE, "approved")
        assert message.body_text == "Hi, Alice here. Invoice 1001 is fixed."
        actions = set(uow.session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "user:alice")))
    assert actions == {"conversation.taken_over", "conversation.agent_reply"}

    assert conversations.end_handoff(services.db.uow(), waiting, ALICE) is True
    assert conversation_reads.conversation(services.db.uow(), waiting)[0].status == "bot"


def test_only_the_holder_replies_and_another_waits_for_the_hand_back(services: Services, waiting: int) -> None:
    with pytest.raises(Conflict):
        takeover.agent_reply(services.db.uow(), waiting, "Hello", "alice", ALICE)  # not taken over yet
    takeover.take_over(services.db.uow(), waiting, "alice", ALICE)

    with pytest.raises(Conflict):
        takeover.take_over(services.db.uow(), waiting, "bob", BOB)
    with pytest.raises(Conflict):
        takeover.agent_reply(services.db.uow(), waiting, "Hello", "bob", BOB)
    with pytest.raises(Invalid):
        takeover.agent_reply(services.db.uow(), waiting, "   ", "alice", ALICE)


def test_a_card_number_typed_by_an_agent_never_leaves(services: Services, waiting: int) -> None:
    takeover.take_over(services.db.uow(), waiting, "alice", ALICE)
    outbox_id = takeover.agent_reply(services.db.uow(), waiting, "Is it 4242 4242 4242 4242?", "alice", ALICE)

    with services.db.uow() as uow:
        message = uow.session.get(OutboxMessage, outbox_id)
        assert message is not None and "4242 4242" not in message.body_text


def test_the_customer_typing_bot_ends_the_takeover(services: Services, waiting: int) -> None:
    takeover.take_over(services.db.uow(), waiting, "alice", ALICE)
    handle(services, Inbound("sms", PHONE, "BOT", provider_id="SM3"))
    handle(services, Inbound("sms", PHONE, "agent please", provider_id="SM4"))

    row, _ = conversation_reads.conversation(services.db.uow(), waiting)
    assert row.status == "waiting"  # asked again: nobody has it until someone takes it over
