"""The dispatcher's rules for pushed messages, on SQLite and PostgreSQL: quiet hours on the customer's clock
(across daylight-saving nights), opt-outs honoured at send time, per-channel rate limits and a provider's
retry_after, and the statement's PDF attached to a message about it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select, update

from core.bootstrap import Services
from core.documents.models import StoredFile
from core.kernel.config import Settings
from core.kernel.models import AuditEvent
from core.ledger.models import Contact, Customer
from core.outbox import lifecycle as outbox
from core.outbox.models import OutboxMessage
from core.outbox.sending import DeliveryError, DispatchSummary, OutgoingMessage, Sender, dispatch
from core.statements.cycle import run_statements
from core.statements.models import Statement
from core.statements.pdf import ensure_statement_pdf
from tests.books import TEST_ACTOR, customer, invoice

NEW_YORK = "America/New_York"
T0 = dt.datetime(2026, 6, 15, 15, 0, tzinfo=dt.UTC)  # 11:00 in New York: inside the window


class Recorder:
    """A sender that keeps what it was given, and when."""

    def __init__(self) -> None:
        self.sent: list[tuple[dt.datetime, OutgoingMessage]] = []

    def send(self, message: OutgoingMessage) -> str:
        self.sent.append((dt.datetime.now(dt.UTC), message))
        return f"fake-{message.id}"

    @property
    def recipients(self) -> list[str]:
        return [m.recipient for _, m in self.sent]


class FloodControl(Recorder):
    """Telegram's 429 for the first message it is given, then sends."""

    def __init__(self, retry_after: float) -> None:
        super().__init__()
        self.retry_after, self.refused = retry_after, 0

    def send(self, message: OutgoingMessage) -> str:
        if not self.refused:
            self.refused += 1
            raise DeliveryError(f"429 Too Many Requests: retry after {self.retry_after}",
                                retry_after=self.retry_after)
        return super().send(message)


def customer_id(services: Services, code: str = "ACME") -> int:
    with services.db.uow() as uow:
        found = uow.session.scalar(select(Customer.id).where(Customer.code == code))
        assert found is not None
        return found


def queue(services: Services, channel: str, recipient: str, **fields: object) -> int:
    with services.db.uow() as uow:
        message = outbox.queue(uow.session, TEST_ACTOR, channel=channel, recipient=recipient, template="dunning",
                               subject="Your account", body_text="Please pay", approved=True,
                               **{"reason": "dunning", **fields})  # type: ignore[arg-type]
        uow.commit()
        return message.id


def row(services: Services, message_id: int) -> OutboxMessage:
    with services.db.uow() as uow:
        found = uow.session.get(OutboxMessage, message_id)
        assert found is not None
        uow.session.expunge(found)
        return found


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.replace(tzinfo=dt.UTC) if moment is not None and moment.tzinfo is None else moment


def send(services: Services, senders: dict[str, Sender], now: dt.datetime | None = None,
         settings: Settings | None = None) -> DispatchSummary:
    return dispatch(services.db, services.files, senders,
            statement_pdf=ensure_statement_pdf, settings=settings or services.settings, now=now)


# ── Quiet hours ───────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("queued_at", "opens_at"), [
    # 23:00 EST on the Saturday before the spring-forward; 08:00 EDT on Sunday is 12:00 UTC.
    (dt.datetime(2026, 3, 8, 4, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 8, 12, 0, tzinfo=dt.UTC)),
    # 23:00 EDT on the Saturday before the fall-back; 08:00 EST on Sunday is 13:00 UTC.
    (dt.datetime(2026, 11, 1, 3, 0, tzinfo=dt.UTC), dt.datetime(2026, 11, 1, 13, 0, tzinfo=dt.UTC)),
])
def test_a_message_queued_at_eleven_at_night_goes_at_eight_next_morning(
        services: Services, queued_at: dt.datetime, opens_at: dt.datetime) -> None:
    customer(services.db, "ACME", timezone=NEW_YORK)
    email = Recorder()
    with time_machine.travel(queued_at):
        quiet = queue(services, "email", "ap@acme.example", customer_id=customer_id(services),
                      respect_quiet_hours=True)
        receipt = queue(services, "email", "ap@acme.example", customer_id=customer_id(services))
        assert send(services, {"email": email}) == DispatchSummary(sent=1, postponed=1)
    assert [m.id for _, m in email.sent] == [receipt]  # not pushed unasked: it goes at once
    waiting = row(services, quiet)
    assert (waiting.status, waiting.attempts, utc(waiting.next_attempt_at)) == ("approved", 0, opens_at)
    assert waiting.last_error == f"quiet hours: waits until {opens_at.date()} 08:00 {NEW_YORK}"

    with time_machine.travel(opens_at - dt.timedelta(minutes=1)):
        assert send(services, {"email": email}) == DispatchSummary()  # 07:59: not yet
    with time_machine.travel(opens_at):
        assert send(services, {"email": email}) == DispatchSummary(sent=1)
    [(sent_at, message)] = email.sent[1:]
    assert message.id == quiet
    assert sent_at >= opens_at and sent_at.astimezone(ZoneInfo(NEW_YORK)).strftime("%H:%M") == "08:00"
    done = row(services, quiet)
    assert (done.status, done.attempts, done.last_error) == ("sent", 1, None)


