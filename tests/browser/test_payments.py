"""Make Payment on a caller's behalf in the console: select → review → confirm, the sandbox's webhook settling
it, no second payment of a held invoice, short pay, scheduled and canceled, deposit, resubmits; history and CSV.
Customers C1011–C1016 (nobody else's tests use them)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from channels.web.console.pages import money
from core.kernel.audit import Actor
from core.ledger.models import Customer, Document, InvoiceHold, Payment
from core.ledger.rules import AllocationRequest
from core.payments import methods
from core.payments.adapters.sandbox import SandboxProcessor, sandbox_secrets
from core.payments.initiation import quote_payment
from tests.browser.conftest import LiveConsole

SETUP = Actor("test-setup", "test")
PAYMENT_PAGE = re.compile(r"/console/customers/C\d+/payments/\d+(\?|$)")


def payment_id_of(page: Page) -> str:
    return page.url.split("?")[0].rsplit("/", 1)[1]


def save_card(console: LiveConsole, code: str, number: str = "4242424242424242") -> methods.MethodView:
    """A card the customer saved on the processor's page earlier (tokenized by the sandbox, as its page does)."""
    sandbox = console.services.processors["sandbox"]
    assert isinstance(sandbox, SandboxProcessor)
    token = sandbox.tokenize_card(number, 12, dt.date.today().year + 3, "123", "Pat Payer")
    return methods.add_method(console.services.db.uow(), customer_code=code, saved=sandbox.save_method(token, code),
                              processor="sandbox", actor=SETUP, authorization=None)


def open_invoices(console: LiveConsole, code: str) -> list[str]:
    """The customer's open invoices no payment holds, oldest first."""
    today = dt.date.today()
    with console.services.db.uow() as uow:
        held = select(InvoiceHold.invoice_id)
        return list(uow.session.scalars(
            select(Document.number).join(Customer, Customer.id == Document.customer_id)
            .where(Customer.code == code, Document.kind == "invoice", Document.open_minor > 0,
                   Document.doc_date <= today, Document.id.not_in(held))
            .order_by(Document.doc_date, Document.id)))


def total_of(console: LiveConsole, code: str, *numbers: str) -> str:
    quote = quote_payment(console.services.db.uow(), customer_code=code, pay_on=dt.date.today(),
                          requests=[AllocationRequest(n) for n in numbers],
                          reasons=console.services.settings.short_pay_reasons)
    return money(quote.total)


def payments_of(console: LiveConsole, code: str, status: str) -> int:
    with console.services.db.uow() as uow:
        return uow.session.scalar(select(func.count(Payment.id)).join(Customer, Customer.id == Payment.customer_id)
                                  .where(Customer.code == code, Payment.status == status)) or 0


@pytest.fixture
def slow_sandbox(console: LiveConsole) -> Iterator[SandboxProcessor]:
    """The sandbox, but its charges stay processing until the test delivers their webhook (`deliver`)."""
    original = console.services.processors["sandbox"]
    slow = SandboxProcessor(console.services.db, sandbox_secrets(console.services.settings), card_delay=600,
                            ach_delay=600, return_delay=3600)
    console.services.processors["sandbox"] = slow
    yield slow
    console.services.processors["sandbox"] = original


def deliver(console: LiveConsole, sandbox: SandboxProcessor) -> int:
    """The processor's clock runs ahead past the settlement: it posts its signed webhook to the live app."""
    def post(body: bytes, headers: dict[str, str]) -> int:
        return httpx.post(f"{console.url}/webhooks/payments/sandbox", content=body, headers=headers).status_code

    return sandbox.deliver_due(post, now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=601))


def pay_url(code: str, *numbers: str) -> str:
    return f"/console/customers/{code}/pay?" + "&".join(f"invoice={n}" for n in numbers)


def review(page: Page) -> None:
    page.get_by_role("button", name="Review payment").click()
    expect(page.get_by_role("heading", name="Review payment")).to_be_visible()


