"""The Payment methods tab: deactivate → gone from Make Payment → reactivate; a card added on the processor's own
page (a bank account for a caller: test_payment_flow). Customers C1017, C1019 (nobody else's tests use them)."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveConsole
from tests.browser.test_payments import open_invoices, pay_url, save_card


def methods_tab(page: Page, code: str) -> None:
    page.goto(f"/console/customers/{code}/methods")
    expect(page.get_by_role("heading", name="Payment methods")).to_be_visible()


def test_a_deactivated_method_is_gone_from_the_payment_form_until_reactivated(
    signed_in, console: LiveConsole, shot
) -> None:
    visa, mastercard = save_card(console, "C1017"), save_card(console, "C1017", "5555555555554444")
    number = open_invoices(console, "C1017")[0]
    page = signed_in("agent")
    methods_tab(page, "C1017")
    row = page.locator("tbody tr", has_text=visa.label)
    expect(row).to_contain_text("Active")
    shot(page, "methods")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=f"Deactivate {visa.label}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{visa.label} deactivated")
    expect(page.locator("tbody tr", has_text=visa.label)).to_contain_text("Deactivated")

    page.goto(pay_url("C1017", number))
    expect(page.get_by_role("radio", name=re.compile(mastercard.label))).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile(visa.label))).to_have_count(0)

    methods_tab(page, "C1017")
    page.get_by_role("button", name=f"Reactivate {visa.label}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{visa.label} reactivated")
    page.goto(pay_url("C1017", number))
    expect(page.get_by_role("radio", name=re.compile(visa.label))).to_be_visible()


def test_add_a_card_on_the_processors_page_never_on_ours(signed_in, console: LiveConsole) -> None:
    page = signed_in("agent")
    methods_tab(page, "C1019")
    expect(page.locator("main form input[name=number]")).to_have_count(0)  # no card field on our server
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Add a card").first.click()
    card_page = opened.value
    card_page.wait_for_load_state()
    assert "/sandbox/methods/new?link=" in card_page.url
    card_page.fill("#number", "4242 4242 4242 4242")
    card_page.fill("#exp_month", "12")
    card_page.fill("#exp_year", str(dt.date.today().year + 2))
    card_page.fill("#cvc", "123")
    card_page.fill("#holder", "Pat Payer")
    card_page.get_by_role("button", name="Save").click()
    expect(card_page.locator("body")).to_contain_text("Visa •4242 saved")
    methods_tab(page, "C1019")
    expect(page.locator("tbody tr", has_text="Visa •4242")).to_contain_text("Active")
