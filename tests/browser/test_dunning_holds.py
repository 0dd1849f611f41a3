"""Dunning holds in the browser: a supervisor puts customer C1018 (this file's only customer) on hold and one of its
invoices too, everyone sees the banner and the invoice's badge, the dunning run skips it saying why, and the
supervisor lifts the holds. Agents see holds but cannot put or lift one."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from core.dunning import holds_for, run_dunning
from core.kernel.audit import Actor
from core.ledger import invoices
from tests.browser.conftest import LiveConsole

CODE = "C1018"


def _dun(console: LiveConsole) -> dict:
    [result] = run_dunning(console.services, dt.date.today(), Actor("test", "cli"), customer_codes=[CODE])
    return result.to_json()


def test_a_supervisor_puts_a_customer_on_hold_dunning_skips_it_and_the_hold_is_lifted(console: LiveConsole, signed_in,
                                                                                      shot) -> None:
    until = dt.date.today() + dt.timedelta(days=30)
    page = signed_in("supervisor")
    page.goto(f"/console/customers/{CODE}")
    expect(page.locator(".hold-banner")).to_have_count(0)
    expect(page.locator("#dunning-holds")).to_contain_text("none")

    page.locator("#put-on-hold summary").click()
    form = page.locator("#put-on-hold")
    form.get_by_label("Reason").fill("Insolvency talks with the bank")
    form.get_by_label("Until").fill(until.isoformat())
    form.get_by_role("button", name="Put on hold").click()
    expect(page.get_by_role("status").first).to_contain_text("Dunning for this customer is on hold until")
    banner = page.locator("[data-dunning-hold=account]")
    expect(banner).to_contain_text("Dunning on hold until")
    expect(banner).to_contain_text("Insolvency talks with the bank")
    expect(banner).to_contain_text("by supervisor")
    assert _dun(console)["reason"] == f"on hold until {until.isoformat()}: Insolvency talks with the bank"

    number = invoices(console.services.db.uow(), CODE, dt.date.today())[0].number
    page.goto(f"/console/customers/{CODE}")
    page.locator("#put-on-hold summary").click()
    form.get_by_label("Reason").fill("Credit note on its way")
    form.get_by_label("Invoice").fill(number)
    form.get_by_role("button", name="Put on hold").click()
    expect(page.locator(f"#dunning-holds [data-hold='{number}']")).to_contain_text("Credit note on its way")
    shot(page, "dunning-hold-customer")
    page.goto(f"/console/customers/{CODE}/invoices")
    expect(page.locator(f"tr[data-invoice='{number}'] [data-dunning-hold]")).to_contain_text(
        "on hold: Credit note on its way")
    expect(page.locator("[data-dunning-hold=account]")).to_be_visible()

    agent = signed_in("agent")
    agent.goto(f"/console/customers/{CODE}")
    expect(agent.locator("[data-dunning-hold=account]")).to_contain_text("Insolvency talks with the bank")
    expect(agent.locator("#put-on-hold")).to_have_count(0)
    expect(agent.get_by_role("button", name="Lift hold")).to_have_count(0)

    page.goto(f"/console/customers/{CODE}")
    page.locator("#dunning-holds [data-hold=account]").get_by_role("button", name="Lift hold").click()
    expect(page.get_by_role("status").first).to_contain_text("Dunning hold on the account lifted")
    expect(page.locator("[data-dunning-hold=account]")).to_have_count(0)
    assert not _dun(console)["reason"].startswith("on hold")
    page.locator(f"#dunning-holds [data-hold='{number}']").get_by_role("button", name="Lift hold").click()
    expect(page.locator("#dunning-holds")).to_contain_text("none")
    assert holds_for(console.services.db.uow(), CODE, dt.date.today()) == []