def test_pay_two_invoices_with_a_saved_card_then_the_webhook_marks_them_paid(
    signed_in, console: LiveConsole, slow_sandbox: SandboxProcessor, shot
) -> None:
    card = save_card(console, "C1011")
    first, second = open_invoices(console, "C1011")[:2]
    total = total_of(console, "C1011", first, second)
    page = signed_in("agent")
    page.goto(pay_url("C1011", first, second))
    expect(page.get_by_role("radio", name=re.compile(card.label))).to_be_checked()
    expect(page.locator("[data-live-total]")).to_have_text(total)
    shot(page, "pay-select")
    review(page)
    expect(page.locator(".pay-side")).to_contain_text(card.label)
    expect(page.locator(".pay-side")).to_contain_text("Today — charged now")
    shot(page, "pay-review")
    page.get_by_role("button", name=f"Make Payment {total}").click()
    page.wait_for_url(PAYMENT_PAGE)
    payment_id = payment_id_of(page)
    expect(page.get_by_role("status")).to_contain_text(f"Payment {payment_id} submitted")
    expect(page.locator(".pay-side")).to_contain_text("Pending")
    expect(page.locator("tbody")).to_contain_text(first)
    expect(page.locator("tbody")).to_contain_text(second)

    # While it is pending, the same invoice cannot go into a second payment: refused, nothing charged.
    page.goto(pay_url("C1011", first))
    expect(page.get_by_role("alert")).to_contain_text(f"invoice {first} is already in payment {payment_id} (pending)")
    expect(page.get_by_role("button", name="Review payment")).to_have_count(0)
    assert payments_of(console, "C1011", "pending") == 1

    assert deliver(console, slow_sandbox) >= 1
    page.goto(f"/console/customers/C1011/payments/{payment_id}")
    expect(page.locator(".pay-side")).to_contain_text("Succeeded", timeout=15_000)
    expect(page.locator("tbody .badge.ok", has_text="Paid")).to_have_count(2)
    expect(page.get_by_role("link", name=f"Receipt R-{payment_id}")).to_be_visible()
    shot(page, "payment-done")


def test_a_second_review_of_a_held_invoice_is_refused_at_confirm_and_a_resubmit_charges_once(
    signed_in, console: LiveConsole, slow_sandbox: SandboxProcessor
) -> None:
    save_card(console, "C1015")
    number = open_invoices(console, "C1015")[0]
    first, second = signed_in("agent"), signed_in("supervisor")
    for page in (first, second):
        page.goto(pay_url("C1015", number))
        review(page)
    form = {el.get_attribute("name"): el.get_attribute("value")
            for el in first.locator("form[data-confirm-once] input[type=hidden]").all()}
    first.locator("form[data-confirm-once] button").click()
    first.wait_for_url(PAYMENT_PAGE)
    payment_url = first.url.split("?")[0]

    # The same confirm form sent again (a double click, a reload): the first payment, not a second charge.
    again = first.request.post(f"{console.url}/console/customers/C1015/pay/confirm", form=form)
    assert again.url.split("?")[0] == payment_url
    assert payments_of(console, "C1015", "pending") == 1

    # Another agent's review of the same invoice, confirmed after: the core's refusal, shown on the pay page.
    second.locator("form[data-confirm-once] button").click()
    expect(second.get_by_role("alert")).to_contain_text(f"invoice {number} is already in payment")
    assert "/console/customers/C1015/pay" in second.url
    assert payments_of(console, "C1015", "pending") == 1


def test_a_short_payment_needs_a_reason_and_other_needs_a_comment(signed_in, console: LiveConsole) -> None:
    save_card(console, "C1012")
    number = open_invoices(console, "C1012")[0]
    page = signed_in("agent")
    page.goto(pay_url("C1012", number))
    page.get_by_label(f"Amount for {number}").fill("50.00")
    expect(page.locator("[data-live-total]")).to_have_text("$50.00")
    page.get_by_label(f"Short-pay reason for {number}").evaluate("select => select.required = false")
    page.get_by_role("button", name="Review payment").click()
    expect(page.get_by_role("alert")).to_contain_text("a short payment needs a reason")
    expect(page.get_by_label(f"Amount for {number}")).to_have_value("50.00")  # the form comes back as typed
    page.get_by_label(f"Short-pay reason for {number}").select_option("Other")
    page.get_by_role("button", name="Review payment").click()
    expect(page.get_by_role("alert")).to_contain_text("'Other' needs a comment")
    page.get_by_label(f"Short-pay reason for {number}").select_option("Damaged goods")
    page.get_by_label(f"Comment for {number}").fill("two boxes crushed")
    review(page)
    expect(page.locator("tbody")).to_contain_text("Short pay: Damaged goods")
    page.get_by_role("button", name="Make Payment $50.00").click()
    page.wait_for_url(PAYMENT_PAGE)
    expect(page.locator("tbody")).to_contain_text("Damaged goods")
    expect(page.locator("tbody")).to_contain_text("two boxes crushed")


