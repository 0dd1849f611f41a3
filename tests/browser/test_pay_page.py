"""The customer's pay page on a phone (390×844): a "Pay online" link → select two invoices → review the exact
total → pay → the receipt. Customer C1054 (nobody else's browser tests use it)."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from core.documents import pay_link
from core.ledger.models import Customer, Payment
from tests.browser.conftest import LiveConsole
from tests.browser.test_payments import deliver, open_invoices, save_card, slow_sandbox, total_of

CODE = "C1054"
__all__ = ["slow_sandbox"]  # the fixture, used by name


def test_pay_two_invoices_on_a_phone_and_get_the_receipt(browser: Browser, console: LiveConsole, shot,
                                                         slow_sandbox) -> None:
    card = save_card(console, CODE)
    first, second = open_invoices(console, CODE)[:2]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        link = pay_link(console.services.settings, CODE)
        page.goto(link)
        expect(page.locator("h1")).to_have_text("Pay your open invoices")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        page.check(f"input[name='pick-{first}']")
        page.check(f"input[name='pick-{second}']")
        page.check(f"input[name='method'][value='{card.id}']")
        shot(page, "pay-page-select-phone")
        page.click("button:has-text('Review payment')")
        total = total_of(console, CODE, first, second)
        expect(page.locator("[data-total]")).to_have_text(total)
        shot(page, "pay-page-review-phone")
        page.click(f"button:has-text('Pay {total}')")
        expect(page.locator("h1")).to_have_text("Payment submitted")
        assert deliver(console, slow_sandbox) >= 1
        page.reload()
        expect(page.locator("h1")).to_have_text("Thank you: payment received")
        shot(page, "pay-page-paid-phone")
        receipt = page.request.get(console.url + (page.get_attribute("a:has-text('receipt')", "href") or ""))
        assert receipt.ok and receipt.body().startswith(b"%PDF")
        with console.services.db.uow() as uow:
            paid = uow.session.scalars(select(Payment).join(Customer, Customer.id == Payment.customer_id)
                                       .where(Customer.code == CODE)).one()
            assert (paid.status, paid.channel, paid.initiated_by) == \
                ("succeeded", "pay_link", f"customer:{CODE} (pay link)")
    finally:
        context.close()
