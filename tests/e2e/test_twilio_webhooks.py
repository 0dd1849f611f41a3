"""Twilio through our app: recorded SMS, status and call webhooks, signed as Twilio signs them, posted to
/webhooks/twilio/...; TwiML back. Calls follow the IVR by posting to the actions its TwiML names."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

import channels.twilio_sms
from bot.turns import Button, Inbound, Reply
from channels.web.app import create_app
from core.bootstrap import Services
from core.kernel.audit import Actor
from core.kernel.config import with_channels
from core.kernel.models import AuditEvent
from core.ledger.models import Contact, Customer, Document, Payment
from core.outbox import lifecycle as outbox
from core.outbox.models import OutboxMessage
from core.payments.models import PaymentLine, PaymentMethod
from core.statements.cycle import run_statements
from tests.books import TEST_ACTOR, customer, invoice
from tests.integration.channels.test_channel_senders import ACCOUNT_SID, AUTH_TOKEN, OUR_NUMBER

FIXTURES = Path(__file__).parent.parent / "fixtures" / "twilio"
CALLER = "+15105550123"
AGENT = "+15105550100"
TODAY = dt.date.today()


def form(name: str, **changes: str) -> dict[str, str]:
    return {**dict(parse_qsl((FIXTURES / f"{name}.txt").read_text().strip())), **changes}


def post(client: TestClient, services: Services, url: str, data: dict[str, str], *, token: str = AUTH_TOKEN,
         signed: bool = True):  # type: ignore[no-untyped-def]
    """POST as Twilio does: signed over the public URL (ours, before any proxy) and the form."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    public = services.settings.public_url + path
    headers = {"X-Twilio-Signature": RequestValidator(token).compute_signature(public, data)} if signed else {}
    return client.post(path, data=data, headers=headers)


class FakeBot:
    def __init__(self) -> None:
        self.turns: list[Inbound] = []
        self.delay = 0.0

    def __call__(self, services: Services, inbound: Inbound) -> list[Reply]:
        self.turns.append(inbound)
        time.sleep(self.delay)
        return [Reply(text=f"echo: {inbound.text}", buttons=(Button("Yes", "yes"), Button("No", "no")))]


@pytest.fixture
def bot(monkeypatch: pytest.MonkeyPatch) -> FakeBot:
    fake = FakeBot()
    monkeypatch.setattr(channels.twilio_sms, "handle", fake)
    return fake


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    services.settings = with_channels(services.settings, twilio_account_sid=ACCOUNT_SID,
                                      twilio_auth_token=AUTH_TOKEN, twilio_from=OUR_NUMBER,
                                      twilio_reply_seconds=5, agent_phone=AGENT)
    with TestClient(create_app(services)) as test_client:
        yield test_client


def twiml(response) -> ET.Element:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return ET.fromstring(response.text)


def spoken(root: ET.Element) -> str:
    return " ".join(say.text or "" for say in root.iter("Say"))


# ── SMS ───────────────────────────────────────────────────────────────────────────────────────────────


def test_a_forged_or_missing_signature_is_refused(client: TestClient, services: Services, bot: FakeBot) -> None:
    forged = post(client, services, "/webhooks/twilio/sms", form("sms_balance"), token="not-our-token")
    unsigned = post(client, services, "/webhooks/twilio/sms", form("sms_balance"), signed=False)
    tampered = client.post("/webhooks/twilio/sms", data=form("sms_balance", Body="pay all"), headers={
        "X-Twilio-Signature": RequestValidator(AUTH_TOKEN).compute_signature(
            services.settings.public_url + "/webhooks/twilio/sms", form("sms_balance"))})

    assert (forged.status_code, unsigned.status_code, tampered.status_code) == (403, 403, 403)
    assert bot.turns == []


def test_an_sms_is_answered_with_twiml(client: TestClient, services: Services, bot: FakeBot) -> None:
    root = twiml(post(client, services, "/webhooks/twilio/sms", form("sms_balance")))

    (message,) = root.iter("Message")
    assert message.text == "echo: balance?\nReply YES to confirm or NO to cancel."
    assert bot.turns == [Inbound(channel="sms", sender=CALLER, text="balance?",
                                 provider_id="SM1f0e8c2b7d4a4e0b9a6c3d5e7f9a1b2c")]


