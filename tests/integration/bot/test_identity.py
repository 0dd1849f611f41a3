"""Who a conversation acts for: linking by one-time token, by a shared contact, by phone — and nothing at all
for anyone else. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.turns import Reply
from core.bootstrap import Services
from core.conversations import link_tokens
from core.conversations.chats import end_handoff, transcript
from core.conversations.models import Conversation
from core.kernel.models import AuditEvent
from core.ledger.models import Contact
from tests.books import TEST_ACTOR, customer
from tests.integration.bot.test_dialogue import NOW, PHONE, Chat, acme_book, add_card, use_sandbox

TELEGRAM_USER = 777001
STRANGER = 777002
# Everything an account could give away: the name, amounts, invoice numbers.
SECRETS = ("Acme", "ACME", "$", "1,650", "1042", "1043", "1044", "250", "400")


@pytest.fixture
def book(services: Services) -> Services:
    use_sandbox(services)
    acme_book(services.db)
    add_card(services.db)
    return services


def telegram(services: Services, user: int) -> Chat:
    return Chat(services, channel="telegram", sender=str(user))


def linked_customer(services: Services, chat: Chat) -> int | None:
    with services.db.uow() as uow:
        return uow.session.scalar(select(Conversation.customer_id).where(Conversation.external_id == chat.sender))


def reveals_nothing(replies: list[Reply]) -> bool:
    text = " ".join(r.text + " ".join(b.label for b in r.buttons) for r in replies)
    return not any(secret in text for secret in SECRETS) and all(r.document_file_id is None for r in replies)


def test_an_unlinked_sender_learns_nothing_about_any_account(book: Services) -> None:
    for chat in (Chat(book, sender="+15105559999"), telegram(book, STRANGER), Chat(book, "cli", "+442079460958")):
        for message in ("balance", "pay INV-1042", "invoices", "october statement", "yes", "history", "agent"):
            replies = chat.send(message)
            assert replies and reveals_nothing(replies), (chat.channel, message, replies)
        assert linked_customer(book, chat) is None


def test_a_number_shared_by_contacts_of_two_customers_links_to_neither(book: Services) -> None:
    customer(book.db, "BETA", name="Beta LLC", phone=PHONE)
    chat = Chat(book)
    replies = chat.send("balance")
    assert reveals_nothing(replies) and "contact us" in replies[0].text
    assert linked_customer(book, chat) is None


def test_sms_from_a_contacts_number_links_and_answers(book: Services) -> None:
    chat = Chat(book)
    assert "$1,650.00" in chat.say("balance")
    with book.db.uow() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "conversation.linked")).one()
        assert (event.details["how"], event.channel) == ("phone", "sms")


def test_start_token_links_the_telegram_chat_once(book: Services) -> None:
    issued = link_tokens.issue(book.db.uow(), "ACME", TEST_ACTOR, now=NOW)
    assert len(issued.token) <= 64 and link_tokens.TOKEN_SHAPE.fullmatch(issued.token)
    chat = telegram(book, TELEGRAM_USER)
    assert "connected to Acme Corp" in chat.say(f"/start {issued.token}", sender_user_id=TELEGRAM_USER)
    assert "$1,650.00" in chat.say("balance")
    with book.db.uow() as uow:
        assert uow.session.scalar(select(Contact.telegram_user_id)) == TELEGRAM_USER  # outbound reaches this chat
    thief = telegram(book, STRANGER)
    replies = thief.send(f"/start {issued.token}", sender_user_id=STRANGER)  # the same token again
    assert reveals_nothing(replies) and "not valid" in replies[0].text
    assert linked_customer(book, thief) is None


def test_an_expired_or_unknown_token_is_refused_in_the_same_words(book: Services) -> None:
    old = link_tokens.issue(book.db.uow(), "ACME", TEST_ACTOR, ttl=dt.timedelta(hours=1),
                            now=NOW - dt.timedelta(hours=2))
    chat = telegram(book, STRANGER)
    expired = chat.send(f"/start {old.token}", sender_user_id=STRANGER)
    unknown = chat.send("/start Zm9vYmFyYmF6cXV4", sender_user_id=STRANGER)
    assert expired[0].text == unknown[0].text and reveals_nothing(expired + unknown)
    assert linked_customer(book, chat) is None


def test_a_shared_contact_links_only_when_it_is_the_senders_own(book: Services) -> None:
    someone_else = telegram(book, STRANGER)
    replies = someone_else.send("", shared_phone=PHONE, shared_user_id=TELEGRAM_USER, sender_user_id=STRANGER)
    assert reveals_nothing(replies) and linked_customer(book, someone_else) is None
    own = telegram(book, TELEGRAM_USER)
    welcome = own.say("", shared_phone="(510) 555-0123", shared_user_id=TELEGRAM_USER, sender_user_id=TELEGRAM_USER)
    assert "connected to Acme Corp" in welcome and linked_customer(book, own) is not None


def test_an_unknown_shared_number_is_refused_without_detail(book: Services) -> None:
    chat = telegram(book, STRANGER)
    replies = chat.send("", shared_phone="+15105559999", shared_user_id=STRANGER, sender_user_id=STRANGER)
    assert reveals_nothing(replies) and linked_customer(book, chat) is None


def test_staff_end_a_handoff_and_the_bot_answers_again(book: Services) -> None:
    chat = Chat(book)
    chat.say("agent")
    assert "has your messages" in chat.say("anyone there?")  # acknowledged once (issue 15.7)
    assert chat.send("hello?") == []
    conversation_id = chat.conversation_id()
    assert end_handoff(book.db.uow(), conversation_id, TEST_ACTOR)
    assert "$1,650.00" in chat.say("balance")
    turns = transcript(book.db.uow(), conversation_id)
    # Every message is in the transcript, the one nobody answered too.
    assert [t.direction for t in turns] == ["in", "out", "in", "out", "in", "in", "out"]
    assert (turns[0].text, turns[2].text) == ("agent", "anyone there?")
