"""One default payment method for every channel (core.payments.method_choice): the chat, the phone line and the
agent console offer the same saved method for the same customer, each through its own front door — an SMS to
the bot, the IVR's signed webhooks, the console's Make Payment page."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient

from core import staff
from core.bootstrap import Services
from core.kernel import Actor
from tests.e2e.test_twilio_webhooks import call, client, press, spoken  # noqa: F401 - client: the app with Twilio
from tests.integration.bot.test_dialogue import Chat, acme_book, add_card, payments, use_sandbox

PASSWORD = "correct horse battery"


@pytest.fixture
def app(client: TestClient, services: Services) -> TestClient:  # noqa: F811 - the imported fixture
    """Acme (tests.integration.bot.test_dialogue's book: INV-1043 and INV-1044 past due, the phone +1 510 555 0123)
    reachable by SMS and by phone, and an agent who can sign in to the console."""
    use_sandbox(services)
    acme_book(services.db)
    staff.add_user(services.db.uow(), "agent", PASSWORD, "agent", Actor("test", "test"))
    return client


def offered_by_sms(chat: Chat) -> str:
    quote = chat.say("pay 1044")
    chat.say("no")
    found = re.search(r"Method: (.+)", quote)
    assert found, quote
    return found.group(1)


def offered_by_phone(http: TestClient, services: Services) -> str:
    offer = spoken(press(http, services, call(http, services), "2"))
    found = re.search(r"now with your (\w+) ending in ([\d ]+), press 1", offer)
    assert found, offer
    return f"{found.group(1).title()} •{found.group(2).replace(' ', '')}"


def preselected_in_console(http: TestClient) -> str:
    http.get("/console/login")
    signed = http.post("/console/login", data={"username": "agent", "password": PASSWORD,
                                               "_csrf_token": http.cookies.get("aragent_csrf")},
                       follow_redirects=False)
    assert signed.status_code == 303
    page = http.get("/console/customers/ACME/pay?invoice=INV-1044")
    assert page.status_code == 200, page.text
    found = re.search(r'name="method" value="\d+"\s*checked>\s*<span><strong>([^<]+)</strong>', page.text)
    assert found, page.text
    return found.group(1)


def test_after_a_decline_every_channel_offers_the_card_saved_since(app: TestClient, services: Services) -> None:
    # The customer: the SMS bot offered Visa •0002, just declined, while the phone line offered the
    # Mastercard saved after it (and the console preselected the first card on file).
    add_card(services.db, "tok_card_declined", "visa", "0002")
    chat = Chat(services)
    chat.say("pay 1043")
    assert "did not go through" in chat.say("yes")
    add_card(services.db, "tok_mastercard", "mastercard", "4444")

    chosen = {"sms": offered_by_sms(chat), "phone": offered_by_phone(app, services),
              "console": preselected_in_console(app)}

    assert chosen == {"sms": "Mastercard •4444", "phone": "Mastercard •4444", "console": "Mastercard •4444"}
    assert [status for _, status, _ in payments(services.db)] == ["failed"]  # offering moved no money


def test_the_card_that_paid_last_beats_one_saved_later_everywhere(app: TestClient, services: Services) -> None:
    add_card(services.db, "tok_visa", "visa", "4242")
    chat = Chat(services)
    chat.say("pay 1043")
    assert "on its way" in chat.say("yes")
    add_card(services.db, "tok_mastercard", "mastercard", "4444")  # saved, never used: the phone chose it before

    chosen = {"sms": offered_by_sms(chat), "phone": offered_by_phone(app, services),
              "console": preselected_in_console(app)}

    assert chosen == {"sms": "Visa •4242", "phone": "Visa •4242", "console": "Visa •4242"}