def test_a_repeated_message_sid_is_ignored(client: TestClient, services: Services, bot: FakeBot) -> None:
    twiml(post(client, services, "/webhooks/twilio/sms", form("sms_balance")))
    again = twiml(post(client, services, "/webhooks/twilio/sms", form("sms_balance")))

    assert list(again) == [] and len(bot.turns) == 1


def test_stop_then_start_reach_the_bot_and_twilio_answers_them(client: TestClient, services: Services,
                                                               bot: FakeBot) -> None:
    stop = twiml(post(client, services, "/webhooks/twilio/sms", form("sms_stop")))
    start = twiml(post(client, services, "/webhooks/twilio/sms", form("sms_start")))

    assert [t.text for t in bot.turns] == ["STOP", "Start"]
    assert list(stop) == [] and list(start) == []  # Twilio's own opt-out handling replied already


def test_a_slow_bot_answers_through_the_outbox(client: TestClient, services: Services, bot: FakeBot) -> None:
    twilio = client.app.state.twilio
    twilio.settings = dataclasses.replace(twilio.settings, reply_seconds=0.2)
    bot.delay = 0.6

    started = time.monotonic()
    root = twiml(post(client, services, "/webhooks/twilio/sms", form("sms_balance")))

    assert time.monotonic() - started < 0.55 and list(root) == []
    deadline = time.monotonic() + 5
    queued: list[tuple[str, str, str, str]] = []
    while not queued and time.monotonic() < deadline:
        time.sleep(0.05)
        with services.db.uow() as uow:
            queued = [(m.channel, m.recipient, m.status, m.body_text)
                      for m in uow.session.scalars(select(OutboxMessage))]
    assert queued == [("sms", CALLER, "approved", "echo: balance?\nReply YES to confirm or NO to cancel.")]


# ── Status callbacks ──────────────────────────────────────────────────────────────────────────────────


def sent_sms(services: Services, sid: str) -> int:
    with services.db.uow() as uow:
        message = outbox.queue(uow.session, TEST_ACTOR, channel="sms", recipient=CALLER, template="chat.reply",
                               body_text="Your payment succeeded.", reason="payment_succeeded", approved=True)
        message.status, message.provider_id = "sent", sid
        uow.commit()
        return message.id


def status(client: TestClient, services: Services, name: str, sid: str) -> None:
    response = post(client, services, "/webhooks/twilio/status", form(name, MessageSid=sid, SmsSid=sid))
    assert response.status_code == 200


def provider_statuses(services: Services, outbox_id: int) -> list[str]:
    with services.db.uow() as uow:
        events = uow.session.scalars(select(AuditEvent).where(AuditEvent.subject == f"outbox:{outbox_id}",
                                                              AuditEvent.action == "outbox.provider_status")
                                     .order_by(AuditEvent.id))
        return [e.details["status"] for e in events]


def test_status_callbacks_move_forward_only(client: TestClient, services: Services) -> None:
    delivered, lost = sent_sms(services, "SM" + "1" * 32), sent_sms(services, "SM" + "2" * 32)

    for name in ("status_sent", "status_delivered", "status_sent", "status_undelivered"):
        status(client, services, name, "SM" + "1" * 32)
    for name in ("status_undelivered", "status_delivered", "status_sent"):
        status(client, services, name, "SM" + "2" * 32)

    assert provider_statuses(services, delivered) == ["sent", "delivered"]
    assert provider_statuses(services, lost) == ["undelivered"]
    with services.db.uow() as uow:
        assert uow.session.get(OutboxMessage, delivered).status == "sent"  # type: ignore[union-attr]
        failed = uow.session.get(OutboxMessage, lost)
        assert failed is not None and failed.status == "failed" and "30003" in (failed.last_error or "")


def test_a_status_for_a_message_we_do_not_know_is_accepted(client: TestClient, services: Services) -> None:
    status(client, services, "status_delivered", "SM" + "9" * 32)