def test_schedule_a_payment_for_a_later_date_then_cancel_it(signed_in, console: LiveConsole) -> None:
    save_card(console, "C1013")
    number = open_invoices(console, "C1013")[0]
    later = dt.date.today() + dt.timedelta(days=7)
    page = signed_in("agent")
    page.goto(pay_url("C1013", number))
    page.get_by_label("Payment date").fill(later.isoformat())
    review(page)
    expect(page.locator(".pay-side")).to_contain_text("Scheduled")
    page.locator("form[data-confirm-once] button").click()
    page.wait_for_url(PAYMENT_PAGE)
    expect(page.locator(".pay-side")).to_contain_text("Scheduled")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel scheduled payment").click()
    expect(page.get_by_role("status")).to_contain_text("canceled")
    expect(page.locator(".pay-side")).to_contain_text("Canceled")
    page.goto(pay_url("C1013", number))  # released: it can be paid again
    expect(page.get_by_role("button", name="Review payment")).to_be_enabled()


def test_a_deposit_on_account_with_a_saved_method(signed_in, console: LiveConsole) -> None:
    card = save_card(console, "C1014", "5555555555554444")
    page = signed_in("agent")
    page.goto("/console/customers/C1014/deposit")
    page.get_by_label("Amount (USD)").fill("250")
    expect(page.locator("[data-live-total]")).to_have_text("$250.00")
    review(page)
    expect(page.locator("section.card")).to_contain_text("Deposit on account")
    page.get_by_role("button", name="Make Payment $250.00").click()
    page.wait_for_url(PAYMENT_PAGE)
    expect(page.locator(".pay-side")).to_contain_text(card.label)
    expect(page.locator("section.card")).to_contain_text("Deposit on account")


def test_payment_history_filters_receipts_and_csv(
    signed_in, console: LiveConsole, slow_sandbox: SandboxProcessor, shot
) -> None:
    save_card(console, "C1016")
    number = open_invoices(console, "C1016")[0]
    page = signed_in("agent")
    page.goto(pay_url("C1016", number))
    review(page)
    page.locator("form[data-confirm-once] button").click()
    page.wait_for_url(PAYMENT_PAGE)
    payment_id = payment_id_of(page)

    page.goto(f"/console/payments?q={number}")
    row = page.locator("tbody tr", has_text=f"#{payment_id}")
    expect(row).to_contain_text("C1016")
    expect(row).to_contain_text(number)
    expect(row).to_contain_text("Pending")
    shot(page, "payments-search")
    page.get_by_label("Status").select_option("succeeded")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tbody")).not_to_contain_text(f"#{payment_id}")
    exported = page.request.get(f"{console.url}/console/payments?q={number}&format=csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text())))
    assert [(r["payment"], r["customer"], r["invoices"], r["status"]) for r in rows] == [
        (payment_id, "C1016", number, "pending")]

    deliver(console, slow_sandbox)
    page.goto("/console/customers/C1016/payments?kind=card&status=succeeded")
    row = page.locator("tbody tr", has_text=f"#{payment_id}")
    expect(row).to_contain_text("Succeeded", timeout=15_000)
    shot(page, "payments-history")
    receipt = row.get_by_role("link", name=f"R-{payment_id}")
    pdf = page.request.get(f"{console.url}{receipt.get_attribute('href')}")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    page.goto("/console/payments")
    expect(page.locator("tbody tr").first).to_be_visible()
    shot(page, "payments-all")
    page.goto("/console/customers/C1016/payments?kind=check")
    expect(page.locator("tbody")).not_to_contain_text(f"#{payment_id}")
