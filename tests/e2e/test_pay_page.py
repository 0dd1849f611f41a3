"""The customer's pay page behind a "Pay online" link: only that customer, the exact total, once per link."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
import time_machine
from litestar.testing import TestClient
from sqlalchemy import select

from channels.web.app import create_app
from core.bootstrap import Services
from core.documents import link_secret, pay_link, read_pay_token
from core.documents.pay_links import pay_token
from core.kernel.models import AuditEvent
from core.ledger.models import Customer, Document, Payment
from core.payments.adapters.sandbox import SandboxProcessor
from core.payments.models import PaymentMethod
from tests import books

SECRET = "whsec_test_secret"


@pytest.fixture
def sandbox(services: Services) -> SandboxProcessor:
    processor = SandboxProcessor(services.db, [SECRET], card_delay=0, ach_delay=0, return_delay=0)
    services.processors["sandbox"] = processor
    return processor


@pytest.fixture
def client(services: Services, sandbox: SandboxProcessor) -> Iterator[TestClient]:
    today = dt.date.today()
    books.customer(services.db, "ACME", name="Acme Corp", email="ap@acme.example")
    books.customer(services.db, "BETA", name="Beta Industries", email="ap@beta.example")
    for number, amount, who in (("1001", "400.00", "ACME"), ("1002", "600.00", "ACME"), ("1003", "50.00", "ACME"),
                                ("2001", "999.00", "BETA")):
        books.invoice(services.db, number, amount, str(today - dt.timedelta(days=40)), customer=who)
    add_card(services, "ACME")
    with TestClient(create_app(services)) as client:
        yield client


def add_card(services: Services, code: str, token: str = "tok_visa") -> int:
    with services.db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == code))
        method = PaymentMethod(customer_id=customer_id, processor="sandbox", token=token, kind="card",
                               brand="visa", last4="4242")
        uow.session.add(method)
        uow.commit()
        return method.id


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def csrf(page: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def hidden_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def method_id(page: str) -> str:
    found = re.search(r'name="method" value="(\d+)"', page)
    assert found, page
    return found.group(1)


def review(client: TestClient, link: str, form: dict[str, str]) -> tuple[int, str]:
    page = client.get(link)
    assert page.status_code == 200, page.text
    answer = client.post(f"{link}/review", data={"_csrf_token": csrf(page.text), "method": method_id(page.text),
                                                   **form})
    return answer.status_code, answer.text


def confirm(client: TestClient, link: str, review_page: str) -> int:
    fields = hidden_fields(review_page)
    answer = client.post(f"{link}/confirm", data=fields, follow_redirects=False)
    return answer.status_code


def open_amounts(services: Services) -> dict[str, int]:
    with services.db.uow() as uow:
        return dict(uow.session.execute(select(Document.number, Document.open_minor)).all())


def deliver(client: TestClient, sandbox: SandboxProcessor) -> None:
    sandbox.deliver_due(lambda body, headers: client.post("/webhooks/payments/sandbox", content=body,
                                                         headers=headers).status_code)


def test_a_link_pays_two_invoices_once_and_shows_the_receipt(client, services, sandbox):
    link = path_of(pay_link(services.settings, "ACME"))
    page = client.get(link)
    assert page.status_code == 200
    assert "Acme Corp" in page.text and "1001" in page.text and "1003" in page.text
    assert "Beta" not in page.text and "2001" not in page.text  # never another customer
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert "<script" not in page.text

    status, shown = review(client, link, {"pick-1001": "yes", "pick-1002": "yes"})
    assert status == 200, shown
    assert "$1,000.00" in shown and hidden_fields(shown)["total"] == "1000.00"
    assert confirm(client, link, shown) == 303

    deliver(client, sandbox)
    opened = open_amounts(services)
    assert opened["1001"] == 0 and opened["1002"] == 0 and opened["1003"] == 5000 and opened["2001"] == 99900
    with services.db.uow() as uow:
        payment = uow.session.scalars(select(Payment)).one()
        assert (payment.channel, payment.initiated_by, payment.status) == \
            ("pay_link", "customer:ACME (pay link)", "succeeded")
        assert uow.session.scalar(select(AuditEvent.actor).where(AuditEvent.action == "payment.pending")) == \
            "customer:ACME (pay link)"
    done = client.get(link)
    assert "payment received" in done.text and "$1,000.00" in done.text
    receipt = client.get(f"{link}/receipt")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")

    # The same link cannot pay again: not the remaining invoice, not by replaying the confirm form.
    assert 'name="pick-' not in done.text  # no selection any more: the link shows its payment
    again = client.post(f"{link}/review", data={"_csrf_token": csrf(shown), "method": hidden_fields(shown)["method"],
                                                "pick-1003": "yes"})
    assert "payment received" in again.text and "Review your payment" not in again.text
    replay = client.post(f"{link}/confirm", data={**hidden_fields(shown), "invoices": "1003", "total": "50.00",
                                                  "amount-1003": "", "reason-1003": "", "comment-1003": ""},
                         follow_redirects=False)
    assert replay.status_code == 303
    with services.db.uow() as uow:
        assert len(uow.session.scalars(select(Payment)).all()) == 1
    assert open_amounts(services)["1003"] == 5000


def test_a_changed_balance_is_refused_and_the_link_can_review_again(client, services, sandbox):
    link = path_of(pay_link(services.settings, "ACME"))
    status, shown = review(client, link, {"pick-1001": "yes"})
    assert status == 200
    books.invoice(services.db, "1001", "450.00", str(dt.date.today() - dt.timedelta(days=40)), customer="ACME")
    assert open_amounts(services)["1001"] == 45000
    refused = client.post(f"{link}/confirm", data=hidden_fields(shown), follow_redirects=False)
    assert refused.status_code == 409 and "nothing" in refused.text.lower()
    with services.db.uow() as uow:
        assert uow.session.scalars(select(Payment)).all() == []
    status, again = review(client, link, {"pick-1001": "yes"})
    assert status == 200 and "$450.00" in again
    assert confirm(client, link, again) == 303


def test_a_short_payment_needs_a_reason(client, services):
    link = path_of(pay_link(services.settings, "ACME"))
    status, shown = review(client, link, {"pick-1002": "yes", "amount-1002": "500.00"})
    assert status == 422 and "reason" in shown.lower()
    status, shown = review(client, link, {"pick-1002": "yes", "amount-1002": "500.00", "reason-1002": "Damaged goods"})
    assert status == 200 and "Short pay: Damaged goods" in shown and hidden_fields(shown)["total"] == "500.00"


def test_expired_and_tampered_links_show_nothing(client, services):
    url = pay_link(services.settings, "ACME")
    link = path_of(url)
    token = link.rsplit("/", 1)[1]
    code_part, expiry, nonce, signature = token.split(".")
    beta = pay_token("wrong secret", "BETA", dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    forged = [f"{beta.split('.')[0]}.{expiry}.{nonce}.{signature}",  # another customer's code, ACME's signature
              f"{code_part}.{expiry}.{nonce}.{signature[:-2]}xx", beta, "nonsense"]
    for token_ in forged:
        answer = client.get(f"/pay/{token_}")
        assert answer.status_code == 403 and "not valid" in answer.text
        assert "Acme" not in answer.text and "Beta" not in answer.text and "1001" not in answer.text
    grant = read_pay_token(link_secret(services.settings), token)
    with time_machine.travel(grant.expires + dt.timedelta(seconds=1), tick=False):
        for sub in ("", "/receipt"):
            expired = client.get(f"{link}{sub}")
            assert expired.status_code == 410 and "expired" in expired.text
            assert "Acme" not in expired.text and "ACME" not in expired.text and "1001" not in expired.text


def test_a_form_without_its_csrf_token_is_refused(client, services):
    link = path_of(pay_link(services.settings, "ACME"))
    client.get(link)
    assert client.post(f"{link}/review", data={"pick-1001": "yes"}).status_code == 403
    with services.db.uow() as uow:
        assert uow.session.scalars(select(Payment)).all() == []


def test_the_link_lives_as_long_as_the_setting_says(services):
    now = dt.datetime.now(dt.UTC)
    url = pay_link(replace(services.settings, pay_link_days=3), "ACME", now=now)
    grant = read_pay_token(link_secret(services.settings), url.rsplit("/", 1)[1], now=now)
    assert grant.customer_code == "ACME" and dt.timedelta(days=2) < grant.expires - now <= dt.timedelta(days=3)