def test_a_message_without_quiet_hours_goes_at_once_in_the_night(services: Services) -> None:
    customer(services.db, "ACME", timezone=NEW_YORK)
    night = dt.datetime(2026, 6, 16, 7, 0, tzinfo=dt.UTC)  # 03:00 in New York
    sent = queue(services, "email", "ap@acme.example", customer_id=customer_id(services))
    email = Recorder()
    assert send(services, {"email": email}, now=night) == DispatchSummary(sent=1)
    assert [m.id for _, m in email.sent] == [sent]


def test_a_customer_in_an_unknown_timezone_keeps_utc_hours(services: Services) -> None:
    customer(services.db, "ACME")
    with services.db.uow() as uow:
        uow.session.execute(update(Customer).values(timezone="Nowhere/Atlantis"))
        uow.commit()
    quiet = queue(services, "email", "ap@acme.example", customer_id=customer_id(services), respect_quiet_hours=True)
    late = dt.datetime(2026, 6, 15, 22, 0, tzinfo=dt.UTC)
    assert send(services, {"email": Recorder()}, now=late) == DispatchSummary(postponed=1)
    assert utc(row(services, quiet).next_attempt_at) == dt.datetime(2026, 6, 16, 8, 0, tzinfo=dt.UTC)


# ── Opt-outs ──────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("channel", "recipient", "opt_out"), [
    ("sms", "+15105550100", Contact.sms_opt_out),
    ("email", "AP@Acme.example", Contact.email_opt_out),  # addresses match whatever their case
])
def test_an_opt_out_after_queueing_cancels_the_message(services: Services, channel: str, recipient: str,
                                                       opt_out: object) -> None:
    customer(services.db, "ACME", phone="+15105550100")
    owner = customer_id(services)
    stopped = queue(services, channel, recipient, customer_id=owner)
    other = queue(services, channel, "+15105550111" if channel == "sms" else "ops@beta.example")
    with services.db.uow() as uow:  # the customer texts STOP (or unsubscribes) after the message was queued
        uow.session.execute(update(Contact).where(Contact.customer_id == owner).values({opt_out: True}))
        uow.commit()

    sender = Recorder()
    assert send(services, {channel: sender}, now=T0) == DispatchSummary(sent=1, canceled=1)
    assert sender.recipients == [row(services, other).recipient]  # nothing reached the one who opted out
    canceled = row(services, stopped)
    assert (canceled.status, canceled.attempts, canceled.next_attempt_at) == ("canceled", 0, None)
    assert canceled.last_error == f"{recipient} opted out of {channel} after the message was queued; not sent"
    with services.db.uow() as uow:
        audit = uow.session.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.subject)
                                    .where(AuditEvent.action == "outbox.canceled")).all()
    assert audit == [("dispatcher", "outbox.canceled", f"outbox:{stopped}")]
    assert send(services, {channel: sender}, now=T0 + dt.timedelta(hours=1)) == DispatchSummary()


# ── Rate limits ───────────────────────────────────────────────────────────────────────────────────────


def test_one_telegram_chat_gets_one_message_a_second(services: Services) -> None:
    ids = [queue(services, "telegram", "42") for _ in range(35)]
    telegram = Recorder()
    assert send(services, {"telegram": telegram}, now=T0) == DispatchSummary(sent=1, postponed=34)
    first = row(services, ids[1])
    assert (first.attempts, utc(first.next_attempt_at)) == (0, T0 + dt.timedelta(seconds=1))
    assert send(services, {"telegram": telegram}, now=T0 + dt.timedelta(milliseconds=500)) == DispatchSummary()
    for second in range(1, 35):
        assert send(services, {"telegram": telegram}, now=T0 + dt.timedelta(seconds=second)).sent == 1
    assert [m.id for _, m in telegram.sent] == ids  # in order, one a second