def report(client: TestClient, services: Services, sid: str, value: str, **more: str) -> None:
    data = form("status_sent", MessageSid=sid, SmsSid=sid, MessageStatus=value, SmsStatus=value, **more)
    assert post(client, services, "/webhooks/twilio/status", data).status_code == 200


def outbox_state(services: Services, outbox_id: int) -> tuple[str, str | None]:
    with services.db.uow() as uow:
        message = uow.session.get(OutboxMessage, outbox_id)
        assert message is not None
        return message.status, message.provider_status


def test_the_outbox_message_follows_what_twilio_reports(client: TestClient, services: Services) -> None:
    sid = "SM" + "3" * 32
    outbox_id = sent_sms(services, sid)

    seen = []
    for value in ("queued", "sending", "sent", "delivered"):
        report(client, services, sid, value)
        seen.append(outbox_state(services, outbox_id))

    assert seen == [("sent", "queued"), ("sent", "sending"), ("sent", "sent"), ("sent", "delivered")]


def test_late_and_out_of_order_status_callbacks_are_ignored(client: TestClient, services: Services) -> None:
    early, lost = sent_sms(services, "SM" + "4" * 32), sent_sms(services, "SM" + "5" * 32)

    # Delivered overtook sending and sent; an undelivered after a delivery cannot undo it.
    for value in ("delivered", "sending", "sent", "undelivered", "delivered"):
        report(client, services, "SM" + "4" * 32, value)
    # Failed wins over sent, and nothing moves it after that.
    for value in ("sent", "failed", "delivered", "queued", "undelivered"):
        report(client, services, "SM" + "5" * 32, value, ErrorCode="30008")

    assert outbox_state(services, early) == ("sent", "delivered")
    assert outbox_state(services, lost) == ("failed", "failed")
    assert provider_statuses(services, early) == ["delivered"]
    assert provider_statuses(services, lost) == ["sent", "failed"]


# ── Voice ─────────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def acme(services: Services) -> str:
    customer(services.db, phone=CALLER, postal_code="94607-1234", country="US")
    invoice(services.db, "1001", "400.00", (TODAY - dt.timedelta(days=60)).isoformat())
    invoice(services.db, "1002", "600.00", (TODAY - dt.timedelta(days=45)).isoformat())
    invoice(services.db, "1003", "250.00", TODAY.isoformat())  # current: not past due
    return "ACME"


def save_visa(services: Services) -> int:
    with services.db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
        method = PaymentMethod(customer_id=customer_id, processor="sandbox", token="tok_visa", kind="card",
                               brand="visa", last4="4242", exp_month=12, exp_year=2034)
        uow.session.add(method)
        uow.commit()
        return method.id


def action(root: ET.Element, verb: str = "Gather") -> str:
    return next(root.iter(verb)).attrib["action"]


def call(client: TestClient, services: Services, **changes: str) -> ET.Element:
    return twiml(post(client, services, "/webhooks/twilio/voice", form("voice_incoming", **changes)))


def press(client: TestClient, services: Services, root: ET.Element, digits: str = "", **said: str) -> ET.Element:
    data = form("voice_gather", Digits=digits, **said)
    return twiml(post(client, services, action(root), data))


def test_a_known_caller_hears_the_balance(client: TestClient, services: Services, acme: str) -> None:
    menu = call(client, services)

    assert "For your balance, press 1" in spoken(menu)
    gather = next(menu.iter("Gather"))
    assert gather.attrib["input"] == "dtmf speech"
    balance = press(client, services, menu, "1")
    assert "Your balance is $1,250.00, of which $1,000.00 is past due." in spoken(balance)


def test_speech_works_too(client: TestClient, services: Services, acme: str) -> None:
    balance = press(client, services, call(client, services), SpeechResult="what is my balance")

    assert "Your balance is $1,250.00" in spoken(balance)


