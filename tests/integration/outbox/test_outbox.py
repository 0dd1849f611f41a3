"""The outbox on SQLite and PostgreSQL: messages are written with their cause, move only forward, and reach a
real SMTP server on loopback (aiosmtpd) with the PDF intact; an SMTP server that is down loses nothing."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import select

from channels.email import SmtpSender
from channels.fax import FaxGatewaySender
from core.bootstrap import Services
from core.documents.models import StoredFile
from core.kernel.config import Settings
from core.kernel.errors import Conflict, Invalid, NotFound
from core.kernel.models import AuditEvent
from core.ledger.models import Customer
from core.outbox import lifecycle as outbox
from core.outbox.lifecycle import fax_address
from core.outbox.models import OutboxMessage
from core.outbox.sending import DispatchSummary, OutgoingMessage, Sender, backoff, dispatch
from core.statements.models import Statement, StatementDelivery, StatementRun
from core.statements.pdf import ensure_statement_pdf
from tests.books import TEST_ACTOR, customer
from tests.smtp import FAX_DOMAIN, REFUSED_DOMAIN, SmtpServer, free_port, only, smtp_settings

# Bytes that any re-encoding would damage: every byte value, inside a PDF's header and trailer.
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


# ── Helpers ───────────────────────────────────────────────────────────────────────────────────────────


def store_pdf(services: Services, customer_code: str = "ACME") -> int:
    with services.db.uow() as uow:
        owner = uow.session.scalar(select(Customer.id).where(Customer.code == customer_code))
        assert owner is not None
        key = services.files.put(PDF)
        stored = StoredFile(customer_id=owner, kind="statement", source="generated", filename="statement-ACME.pdf",
                            size=len(PDF), sha256=key, storage_key=key)
        uow.session.add(stored)
        uow.commit()
        return stored.id


def queue_one(services: Services, *, approved: bool = True, **fields: object) -> int:
    values: dict[str, object] = {"channel": "email", "recipient": "ap@acme.example", "template": "statement",
                                 "subject": "Your statement", "body_text": "Hello", "reason": "statement"}
    with services.db.uow() as uow:
        message = outbox.queue(uow.session, TEST_ACTOR, approved=approved, **{**values, **fields})  # type: ignore[arg-type]
        uow.commit()
        return message.id


def message(services: Services, message_id: int) -> OutboxMessage:
    with services.db.uow() as uow:
        row = uow.session.get(OutboxMessage, message_id)
        assert row is not None
        uow.session.expunge(row)  # keep it readable after the unit of work rolls back and closes
        return row


def send_pass(services: Services, settings: Settings, now: dt.datetime | None = None) -> DispatchSummary:
    smtp = SmtpSender(settings)
    senders: dict[str, Sender] = {"email": smtp, "fax": FaxGatewaySender(settings, smtp)}
    return dispatch(services.db, services.files, senders,
            statement_pdf=ensure_statement_pdf, settings=settings, now=now)


def utc(moment: dt.datetime | None) -> dt.datetime:
    assert moment is not None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# ── Queueing ──────────────────────────────────────────────────────────────────────────────────────────


def test_a_message_queued_in_a_rolled_back_transaction_does_not_exist(services: Services) -> None:
    with services.db.uow() as uow:
        outbox.queue(uow.session, TEST_ACTOR, channel="email", recipient="ap@acme.example", template="statement")
        # no commit: the change that caused the message failed, so there is no message either
    assert outbox.list_messages(services.db.uow()) == []


def test_a_dedupe_key_queues_the_message_once(services: Services) -> None:
    first = queue_one(services, dedupe_key="statement:1:email")
    again = queue_one(services, dedupe_key="statement:1:email", subject="a rerun")
    assert again == first
    [only] = outbox.list_messages(services.db.uow())
    assert (only.id, only.subject, only.status) == (first, "Your statement", "approved")


def test_two_producers_queueing_the_same_key_at_once_make_one_message(services: Services) -> None:
    queued: list[int] = []

    def second_producer() -> None:
        with services.db.uow() as uow:
            # PostgreSQL makes this insert wait for the first producer, then refuses it; SQLite makes the whole
            # transaction wait. Either way the first producer's message is the one returned.
            queued.append(outbox.queue(uow.session, TEST_ACTOR, channel="email", recipient="ap@acme.example",
                                       template="statement", dedupe_key="statement:7:email").id)
            uow.commit()

    with services.db.uow() as uow:
        first = outbox.queue(uow.session, TEST_ACTOR, channel="email", recipient="ap@acme.example",
                             template="statement", dedupe_key="statement:7:email")
        thread = threading.Thread(target=second_producer)
        thread.start()
        time.sleep(0.3)  # let the second producer reach its insert (or its BEGIN) while ours is uncommitted
        uow.commit()
    thread.join(timeout=30)
    assert queued == [first.id]
    assert [m.id for m in outbox.list_messages(services.db.uow())] == [first.id]


def test_queue_refuses_what_could_never_be_sent(services: Services) -> None:
    with services.db.uow() as uow:
        for bad, fragment in (({"channel": "pigeon"}, "unknown channel"), ({"recipient": " "}, "needs a recipient"),
                              ({"channel": "fax", "recipient": "510 555 0100"}, "E.164"),
                              ({"attachments": [999]}, "not in the document library")):
            fields = {"channel": "email", "recipient": "ap@acme.example", **bad}
            with pytest.raises(Invalid, match=fragment):
                outbox.queue(uow.session, TEST_ACTOR, template="t", **fields)  # type: ignore[arg-type]


# ── Staff actions ─────────────────────────────────────────────────────────────────────────────────────


def test_approve_cancel_and_retry_only_move_forward(services: Services, smtp: SmtpServer) -> None:
    customer(services.db)
    pending, other = queue_one(services, approved=False), queue_one(services, approved=False)
    refused = queue_one(services, recipient=f"nobody@{REFUSED_DOMAIN}")
    uow = services.db.uow

    assert outbox.approve(uow(), TEST_ACTOR, [pending]) == [pending]
    assert outbox.approve(uow(), TEST_ACTOR, [pending]) == []  # asking twice changes nothing
    assert outbox.cancel(uow(), TEST_ACTOR, [other], "customer asked for paper") == [other]
    with pytest.raises(Conflict, match=f"message {other} is canceled; only a pending message can be approved"):
        outbox.approve(uow(), TEST_ACTOR, [pending, other])
    with pytest.raises(NotFound, match="outbox message 999 not found"):
        outbox.cancel(uow(), TEST_ACTOR, [999], "typo")

    assert send_pass(services, smtp_settings(services.settings, smtp.port)) == DispatchSummary(sent=1, failed=1)
    with pytest.raises(Conflict, match=f"message {pending} is sent; only a pending or approved message can be"):
        outbox.cancel(uow(), TEST_ACTOR, [pending], "too late")
    with pytest.raises(Conflict, match=f"message {pending} is sent; only a failed message can be retried"):
        outbox.retry(uow(), TEST_ACTOR, [pending])

    assert outbox.retry(uow(), TEST_ACTOR, [refused]) == [refused]
    again = message(services, refused)
    assert (again.status, again.attempts, again.next_attempt_at) == ("approved", 0, None)
    with services.db.uow() as u:
        actions = u.session.execute(select(AuditEvent.action, AuditEvent.subject, AuditEvent.actor)
                                    .where(AuditEvent.action.startswith("outbox.")).order_by(AuditEvent.id)).all()
    assert [(a, s) for a, s, _ in actions] == [
        ("outbox.approved", f"outbox:{pending}"), ("outbox.canceled", f"outbox:{other}"),
        ("outbox.retried", f"outbox:{refused}"),
    ]
    assert {actor for _, _, actor in actions} == {TEST_ACTOR.name}


def test_approve_pending_releases_one_channel_at_a_time(services: Services) -> None:
    email_id = queue_one(services, approved=False)
    fax_id = queue_one(services, approved=False, channel="fax", recipient="+15105550100")
    assert outbox.approve_pending(services.db.uow(), TEST_ACTOR, channel="fax") == [fax_id]
    assert outbox.approve_pending(services.db.uow(), TEST_ACTOR, reason="dunning") == []
    assert outbox.approve_pending(services.db.uow(), TEST_ACTOR) == [email_id]
    listed = outbox.list_messages(services.db.uow(), status="approved", channel="fax")
    assert [m.id for m in listed] == [fax_id]


def test_the_statement_delivery_log_follows_its_message(services: Services, smtp: SmtpServer) -> None:
    customer(services.db)
    with services.db.uow() as uow:
        acme = uow.session.scalar(select(Customer.id))
        run = StatementRun(statement_date=dt.date(2026, 10, 31), status="complete")
        uow.session.add(run)
        uow.session.flush()
        statement = Statement(run_id=run.id, customer_id=acme, statement_date=run.statement_date, currency="USD",
                              balance_minor=100, snapshot={}, template_version="1")
        uow.session.add(statement)
        uow.session.flush()
        sent = outbox.queue(uow.session, TEST_ACTOR, channel="email", recipient="ap@acme.example",
                            template="statement", statement_id=statement.id, approved=True)
        dropped = outbox.queue(uow.session, TEST_ACTOR, channel="email", recipient="ap@acme.example",
                               template="statement", statement_id=statement.id)
        for m in (sent, dropped):
            uow.session.add(StatementDelivery(statement_id=statement.id, channel="email", status="queued",
                                              outbox_id=m.id))
        uow.commit()
    outbox.cancel(services.db.uow(), TEST_ACTOR, [dropped.id], "duplicate")
    send_pass(services, smtp_settings(services.settings, smtp.port))
    with services.db.uow() as uow:
        log = dict(uow.session.execute(select(StatementDelivery.outbox_id, StatementDelivery.status)).all())
    assert log == {sent.id: "sent", dropped.id: "canceled"}


# ── Sending ───────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.file_stores
def test_the_email_arrives_with_text_html_and_the_pdf_intact(services: Services, smtp: SmtpServer) -> None:
    customer(services.db)
    sent_id = queue_one(services, subject="Statement for October 2026", body_text="Your balance is $1,200.50.",
                        body_html="<p>Your balance is <b>$1,200.50</b>.</p>", attachments=[store_pdf(services)])
    settings = smtp_settings(services.settings, smtp.port)
    assert send_pass(services, settings) == DispatchSummary(sent=1)

    [(recipients, received)] = smtp.inbox.received
    assert recipients == ["ap@acme.example"]
    assert received["Subject"] == "Statement for October 2026"
    [sender] = received["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Northwind Supply Co.", "ar@northwind.example")
    assert received["Message-ID"] == f"<outbox-{sent_id}@northwind.example>"
    text, html = received.get_body(("plain",)), received.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content().strip() == "Your balance is $1,200.50."
    assert "<b>$1,200.50</b>" in html.get_content()
    [pdf] = list(received.iter_attachments())
    assert (pdf.get_content_type(), pdf.get_filename()) == ("application/pdf", "statement-ACME.pdf")
    assert pdf.get_content() == PDF

    row = message(services, sent_id)
    assert (row.status, row.attempts, row.provider_id, row.last_error) == ("sent", 1, received["Message-ID"], None)
    assert row.sent_at is not None
    assert send_pass(services, settings) == DispatchSummary()  # sent once, never again


def test_smtp_down_keeps_the_messages_and_sends_them_when_the_server_is_back(services: Services) -> None:
    port = free_port()  # nothing listens here yet
    settings = smtp_settings(services.settings, port)
    first, second = queue_one(services), queue_one(services)
    before = dt.datetime.now(dt.UTC)
    assert send_pass(services, settings) == DispatchSummary(deferred=1)
    row = message(services, first)
    assert (row.status, row.attempts) == ("approved", 1)
    assert row.last_error and "SMTP server unavailable" in row.last_error
    assert utc(row.next_attempt_at) >= before + dt.timedelta(seconds=settings.outbox_backoff_seconds)
    # One outage costs one attempt, not one per message: the pass stopped trying the channel.
    assert message(services, second).attempts == 0
    assert send_pass(services, settings) == DispatchSummary(deferred=1)  # the second now; the first is not due

    with SmtpServer(port) as server:
        later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.outbox_backoff_seconds + 1)
        assert send_pass(services, settings, now=later) == DispatchSummary(sent=2)
    assert sorted(m["Message-ID"] for _, m in server.inbox.received) == [
        f"<outbox-{first}@northwind.example>", f"<outbox-{second}@northwind.example>"]
    row = message(services, first)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)


def test_a_sender_that_breaks_loses_nothing(services: Services) -> None:
    class Broken:
        def send(self, message: OutgoingMessage) -> str:
            raise RuntimeError("bug in a sender")

    kept = queue_one(services)
    summary = dispatch(services.db, services.files, {"email": Broken()},
            statement_pdf=ensure_statement_pdf, settings=services.settings)
    assert summary == DispatchSummary(deferred=1)
    row = message(services, kept)
    assert (row.status, row.attempts, row.last_error) == ("approved", 1, "RuntimeError: bug in a sender")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login_from_settings_and_a_wrong_password_loses_nothing(services: Services) -> None:
    # Loopback without TLS: the test server allows AUTH in the clear, a real one would demand starttls/tls.
    with SmtpServer(free_port(), authenticator=only("ar", "s3cret"), auth_required=True,
                    auth_require_tls=False) as server:
        wrong = smtp_settings(services.settings, server.port, smtp_username="ar", smtp_password="nope")
        queued = queue_one(services)
        assert send_pass(services, wrong) == DispatchSummary(deferred=1)  # our configuration, not the message
        right = smtp_settings(services.settings, server.port, smtp_username="ar", smtp_password="s3cret")
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        assert send_pass(services, right, now=later) == DispatchSummary(sent=1)
    assert len(server.inbox.received) == 1 and message(services, queued).status == "sent"


def test_a_refused_recipient_fails_at_once(services: Services, smtp: SmtpServer) -> None:
    refused = queue_one(services, recipient=f"gone@{REFUSED_DOMAIN}")
    assert send_pass(services, smtp_settings(services.settings, smtp.port)) == DispatchSummary(failed=1)
    row = message(services, refused)
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 1, None)
    assert row.last_error and "550" in row.last_error
    assert smtp.inbox.received == []


def test_the_last_attempt_fails_the_message(services: Services) -> None:
    settings = smtp_settings(services.settings, free_port(), outbox_max_attempts=2)
    doomed = queue_one(services)
    start = dt.datetime.now(dt.UTC)
    assert send_pass(services, settings, now=start) == DispatchSummary(deferred=1)
    assert send_pass(services, settings, now=start + dt.timedelta(hours=1)) == DispatchSummary(failed=1)
    row = message(services, doomed)
    assert (row.status, row.attempts) == ("failed", 2)


def test_backoff_doubles_up_to_six_hours() -> None:
    assert [backoff(n, 60).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff(30, 60) == dt.timedelta(hours=6)


def test_channels_without_a_sender_wait_untouched(services: Services, smtp: SmtpServer) -> None:
    held = [queue_one(services, channel=c, recipient=r) for c, r in (("print", "mail"), ("sms", "+15105550100"),
                                                                     ("telegram", "123456"))]
    assert send_pass(services, smtp_settings(services.settings, smtp.port)) == DispatchSummary(held=3)
    for message_id in held:
        row = message(services, message_id)
        assert (row.status, row.attempts, row.next_attempt_at, row.last_error) == ("approved", 0, None, None)


def test_a_fax_goes_to_the_gateway_with_the_pdf(services: Services, smtp: SmtpServer) -> None:
    customer(services.db)
    fax_id = queue_one(services, channel="fax", recipient="+15105550100", attachments=[store_pdf(services)])
    assert send_pass(services, smtp_settings(services.settings, smtp.port)) == DispatchSummary(sent=1)
    [(recipients, received)] = smtp.inbox.received
    assert recipients == [f"15105550100@{FAX_DOMAIN}"] and received["To"] == f"15105550100@{FAX_DOMAIN}"
    [pdf] = list(received.iter_attachments())
    assert pdf.get_content() == PDF
    assert message(services, fax_id).status == "sent"


def test_fax_address_refuses_what_a_gateway_cannot_dial() -> None:
    assert fax_address("+15105550100", "Fax.Example.NET") == "15105550100@fax.example.net"
    with pytest.raises(Invalid, match="ARAGENT_FAX_GATEWAY_DOMAIN"):
        fax_address("+15105550100", "")
    for number in ("15105550100", "+1 510 555 0100", "+0105550100", "tel:+15105550100"):
        with pytest.raises(Invalid, match="not in E.164 form"):
            fax_address(number, FAX_DOMAIN)


def test_two_dispatchers_at_once_send_each_message_exactly_once(services: Services, smtp: SmtpServer) -> None:
    ids = [queue_one(services, recipient=f"ap{i}@acme.example") for i in range(24)]
    settings = smtp_settings(services.settings, smtp.port)
    barrier, sent = threading.Barrier(2), [0, 0]
    senders: dict[str, Sender] = {"email": SmtpSender(settings)}

    def dispatcher(slot: int) -> None:
        barrier.wait()
        while (summary := dispatch(services.db, services.files, senders,
                statement_pdf=ensure_statement_pdf, settings=settings, limit=4)).sent:
            sent[slot] += summary.sent

    threads = [threading.Thread(target=dispatcher, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    received_ids = [m["Message-ID"] for _, m in smtp.inbox.received]
    assert sum(sent) == len(received_ids) == len(set(received_ids)) == len(ids)
    assert {m.status for m in outbox.list_messages(services.db.uow())} == {"sent"}
