"""Statement delivery on SQLite and PostgreSQL: the outbox gets one message per statement and method, skips
are logged with their reason, email reaches a real SMTP server with the PDF, and the print batch mails
each statement once."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest
from litestar.testing import TestClient
from pypdf import PdfReader, PdfWriter
from sqlalchemy import func, select, update

from channels.email import SmtpSender
from channels.web.app import create_app
from core.bootstrap import Services
from core.documents.files import attach_invoice_pdf
from core.documents.links import LINK_PATH, document_token, link_secret
from core.kernel.apikeys import create_api_key
from core.ledger.models import Contact, Customer
from core.outbox.lifecycle import dispatch
from core.outbox.models import OutboxMessage
from core.statements.cycle import run_statements
from core.statements.delivery import DeliverySelection, deliver_after_cycle, deliver_statements
from core.statements.models import Statement, StatementDelivery
from core.statements.pdf import ensure_statement_pdf
from core.statements.print_batch import make_print_batch
from tests.books import TEST_ACTOR, customer, invoice
from tests.smtp import smtp_settings

DAY = dt.date(2026, 10, 31)
ADDRESS = {"address_line1": "1 Main St", "city": "Springfield", "region": "IL", "country": "US"}


def book(services: Services) -> None:
    db = services.db
    customer(db, "C1", delivery="email;print", postal_code="62704", **ADDRESS)
    customer(db, "C2", delivery="print", postal_code="10001", **ADDRESS)
    customer(db, "C3", delivery="fax;sms", email="")  # no fax number, no phone
    customer(db, "C4", delivery="sms;telegram", phone="+15105550123", email="")
    customer(db, "C5", delivery="email")
    for n, code in enumerate(["C1", "C2", "C3", "C4", "C5"], start=1):
        invoice(db, f"INV-{n}", f"{n}00.00", "2026-09-15", customer=code)
    with db.uow() as uow:  # C5 gave an email and then opted out of it
        c5 = uow.session.scalar(select(Customer.id).where(Customer.code == "C5"))
        uow.session.execute(update(Contact).where(Contact.customer_id == c5).values(email_opt_out=True))
        uow.commit()


def cycle(services: Services, day: dt.date = DAY) -> None:
    run_statements(services.db, services.settings, services.files, statement_date=day, finance_charges_on=None,
                   actor=TEST_ACTOR)


def deliver(services: Services, **selection) -> list:  # type: ignore[no-untyped-def]
    return deliver_statements(services, DeliverySelection(**selection), TEST_ACTOR)


def by_key(lines: list) -> dict[tuple[str, str], tuple[str, str]]:  # type: ignore[type-arg]
    return {(line.customer, line.channel): (line.status, line.reason) for line in lines}


def count(services: Services, model) -> int:  # type: ignore[no-untyped-def]
    with services.db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_batch_delivery_queues_each_method_once_and_logs_every_skip(services):
    book(services)
    cycle(services)
    lines = deliver(services)
    assert by_key(lines) == {
        ("C1", "email"): ("queued", ""), ("C1", "print"): ("queued", ""), ("C2", "print"): ("queued", ""),
        ("C3", "fax"): ("skipped", "no fax number"), ("C3", "sms"): ("skipped", "no mobile number"),
        ("C4", "sms"): ("queued", ""), ("C4", "telegram"): ("skipped", "no linked Telegram chat"),
        ("C5", "email"): ("skipped", "opted out of email"),
    }
    assert count(services, OutboxMessage) == 4 and count(services, StatementDelivery) == 8
    with services.db.uow() as uow:
        assert set(uow.session.scalars(select(OutboxMessage.status))) == {"pending"}  # user-initiated: reviewed
    again = deliver(services)
    assert {line.status for line in again if line.status != "skipped"} == {"already queued"}
    assert count(services, OutboxMessage) == 4  # a rerun queues nothing twice


def test_selection_by_method_code_range_and_individual_past_statements(services):
    book(services)
    cycle(services, dt.date(2026, 9, 30))
    cycle(services)
    assert {(ln.customer, ln.channel) for ln in deliver(services, methods=("print",), code_from="C2", code_to="C4")
            } == {("C2", "print")}
    with services.db.uow() as uow:
        old = uow.session.scalar(select(Statement.id).join(Customer).where(
            Customer.code == "C1", Statement.statement_date == dt.date(2026, 9, 30)))
    resend = deliver(services, statement_ids=(old,), methods=("email",))
    twice = deliver(services, statement_ids=(old,), methods=("email",))
    assert [ln.status for ln in resend + twice] == ["queued", "queued"]  # a deliberate resend is a new message


def test_email_reaches_the_smtp_server_with_the_statement_pdf(services, smtp):
    book(services)
    cycle(services)
    deliver(services, methods=("email",), approve=True)
    settings = smtp_settings(services.settings, smtp.port)
    summary = dispatch(services.db, services.files, {"email": SmtpSender(settings)},
            statement_pdf=ensure_statement_pdf, settings=settings)
    assert summary.sent == 1
    [(recipients, message)] = smtp.inbox.received
    assert recipients == ["ap@c1.example"] and "$100.00 due" in message["Subject"]
    [attachment] = list(message.iter_attachments())
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(attachment.get_content())).pages)
    assert "INV-1" in text and "$100.00" in text
    with services.db.uow() as uow:
        email_log = select(StatementDelivery.status).where(StatementDelivery.channel == "email",
                                                           StatementDelivery.status != "skipped")
        assert uow.session.scalar(email_log) == "sent"


def test_an_sms_carries_a_signed_link_that_opens_the_pdf_and_nothing_else(services):
    book(services)
    cycle(services)
    deliver(services, methods=("sms",))
    with services.db.uow() as uow:
        body = uow.session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.channel == "sms"))
    assert len(body) < 320 and LINK_PATH in body
    path = body[body.index(LINK_PATH):].split()[0]
    with TestClient(create_app(services)) as client:
        opened = client.get(path)
        assert opened.status_code == 200 and opened.content.startswith(b"%PDF")
        assert "INV-4" in PdfReader(io.BytesIO(opened.content)).pages[0].extract_text()
        token = path.removeprefix(LINK_PATH)
        assert client.get(LINK_PATH + token[:-1] + ("0" if token[-1] != "0" else "1")).status_code == 403
        file_id = int(token.split(".")[0], 36)
        expired = document_token(link_secret(services.settings), file_id, dt.datetime.now(dt.UTC)
                                 - dt.timedelta(seconds=1))
        refused = client.get(LINK_PATH + expired)
        assert refused.status_code == 403 and "expired" in refused.text


def blank_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.file_stores
def test_the_print_batch_mails_each_statement_once_in_mailing_order(services, tmp_path):
    book(services)
    attach_invoice_pdf(services.db.uow(), services.files, "INV-1", blank_pdf(1), TEST_ACTOR)
    cycle(services)
    deliver(services, methods=("print",), reprint_invoices=True, approve=True)
    services.settings = dataclasses.replace(services.settings, extra={"print_dir": str(tmp_path / "outbound")})
    summary = make_print_batch(services, dt.date(2026, 11, 2), TEST_ACTOR)
    assert summary is not None and summary.pieces == 2
    with open(summary.manifest_path) as manifest_file:
        manifest = list(csv.DictReader(manifest_file))
    assert [row["customer"] for row in manifest] == ["C2", "C1"]  # postal code 10001 before 62704
    combined = PdfReader(summary.pdf_path)
    assert len(combined.pages) == summary.pages == sum(int(row["pages"]) for row in manifest)
    assert all(int(row["pages"]) % 2 == 0 for row in manifest)  # each letter starts on a fresh sheet
    first_page_c1 = int(manifest[1]["first_page"]) - 1
    assert "C1" in combined.pages[first_page_c1].extract_text()
    assert make_print_batch(services, dt.date(2026, 11, 2), TEST_ACTOR).already_made  # type: ignore[union-attr]
    with services.db.uow() as uow:  # the same statement approved again is not mailed a second time
        uow.session.execute(update(OutboxMessage).where(OutboxMessage.channel == "print").values(status="approved"))
        uow.commit()
    assert make_print_batch(services, dt.date(2026, 11, 3), TEST_ACTOR) is None
    with services.db.uow() as uow:
        assert set(uow.session.scalars(select(StatementDelivery.status).where(StatementDelivery.channel == "print"))
                   ) == {"sent"}


def test_the_library_api_lists_statements_and_serves_their_pdf(services):
    book(services)
    cycle(services)
    key = create_api_key(services.db.uow(), "erp", TEST_ACTOR)
    with TestClient(create_app(services)) as client:
        client.headers["X-API-Key"] = key
        [entry] = client.get("/api/customers/C1/documents").json()
        assert entry["kind"] == "statement" and entry["file_id"] is None  # rendered on first use
        pdf = client.get(f"/api/statements/{entry['statement_id']}/pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        [rendered] = client.get("/api/customers/C1/documents").json()
        assert rendered["file_id"] is not None
        link = client.post(f"/api/statements/{entry['statement_id']}/link").json()
        del client.headers["X-API-Key"]
        assert client.get(link["url"].split("8000", 1)[1]).content == pdf.content
        assert client.get("/api/customers/C1/documents").status_code == 401


def test_unknown_method_and_no_statements_are_refused_clearly(services):
    with pytest.raises(Exception, match="no statements yet"):
        deliver(services)
    with pytest.raises(Exception, match="unknown delivery method"):
        deliver(services, methods=("pigeon",))


def test_automatic_delivery_after_creation_only_when_configured_and_for_the_new_period(services):
    book(services)
    cycle(services)
    assert deliver_after_cycle(services, DAY, TEST_ACTOR) == []  # off by default: the seed rule
    services.settings = dataclasses.replace(services.settings, statements_auto_deliver=True)
    assert deliver_after_cycle(services, dt.date(2026, 9, 30), TEST_ACTOR) == []  # not the latest period
    lines = deliver_after_cycle(services, DAY, TEST_ACTOR)
    assert sum(line.status == "queued" for line in lines) == 4
    with services.db.uow() as uow:
        assert set(uow.session.scalars(select(OutboxMessage.status))) == {"approved"}