def test_paying_the_past_due_amount_after_pressing_1(client: TestClient, services: Services, acme: str) -> None:
    method_id = save_visa(services)
    offer = press(client, services, call(client, services), "2")

    assert "To pay exactly $1,000.00 now with your Visa ending in 4 2 4 2, press 1." in spoken(offer)
    assert next(offer.iter("Gather")).attrib["input"] == "dtmf"  # money moves on a key press, not on a word
    paid = press(client, services, offer, "1")
    again = press(client, services, offer, "1")  # the same callback once more: pays nothing more

    assert "Your payment of $1,000.00 is being processed." in spoken(paid)
    assert spoken(again).startswith(spoken(paid).split(" For your balance")[0])
    with services.db.uow() as uow:
        (payment,) = uow.session.scalars(select(Payment))
        assert (payment.amount_minor, payment.channel, payment.method_id) == (100_000, "voice", method_id)
        assert payment.initiated_by == f"caller:{CALLER}"
        audited = select(AuditEvent.channel).where(AuditEvent.subject == f"payment:{payment.id}")
        assert set(uow.session.scalars(audited)) == {"voice"}


def test_pressing_another_key_pays_nothing(client: TestClient, services: Services, acme: str) -> None:
    save_visa(services)
    offer = press(client, services, call(client, services), "2")

    back = press(client, services, offer, "9")

    assert "For your balance, press 1" in spoken(back)
    with services.db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Payment)) == 0


def test_without_a_saved_method_a_new_card_goes_through_twilio_pay(client: TestClient, services: Services,
                                                                   acme: str) -> None:
    offer = press(client, services, call(client, services), "2")
    assert "We have no saved payment method" in spoken(offer)

    pay = press(client, services, offer, "1")

    (verb,) = pay.iter("Pay")
    assert verb.attrib["tokenType"] == "reusable" and verb.attrib["chargeAmount"] == "0"
    assert list(pay.iter("Gather")) == []  # the card's digits never reach us
    saved = twiml(post(client, services, action(pay, "Pay"), form("voice_pay_result")))
    assert "Your Visa ending in 4 2 4 2 is saved." in spoken(saved)
    assert "To pay exactly $1,000.00 now with your Visa ending in 4 2 4 2, press 1." in spoken(saved)


def test_an_agent_takes_the_call(client: TestClient, services: Services, acme: str) -> None:
    transfer = press(client, services, call(client, services), "0")

    (dial,) = transfer.iter("Dial")
    (number,) = dial.iter("Number")
    assert number.text == AGENT
    assert urlsplit(number.attrib["statusCallback"]).path == "/webhooks/twilio/voice/agent-leg"
    assert (number.attrib["statusCallbackEvent"], number.attrib["statusCallbackMethod"]) == (
        "initiated ringing answered completed", "POST")


def test_an_unknown_caller_proves_the_account_with_its_zip_code(client: TestClient, services: Services,
                                                                acme: str) -> None:
    ask = call(client, services, From="+14155550199", Caller="+14155550199")
    assert "account number" in spoken(ask)

    zip_prompt = press(client, services, ask, "", SpeechResult="A C M E.")
    wrong = press(client, services, zip_prompt, "10001")
    assert "could not verify" in spoken(wrong) and "account number" in spoken(wrong)
    zip_prompt = press(client, services, wrong, "", SpeechResult="acme")
    menu = press(client, services, zip_prompt, "94607")

    assert "For your balance, press 1" in spoken(menu)
    assert "c=ACME" in action(menu)


def test_the_statement_is_texted_on_request(client: TestClient, services: Services, acme: str) -> None:
    run_statements(services.db, services.settings, services.files, statement_date=TODAY, finance_charges_on=None,
                   actor=Actor("test", "cli"))

    done = press(client, services, call(client, services), "3")

    assert "on its way by text message to the number ending in 0 1 2 3" in spoken(done)
    with services.db.uow() as uow:
        (message,) = uow.session.scalars(select(OutboxMessage))
        assert (message.channel, message.recipient, message.status) == ("sms", CALLER, "approved")
        assert f"{services.settings.public_url}/d/" in message.body_text


def test_the_statement_emailed_on_request_says_the_balance_today_first(client: TestClient, services: Services,
                                                                        acme: str) -> None:
    run_statements(services.db, services.settings, services.files, statement_date=TODAY - dt.timedelta(days=1),
                   finance_charges_on=None, actor=Actor("test", "cli"))
    invoice(services.db, "1004", "100.00", TODAY.isoformat())  # billed since: today's balance is not the statement's

    done = press(client, services, call(client, services), "4")

    assert "on its way to the email address on file" in spoken(done)
    with services.db.uow() as uow:
        (channel, body), = uow.session.execute(select(OutboxMessage.channel, OutboxMessage.body_text)).all()
    yesterday = TODAY - dt.timedelta(days=1)
    assert channel == "email" and body.startswith(
        f"Your statement of {yesterday:%b} {yesterday.day}, {yesterday.year} showed $1,000.00; your balance today is "
        "$1,350.00."), body


