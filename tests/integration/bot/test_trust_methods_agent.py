"""Issue 15, items 6, 7 and 10 through `bot.engine.handle` on SQLite and PostgreSQL: the customer chooses the card
(by brand, last 4 or position; the named one pays, an unclear one is asked), a chat handed to a person is never left
in silence (business hours, one acknowledgement, the bot offered back after the wait), and texts read as a person
would write them."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from bot import texts
from core.bootstrap import Services
from core.conversations import take_over, tell_unanswered_handoffs
from core.kernel.audit import Actor
from core.kernel.config import SettingsError, load_settings
from core.ledger.models import Payment
from core.outbox.models import OutboxMessage
from core.payments.models import PaymentQuote
from tests.books import customer, invoice
from tests.integration.bot.test_dialogue import NOW, Chat, acme_book, add_card, count, use_sandbox

MONDAY_MORNING_ET = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # 10:00 in New York, 09:00 in Chicago


def paid_with(services: Services) -> list[tuple[int, int | None, str]]:
    """(amount in cents, method id, status) of every payment, oldest first."""
    with services.db.uow() as uow:
        rows = uow.session.scalars(select(Payment).order_by(Payment.id))
        return [(p.amount_minor, p.method_id, p.status) for p in rows]


@pytest.fixture
def chat(services: Services) -> Chat:
    use_sandbox(services)
    acme_book(services.db)
    return Chat(services)


# -- item 6: choosing the card -----------------------------------------------------------------------------------


def test_the_card_named_in_the_pay_message_pays_not_the_default(chat: Chat) -> None:
    visa = add_card(chat.services.db)
    mastercard = add_card(chat.services.db, "tok_mastercard", "mastercard", "4444")
    chat.say("pay 1043 with visa 4242")
    chat.say("yes")  # Visa •4242 paid last: the default from now on

    quote = chat.say("pay 1044 and 1042 with mastercard 4444")
    assert "Method: Mastercard •4444" in quote and "Visa" not in quote
    chat.say("yes")

    # 1044 and 1042 with its 2% early-payment discount: $400.00 + $980.00
    assert [(amount, method) for amount, method, _ in paid_with(chat.services)] == [(25000, visa),
                                                                                 (138000, mastercard)]


def test_a_named_card_not_on_file_or_fitting_two_is_asked_and_nothing_is_quoted(chat: Chat) -> None:
    first = add_card(chat.services.db)
    add_card(chat.services.db, "tok_visa_debit", "visa", "5556")

    unknown = chat.say("pay 1043 with my amex")
    assert "I don't see an Amex on file" in unknown and "1. Visa •4242" in unknown
    two = chat.say("pay 1043 with the visa")
    assert "More than one method on file fits a Visa" in two
    assert count(chat.services.db, PaymentQuote) == 0  # nothing quoted on a guess
    assert "Method: Visa •4242" in chat.say("4242")
    chat.say("yes")

    assert [method for _, method, _ in paid_with(chat.services)] == [first]


def test_cards_lists_the_methods_numbered_and_card_2_pays_with_the_second(chat: Chat) -> None:
    add_card(chat.services.db)
    second = add_card(chat.services.db, "tok_mastercard", "mastercard", "4444")

    for asked in ("CARDS", "my cards", "payment methods"):
        listed = chat.say(asked)
        assert "1. Visa •4242\n2. Mastercard •4444" in listed, asked
    assert "Sorry, I didn't get that" not in chat.say("cards")
    assert "Method: Mastercard •4444" in chat.say("pay 1043 with card 2")
    chat.say("yes")

    assert [method for _, method, _ in paid_with(chat.services)] == [second]


def test_a_new_payment_while_the_card_is_asked_is_not_read_as_the_answer(chat: Chat) -> None:
    add_card(chat.services.db)
    mastercard = add_card(chat.services.db, "tok_mastercard", "mastercard", "4444")
    assert "Which card" in chat.say("pay 1043")

    quote = chat.say("pay 1043 and 1044 with mastercard 4444")  # before: 1043 alone, 1044 dropped
    assert "INV-1044" in quote and "Total: $650.00" in quote and "Mastercard •4444" in quote
    chat.say("yes")

    assert [(amount, method) for amount, method, _ in paid_with(chat.services)] == [(65000, mastercard)]


def test_the_card_just_declined_is_not_used_again_without_asking(chat: Chat) -> None:
    declined = add_card(chat.services.db, "tok_card_declined", "visa", "0002")
    chat.say("pay 1043")
    chat.say("yes")
    mastercard = add_card(chat.services.db, "tok_mastercard", "mastercard", "4444")

    assert "Method: Mastercard •4444" in chat.say("pay 1043")
    chat.say("yes")

    assert [(method, status) for _, method, status in paid_with(chat.services)] == [(declined, "failed"),
                                                                                  (mastercard, "pending")]


# -- item 7: a person is asked for -------------------------------------------------------------------------------


def hours(services: Services) -> None:
    services.settings = dataclasses.replace(services.settings, seller_timezone="America/New_York",
                                            business_hours=(((0, 1, 2, 3, 4), 8 * 60, 17 * 60),),
                                            handoff_wait_minutes=15)


@pytest.fixture
def central(services: Services) -> Chat:
    """Acme, in Chicago; the seller in New York, open Mon-Fri 08:00-17:00 there."""
    use_sandbox(services)
    acme_book(services.db)
    add_card(services.db)
    customer(services.db, "ACME", name="Acme Corp", phone="+1 510 555 0123", timezone="America/Chicago")
    hours(services)
    return Chat(services)


def test_out_of_hours_the_customer_hears_when_we_open_in_their_time_and_one_acknowledgement(central: Chat) -> None:
    asked = central.say("I want to talk to a person")  # Sunday 09:00 in Chicago

    assert "Mon–Fri 7:00 AM–4:00 PM CST" in asked and "Mon, Nov 23 at 7:00 AM CST" in asked and "BOT" in asked
    acknowledged = central.say("balance")
    assert "has your messages" in acknowledged and "Mon, Nov 23 at 7:15 AM CST" in acknowledged
    assert central.send("hello? anyone there?") == []  # said once; the person reads the rest
    assert central.state() == "agent"


def test_in_hours_after_the_wait_the_customer_is_told_and_offered_the_bot(central: Chat) -> None:
    central.now = MONDAY_MORNING_ET
    assert "someone will answer here within 15 minutes" in central.say("agent")
    central.later(minutes=5)
    assert "by 9:15 AM CST" in central.say("hello?")

    central.later(minutes=11)
    late = central.say("hello? anyone there?")
    assert "no one has been able to take your chat yet" in late and "BOT" in late
    assert central.send("still waiting") == []
    assert "back with the assistant" in central.say("bot")
    assert "$1,650.00" in central.say("balance")


def test_once_a_person_has_the_chat_the_bot_keeps_quiet(central: Chat) -> None:
    central.now = MONDAY_MORNING_ET
    central.say("agent")
    take_over(central.services.db.uow(), central.conversation_id(), "alice", Actor("user:alice", "console"))

    assert central.later(hours=2).send("are you there?") == []
    assert central.state() == "agent"


def test_a_customer_who_just_waits_is_told_once_that_no_one_took_the_chat(central: Chat) -> None:
    services, start = central.services, MONDAY_MORNING_ET
    central.now = start
    central.say("agent")
    other = Chat(services, sender="+15105550124", now=start)  # another chat, taken by a person: never pushed to
    customer(services.db, "BETA", name="Beta Inc", phone="+1 510 555 0124")
    other.say("agent")
    take_over(services.db.uow(), other.conversation_id(), "alice", Actor("user:alice", "console"))

    told = [tell_unanswered_handoffs(services.db.uow(), services.settings, start + dt.timedelta(minutes=m))
            for m in (10, 16, 30)]

    assert told == [0, 1, 0]
    with services.db.uow() as uow:
        (pushed,) = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.reason == "handoff_late"))
        assert (pushed.channel, pushed.recipient, pushed.status) == ("sms", central.sender, "approved")
        assert "Reply BOT" in pushed.body_text and "Mon–Fri 7:00 AM–4:00 PM CST" in pushed.body_text
    assert central.later(minutes=20).send("hello?") == []  # told already: not again
    assert central.state() == "agent"


def test_an_unknown_sender_asking_for_a_person_gets_a_way_to_reach_one(services: Services) -> None:
    acme_book(services.db)
    hours(services)
    stranger = Chat(services, sender="+14155550199")

    answer = stranger.say("I need to talk to a real person")
    settings = services.settings
    assert settings.seller_phone in answer and settings.seller_email in answer and "Mon–Fri 8:00 AM–5:00 PM" in answer
    assert "Open the link" not in answer and "Acme" not in answer
    assert "Open the link" in stranger.say("balance")  # anything else: how to get linked, as before


# -- item 10: texts -----------------------------------------------------------------------------------------------


def test_one_day_overdue_is_said_in_the_singular(chat: Chat) -> None:
    invoice(chat.services.db, "INV-1050", "75.00", (NOW.date() - dt.timedelta(days=31)).isoformat())

    listed = chat.say("invoices")

    assert "INV-1050 — $75.00, 1 day overdue" in listed and "1 days" not in listed


def test_a_seller_name_ending_in_a_period_is_not_followed_by_another() -> None:
    assert texts.tidy("connected to Bluewater Plumbing Co.. Ask me") == "connected to Bluewater Plumbing Co. Ask me"
    assert texts.tidy("Wait... ok.") == "Wait... ok."


def test_business_hours_are_read_from_settings_and_a_bad_value_is_refused_plainly() -> None:
    settings = load_settings(business_hours="Mon-Fri 08:00-17:00; Sat 09:00-12:00", seller_timezone="America/Denver",
                             handoff_wait_minutes="30")

    assert settings.business_hours == (((0, 1, 2, 3, 4), 480, 1020), ((5,), 540, 720))
    assert (settings.seller_timezone, settings.handoff_wait_minutes) == ("America/Denver", 30)
    with pytest.raises(SettingsError, match="ARAGENT_BUSINESS_HOURS"):
        load_settings(business_hours="weekdays 9 to 5")
    with pytest.raises(SettingsError, match="ARAGENT_SELLER_TIMEZONE"):
        load_settings(seller_timezone="Mars/Olympus")
