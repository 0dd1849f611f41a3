"""System → Payment Methods and the fuzzy company search, as an agent on the phone uses them: a misspelt name finds
the company; a method found by company ID is deactivated there, gone from Make Payment, and activated again.
Customers C1041 and C1053 (nobody else's tests use them)."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from channels.web.console.pages import phone
from core.ledger.accounts import account
from tests.browser.conftest import LiveConsole
from tests.browser.test_payments import open_invoices, pay_url, save_card


def filter_methods(page: Page, *, company: str = "", search: str = "") -> None:
    form = page.locator("#method-filters")
    form.get_by_label("Company ID").fill(company)
    form.get_by_role("searchbox", name="Search payment methods").fill(search)
    form.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()


def test_a_misspelt_company_name_finds_the_company(signed_in, console: LiveConsole, shot) -> None:
    harbor = account(console.services.db.uow(), "C1041", dt.date.today())
    assert harbor.name == "Harbor Roofing Inc."  # the demo book's
    page = signed_in("agent")
    page.get_by_role("searchbox", name="Search companies").fill("harbour rofing")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("#companies tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("C1041")
    expect(rows.first).to_contain_text("Similar name")
    expect(rows.first).to_contain_text(phone(harbor.contacts[0].phone))  # (312) 555-0140, not +13125550140
    shot(page, "companies-similar-name")
    rows.first.get_by_role("link", name=harbor.name).click()
    page.wait_for_url("**/console/customers/C1041")


def test_deactivate_a_method_from_the_system_list_then_activate_it_again(signed_in, console: LiveConsole,
                                                                          shot) -> None:
    visa, mastercard = save_card(console, "C1053"), save_card(console, "C1053", "5555555555554444")
    number = open_invoices(console, "C1053")[0]
    page = signed_in("agent")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Payment Methods").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment Methods")
    filter_methods(page, company="C1053")
    rows = page.locator("#payment-methods tbody tr")
    expect(rows).to_have_count(2)
    row = rows.filter(has_text=visa.label)
    expect(row).to_contain_text("Bluewater Roofing Co.")
    expect(row).to_contain_text("Active")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=f"Deactivate {visa.label} of C1053").click()
    expect(page.get_by_role("status")).to_contain_text(f"{visa.label} of C1053 deactivated")
    assert "company=C1053" in page.url  # back to the list as it was filtered
    expect(rows.filter(has_text=visa.label)).to_contain_text("Inactive")
    shot(page, "system-payment-methods")

    page.goto(pay_url("C1053", number))
    expect(page.get_by_role("radio", name=re.compile(mastercard.label))).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile(visa.label))).to_have_count(0)

    page.goto("/console/system/payment-methods")
    filter_methods(page, search="bluewatr rofing")  # the search bar finds it by a misspelt name too
    page.locator("#payment-methods tbody tr", has_text=visa.label).get_by_role(
        "button", name=f"Activate {visa.label} of C1053").click()
    expect(page.get_by_role("status")).to_contain_text(f"{visa.label} of C1053 activated")
    page.goto(pay_url("C1053", number))
    expect(page.get_by_role("radio", name=re.compile(visa.label))).to_be_visible()