# ── Through the real bot ──────────────────────────────────────────────────────────────────────────────


def test_an_unknown_number_gets_the_polite_refusal(client: TestClient, services: Services, acme: str) -> None:
    root = twiml(post(client, services, "/webhooks/twilio/sms", form("sms_balance", From="+14155550199")))

    (message,) = root.iter("Message")
    assert (message.text or "").startswith("Hello! I can help with invoices and payments once this chat")
    assert "1,250" not in (message.text or "") and "ACME" not in (message.text or "")


def test_a_known_number_asking_balance_hears_it(client: TestClient, services: Services, acme: str) -> None:
    root = twiml(post(client, services, "/webhooks/twilio/sms", form("sms_balance")))

    assert "$1,250.00" in " ".join(m.text or "" for m in root.iter("Message"))


def sms_opted_out(services: Services) -> bool:
    with services.db.uow() as uow:
        return bool(uow.session.scalar(select(Contact.sms_opt_out).where(Contact.phone == CALLER)))


def test_stop_then_start_are_recorded_by_the_bot(client: TestClient, services: Services, acme: str) -> None:
    twiml(post(client, services, "/webhooks/twilio/sms", form("sms_stop")))
    stopped = sms_opted_out(services)
    without_twilio = form("sms_start", MessageSid="SM" + "4" * 32)
    del without_twilio["OptOutType"]  # Twilio's own opt-out handling off: our answer goes back
    started = twiml(post(client, services, "/webhooks/twilio/sms", without_twilio))

    assert stopped is True and sms_opted_out(services) is False
    assert "subscribed again" in " ".join(m.text or "" for m in started.iter("Message"))


def test_three_misses_go_to_an_agent(client: TestClient, services: Services, acme: str) -> None:
    prompt = call(client, services, From="+14155550199", Caller="+14155550199")
    for _ in range(3):
        zip_prompt = press(client, services, prompt, "1040")
        prompt = press(client, services, zip_prompt, "10001")

    assert [number.text for dial in prompt.iter("Dial") for number in dial.iter("Number")] == [AGENT]
    assert "could not verify" in spoken(prompt)


def test_a_forged_call_is_refused(client: TestClient, services: Services, acme: str) -> None:
    forged = post(client, services, "/webhooks/twilio/voice", form("voice_incoming"), token="not-our-token")
    # A signed step whose URL was changed (another customer's code) no longer matches its signature.
    signed = RequestValidator(AUTH_TOKEN).compute_signature(
        services.settings.public_url + "/webhooks/twilio/voice/choice?c=ACME", form("voice_gather"))
    moved = client.post("/webhooks/twilio/voice/choice?c=OTHER", data=form("voice_gather"),
                        headers={"X-Twilio-Signature": signed})

    assert (forged.status_code, moved.status_code) == (403, 403)


def test_buttons_become_words_to_text_back() -> None:
    from bot.turns import Button, Reply
    from channels.twilio_sms import button_prompt

    confirm = Reply("Pay $100.00?", buttons=(Button("Yes, pay", "yes:12"), Button("No", "no:12")))
    assert button_prompt(confirm) == "Reply YES to confirm or NO to cancel."
    reasons = Reply("Why?", buttons=(Button("Damaged goods", "reason:0"), Button("Other", "reason:1")))
    assert button_prompt(reasons) == "Reply with the reason: Damaged goods, Other."
    picks = Reply("Which?", buttons=(Button("1. INV-1", "pick:1"), Button("2. INV-2", "pick:2"),
                                     Button("All of them", "pick:all")))
    assert button_prompt(picks) == "Reply 1 for INV-1, 2 for INV-2 or ALL for All of them."
    # What the text already tells how to answer is not said twice (issue 15.10).
    listed = Reply("Which?\n1. INV-1 — $5.00\n2. INV-2 — $7.00\nReply with the number in the list or ALL.",
                   buttons=picks.buttons)
    assert button_prompt(listed) == ""
    words = Reply("Say PAY to pay, or INVOICES to see them.", buttons=(Button("Pay overdue", "pay overdue"),
                                                                      Button("Invoices", "invoices")))
    assert button_prompt(words) == "Or reply PAY OVERDUE."
    asked = Reply("Pay $100.00? Reply YES to pay it or NO to cancel.", buttons=confirm.buttons)
    assert button_prompt(asked) == ""


