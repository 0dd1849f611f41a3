"""Companies, the customer overview and Open invoices, as an agent on the phone uses them (C1001–C1010)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from channels.web.console.pages import money
from core.kernel.money import Money
from core.ledger.accounts import AccountView, account, invoices
from tests.browser.conftest import LiveConsole


def _account(console: LiveConsole, code: str) -> AccountView:
    return account(console.services.db.uow(), code, dt.date.today())


def _search(page: Page, text: str) -> None:
    page.goto("/console/companies")
    page.get_by_role("searchbox", name="Search companies").fill(text)
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()


def _numbers(page: Page) -> list[str]:
    rows = page.locator("#open-invoices tbody tr[data-invoice]")
    return rows.evaluate_all("rows => rows.map(r => r.dataset.invoice)")


def _amount(text: str) -> float:
    return float(re.sub(r"[^\d.\-]", "", text))


def test_companies_are_found_by_name_code_phone_and_email(signed_in, console: LiveConsole, shot) -> None:
    page = signed_in("agent")
    assert page.url.endswith("/console/companies")  # the landing page after sign-in
    expect(page.locator("#companies tbody tr")).to_have_count(50)  # a page of 50, sorted by name
    shot(page, "companies")
    target = _account(console, "C1002")
    contact = target.contacts[0]
    assert contact.phone and contact.email
    phone = contact.phone[2:]  # +15125550101 → (512) 555-0101, as a caller reads it out
    for text in (target.name, "c1002", f"({phone[:3]}) {phone[3:6]}-{phone[6:]}", contact.email.upper()):
        _search(page, text)
        rows = page.locator("#companies tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("C1002")
    page.get_by_role("link", name=target.name).click()
    page.wait_for_url("**/console/customers/C1002")
    expect(page.get_by_role("heading", level=1)).to_contain_text(target.name)


def test_the_overview_shows_the_accounts_balance_aging_and_contacts(signed_in, console: LiveConsole, shot) -> None:
    view = _account(console, "C1004")
    aging = next(a for a in view.aging if a.currency == view.currency)
    page = signed_in("agent")
    page.goto("/console/customers/C1004")
    expect(page.locator("[data-stat=balance]")).to_have_text(money(aging.balance))
    expect(page.locator("[data-stat=credits]")).to_have_text(money(aging.credit))
    past_due = Money.from_minor(sum(aging.buckets_minor[1:]), aging.currency)
    expect(page.locator("[data-stat=past-due]")).to_have_text(money(past_due))
    for name, amount in aging.buckets.items():
        expect(page.locator(f"#aging td[data-bucket='{name}']")).to_have_text(money(amount))
    expect(page.locator("#contacts")).to_contain_text(view.contacts[0].email or "")
    expect(page.locator("#dunning")).to_contain_text("Last notice")
    expect(page.get_by_role("link", name="Open invoices").first).to_be_visible()
    shot(page, "customer-overview")


def test_open_invoices_filter_by_bucket_and_sort(signed_in, console: LiveConsole, shot) -> None:
    code, today = "C1003", dt.date.today()
    every = [line.number for line in invoices(console.services.db.uow(), code, today) if line.kind != "credit"]
    page = signed_in("agent")
    page.goto(f"/console/customers/{code}/invoices")
    assert sorted(_numbers(page)) == sorted(every)
    expect(page.get_by_role("button", name="Make Payment")).to_be_visible()
    pay_form = page.locator("#pay-form")
    assert pay_form.get_attribute("action") == f"/console/customers/{code}/pay"
    assert pay_form.get_attribute("method") == "get"
    shot(page, "open-invoices")
    bucket = next(b for b in ("1-30", "31-60", "61-90", "90+")
                  if invoices(console.services.db.uow(), code, today, bucket=b))
    page.get_by_label("Aging bucket").select_option(bucket)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(f"**bucket={bucket}**")
    expected = [line.number for line in invoices(console.services.db.uow(), code, today, bucket=bucket)]
    assert _numbers(page) == expected  # oldest due first
    page.goto(f"/console/customers/{code}/invoices")
    page.locator("#open-invoices thead").get_by_role("link", name="Open").click()
    page.wait_for_url("**sort=open**")
    page.locator("#open-invoices thead").get_by_role("link", name=re.compile("^Open")).click()
    page.wait_for_url("**dir=desc**")
    opens = [_amount(t) for t in page.locator("#open-invoices tbody td[data-col=open]").all_inner_texts()]
    assert opens == sorted(opens, reverse=True) and len(opens) == len(every)


def test_choose_columns_and_export_what_the_table_shows(signed_in, console: LiveConsole) -> None:
    page = signed_in("agent")
    page.goto("/console/customers/C1005/invoices")
    page.get_by_text("Columns").click()
    page.get_by_label("PO").uncheck()
    page.get_by_label("Discount").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**cols=**")
    headers = [h.strip(" ▲▼") for h in page.locator("#open-invoices thead th[data-col]").all_text_contents()]
    assert "PO" not in headers and "Discount" in headers
    page.reload()  # remembered in the query string
    assert [h.strip(" ▲▼") for h in page.locator("#open-invoices thead th[data-col]").all_text_contents()] == headers
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename.startswith("C1005-open-invoices")
    exported = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert exported[0] == headers
    rows = page.locator("#open-invoices tbody tr[data-invoice]")
    assert [line[0] for line in exported[1:]] == _numbers(page)
    open_at = exported[0].index("Open")
    for line, shown in zip(exported[1:], rows.locator("td[data-col=open]").all_inner_texts(), strict=True):
        assert float(line[open_at]) == pytest.approx(_amount(shown))


def test_an_invoice_page_shows_its_facts_and_takes_a_comment(signed_in, console: LiveConsole, shot) -> None:
    code = "C1006"
    number = _first_open(console, code)
    page = signed_in("agent")
    page.goto(f"/console/customers/{code}/invoices")
    page.locator("#open-invoices").get_by_role("link", name=number, exact=True).click()
    page.wait_for_url(f"**/invoices/{number}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    expect(page.locator("main")).to_contain_text("Rendered from the ledger")  # the ERP sent no PDF
    note = f"Customer says the PO is missing ({uuid.uuid4().hex[:6]})"
    page.get_by_label("Add a comment").fill(note)
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_role("status")).to_contain_text("Comment added")
    expect(page.locator("#comments")).to_contain_text(note)
    expect(page.locator("#comments")).to_contain_text("agent")
    shot(page, "invoice-detail")


def test_an_invoice_without_an_erp_pdf_is_previewed_rendered_from_the_ledger(signed_in, console: LiveConsole,
                                                                              shot) -> None:
    code = "C1007"
    number = _first_open(console, code)
    page = signed_in("agent")
    page.goto(f"/console/customers/{code}/invoices/{number}")
    preview = page.locator(f"iframe.preview[title='Invoice {number} PDF']")
    expect(preview).to_have_attribute("src", f"/console/customers/{code}/invoices/{number}/pdf#navpanes=0&view=FitH")
    inline = page.request.get(f"/console/customers/{code}/invoices/{number}/pdf")
    assert inline.ok and inline.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(inline.body())).pages[0].extract_text()
    assert number in text and "Balance due" in text
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == f"invoice-{number}.pdf"
    assert page.request.get(f"/console/customers/C1008/invoices/{number}/pdf").status == 404  # not C1008's
    page.wait_for_timeout(1500)  # the browser's PDF viewer paints the preview
    shot(page, "invoice-rendered-pdf")


def _first_open(console: LiveConsole, code: str) -> str:
    lines = invoices(console.services.db.uow(), code, dt.date.today())
    return next(line.number for line in lines if line.kind == "invoice")
