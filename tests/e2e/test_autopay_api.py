"""Autopay through the HTTP API, the notice's skip link and the `aragent autopay` commands, on both backends."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from channels.web.app import create_app
from core.bootstrap import Services
from core.kernel.apikeys import create_api_key
from core.kernel.audit import Actor
from core.ledger.models import Payment
from core.outbox.models import OutboxMessage
from core.payments import run_autopay
from tests.books import TEST_BRANDING, customer, invoice
from tests.integration.payments.test_autopay import method

TODAY = dt.date.today()  # the app's own clock (shifted for the whole run: tests/clock.py)


@pytest.fixture
def book(services: Services) -> int:
    customer(services.db)
    invoice(services.db, "INV-1", "640.00", str(TODAY - dt.timedelta(days=20)),
            due_date=str(TODAY + dt.timedelta(days=3)))
    return method(services.db)


@pytest.fixture
def api(services: Services, book: int) -> Iterator[TestClient]:
    with TestClient(create_app(services)) as client:
        client.headers["X-API-Key"] = create_api_key(services.db.uow(), "erp", Actor("test", "cli"))
        yield client


def announce(services: Services) -> str:
    run_autopay(services.db.uow, services.settings, processor="sandbox", today=TODAY,
                now=dt.datetime.now(dt.UTC), branding=TEST_BRANDING)
    with services.db.uow() as uow:
        body = uow.session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.reason == "autopay_notice"))
    found = re.search(r"https?://\S+(/autopay/skip/\S+)", body or "")
    assert found, body
    return found.group(1)


def payment_status(services: Services) -> str | None:
    with services.db.uow() as uow:
        return uow.session.scalar(select(Payment.status))


def test_enroll_show_skip_and_turn_off_through_the_api(api: TestClient, services: Services, book: int) -> None:
    assert api.get("/api/customers/ACME/autopay").json()["active"] is False
    enrolled = api.put("/api/customers/ACME/autopay", json={
        "method_id": book, "authorized_by": "Dana Ruiz (AP)", "text": "Signed autopay form AF-7", "channel": "email"})
    assert enrolled.status_code == 200, enrolled.text
    assert enrolled.json()["method"]["label"] == "Visa •4242" and enrolled.json()["channel"] == "email"
    assert [a["customer"] for a in api.get("/api/autopay").json()] == ["ACME"]

    announce(services)
    [charge] = api.get("/api/customers/ACME/autopay").json()["charges"]
    assert (charge["amount"], charge["status"], charge["invoices"]) == ("640.00", "scheduled", ["INV-1"])
    skipped = api.post("/api/customers/ACME/autopay/skip", json={})
    assert skipped.status_code == 200 and skipped.json()["status"] == "canceled"
    assert api.post("/api/customers/ACME/autopay/skip", json={}).status_code == 409

    assert api.post("/api/customers/ACME/autopay/off").json()["active"] is False
    assert api.get("/api/autopay").json() == []


def test_a_bank_account_without_a_recurring_authorization_is_refused(api: TestClient, services: Services) -> None:
    bank = method(services.db, "ach", authorization="tel_recorded")
    refused = api.put("/api/customers/ACME/autopay", json={"method_id": bank, "authorized_by": "Dana", "text": "ok"})
    assert refused.status_code == 422 and "recurring debit authorization" in refused.text
    accepted = api.put("/api/customers/ACME/autopay", json={"method_id": bank, "authorized_by": "Dana",
                                                             "text": "Recurring ACH form", "ach_recurring_reference":
                                                             "ACH-R-99"})
    assert accepted.status_code == 200 and accepted.json()["ach_recurring_reference"] == "ACH-R-99"


def test_the_skip_link_shows_the_charge_and_only_its_button_skips(api: TestClient, services: Services,
                                                                  book: int) -> None:
    api.put("/api/customers/ACME/autopay", json={"method_id": book, "authorized_by": "Dana", "text": "YES"})
    link = announce(services)
    shown = api.get(link)
    assert shown.status_code == 200 and "$640.00" in shown.text and "Visa •4242" in shown.text
    assert payment_status(services) == "scheduled"  # opening the link (a preview, a scanner) skips nothing
    token = re.search(r'name="_csrf_token" value="([^"]+)"', shown.text)
    assert token
    done = api.post(link, data={"_csrf_token": token.group(1)})
    assert done.status_code == 200 and "Skipped" in done.text
    assert payment_status(services) == "canceled"
    assert api.get(link[:-3] + "abc").status_code == 403  # an altered link names nothing


def test_the_cli_enrolls_lists_and_turns_off(run, services: Services, book: int) -> None:  # type: ignore[no-untyped-def]
    enrolled = run("autopay", "enroll", "ACME", "--method", str(book), "--authorized-by", "Dana Ruiz",
                   "--text", "Signed form AF-7 on file", "--channel", "paper")
    assert enrolled.exit_code == 0 and "autopay on with Visa •4242" in enrolled.output
    assert "ACME\tVisa •4242\tDana Ruiz" in run("autopay", "list").output
    assert "autopay turned off" in run("autopay", "off", "ACME").output
    assert run("autopay", "list").output == ""


def test_the_pay_page_turns_autopay_on_only_with_i_agree_and_off(api: TestClient, services: Services,
                                                                  book: int) -> None:
    from core.documents import pay_link

    path = pay_link(services.settings, "ACME").removeprefix(services.settings.public_url) + "/autopay"
    page = api.get(path)
    assert page.status_code == 200 and "Autopay is <strong>off</strong>" in page.text
    assert "to charge Visa •4242 for my invoices: each invoice is charged in full on its due date" in page.text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert token
    unticked = api.post(path, data={"_csrf_token": token.group(1), "method": str(book)})
    assert unticked.status_code == 422 and "I agree" in unticked.text
    on = api.post(path, data={"_csrf_token": token.group(1), "method": str(book), "agree": "yes"})
    assert on.status_code == 200 and "Autopay is on with Visa •4242" in on.text
    shown = api.get("/api/customers/ACME/autopay").json()
    assert shown["channel"] == "pay_link" and "ticked “I agree” on the pay page" in shown["authorization_text"]
    off = api.post(path + "/off", data={"_csrf_token": token.group(1)})
    assert off.status_code == 200 and api.get("/api/customers/ACME/autopay").json()["active"] is False
