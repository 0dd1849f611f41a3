"""Conversations, a customer's link token and the demo chat, as staff use them (customers C1036–C1039)."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect
from sqlalchemy import select

from bot.engine import handle
from bot.turns import Inbound
from channels.web.console.pages import phone as shown_phone
from core.bootstrap import Services
from core.conversations.models import LinkToken
from core.ledger.models import Contact, Customer
from core.outbox.models import OutboxMessage
from tests.browser.conftest import LiveConsole


def phone_of(services: Services, code: str) -> str:
    with services.db.uow() as uow:
        phone = uow.session.scalar(select(Contact.phone).join(Customer).where(Customer.code == code)
                                   .order_by(Contact.is_primary.desc()).limit(1))
        assert phone, f"{code} has no phone in the demo book"
        return phone


def test_an_agent_takes_over_a_chat_replies_and_hands_it_back(signed_in, console: LiveConsole, shot) -> None:
    phone = phone_of(console.services, "C1036")
    asking = Inbound("sms", phone, "Can I talk to a person please?", provider_id=f"SM{uuid.uuid4().hex}")
    handle(console.services, asking)
    page = signed_in("agent")

    page.goto("/console/conversations")
    page.get_by_label("Waiting for an agent").check()
    page.get_by_role("button", name="Filter").click()
    row = page.locator("tr", has_text=shown_phone(phone))
    expect(row).to_contain_text("waiting for agent")
    expect(row).to_contain_text("C1036")
    shot(page, "conversations")
    row.get_by_role("link", name=re.compile("colleague")).click()

    expect(page.locator(".bubble.in")).to_contain_text("Can I talk to a person please?")
    page.get_by_role("button", name="Take over").click()
    expect(page.get_by_role("status")).to_contain_text("You have the conversation")
    expect(page.locator("h1")).to_contain_text("agent: agent")
    page.get_by_label(re.compile("Reply as")).fill("Hello, this is Test Agent from accounts receivable.")
    page.get_by_role("button", name="Send reply").click()

    expect(page.get_by_role("status")).to_contain_text("Reply queued")
    expect(page.locator(".bubble.agent")).to_contain_text("Hello, this is Test Agent")
    shot(page, "conversation")
    with console.services.db.uow() as uow:
        sent = [(m.channel, m.status, m.body_text) for m in uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipient == phone, OutboxMessage.reason == "agent_reply"))]
    assert sent == [
        ("sms", "approved", "Hello, this is Test Agent from accounts receivable.")]

    page.get_by_role("button", name="Hand back to bot").click()
    expect(page.get_by_role("status")).to_contain_text("Handed back to the bot")
    expect(page.locator("h1 .badge")).to_have_text("bot")
    expect(page.get_by_role("button", name="Take over")).to_be_visible()


def test_a_link_token_is_issued_for_a_contact(signed_in, console: LiveConsole, shot) -> None:
    page = signed_in("agent")
    page.goto("/console/customers/C1037/conversations")
    expect(page.locator("h1")).to_contain_text("C1037")

    page.get_by_role("button", name="Issue Telegram link token").click()

    token = page.locator("[data-token]").inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
    expect(page.get_by_text(f"/start {token}")).to_be_visible()
    expect(page.locator(".token-box")).to_contain_text("Valid once, until")
    shot(page, "customer-conversations")
    with console.services.db.uow() as uow:
        issued = uow.session.get(LinkToken, token)
        code = uow.session.scalar(select(Customer.code).where(Customer.id == issued.customer_id)) if issued else None
    assert code == "C1037"


def test_demo_chat_talks_to_the_real_bot_as_the_customer(signed_in, console: LiveConsole, shot) -> None:
    page = signed_in("agent")
    page.goto("/console/demo-chat")
    expect(page.get_by_role("note")).to_contain_text(
        "Acts as the customer: real payments with the customer's saved methods")
    page.get_by_label("Customer").select_option("C1038")
    page.get_by_role("button", name="Chat as this customer").click()

    page.get_by_role("textbox", name="Message").fill("balance")
    page.get_by_role("button", name="Send", exact=True).click()

    expect(page.locator(".bubble.in")).to_have_text(re.compile("^balance"))
    expect(page.locator(".bubble.out").first).to_contain_text(re.compile("Your balance is|no balance|credit of"))
    page.locator(".quick-replies").get_by_role("button", name="Invoices").click()
    expect(page.locator(".bubble.out").first).to_contain_text(re.compile(r"1\. \S+ — \$"))
    shot(page, "demo-chat")

    page.once("dialog", lambda dialog: dialog.accept())  # "Start a new conversation with the bot?"
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_role("status")).to_contain_text("the bot starts over")
    expect(page.locator(".bubble")).to_have_count(0)

    # A person asked for in the demo chat waits on the Conversations page as it opens, no filter chosen.
    page.get_by_role("textbox", name="Message").fill("Can I talk to a person please?")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".bubble.in")).to_have_text(re.compile("^Can I talk to a person"))
    page.goto("/console/conversations")
    waiting = page.locator("tr", has_text="C1038").filter(has_text="Demo chat")
    expect(waiting).to_contain_text("waiting for agent")
    expect(page.locator("#conversation-count")).to_contain_text("waiting for a person")
