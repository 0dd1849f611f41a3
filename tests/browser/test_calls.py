"""Calls: a caller who asks the IVR for an agent pops up on the calls page with the matched customer, waiting
until the agent's leg reports the answer (customers C1040–C1045). The calls come through the real voice
webhooks, signed as Twilio signs."""

from __future__ import annotations

import dataclasses
import gc
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import expect
from twilio.request_validator import RequestValidator

from channels.web.console.pages import phone as shown_phone
from channels.web.twilio import TwilioChannel
from tests.browser.conftest import LiveConsole
from tests.browser.test_conversations import phone_of

AUTH_TOKEN = "browser-test-twilio-token"
AGENT_LINE = "+15005550100"


@pytest.fixture
def twilio_line(console: LiveConsole) -> Iterator[None]:
    """The live server's Twilio channel, given an auth token and an agent line for this test. The shared server
    is built without them, and the channel keeps what it was built with, so it is found and changed in place."""
    gc.unfreeze()  # the app froze what it built at startup (gc.freeze), which hides it from gc.get_objects
    try:
        channels = [o for o in gc.get_objects() if isinstance(o, TwilioChannel) and o.services is console.services]
    finally:
        gc.freeze()
    assert channels, "the live console's Twilio channel was not found"
    before = [channel.settings for channel in channels]
    for channel in channels:
        channel.settings = dataclasses.replace(channel.settings, auth_token=AUTH_TOKEN, agent_phone=AGENT_LINE)
    yield
    for channel, settings in zip(channels, before, strict=True):
        channel.settings = settings


def twilio_post(console: LiveConsole, url: str, form: dict[str, str]) -> ET.Element:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(console.url + path, form)
    response = httpx.post(console.url + path, data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200, response.text
    return ET.fromstring(response.text)


def a_call(number: str) -> dict[str, str]:
    return {"AccountSid": "AC" + "0" * 32, "CallSid": "CA" + uuid.uuid4().hex, "CallStatus": "ringing",
            "Direction": "inbound", "From": number, "Caller": number, "To": "+15005550006"}


def agent_leg(call: dict[str, str], status: str) -> dict[str, str]:
    """Twilio's status callback for the <Number> the transfer dials: a call of its own, the caller's as parent."""
    return {"AccountSid": call["AccountSid"], "CallSid": "CA" + uuid.uuid4().hex, "ParentCallSid": call["CallSid"],
            "CallStatus": status, "CallbackSource": "call-progress-events", "Direction": "outbound-dial",
            "From": call["From"], "To": AGENT_LINE, "Called": AGENT_LINE, "SequenceNumber": "2"}


def test_a_caller_asking_for_an_agent_pops_up_with_the_customer(signed_in, console: LiveConsole, shot,
                                                                twilio_line: None) -> None:
    phone = phone_of(console.services, "C1040")
    page = signed_in("agent")
    page.goto("/console/calls")
    expect(page.locator("#live-calls")).to_be_visible()

    call = a_call(phone)
    menu = twilio_post(console, "/webhooks/twilio/voice", call)
    transfer = twilio_post(console, next(menu.iter("Gather")).attrib["action"], {**call, "Digits": "0"})
    (number,) = transfer.iter("Number")
    assert number.text == AGENT_LINE

    pop = page.locator(".call-pop", has_text=shown_phone(phone))  # calls.js brings it in without a reload
    expect(pop).to_contain_text("C1040")
    expect(pop).to_contain_text("Ringing")
    expect(pop.locator(".call-balance")).to_contain_text("$")
    waiting = int(page.locator("#live-calls-card").get_attribute("data-waiting") or "0")
    assert waiting >= 1
    expect(page.locator("[data-waiting-badge]")).to_have_text(f"{waiting} waiting")
    shot(page, "calls")

    twilio_post(console, number.attrib["statusCallback"], agent_leg(call, "in-progress"))
    expect(pop).to_contain_text("On the line")  # answered: still live, no longer waiting
    expect(pop).to_contain_text(f"by {AGENT_LINE}")
    expect(pop).not_to_have_class(re.compile(r"\bringing\b"))
    expect(page.locator("[data-waiting-badge]")).to_have_text(f"{waiting - 1} waiting")
    shot(page, "calls-answered")

    pop.get_by_role("link", name="Open customer").click()
    page.wait_for_url("**/console/customers/C1040")

    twilio_post(console, number.attrib["statusCallback"], agent_leg(call, "completed"))
    twilio_post(console, next(transfer.iter("Dial")).attrib["action"], {**call, "DialCallStatus": "completed"})
    page.goto("/console/calls")
    expect(page.locator(".call-pop", has_text=shown_phone(phone))).to_have_count(0)
    row = page.locator("table.calls tr", has_text=shown_phone(phone)).first
    expect(row).to_contain_text("completed")
    expect(row).to_contain_text(AGENT_LINE)  # who answered
    shot(page, "calls-today")


def test_the_calls_page_works_without_script(browser, console: LiveConsole) -> None:
    from tests.browser.conftest import sign_in

    context = browser.new_context(base_url=console.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, console.url, "agent")
    page.goto("/console/calls")
    expect(page.get_by_role("link", name="Refresh")).to_have_attribute("href", "/console/calls")
    expect(page.get_by_role("heading", name="Live calls")).to_be_visible()
    context.close()
