"""The Documents tab: the customer's library, preview and download, and "send now" into the outbox.

Customers C1026–C1035 are this file's and test_supervision.py's; here C1028 (email) and C1027 (SMS only)."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect
from sqlalchemy import select

from core.documents.files import attach_invoice_pdf
from core.documents.letterhead import seller_info
from core.ledger.models import Customer, Document
from core.statements.compose import snapshots_for
from core.statements.models import Statement, StatementRun
from core.statements.queries import customer_accounts
from core.statements.snapshots import STATEMENT_TEMPLATE_VERSION
from tests.books import TEST_ACTOR
from tests.browser.conftest import LiveConsole

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
STATEMENT_DAY = dt.date.today() - dt.timedelta(days=17)  # a date no statement run of another test uses


def make_statement(console: LiveConsole, code: str) -> int:
    """A statement of the customer's real book, not yet rendered (as the cycle leaves it)."""
    services = console.services
    with services.db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == code))
        found = uow.session.scalar(select(Statement.id).where(Statement.customer_id == customer_id,
                                                              Statement.statement_date == STATEMENT_DAY))
        if found is not None:
            return found
        run = uow.session.scalar(select(StatementRun).where(StatementRun.statement_date == STATEMENT_DAY))
        if run is None:
            run = StatementRun(statement_date=STATEMENT_DAY, status="complete")
            uow.session.add(run)
            uow.session.flush()
        accounts = customer_accounts(uow.session, [customer_id], services.settings.default_country)
        snapshot = snapshots_for(uow.session, seller_info(services.settings, services.files), STATEMENT_DAY,
                                 accounts, {})[customer_id]
        statement = Statement(run_id=run.id, customer_id=customer_id, statement_date=STATEMENT_DAY,
                              currency=snapshot.currency, balance_minor=snapshot.balance_minor,
                              snapshot=snapshot.to_json(), template_version=STATEMENT_TEMPLATE_VERSION)
        uow.session.add(statement)
        uow.commit()
        return statement.id


def attach_pdf(console: LiveConsole, code: str) -> str:
    with console.services.db.uow() as uow:
        number = uow.session.scalar(select(Document.number).join(Customer, Customer.id == Document.customer_id)
                                    .where(Customer.code == code, Document.kind == "invoice").order_by(Document.id))
    assert number is not None
    attach_invoice_pdf(console.services.db.uow(), console.services.files, number, PDF, TEST_ACTOR)
    return number


def test_preview_download_and_send_a_statement_now(console: LiveConsole, signed_in, shot) -> None:
    statement_id = make_statement(console, "C1028")
    number = attach_pdf(console, "C1028")
    page = signed_in("agent")
    page.goto("/console/customers/C1028/documents")
    library = page.locator("#library")
    expect(library).to_contain_text("Statement")
    expect(library.locator("tr", has_text=number)).to_contain_text("Invoice")
    statement_row = library.locator(f"tr[data-document=s{statement_id}]")
    expect(statement_row).to_contain_text("not rendered")

    statement_row.get_by_role("link", name="Preview").click()
    frame = page.locator("#preview iframe")
    expect(frame).to_have_attribute("src", f"/console/customers/C1028/statements/{statement_id}/pdf")
    inline = page.request.get(f"/console/customers/C1028/statements/{statement_id}/pdf")  # rendered on first use
    assert inline.ok and inline.headers["content-type"] == "application/pdf"
    assert inline.headers["content-disposition"].startswith("inline") and inline.body().startswith(b"%PDF")
    with page.expect_download() as download:
        statement_row.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename.endswith(".pdf")

    send = page.locator("#send-now")
    expect(send.locator("select[name=document]")).to_have_value(f"s{statement_id}")
    expect(send).to_contain_text("ap@")
    send.get_by_role("button", name="Send now").click()
    expect(page.get_by_role("status")).to_contain_text("queued by email")
    notice = page.get_by_role("status").inner_text()
    message_id = notice.split("#", 1)[1].split(" ", 1)[0]
    expect(page.locator("#sent")).to_contain_text(f"#{message_id}")
    expect(page.locator(f"#sent tr[data-message='{message_id}']")).to_contain_text("approved")
    page.reload()
    shot(page, "documents")

    supervisor = signed_in("supervisor")
    supervisor.goto("/console/outbox?status=approved&customer=C1028")
    row = supervisor.locator(f"#messages tr[data-message='{message_id}']")
    expect(row).to_contain_text("statement")
    row.get_by_role("link", name=f"#{message_id}").click()
    expect(supervisor.locator("#body-text")).to_contain_text("statement of account")


def test_an_invoice_pdf_goes_as_an_sms_link_and_other_customers_files_stay_hidden(console: LiveConsole,
                                                                                  signed_in) -> None:
    number = attach_pdf(console, "C1027")  # C1027 takes SMS only
    page = signed_in("agent")
    page.goto("/console/customers/C1027/documents")
    row = page.locator("#library tr", has_text=number)
    file_key = row.get_attribute("data-document")
    assert file_key and file_key.startswith("f")
    download = page.request.get(f"/console/customers/C1027/documents/{file_key[1:]}/pdf?download=true")
    assert download.headers["content-disposition"].startswith("attachment") and download.body() == PDF
    assert page.request.get(f"/console/customers/C1026/documents/{file_key[1:]}/pdf").status == 404
    send = page.locator("#send-now")
    send.locator("select[name=document]").select_option(file_key)
    expect(send.get_by_label("SMS link")).to_be_checked()
    send.get_by_role("button", name="Send now").click()
    expect(page.get_by_role("status")).to_contain_text("queued by sms")
