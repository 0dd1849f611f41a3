"""Whole conversations a customer has, typed into the real channels: SMS signed as Twilio signs it, posted to
/webhooks/twilio/sms (the answer is the TwiML), and Telegram updates with the secret token, posted to
/webhooks/telegram (the answer is what the embedded PTB application sends to a local Bot API recorder).

Each script is the same words on both channels; money outcomes are read from the ledger. The transcripts are
written to tests/artifacts/transcripts/<script>-<channel>.txt to be read as the customer reads them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from litestar.testing import TestClient
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot import nlu_decide
from core.bootstrap import Services
from core.conversations import issue_link_token
from core.dunning import run_dunning
from core.kernel.config import with_channels
from core.ledger.models import Customer, Document, Payment
from core.payments.adapters.sandbox import SandboxProcessor
from core.payments.models import PaymentMethod, PaymentQuote
from core.statements import run_statements
from tests.books import TEST_ACTOR, customer, invoice, load
from tests.integration.channels.test_channel_senders import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    OUR_NUMBER,
    TOKEN,
    Recorder,
    telegram_api,
)

PHONE = "+15105550123"
CHAT_ID = 555001
SECRET = "s3cret-token"
TRANSCRIPTS = Path(__file__).resolve().parents[1] / "artifacts" / "transcripts"
TODAY = dt.date.today()  # what the app's clock says (pytest shifts it; the webhooks read it, not a test clock)


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


# -- the two lines a customer can type on ---------------------------------------------------------------------


@dataclass
class Line:
    client: TestClient
    services: Services
    channel: str
    transcript: list[str] = field(default_factory=list)
    sent: int = 0

    def say(self, text: str) -> str:
        self.sent += 1
        answer = self._send(text)
        self.transcript += [f"> {text}", *(f"  {line}" for line in answer.splitlines()), ""]
        return answer

    def _send(self, text: str) -> str:
        raise NotImplementedError


@dataclass
class SmsLine(Line):
    def _send(self, text: str) -> str:
        sid = f"SM{self.sent:032d}"
        data = {"MessageSid": sid, "SmsSid": sid, "AccountSid": ACCOUNT_SID, "From": PHONE, "To": OUR_NUMBER,
                "Body": text, "NumMedia": "0"}
        url = self.services.settings.public_url + "/webhooks/twilio/sms"
        signature = RequestValidator(AUTH_TOKEN).compute_signature(url, data)
        response = self.client.post(urlsplit(url).path, data=data, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200, response.text
        return "\n".join(re.findall(r"<Message>(.*?)</Message>", response.text, re.S)).replace("&amp;", "&") \
            .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#x27;", "'")


@dataclass
class TelegramLine(Line):
    api: Recorder | None = None
    seen: int = 0

    def _send(self, text: str) -> str:
        update = {"update_id": 900_000 + self.sent, "message": {
            "message_id": 5000 + self.sent, "date": 1795420800 + self.sent, "text": text,
            "from": {"id": CHAT_ID, "is_bot": False, "first_name": "Dana"},
            "chat": {"id": CHAT_ID, "first_name": "Dana", "type": "private"}}}
        response = self.client.post("/webhooks/telegram", json=update,
                                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert response.status_code == 200, response.text
        return self._answers()

    def _answers(self) -> str:
        assert self.api is not None
        deadline = time.monotonic() + 5
        while len(self._sent()) <= self.seen and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.15)  # a second message of the same answer (a document after its text)
        new, self.seen = self._sent()[self.seen:], len(self._sent())
        out = []
        for request in new:
            fields = request.fields()
            text = fields.get("text") or fields.get("caption") or f"[{request.endpoint}]"
            markup = json.loads(fields.get("reply_markup") or "{}").get("inline_keyboard", [])
            buttons = " ".join(f"[{b['text']}]" for row in markup for b in row)
            out.append(text + (f"\n{buttons}" if buttons else ""))
        return "\n".join(out)

    def _sent(self) -> list:  # type: ignore[type-arg]
        assert self.api is not None
        return [r for r in self.api.requests if r.endpoint in ("sendMessage", "sendDocument")]


@pytest.fixture
def api() -> Iterator[Recorder]:
    with Recorder(telegram_api) as recorder:
        yield recorder


@pytest.fixture(params=["sms", "telegram"])
def line(request: pytest.FixtureRequest, services: Services, api: Recorder) -> Iterator[Line]:
    services.settings = with_channels(
        services.settings, twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN, twilio_from=OUR_NUMBER,
        twilio_reply_seconds=5, telegram_token=TOKEN, telegram_webhook_secret=SECRET,
        telegram_api_base=f"{api.url}/bot", telegram_timeout=2)
    processor = SandboxProcessor(services.db, ["whsec_scripts"], card_delay=0, ach_delay=0, return_delay=0)
    services.processors["sandbox"] = processor
    book(services)
    with TestClient(create_app(services)) as client:
        chosen: Line
        if request.param == "sms":
            chosen = SmsLine(client, services, "sms")
        else:
            chosen = TelegramLine(client, services, "telegram", api=api)
            token = issue_link_token(services.db.uow(), "ACME", TEST_ACTOR).token
            chosen.say(f"/start {token}")
            chosen.transcript.clear()
        yield chosen
    name = request.node.name.split("[")[0].removeprefix("test_")
    TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
    (TRANSCRIPTS / f"{name}-{request.param}.txt").write_text("\n".join(chosen.transcript))


def create_app(services: Services):  # type: ignore[no-untyped-def]
    from channels.web.app import create_app as app_of

    return app_of(services)


def book(services: Services) -> None:
    """Acme: 1042 $1,200.00 40 days overdue, 1043 $850.00 25 days overdue, 1050 $2,400.00 due in 10 days; a Visa."""
    db = services.db
    assert not load(db, "classes", [{"code": "AUTO", "allow_auto_statement": "true"}]).rejected  # dunned by itself
    customer(db, "ACME", name="Acme Corp", phone=PHONE, **{"class": "AUTO", "delivery": "sms;email"})
    invoice(db, "1042", "1200.00", ago(70))
    invoice(db, "1043", "850.00", ago(55))
    invoice(db, "1050", "2400.00", ago(20))
    with db.uow() as uow:
        acme = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
        uow.session.add(PaymentMethod(customer_id=acme, processor="sandbox", token="tok_visa", kind="card",
                                      brand="visa", last4="4242", exp_month=12, exp_year=2034, active=True))
        uow.commit()


def paid(services: Services) -> list[tuple[int, str]]:
    """(amount in cents, status) of every payment."""
    with services.db.uow() as uow:
        return [(p.amount_minor, p.status) for p in uow.session.scalars(select(Payment).order_by(Payment.id))]


def open_of(services: Services, number: str) -> int:
    with services.db.uow() as uow:
        return int(uow.session.scalar(select(Document.open_minor).where(Document.number == number)) or 0)


def quotes(services: Services) -> list[str]:
    with services.db.uow() as uow:
        return list(uow.session.scalars(select(PaymentQuote.status).order_by(PaymentQuote.id)))


# -- the scripts ----------------------------------------------------------------------------------------------


def test_pay_several_and_confirm(line: Line) -> None:
    quote = line.say("pay 1042 and 1043")
    assert "$2,050.00" in quote and "1042" in quote and "1043" in quote
    done = line.say("yes")
    assert "1042" in done and "1043" in done and "$2,050.00" in done
    assert paid(line.services) == [(205_000, "pending")] or paid(line.services) == [(205_000, "succeeded")]


def test_change_your_mind_before_confirming(line: Line) -> None:
    line.say("pay all")
    assert "canceled" in line.say("no").lower()
    assert paid(line.services) == [] and quotes(line.services) == ["canceled"]


def test_short_pay_with_a_reason(line: Line) -> None:
    asked = line.say("pay 500 on 1043")
    assert "$850.00" in asked and "$350.00" in asked  # the open amount and the shortfall
    quote = line.say("damaged goods")
    assert "$500.00" in quote and "Damaged goods" in quote
    line.say("yes")
    assert paid(line.services)[0][0] == 50_000


def test_schedule_then_cancel(line: Line) -> None:
    when = TODAY + dt.timedelta(days=3)
    quote = line.say(f"pay 1042 on {when:%b} {when.day}")
    assert "$1,200.00" in quote
    line.say("yes")
    assert paid(line.services) == [(120_000, "scheduled")]
    offer = line.say("cancel scheduled")
    assert "$1,200.00" in offer and "1042" in offer
    line.say("yes")
    assert paid(line.services) == [(120_000, "canceled")]


def test_promise_after_a_reminder(line: Line) -> None:
    run_dunning(line.services, TODAY, TEST_ACTOR)
    when = TODAY + dt.timedelta(days=5)
    answer = line.say(f"I'll pay 1042 on {when:%b} {when.day}")
    assert "1042" in answer and "$1,200.00" in answer
    assert paid(line.services) == []


def test_dispute(line: Line) -> None:
    answer = line.say("we only got half the order on 1043")
    assert "1043" in answer and "D-" in answer
    quote = line.say("pay all")
    assert "1043" not in quote.split("Total")[0] or "dispute" in quote.lower()
    assert paid(line.services) == []


def test_a_past_months_statement(line: Line) -> None:
    month_end = TODAY.replace(day=1) - dt.timedelta(days=1)
    before = month_end.replace(day=1) - dt.timedelta(days=1)
    for day in (before, month_end):
        run_statements(line.services.db, line.services.settings, line.services.files, statement_date=day,
                       finance_charges_on=None, actor=TEST_ACTOR)
    answer = line.say("send me last month's statement")
    assert f"{month_end:%b} {month_end.day}" in answer and "your balance today is $4,450.00" in answer
    earlier = line.say(f"and {before:%B}'s?")
    assert f"{before:%b} {before.day}" in earlier


def test_pay_it_after_a_dunning_message(line: Line) -> None:
    run_dunning(line.services, TODAY, TEST_ACTOR)
    quote = line.say("pay it")
    assert "1050" not in quote  # not yet due: the reminder did not ask for it
    assert "This pays what our reminder of" in quote and "asked for: 1042 and 1043." in quote
    line.say("yes")
    assert paid(line.services)[0][0] == 205_000


def test_and_the_other_one(line: Line) -> None:
    run_dunning(line.services, TODAY, TEST_ACTOR)  # the reminder names 1042 and 1043
    line.say("pay 1042")
    line.say("yes")
    quote = line.say("and the other one?")  # the other one the reminder named: 1043
    assert "Please confirm" in quote and "1043: $850.00" in quote and "1050" not in quote
    asked = line.say("and the other one?")  # nothing left of what was shown but 1050, not yet due
    assert "1050" in asked


def test_no_i_meant_1043(line: Line) -> None:
    line.say("pay 1042")
    quote = line.say("no, I meant 1043")
    assert "1043" in quote and "$850.00" in quote
    line.say("yes")
    assert paid(line.services)[0][0] == 85_000 and open_of(line.services, "1042") == 120_000


def test_yes_twice(line: Line) -> None:
    line.say("pay 1043")
    line.say("yes")
    again = line.say("yes")
    assert "already" in again.lower()
    assert len(paid(line.services)) == 1


def test_an_emoji_is_not_a_yes(line: Line) -> None:
    line.say("pay 1043")
    answer = line.say("👍")
    assert "YES" in answer and "$850.00" in answer
    assert paid(line.services) == []


def test_a_long_list_pages_and_numbers_mean_what_was_shown(line: Line) -> None:
    for n in range(1, 10):  # with 1042, 1043 and 1050: twelve open, oldest first
        invoice(line.services.db, f"2{n:03d}", f"{n}00.00", ago(60 - n))
    first = line.say("pay")
    assert "8. " in first and "9. " not in first and "MORE" in first
    assert "Reply 1 for" not in first  # the rows are numbered already: no second numbering on SMS
    refused = line.say("9")  # not shown yet: not a guess at a hidden invoice
    assert "no 9" in refused.lower()
    more = line.say("more")
    ninth = re.search(r"^9\. (\S+) — (\$[\d,]+\.\d\d)", more, re.M)
    assert ninth, more
    quote = line.say("9")  # the 9th row as shown on the second page, on SMS and Telegram alike
    assert f"{ninth.group(1)}: {ninth.group(2)}" in quote and quote.count("• ") == 1
    assert paid(line.services) == []


def test_a_message_read_with_doubt_is_asked_about_and_the_answer_pays_only_after_yes(
        line: Line, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the signed webhook: the question with its options (numbers by SMS, buttons on Telegram), the answer,
    the exact quote, and money only after YES. Every message with words in it is read as pay or dispute, too close
    to call; "1" and "yes" are whole answers, read as always."""
    real = nlu_decide.decide
    monkeypatch.setattr(nlu_decide, "decide", lambda rule, source, guess, vetoed=frozenset(), **kwargs: (
        real(rule, source, guess, vetoed, **kwargs) if source == "whole" else ("pay", 0.44, ("pay", "dispute"))))
    asked = line.say("1043 needs sorting out")
    assert "1) pay invoice 1043 now" in asked and "2) tell us it's wrong" in asked and paid(line.services) == []
    if line.channel == "telegram":
        assert "[1. pay invoice 1043 now]" in asked
    quote = line.say("1")
    assert "1043" in quote and "$850.00" in quote and paid(line.services) == []
    line.say("yes")
    assert paid(line.services)[0][0] == 85_000