# ── Calls recorded for the console's screen pop ───────────────────────────────────────────────────────


def test_a_call_put_through_to_an_agent_is_recorded_until_the_dial_ends(client: TestClient, services: Services,
                                                                         acme: str) -> None:
    from core.conversations import calls

    transfer = press(client, services, call(client, services), "0")

    (live,) = calls.live_calls(services.db.uow())
    assert (live.from_number, live.customer_code, live.status, live.wants_agent) == (CALLER, "ACME", "ringing", True)
    done = twiml(post(client, services, action(transfer, "Dial"), form("voice_gather", DialCallStatus="no-answer")))
    assert "For your balance, press 1" in spoken(done)  # an identified caller is back in the menu
    assert calls.live_calls(services.db.uow()) == []
    (ended,) = calls.recent_calls(services.db.uow(), since=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert ended.status == "no-answer"


def test_an_unidentified_caller_put_through_is_recorded_without_a_customer(client: TestClient, services: Services,
                                                                            acme: str) -> None:
    from core.conversations import calls

    prompt = call(client, services, From="+14155550199", Caller="+14155550199")
    for _ in range(3):
        prompt = press(client, services, press(client, services, prompt, "1040"), "10001")

    (live,) = calls.live_calls(services.db.uow())
    assert (live.from_number, live.customer_code) == ("+14155550199", None)
    done = twiml(post(client, services, action(prompt, "Dial"), form("voice_gather", DialCallStatus="completed")))
    assert [verb.tag for verb in done] == ["Say", "Hangup"]


def agent_leg(client: TestClient, services: Services, transfer: ET.Element, status: str,
              **more: str):  # type: ignore[no-untyped-def]
    """What Twilio posts about the agent's leg (a call of its own, whose parent is the caller's)."""
    (number,) = transfer.iter("Number")
    return post(client, services, number.attrib["statusCallback"], form("voice_agent_leg", CallStatus=status, **more))


def test_the_agent_answering_puts_the_caller_on_the_line_until_the_leg_ends(client: TestClient, services: Services,
                                                                             acme: str) -> None:
    from core.conversations import calls

    transfer = press(client, services, call(client, services), "0")
    assert agent_leg(client, services, transfer, "initiated").status_code == 200
    agent_leg(client, services, transfer, "ringing", SequenceNumber="1")
    (ringing,) = calls.live_calls(services.db.uow())

    answered = agent_leg(client, services, transfer, "in-progress", SequenceNumber="2",
                         Timestamp="Mon, 02 Mar 2026 15:00:07 +0000")
    (on_the_line,) = calls.live_calls(services.db.uow())
    agent_leg(client, services, transfer, "completed", SequenceNumber="3", CallDuration="95")

    assert (answered.status_code, answered.headers["content-type"][:15]) == (200, "application/xml")
    assert (ringing.status, ringing.waiting, ringing.answered_at) == ("ringing", True, None)
    assert (on_the_line.status, on_the_line.waiting, on_the_line.answered_by) == ("in-progress", False, AGENT)
    assert on_the_line.answered_at == dt.datetime(2026, 3, 2, 15, 0, 7, tzinfo=dt.UTC)
    assert calls.live_calls(services.db.uow()) == []
    (ended,) = calls.recent_calls(services.db.uow(), since=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert (ended.call_sid, ended.status, ended.customer_code) == (form("voice_incoming")["CallSid"], "completed",
                                                                   "ACME")


def test_a_late_ringing_after_the_answer_is_ignored(client: TestClient, services: Services, acme: str) -> None:
    from core.conversations import calls

    transfer = press(client, services, call(client, services), "0")
    agent_leg(client, services, transfer, "in-progress", SequenceNumber="2")
    late = agent_leg(client, services, transfer, "ringing", SequenceNumber="1")

    assert late.status_code == 200
    (live,) = calls.live_calls(services.db.uow())
    assert (live.status, live.waiting, live.answered_by) == ("in-progress", False, AGENT)


def test_an_agent_who_does_not_answer_ends_the_wait(client: TestClient, services: Services, acme: str) -> None:
    from core.conversations import calls

    transfer = press(client, services, call(client, services), "0")
    agent_leg(client, services, transfer, "ringing")
    agent_leg(client, services, transfer, "no-answer")

    assert calls.live_calls(services.db.uow()) == []
    (ended,) = calls.recent_calls(services.db.uow(), since=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert (ended.status, ended.answered_at) == ("no-answer", None)


def test_a_forged_agent_leg_is_refused(client: TestClient, services: Services, acme: str) -> None:
    from core.conversations import calls

    transfer = press(client, services, call(client, services), "0")
    (number,) = transfer.iter("Number")
    answered = form("voice_agent_leg", CallStatus="in-progress")
    refused = post(client, services, number.attrib["statusCallback"], answered, token="not-our-token")
    unsigned = post(client, services, number.attrib["statusCallback"], answered, signed=False)

    assert (refused.status_code, unsigned.status_code) == (403, 403)
    (live,) = calls.live_calls(services.db.uow())
    assert (live.status, live.waiting) == ("ringing", True)


def test_the_statement_texted_right_after_paying_says_the_balance_today(client: TestClient, services: Services,
                                                                       acme: str) -> None:
    """Issue 15, item 8: option 3 just after option 2 does not text the statement's amount as what is due now."""
    run_statements(services.db, services.settings, services.files, statement_date=TODAY, finance_charges_on=None,
                   actor=Actor("test", "cli"))
    save_visa(services)
    offer = press(client, services, call(client, services), "2")
    press(client, services, offer, "1")  # $1,000.00 past due paid: the processor is settling it

    press(client, services, call(client, services), "3")

    with services.db.uow() as uow:
        (paid,) = uow.session.scalars(select(Payment.amount_minor))
        (body,) = uow.session.scalars(select(OutboxMessage.body_text)
                                      .where(OutboxMessage.reason == "statement_request"))
    assert paid == 100_000
    assert ("showed $1,250.00; your balance today is $1,250.00, $1,000.00 of it in a payment being processed. "
            "View:") in body
    assert "Amount due" not in body


# ── Issue 15: choosing the card, and texts a person would write ──────────────────────────────────────


def texted(client: TestClient, services: Services, body: str, n: int) -> str:
    sid = f"SM{n:032d}"
    root = twiml(post(client, services, "/webhooks/twilio/sms", form("sms_balance", Body=body, MessageSid=sid,
                                                                      SmsSid=sid)))
    return "\n".join(m.text or "" for m in root.iter("Message"))


def save_method(services: Services, token: str, brand: str, last4: str) -> int:
    with services.db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
        method = PaymentMethod(customer_id=customer_id, processor="sandbox", token=token, kind="card",
                               brand=brand, last4=last4, exp_month=12, exp_year=2034)
        uow.session.add(method)
        uow.commit()
        return method.id


def test_the_phone_line_and_sms_ask_which_card_alike_and_the_one_chosen_pays(client: TestClient,
                                                                             services: Services, acme: str) -> None:
    save_visa(services)
    mastercard = save_method(services, "tok_mastercard", "mastercard", "4444")  # neither used yet: no sure default

    by_text = texted(client, services, "pay overdue", 1)
    asked = press(client, services, call(client, services), "2")

    assert "1. Visa •4242\n2. Mastercard •4444" in by_text
    assert ("For your Visa ending in 4 2 4 2, press 1. For your Mastercard ending in 4 4 4 4, press 2."
            in spoken(asked))
    offer = press(client, services, asked, "2")
    assert "To pay exactly $1,000.00 now with your Mastercard ending in 4 4 4 4, press 1." in spoken(offer)
    press(client, services, offer, "1")
    with services.db.uow() as uow:
        (payment,) = uow.session.scalars(select(Payment))
        assert (payment.amount_minor, payment.method_id, payment.channel) == (100_000, mastercard, "voice")


def test_a_caller_may_choose_another_card_than_the_default(client: TestClient, services: Services,
                                                           acme: str) -> None:
    save_visa(services)
    mastercard = save_method(services, "tok_mastercard", "mastercard", "4444")
    texted(client, services, "pay 1001 with card 2", 1)
    texted(client, services, "yes", 2)  # Mastercard paid last: the default on every channel now

    offer = press(client, services, call(client, services), "2")
    assert "with your Mastercard ending in 4 4 4 4, press 1. To use another card, press 2." in spoken(offer)
    chosen = press(client, services, press(client, services, offer, "2"), "1")
    assert "now with your Visa ending in 4 2 4 2, press 1." in spoken(chosen)
    with services.db.uow() as uow:
        assert [(p.amount_minor, p.method_id) for p in uow.session.scalars(select(Payment))] == [(40_000, mastercard)]


def test_sms_texts_read_as_a_person_writes_them(client: TestClient, services: Services, acme: str) -> None:
    save_visa(services)
    invoice(services.db, "1004", "80.00", (TODAY - dt.timedelta(days=31)).isoformat())  # 1 day over its terms

    balance = texted(client, services, "balance", 1)
    listed = texted(client, services, "invoices", 2)
    quote = texted(client, services, "pay 1001", 3)

    assert "for Pay overdue" not in balance and balance.count("INVOICES") == 1 and "PAY OVERDUE" in balance
    assert "1004 — $80.00, 1 day overdue" in listed and "1 days" not in listed
    assert "Reply 1 for" not in listed  # the numbered list says it already
    assert quote.count("YES") == 1 and quote.count("NO") == 1


def test_sms_help_is_one_segment_with_the_brand_help_and_stop(client: TestClient, services: Services,
                                                              acme: str) -> None:
    services.settings = dataclasses.replace(services.settings, seller_name="Bluewater Plumbing Co.")

    for n, sender in enumerate((CALLER, "+14155550199"), start=1):  # linked, and a number we do not know
        sid = f"SM{n:032d}"
        root = twiml(post(client, services, "/webhooks/twilio/sms", form("sms_balance", Body="HELP", From=sender,
                                                                          MessageSid=sid, SmsSid=sid)))
        (message,) = [m.text or "" for m in root.iter("Message")]
        assert len(message) <= 160, message
        assert "Bluewater Plumbing Co." in message and "Co.." not in message
        assert "HELP" in message and "STOP" in message and services.settings.seller_phone in message


def test_on_the_second_page_of_the_picker_the_number_texted_back_is_the_rows_and_pays_it(
        client: TestClient, services: Services, acme: str) -> None:
    """Twelve open invoices: the picker shows 8, MORE shows 9 … 12. The SMS offers each row under one number only
    (not "9. 1009" in the list and "Reply 1 for 1009" under it), and texting that number pays that invoice."""
    save_visa(services)
    for n in range(4, 13):  # 1004 … 1012, oldest first after 1001 and 1002
        invoice(services.db, f"10{n:02d}", f"{n}0.00", (TODAY - dt.timedelta(days=40 - n)).isoformat())
    texted(client, services, "pay", 1)

    page = texted(client, services, "more", 2)

    row = re.search(r"(?m)^(\d+)\. (\d{4}) — (\$[\d,]+\.\d\d)", page)
    assert row, page
    number, name, amount = row.groups()
    offered = {a or b for a, b in re.findall(rf"(?m)^(\d+)\. {name}\b|\b(\d+) for {name}\b", page)}
    assert number == "9" and offered == {"9"}, page
    quote = texted(client, services, number, 3)
    assert f"{name}: {amount}" in quote
    texted(client, services, "yes", 4)
    with services.db.uow() as uow:
        lines = uow.session.execute(select(Document.number, PaymentLine.amount_minor)
                                    .join(PaymentLine, PaymentLine.invoice_id == Document.id)).all()
    assert [(n, f"${m / 100:,.2f}") for n, m in lines] == [(name, amount)]
