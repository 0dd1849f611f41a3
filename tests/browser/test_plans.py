"""The Payment plans panel on the customer page: an agent makes a plan on the customer's behalf (tick the invoice,
review every date and amount, confirm with how the customer agreed), re-dates the unpaid instalments of another
plan, and cancels it. Customers C1025, C1030 (nobody else's tests use them)."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from core import payments
from core.kernel import Money
from core.kernel.audit import Actor
from core.ledger import run_import
from core.payments.processor import ProcessorEvent
from core.payments.settlement import apply_event
from tests.browser.conftest import LiveConsole
from tests.browser.test_payments import save_card

SETUP = Actor("test", "test")


def an_invoice(console: LiveConsole, number: str, code: str, amount: str) -> None:
    today = dt.date.today()
    report = run_import(console.services.db.uow(), "invoices", [(2, {
        "number": number, "customer": code, "date": str(today - dt.timedelta(days=45)), "amount": amount})],
        SETUP, source="test")
    assert not report.rejected, report.rejected


def overview(page: Page, code: str) -> None:
    page.goto(f"/console/customers/{code}")
    expect(page.get_by_role("heading", name="Payment plans")).to_be_visible()


def test_agent_reviews_and_confirms_a_plan_on_the_customers_behalf(signed_in, console: LiveConsole, shot) -> None:
    card = save_card(console, "C1025")
    an_invoice(console, "PL-1025-1", "C1025", "900.00")
    page = signed_in("agent")
    overview(page, "C1025")
    panel = page.locator("#plans")
    panel.get_by_text("New plan on the customer's behalf").click()
    for box in panel.locator("input[type=checkbox]").all():
        box.uncheck()
    panel.locator("input[name='invoice_PL-1025-1']").check()
    panel.locator("input[name=count]").fill("3")
    panel.locator("select[name=method_id]").select_option(label=card.label)
    panel.get_by_role("button", name="Review the plan").click()

    review = page.locator("#plan-review")
    today = dt.date.today()
    expect(review.locator("[data-plan-total]")).to_have_text("$900.00")
    expect(review.locator("tr[data-instalment]")).to_have_count(3)
    expect(review.locator("tr[data-instalment='3']")).to_contain_text("$300.00")
    expect(review.locator("tr[data-instalment='3']")).to_contain_text(
        f"{today + dt.timedelta(days=60):%b} {(today + dt.timedelta(days=60)).day}")
    shot(page, "plan-review")
    review.locator("textarea[name=note]").fill("Customer agreed on the call: three payments of $300")
    review.get_by_role("button", name="Confirm plan of $900.00").click()

    expect(page.get_by_role("status")).to_contain_text("agreed")
    plan = page.locator("#plans section.plan").first
    expect(plan.locator("[data-plan-status]")).to_have_text("current")
    expect(plan).to_contain_text("PL-1025-1")
    expect(plan).to_contain_text("Customer agreed on the call: three payments of $300")
    expect(plan.locator("tr[data-instalment]")).to_have_count(3)
    shot(page, "plan-panel")


def test_agent_redates_the_unpaid_instalments_then_cancels_the_plan(signed_in, console: LiveConsole) -> None:
    services = console.services
    card = save_card(console, "C1030")
    an_invoice(console, "PL-1030-1", "C1030", "600.00")
    today = dt.date.today()
    steps = [payments.Instalment(n + 1, today + dt.timedelta(days=30 * n), Money.of("200.00", "USD"))
             for n in range(3)]
    plan_id, _ = payments.create_plan(
        services.db.uow, services.processor, customer_code="C1030", numbers=["PL-1030-1"], instalments=steps,
        method_id=card.id, total=Money.of("600.00", "USD"), now=dt.datetime.now(dt.UTC), today=today, actor=SETUP,
        branding=services.branding, defaults=services.settings.plan_defaults, note="by email")
    first = payments.plan_view(services.db.uow(), "C1030", plan_id).instalments[0]
    assert first.payment_id is not None
    apply_event(services.db.uow(), ProcessorEvent(f"evt_plan_{first.payment_id}", "payment.succeeded", None,
                                                  dt.datetime.now(dt.UTC), None, reference=str(first.payment_id)),
                SETUP, services.branding)

    page = signed_in("agent")
    overview(page, "C1030")
    plan = page.locator(f"#plans section[data-plan='{plan_id}']")
    plan.get_by_role("link", name="Change instalments").click()
    form = page.locator("#plan-change")
    expect(form.locator("[data-plan-left]")).to_have_text("$400.00")
    later = today + dt.timedelta(days=45)
    form.locator("input[name=due_1]").fill(later.isoformat())
    form.locator("input[name=amount_1]").fill("250.00")
    form.get_by_role("button", name="Save the new instalments").click()
    expect(page.get_by_role("alert")).to_contain_text("add up to $400.00")

    form.locator("input[name=due_1]").fill(later.isoformat())  # the form again, as it was before
    form.locator("input[name=amount_1]").fill("250.00")
    form.locator("input[name=amount_2]").fill("150.00")
    form.get_by_role("button", name="Save the new instalments").click()
    expect(page.get_by_role("status")).to_contain_text(f"Payment plan {plan_id} changed")
    rows = plan.locator("tr[data-instalment]")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("succeeded")
    expect(rows.nth(1)).to_contain_text("$250.00")
    expect(rows.nth(2)).to_contain_text("$150.00")

    page.once("dialog", lambda dialog: dialog.accept())
    plan.locator("input[name=reason]").fill("customer paid the rest by wire")
    plan.get_by_role("button", name="Cancel plan").click()
    expect(page.get_by_role("status")).to_contain_text(f"Payment plan {plan_id} canceled")
    expect(plan.locator("[data-plan-status]")).to_have_text("canceled")
    expect(plan).to_contain_text("customer paid the rest by wire")