def test_telegram_sends_about_thirty_a_second_overall(services: Services) -> None:
    ids = [queue(services, "telegram", str(1000 + n)) for n in range(40)]
    telegram = Recorder()
    assert send(services, {"telegram": telegram}, now=T0) == DispatchSummary(sent=30, postponed=10)
    assert [m.id for _, m in telegram.sent] == ids[:30]
    assert {row(services, i).attempts for i in ids[30:]} == {0}
    assert send(services, {"telegram": telegram}, now=T0 + dt.timedelta(seconds=1)) == DispatchSummary(sent=10)


def test_a_busy_chat_and_many_chats_in_one_pass_keep_both_limits(services: Services) -> None:
    for _ in range(35):
        queue(services, "telegram", "42")
    for n in range(40):
        queue(services, "telegram", str(1000 + n))
    telegram, per_second = Recorder(), []
    assert send(services, {"telegram": telegram}, now=T0) == DispatchSummary(sent=30, postponed=45)
    per_second.append(Counter(telegram.recipients))
    for second in range(1, 40):
        before = len(telegram.sent)
        send(services, {"telegram": telegram}, now=T0 + dt.timedelta(seconds=second))
        per_second.append(Counter(m.recipient for _, m in telegram.sent[before:]))
    assert len(telegram.sent) == 75
    assert max(sum(chats.values()) for chats in per_second) <= 30
    assert max(max(chats.values(), default=0) for chats in per_second) == 1  # one a second for each chat
    assert [sum(chats.values()) for chats in per_second[:3]] == [30, 12, 1]


def test_sms_follows_its_own_rate(services: Services) -> None:
    for n in range(25):
        queue(services, "sms", f"+1510555{n:04d}")
    sms = Recorder()
    settings = replace(services.settings, sms_rate_per_second=10)
    assert send(services, {"sms": sms}, now=T0, settings=settings) == DispatchSummary(sent=10, postponed=15)


def test_retry_after_reschedules_without_spending_an_attempt(services: Services) -> None:
    settings = replace(services.settings, outbox_max_attempts=1)  # even the last attempt is given back
    first, *others = [queue(services, "telegram", str(1000 + n)) for n in range(3)]
    telegram = FloodControl(retry_after=7)
    assert send(services, {"telegram": telegram}, now=T0, settings=settings) == DispatchSummary(postponed=1)
    waiting = row(services, first)
    assert (waiting.status, waiting.attempts, utc(waiting.next_attempt_at)) == (
        "approved", 0, T0 + dt.timedelta(seconds=7))
    assert waiting.last_error == "429 Too Many Requests: retry after 7"
    # The rest of the channel waited too, untouched, instead of hitting the flood control again.
    assert [(row(services, i).attempts, row(services, i).next_attempt_at) for i in others] == [(0, None)] * 2

    assert send(services, {"telegram": telegram}, now=T0 + dt.timedelta(seconds=1), settings=settings) == (
        DispatchSummary(sent=2))
    assert send(services, {"telegram": telegram}, now=T0 + dt.timedelta(seconds=7), settings=settings) == (
        DispatchSummary(sent=1))
    assert [m.id for _, m in telegram.sent] == [*others, first]
    assert (row(services, first).status, row(services, first).attempts) == ("sent", 1)


# ── The statement's PDF ───────────────────────────────────────────────────────────────────────────────


