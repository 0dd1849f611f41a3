"""The core behind the console's documents, outbox, templates, audit and users pages, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.bootstrap import Services
from core.documents.files import attach_invoice_pdf
from core.dunning.template_preview import dunning_templates, parse_name, preview
from core.kernel.audit import Actor
from core.kernel.errors import Invalid, NotFound
from core.kernel.models import AuditEvent
from core.outbox import lifecycle as outbox
from core.outbox.models import OutboxMessage
from core.outbox.review import OutboxFilter, find_messages, send_now
from core.outbox.sending import OutgoingMessage
from core.staff.admin import change_active, change_role
from core.staff.audit_log import PAGE_SIZE, AuditFilter, search_audit
from core.staff.users import add_user
from core.statements.pdf import ensure_statement_pdf
from core.statements.send_now import send_file, send_options
from tests.books import TEST_ACTOR, customer, invoice

PDF = b"%PDF-1.4\n% a tiny test file\n%%EOF\n"
CLERK = Actor("user:clerk", "console")


def book(services: Services) -> int:
    customer(services.db, "ACME", phone="+15105550100", delivery="email;sms;print")
    customer(services.db, "OTHER")
    invoice(services.db, "INV-1", "100.00", "2026-10-01")
    invoice(services.db, "INV-2", "50.00", "2026-10-01", customer="OTHER")
    return attach_invoice_pdf(services.db.uow(), services.files, "INV-1", PDF, TEST_ACTOR).id


def test_a_document_goes_to_a_channel_the_customer_takes_approved(services: Services) -> None:
    file_id = book(services)
    options = send_options(services.db.uow(), "ACME")
    assert [(c.channel, c.recipient) for c in options.channels] == [("email", "ap@acme.example"),
                                                                     ("sms", "+15105550100")]
    by_mail = send_file(services, "ACME", file_id, "email", CLERK)
    by_text = send_file(services, "ACME", file_id, "sms", CLERK)
    with services.db.uow() as uow:
        mail, text = (uow.session.get(OutboxMessage, q.message_id) for q in (by_mail, by_text))
        assert mail is not None and text is not None
        assert (mail.status, mail.attachments, mail.reason) == ("approved", [file_id], "document")
        assert "invoice INV-1" in mail.subject and "ACME Ltd" in mail.body_text
        assert text.attachments == [] and "/d/" in text.body_text  # a signed link instead of an attachment
        sent = uow.session.scalars(select(AuditEvent.subject).where(AuditEvent.action == "document.sent")).all()
        assert sent == [f"file:{file_id}", f"file:{file_id}"]


def test_a_channel_outside_the_delivery_methods_or_another_customers_file_is_refused(services: Services) -> None:
    file_id = book(services)
    with pytest.raises(Invalid, match="not one of ACME's delivery methods"):
        send_file(services, "ACME", file_id, "fax", CLERK)
    with pytest.raises(NotFound):
        send_file(services, "OTHER", file_id, "email", CLERK)


class Recorder:
    def __init__(self) -> None:
        self.sent: list[int] = []

    def send(self, message: OutgoingMessage) -> str:
        self.sent.append(message.id)
        return f"id-{message.id}"


def queue(services: Services, code: str, approved: bool = False) -> int:
    with services.db.uow() as uow:
        message = outbox.queue(uow.session, TEST_ACTOR, channel="email", recipient=f"ap@{code.lower()}.example",
                               template="dunning.stage1", body_text="Please pay", reason="dunning",
                               approved=approved)
        uow.commit()
        return message.id


def test_send_now_approves_and_sends_just_the_chosen_messages(services: Services) -> None:
    book(services)
    waiting_before = queue(services, "ACME", approved=True)
    chosen, other = queue(services, "ACME"), queue(services, "B")
    sender = Recorder()
    summary = send_now(services.db, services.files, {"email": sender}, services.settings, CLERK, [chosen],
                       ensure_statement_pdf)
    assert (summary.sent, sender.sent) == (1, [chosen])
    statuses = {m.id: m.status for m in find_messages(services.db.uow(), OutboxFilter(status=None))}
    assert statuses == {waiting_before: "approved", chosen: "sent", other: "pending"}


def test_the_audit_log_filters_by_actor_action_customer_and_date_and_pages(services: Services) -> None:
    file_id = book(services)
    send_file(services, "ACME", file_id, "email", CLERK)
    today = dt.datetime.now(dt.UTC).date()
    found = search_audit(services.db.uow(), AuditFilter(actor="clerk", action="document.", customer_code="acme",
                                                        since=today, until=today, channel="console"))
    assert [(r.action, r.customer_code, r.details["channel"]) for r in found.rows] == [("document.sent", "ACME",
                                                                                        "email")]
    assert not search_audit(services.db.uow(), AuditFilter(until=today - dt.timedelta(days=1))).rows
    for _ in range(PAGE_SIZE):
        queue(services, "ACME")
    outbox.approve_pending(services.db.uow(), CLERK)
    first = search_audit(services.db.uow(), AuditFilter(action="outbox.approved"))
    second = search_audit(services.db.uow(), AuditFilter(action="outbox.approved"), page=2)
    assert (len(first.rows), first.has_more, len(second.rows), second.has_more) == (PAGE_SIZE, False, 0, False)
    assert first.rows[0].id > first.rows[-1].id  # newest first


def test_a_template_preview_renders_the_edit_on_a_sample_and_refuses_a_broken_one(services: Services) -> None:
    names = {t.name for t in dunning_templates(services.db.uow())}
    assert "dunning.stage2.sms.txt" in names and parse_name("dunning.stage2.email.subject.txt") == (2, "email",
                                                                                                     "subject")
    shown = preview("dunning.stage2.sms.txt", "URGENT {{ customer_name }} owes {{ amount_due }}", services.settings)
    assert shown == "URGENT Acme Corp owes $1,300.49"
    with pytest.raises(Invalid, match="unknown variable"):
        preview("dunning.stage2.sms.txt", "{{ customer_nam }}", services.settings)
    with pytest.raises(Invalid, match="does not compile"):
        preview("dunning.stage2.sms.txt", "{% if %}", services.settings)


def test_an_admin_cannot_demote_or_deactivate_themself(services: Services) -> None:
    add_user(services.db.uow(), "boss", "long enough password", "admin", TEST_ACTOR)
    add_user(services.db.uow(), "clerk", "long enough password", "agent", TEST_ACTOR)
    me = Actor("user:boss", "console")
    with pytest.raises(Invalid, match="admin role from yourself"):
        change_role(services.db.uow(), "boss", "agent", me)
    with pytest.raises(Invalid, match="deactivate yourself"):
        change_active(services.db.uow(), "boss", False, me)
    assert change_role(services.db.uow(), "clerk", "supervisor", me).role == "supervisor"
    assert change_active(services.db.uow(), "clerk", False, me).active is False
