"""Every console page at the most common office laptop screen (1366×768) and at 1920×1080: nothing scrolls the
whole page sideways, no table cell is squeezed until its text wraps a letter at a time, and a table too wide for
its card scrolls inside the card. Customer C1047 (11 open invoices; read only, nobody else's tests use it)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser
from sqlalchemy import func, select

from core.ledger.models import Customer, Document, Payment
from core.outbox.models import OutboxMessage
from tests.browser.conftest import LiveConsole, sign_in

CODE = "C1047"
# Problems a reader would see, found by measuring the laid-out page.
PROBLEMS = """() => {
  const problems = [];
  const page = document.documentElement.scrollWidth;
  if (page > window.innerWidth + 1) problems.push(`the page scrolls sideways: ${page}px wide`);
  for (const cell of document.querySelectorAll("table td, table th")) {
    const box = cell.getBoundingClientRect(), text = cell.innerText.trim();
    if (box.width === 0 || /^[\\d$€£,.\\-—−%\\s]*$/.test(text)) continue;
    if ((box.width < 52 && text.length > 5) || (box.width < 120 && text.length > 60))
      problems.push(`a squeezed cell, ${Math.round(box.width)}px: ${text.slice(0, 40)}`);
  }
  for (const table of document.querySelectorAll("table")) {
    let scrolls = false;
    for (let el = table.parentElement; el && el !== document.body; el = el.parentElement) {
      const overflow = getComputedStyle(el).overflowX;
      if (overflow === "auto" || overflow === "scroll") { scrolls = true; break; }
    }
    const room = table.parentElement.clientWidth;
    if (!scrolls && table.scrollWidth > room + 1)
      problems.push(`table ${table.id || table.className} is wider than its card: ${table.scrollWidth} > ${room}`);
  }
  return problems;
}"""


def _pages(console: LiveConsole) -> list[str]:
    with console.services.db.uow() as uow:
        customer = uow.session.scalars(select(Customer.id).where(Customer.code == CODE)).one()
        invoices = list(uow.session.scalars(
            select(Document.number).where(Document.customer_id == customer, Document.kind == "invoice",
                                          Document.open_minor > 0).order_by(Document.doc_date).limit(3)))
        payment = uow.session.scalar(select(func.max(Payment.id)).where(Payment.customer_id == customer))
        message = uow.session.scalar(select(func.max(OutboxMessage.id)))
    customer_pages = ["", "/invoices", f"/invoices/{invoices[0]}", "/methods", "/documents", "/payments",
                      "/conversations", "/pay?" + "&".join(f"invoice={n}" for n in invoices), "/deposit"]
    if payment is not None:
        customer_pages.append(f"/payments/{payment}")
    pages = [f"/console/customers/{CODE}{tail}" for tail in customer_pages]
    pages += [f"/console/{tail}" for tail in (
        "companies", "payments", "conversations", "calls", "disputes", "demo-chat", "outbox", "templates",
        "dunning-stages", "reviews", "audit", "users", "system/payment-methods", "account")]
    if message is not None:
        pages.append(f"/console/outbox/{message}")
    return pages


@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080)])
def test_every_page_reads_at_laptop_and_desktop_sizes(
    browser: Browser, console: LiveConsole, width: int, height: int
) -> None:
    context = browser.new_context(base_url=console.url, viewport={"width": width, "height": height})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, console.url, "admin")
    page.wait_for_url(f"{console.url}/console/**")
    found: dict[str, list[str]] = {}
    for path in _pages(console):
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
        problems = page.evaluate(PROBLEMS)
        if problems:
            found[path] = problems[:5]
    context.close()
    assert not found, found