def test_a_message_about_a_statement_carries_its_pdf_rendered_once(services: Services) -> None:
    customer(services.db, "ACME", phone="+15105550100", fax="+15105550199")
    invoice(services.db, "A-1", "1200.50", "2026-10-01")
    run_statements(services.db, services.settings, services.files, statement_date=dt.date(2026, 11, 30),
                   finance_charges_on=None, actor=TEST_ACTOR)
    with services.db.uow() as uow:
        statement_id, file_id = uow.session.execute(select(Statement.id, Statement.file_id)).one()
    assert file_id is None  # not rendered yet
    # Sent by staff (not pushed), so the one-message-a-day rule leaves all four to go at once.
    about = {"customer_id": customer_id(services), "statement_id": statement_id, "reason": "document"}
    ids = {channel: queue(services, channel, recipient, **about) for channel, recipient in (
        ("email", "ap@acme.example"), ("fax", "+15105550199"), ("telegram", "42"), ("sms", "+15105550100"))}

    senders = {channel: Recorder() for channel in ids}
    assert send(services, dict(senders), now=T0) == DispatchSummary(sent=4)
    pdfs = {channel: [(a.filename, a.content_type) for a in m.attachments]
            for channel, sender in senders.items() for _, m in sender.sent}
    wanted = [("statement-ACME-2026-11-30.pdf", "application/pdf")]
    assert pdfs == {"email": wanted, "fax": wanted, "telegram": wanted, "sms": []}  # an SMS cannot carry it
    sent_bytes = {m.attachments[0].data for ch in ("email", "fax", "telegram") for _, m in senders[ch].sent}
    assert len(sent_bytes) == 1 and next(iter(sent_bytes)).startswith(b"%PDF")

    with services.db.uow() as uow:
        file_id = uow.session.scalar(select(Statement.file_id))
        kept = uow.session.scalar(select(func.count(StoredFile.id)).where(StoredFile.kind == "statement"))
    assert file_id is not None and kept == 1  # rendered once, and kept in the library

    # A message that already carries the PDF gets it once, not twice.
    again = queue(services, "email", "ap@acme.example", attachments=[file_id], **about)
    assert send(services, dict(senders), now=T0) == DispatchSummary(sent=1)
    [(_, message)] = senders["email"].sent[1:]
    assert message.id == again and [a.data for a in message.attachments] == list(sent_bytes)


# ── One pushed message a customer a day ───────────────────────────────────────────────────────────────


def test_a_statement_is_folded_into_the_days_dunning_notice_that_carries_it(services: Services) -> None:
    customer(services.db, "ACME", timezone=NEW_YORK)
    invoice(services.db, "A-1", "1200.50", "2026-05-01")
    run_statements(services.db, services.settings, services.files, statement_date=dt.date(2026, 5, 31),
                   finance_charges_on=None, actor=TEST_ACTOR)
    with services.db.uow() as uow:
        statement_id = uow.session.scalar(select(Statement.id))
    about = {"customer_id": customer_id(services), "statement_id": statement_id}
    email = Recorder()
    with time_machine.travel(T0):
        statement = queue(services, "email", "ap@acme.example", reason="statement", **about)
        notice = queue(services, "email", "ap@acme.example", respect_quiet_hours=True, **about)
        assert send(services, {"email": email}, now=T0) == DispatchSummary(sent=1, canceled=1)

    assert [m.id for _, m in email.sent] == [notice]  # the notice, with the statement attached
    assert [a.filename for a in email.sent[0][1].attachments] == ["statement-ACME-2026-05-31.pdf"]
    folded = row(services, statement)
    assert folded.status == "canceled"
    assert folded.last_error == f"folded into today's dunning notice (outbox {notice}), which carries this statement"


def test_the_days_second_pushed_message_waits_for_the_next_morning(services: Services) -> None:
    customer(services.db, "ACME", timezone=NEW_YORK)
    email = Recorder()
    with time_machine.travel(T0):  # 11:00 in New York
        statement = queue(services, "email", "ap@acme.example", reason="statement", customer_id=customer_id(services))
        assert send(services, {"email": email}, now=T0) == DispatchSummary(sent=1)
        notice = queue(services, "email", "ap@acme.example", customer_id=customer_id(services),
                       respect_quiet_hours=True)
        receipt = queue(services, "email", "ap@acme.example", reason="payment_receipt",
                        customer_id=customer_id(services))
        assert send(services, {"email": email}, now=T0) == DispatchSummary(sent=1, postponed=1)

    assert [m.id for _, m in email.sent] == [statement, receipt]  # a receipt is asked for: it goes at once
    waiting = row(services, notice)
    tomorrow = dt.datetime(2026, 6, 16, 12, 0, tzinfo=dt.UTC)  # 08:00 in New York
    assert (waiting.status, utc(waiting.next_attempt_at)) == ("approved", tomorrow)
    assert waiting.last_error == (f"one message a day: outbox {statement} reached this customer today; "
                                  f"waits until 2026-06-16 08:00 {NEW_YORK}")
    with time_machine.travel(tomorrow):
        assert send(services, {"email": email}, now=tomorrow) == DispatchSummary(sent=1)
