"""The Autopay panel on the customer page: an agent enrolls a card with the customer's authorization, the day's run
announces a charge, the agent skips it, changes nothing twice and turns autopay off; a bank account without a
recurring authorization is refused, with one it is enrolled. Customers C1023, C1024 (nobody else's tests use them)."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from core.kernel.audit import Actor
from core.ledger import run_import
from core.payments import AchAuthorization, SavedMethod, add_method, run_autopay
from tests.browser.conftest import LiveConsole
from tests.browser.test_payments import save_card

SETUP = Actor("test", "test")


def overview(page: Page, code: str) -> None:
    page.goto(f"/console/customers/{code}")
    expect(page.get_by_role("heading", name="Autopay")).to_be_visible()


def enroll(page: Page, method: str, text: str, reference: str = "") -> None:
    panel = page.locator("#autopay")
    details = panel.locator("details.autopay-enroll")
    if details.get_attribute("open") is None:  # folded away until staff ask for it
        details.locator("summary").click()
    panel.locator("select[name=method_id]").select_option(label=method)
    panel.locator("select[name=channel]").select_option("phone")
    panel.locator("textarea[name=text]").fill(text)
    panel.locator("input[name=ach_recurring_reference]").fill(reference)
    panel.locator("form.stack button[type=submit]").click()


def test_enroll_a_card_skip_the_announced_charge_and_turn_it_off(signed_in, console: LiveConsole, shot) -> None:
    card = save_card(console, "C1023")
    today = dt.date.today()
    due = today + dt.timedelta(days=console.services.settings.autopay_notice_days)
    report = run_import(console.services.db.uow(), "invoices", [(2, {
        "number": "AP-1023-1", "customer": "C1023", "date": str(today - dt.timedelta(days=27)),
        "due_date": str(due), "amount": "812.40"})], SETUP, source="test")
    assert not report.rejected, report.rejected
    page = signed_in("agent")
    overview(page, "C1023")
    expect(page.locator("#autopay [data-autopay=off]")).to_be_visible()

    enroll(page, card.label, "Customer asked on the call to pay each invoice on its due date with the Visa")
    expect(page.get_by_role("status")).to_contain_text(f"Autopay is on with {card.label}")
    panel = page.locator("#autopay")
    expect(panel.locator("[data-autopay=on]")).to_be_visible()
    expect(panel.locator("[data-autopay-method]")).to_have_text(card.label)
    expect(panel).to_contain_text("agent for the customer (on a phone call)")

    services = console.services
    lines = run_autopay(services.db.uow, services.settings, processor="sandbox", today=today,
                        now=dt.datetime.now(dt.UTC), branding=services.branding)
    assert any(line.startswith("C1023:") and "scheduled" in line for line in lines), lines
    overview(page, "C1023")
    row = page.locator("#autopay tr", has_text="AP-1023-1")
    expect(row).to_contain_text("$812.40")
    shot(page, "autopay-panel")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Skip").click()
    expect(page.get_by_role("status")).to_contain_text("Skipped the autopay charge of $812.40")
    expect(page.locator("#autopay tr", has_text="AP-1023-1")).to_contain_text("Skipped")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#autopay").get_by_role("button", name="Turn off").click()
    expect(page.get_by_role("status")).to_contain_text("Autopay turned off")
    expect(page.locator("#autopay [data-autopay=off]")).to_be_visible()


def test_a_bank_account_needs_its_recurring_authorization(signed_in, console: LiveConsole) -> None:
    bank = add_method(console.services.db.uow(), customer_code="C1024",
                      saved=SavedMethod("tok_autopay_c1024", "ach", "", "6789", holder="C1024"),
                      processor="sandbox", actor=SETUP,
                      authorization=AchAuthorization("tel_recorded", "call 5521"))
    page = signed_in("agent")
    overview(page, "C1024")
    enroll(page, f"{bank.label} (ACH)", "Customer agreed to autopay on the recorded call")
    expect(page.get_by_role("alert")).to_contain_text("recurring debit authorization")
    expect(page.locator("#autopay [data-autopay=off]")).to_be_visible()

    enroll(page, f"{bank.label} (ACH)", "Signed recurring debit form received by email",
           reference="Recurring ACH form R-1024")
    expect(page.get_by_role("status")).to_contain_text(f"Autopay is on with {bank.label}")
    expect(page.locator("#autopay")).to_contain_text("recurring authorization Recurring ACH form R-1024")
