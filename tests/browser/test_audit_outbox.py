"""The audit log and the outbox read at an office laptop's size (1366×768): a declined card is the processor's
sentence with its reason and amount, no None and no escaped characters anywhere; the outbox shows each message's
stage, status, tries and last error inside the window, and filters by stage. Customers C1056 and C1057."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from core.kernel import Actor, Money
from core.ledger import AllocationRequest
from core.ledger.models import Customer, Document
from core.outbox import lifecycle as outbox
from core.outbox.models import OutboxMessage
from core.payments import initiate_and_charge
from tests.books import TEST_ACTOR
from tests.browser.conftest import LiveConsole, sign_in
from tests.browser.test_payments import open_invoices, save_card

LAPTOP = {"width": 1366, "height": 768}
DECLINED = "4000000000000002"
SMTP_ERROR = ("SMTP 550 5.1.1 <ap@c1057.example>: Recipient address rejected: User unknown in virtual mailbox "
              "table (after RCPT TO)")


def supervisor_at_laptop(browser: Browser, console: LiveConsole) -> Page:
    context = browser.new_context(base_url=console.url, viewport=LAPTOP)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, console.url, "supervisor")
    page.wait_for_url(f"{console.url}/console/**")
    return page


def declined_charge(console: LiveConsole, code: str) -> tuple[int, Money]:
    """An agent charges a card the issuer declines, as the payment page does."""
    card = save_card(console, code, DECLINED)
    number = open_invoices(console, code)[0]
    with console.services.db.uow() as uow:
        invoice = uow.session.scalars(select(Document).where(Document.number == number)).one()
        amount = Money.from_minor(invoice.open_minor, invoice.currency)
    started, _ = initiate_and_charge(
        console.services.db.uow, console.services.processors["sandbox"], customer_code=code,
        amount=amount, requests=[AllocationRequest(number)], method_id=card.id,
        pay_on=dt.date.today(), today=dt.date.today(), reasons=console.services.settings.short_pay_reasons,
        actor=Actor("user:agent", "console"), branding=console.services.branding)
    return started.payment_id, amount


def within_window(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= LAPTOP["width"], (selector, box)


def test_the_audit_log_tells_a_decline_as_the_processors_in_words(browser: Browser, console: LiveConsole,
                                                                   shot) -> None:
    payment_id, amount = declined_charge(console, "C1056")
    page = supervisor_at_laptop(browser, console)

    page.goto("/console/audit?customer=C1056")
    declined = page.locator("#events tr[data-action='payment.failed']")
    expect(declined.locator("td.who")).to_have_text("Processor (sandbox)")
    expect(declined.locator(".sentence")).to_have_text(
        f"Declined by the processor: the card issuer declined the charge — payment {payment_id}, {amount.format()}")
    expect(page.locator("#events tr[data-action='payment.pending'] td.who")).to_have_text("agent (console)")
    declined.locator("summary").click()
    expect(declined.locator("details dl")).to_contain_text("card_declined")
    for header in ("When (UTC)", "Who", "What", "Customer"):
        within_window(page, f"#events th:text-is('{header}')")
        assert page.locator(f"#events th:text-is('{header}')").bounding_box()["width"] >= 120  # type: ignore[index]
    shot(page, "audit-1366")

    for log in ("/console/audit", "/console/audit?action=payment_method."):  # every row's raw details opened
        page.goto(log)
        page.eval_on_selector_all("#events details", "all => all.forEach(d => d.open = true)")
        text = page.locator("#events").inner_text()
        assert "None" not in text and "\\u" not in text and "null" not in text
    assert "Added payment method Visa •0002" in text


def queue_for_review(console: LiveConsole, code: str) -> dict[str, int]:
    """Dunning of two stages waiting for review, and an email that failed every try."""
    with console.services.db.uow() as uow:
        customer_id = uow.session.scalars(select(Customer.id).where(Customer.code == code)).one()
        ids = {template: outbox.queue(uow.session, TEST_ACTOR, channel="email", recipient=f"ap@{code.lower()}.example",
                                      template=template, subject=f"Reminder {code} {template}", body_text="Please pay.",
                                      reason="dunning", customer_id=customer_id).id
               for template in ("dunning.stage1.email", "dunning.stage2.email")}
        failed = uow.session.get(OutboxMessage, ids["dunning.stage1.email"])
        assert failed is not None
        failed.status, failed.attempts, failed.last_error = "failed", 5, SMTP_ERROR
        uow.commit()
    return ids


def test_the_outbox_shows_stage_status_tries_and_the_error_at_1366(browser: Browser, console: LiveConsole,
                                                                     shot) -> None:
    ids = queue_for_review(console, "C1057")
    page = supervisor_at_laptop(browser, console)

    page.goto("/console/outbox?status=all&customer=C1057")
    for header in ("Stage", "Status", "Tries"):
        within_window(page, f"#messages th:text-is('{header}')")
    failed = page.locator(f"#messages tr[data-message='{ids['dunning.stage1.email']}']")
    expect(failed.locator("td.stage")).to_have_text("Dunning 1")
    expect(failed.locator("td.status .badge")).to_have_text("failed")
    expect(failed.locator("td.num")).to_have_text("5")
    error = failed.locator("td.status summary")
    expect(error).to_have_attribute("title", SMTP_ERROR)
    expect(error).to_be_visible()
    within_window(page, f"#messages tr[data-message='{ids['dunning.stage1.email']}'] td.status summary")
    shot(page, "outbox-1366")

    page.get_by_label("Stage").select_option("dunning-2")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#messages tbody tr")).to_have_count(1)
    expect(page.locator(f"#messages tr[data-message='{ids['dunning.stage2.email']}'] td.stage")).to_have_text(
        "Dunning 2")
