"""A phone agent's payment as it goes wrong and is put right, at office-laptop (1366×768) and desktop (1920×1080)
sizes: a running total while ticking invoices that the review repeats; a declined card said as a failure with the
processor's reason and "Try another method" that keeps the selection; a method added inside the payment without
losing it; a bank account added for a caller with the phone authorization (TEL) recorded.
Customers C1044, C1046, C1048, C1049 (nobody else's tests use them)."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from core.kernel.models import AuditEvent
from core.ledger.models import Customer
from core.outbox.models import OutboxMessage
from core.payments.models import PaymentMethod
from tests.browser.conftest import LiveConsole, sign_in
from tests.browser.test_payments import save_card

LAPTOP = {"width": 1366, "height": 768}
DESKTOP = {"width": 1920, "height": 1080}
INSUFFICIENT_FUNDS = "4000000000009995"


def agent_at(browser: Browser, console: LiveConsole, viewport: dict[str, int]) -> Page:
    context = browser.new_context(base_url=console.url, viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, console.url, "agent")
    page.wait_for_url(f"{console.url}/console/**")
    return page


def tick(page: Page, code: str, count: int) -> str:
    """Tick the first `count` invoices on the Open invoices tab; the running summary it shows."""
    page.goto(f"/console/customers/{code}/invoices")
    boxes = page.locator("input[name=invoice]")
    for i in range(count):
        boxes.nth(i).check()
    summary = page.locator("[data-selection-summary]")
    expect(summary).to_contain_text(f"{count} selected · $")
    make_payment = page.get_by_role("button", name="Make Payment")
    box, height = make_payment.bounding_box(), page.viewport_size["height"]  # type: ignore[index]
    assert box is not None and box["y"] + box["height"] <= height, "Make Payment is below the fold"
    return summary.inner_text().split("· ")[1]


def audit_rows(console: LiveConsole, code: str, action: str) -> list[AuditEvent]:
    with console.services.db.uow() as uow:
        customer = uow.session.scalars(select(Customer.id).where(Customer.code == code)).one()
        rows = list(uow.session.scalars(select(AuditEvent).where(AuditEvent.customer_id == customer,
                                                                 AuditEvent.action == action)))
        uow.session.expunge_all()
        return rows


def test_a_declined_card_is_a_failure_and_try_another_method_keeps_the_selection(
    browser: Browser, console: LiveConsole, shot
) -> None:
    good = save_card(console, "C1044")
    poor = save_card(console, "C1044", INSUFFICIENT_FUNDS)  # saved last, never charged: the default by date
    page = agent_at(browser, console, LAPTOP)
    running = tick(page, "C1044", 3)
    page.get_by_role("button", name="Make Payment").click()
    page.get_by_role("radio", name=re.compile(poor.label)).check()
    page.get_by_role("button", name="Review payment").click()
    expect(page.locator(".pay-side .pay-total")).to_have_text(running)  # the review's total is the running one
    page.get_by_role("button", name=f"Make Payment {running}").click()

    failure = page.locator("#payment-failed")
    expect(failure).to_contain_text("Declined by the processor: insufficient funds.")
    expect(failure).to_contain_text("Nothing was charged")
    expect(page.locator(".flash-ok")).to_have_count(0)  # no green "submitted" over a failure
    expect(page.locator("body")).not_to_contain_text("submitted")
    shot(page, "payment-declined-1366")
    declines = audit_rows(console, "C1044", "payment.failed")
    assert declines and all(row.actor.startswith("processor") for row in declines), [r.actor for r in declines]

    page.get_by_role("link", name="Try another method").click()
    expect(page.locator("tr[data-pay-line]")).to_have_count(3)
    expect(page.locator("[data-live-total]")).to_have_text(running)
    expect(page.get_by_role("radio", name=re.compile(poor.label))).not_to_be_checked()  # never the failed one
    expect(page.locator("label", has_text=poor.label)).to_contain_text("Last charge failed")
    page.get_by_role("radio", name=re.compile(good.label)).check()
    page.get_by_role("button", name="Review payment").click()
    page.get_by_role("button", name=f"Make Payment {running}").click()
    expect(page.locator("#payment-failed")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Payment \d+ (went through|submitted)"))
    page.context.close()


def test_a_card_added_inside_the_payment_comes_back_selected_with_the_amounts_as_typed(
    browser: Browser, console: LiveConsole
) -> None:
    page = agent_at(browser, console, DESKTOP)
    tick(page, "C1046", 2)
    page.get_by_role("button", name="Make Payment").click()
    first = page.locator("tr[data-pay-line]").first
    number = first.locator("td").first.inner_text()
    first.get_by_label(f"Amount for {number}").fill("10.00")
    first.get_by_label(f"Short-pay reason for {number}").select_option("Other")
    first.get_by_label(f"Comment for {number}").fill("freight short")
    page.get_by_role("button", name="+ Add a payment method").click()
    expect(page.locator("#add-card")).to_be_visible()
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Open the processor's card page").click()
    card_page = opened.value
    card_page.wait_for_load_state()
    card_page.fill("#number", "4242 4242 4242 4242")
    card_page.fill("#exp_month", "12")
    card_page.fill("#exp_year", str(dt.date.today().year + 2))
    card_page.fill("#cvc", "123")
    card_page.get_by_role("button", name="Save").click()
    expect(card_page.locator("body")).to_contain_text("Visa •4242 saved")
    card_page.close()
    page.get_by_role("button", name="Card saved: back to the payment").click()

    expect(page.get_by_role("status")).to_contain_text("Visa •4242 added and selected")
    expect(page.get_by_role("radio", name=re.compile("Visa •4242"))).to_be_checked()
    first = page.locator("tr[data-pay-line]").first
    expect(first.get_by_label(f"Amount for {number}")).to_have_value("10.00")
    expect(first.get_by_label(f"Short-pay reason for {number}")).to_have_value("Other")
    expect(first.get_by_label(f"Comment for {number}")).to_have_value("freight short")
    expect(page.locator("tr[data-pay-line]")).to_have_count(2)
    page.get_by_role("button", name="Review payment").click()
    expect(page.get_by_role("heading", name="Review payment")).to_be_visible()
    expect(page.locator("body")).to_contain_text("freight short")
    page.context.close()


def _bank_account_for(page: Page, authorization: str, reference: str = "") -> Page:
    page.locator(f"input[name=authorization_kind][value={authorization}]").check()
    if reference:
        page.get_by_label("Call recording reference").fill(reference)
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Open the processor's bank page").click()
    bank_page = opened.value
    bank_page.wait_for_load_state()
    expect(bank_page.locator("#on-behalf")).to_contain_text("on a phone call")
    expect(bank_page.locator("input[name=signature_name]")).to_have_count(0)  # the caller signs nothing here
    bank_page.fill("#routing_number", "110000000")
    bank_page.fill("#account_number", "000123456789")
    bank_page.fill("#bank_holder", "Pat Payer")
    bank_page.get_by_role("button", name="Save").click()
    expect(bank_page.locator("body")).to_contain_text("•6789 saved")
    return bank_page


def test_a_bank_account_for_a_caller_records_the_recorded_call(browser: Browser, console: LiveConsole) -> None:
    page = agent_at(browser, console, LAPTOP)
    tick(page, "C1048", 1)
    page.get_by_role("button", name="Make Payment").click()
    page.get_by_role("button", name="+ Add a payment method").click()
    # Without a recording reference the bank page is not opened.
    page.locator("input[name=authorization_kind][value=tel_recorded]").check()
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Open the processor's bank page").click()
    expect(opened.value.locator("body")).to_contain_text("Give the call recording's reference")
    opened.value.close()

    _bank_account_for(page, "tel_recorded", "CALL-2026-7731").close()
    page.get_by_role("button", name="Account saved: back to the payment").click()
    expect(page.get_by_role("radio", name=re.compile("•6789"))).to_be_checked()
    with console.services.db.uow() as uow:
        method = uow.session.scalars(select(PaymentMethod).join(Customer, Customer.id == PaymentMethod.customer_id)
                                     .where(Customer.code == "C1048", PaymentMethod.kind == "ach")).one()
        assert (method.ach_authorization_kind, method.ach_authorization_reference) == ("tel_recorded",
                                                                                       "CALL-2026-7731")
        assert "taken by agent" in (method.ach_authorization_source or "")
    added = audit_rows(console, "C1048", "payment_method.added")
    assert added[-1].actor == "user:agent" and added[-1].details["authorization"]["kind"] == "tel_recorded"
    page.context.close()


def test_a_bank_account_for_a_caller_without_a_recording_emails_the_written_notice(
    browser: Browser, console: LiveConsole
) -> None:
    page = agent_at(browser, console, DESKTOP)
    page.goto("/console/customers/C1049/methods")  # the Payment methods tab offers the same way in
    expect(page.locator("main input[name=token]")).to_have_count(0)  # no processor token to type
    _bank_account_for(page, "tel_notice").close()
    page.get_by_role("link", name="Account saved: show it here").click()
    row = page.locator("tbody tr", has_text="Pat Payer")
    expect(row).to_contain_text("Phone call, written notice sent")
    with console.services.db.uow() as uow:
        customer_id = uow.session.scalars(select(Customer.id).where(Customer.code == "C1049")).one()
        notice = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.customer_id == customer_id,
                                                                 OutboxMessage.reason == "ach_authorization")).one()
        assert notice.channel == "email" and notice.status == "approved"
        assert "•6789" in notice.body_text and "revoke" in notice.body_text
        method = uow.session.scalars(select(PaymentMethod).where(PaymentMethod.customer_id == customer_id,
                                                                 PaymentMethod.kind == "ach",
                                                                 PaymentMethod.holder == "Pat Payer")).one()
        assert method.ach_authorization_reference == f"notice #{notice.id} to {notice.recipient}"
        reference = f"notice #{notice.id}"
    expect(row).to_contain_text(reference)
    page.context.close()
