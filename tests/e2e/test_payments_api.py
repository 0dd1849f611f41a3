"""Paying over the API and settling by signed webhook, as an integration and the sandbox processor do it."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from channels.web.app import create_app
from core.bootstrap import Services
from core.kernel.apikeys import create_api_key
from core.kernel.audit import Actor
from core.ledger.models import Allocation, Customer
from core.payments.adapters.sandbox import SandboxProcessor
from core.payments.models import PaymentMethod, WebhookEvent
from core.payments.signatures import sign
from core.payments.webhooks import receive
from core.schema import Base

SECRET = "whsec_test_secret"


@pytest.fixture
def sandbox(services: Services) -> SandboxProcessor:
    processor = SandboxProcessor(services.db, [SECRET], card_delay=0, ach_delay=0, return_delay=0)
    services.processors["sandbox"] = processor
    return processor


@pytest.fixture
def api(services: Services, sandbox: SandboxProcessor) -> Iterator[TestClient]:
    key = create_api_key(services.db.uow(), "erp", Actor("test", "cli"))
    with TestClient(create_app(services)) as client:
        client.headers["X-API-Key"] = key
        client.put("/api/customers/ACME", json={"name": "Acme Corp", "email": "ap@acme.example"})
        client.post("/api/bulk/invoices", json=[
            {"number": "1001", "customer": "ACME", "date": "2026-01-05", "amount": "400.00"},
            {"number": "1002", "customer": "ACME", "date": "2026-01-06", "amount": "600.00"},
        ])
        yield client


def add_method(services: Services, token: str) -> int:
    with services.db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
        method = PaymentMethod(customer_id=customer_id, processor="sandbox", token=token, kind="card",
                               brand="visa", last4=token[-4:] if token[-4:].isdigit() else "4242")
        uow.session.add(method)
        uow.commit()
        return method.id


def deliver(api: TestClient, sandbox: SandboxProcessor) -> list[dict]:
    answers: list[dict] = []

    def post(body: bytes, headers: dict[str, str]) -> int:
        response = api.post("/webhooks/payments/sandbox", content=body, headers=headers)
        answers.append(response.json())
        return response.status_code

    sandbox.deliver_due(post)
    return answers


def open_numbers(api: TestClient) -> list[str]:
    return [i["number"] for i in api.get("/api/customers/ACME/invoices").json()]


def test_pay_two_invoices_then_the_webhook_settles_them(api, sandbox, services):
    method = add_method(services, "tok_visa")
    body = {"customer": "ACME", "amount": "1000.00", "method_id": method,
            "invoices": [{"number": "1001"}, {"number": "1002"}]}
    created = api.post("/api/payments", json=body, headers={"Idempotency-Key": "order-1"})
    assert created.status_code == 201, created.text
    assert (created.json()["status"], created.json()["amount"]) == ("pending", "1000.00")
    again = api.post("/api/payments", json={**body, "invoices": [{"number": "1001"}], "amount": "400.00"},
                     headers={"Idempotency-Key": "order-2"})
    assert again.status_code == 409 and "1001 is already in payment" in again.json()["error"]
    assert open_numbers(api) == ["1001", "1002"]  # pending is not paid
    [answer] = deliver(api, sandbox)
    assert answer["accepted"] and answer["outcome"].endswith("pending → succeeded")
    assert open_numbers(api) == []
    assert api.get("/api/customers/ACME").json()["balances"] == []


def test_idempotency_key_replays_the_first_answer_and_refuses_a_new_body(api, sandbox, services):
    method = add_method(services, "tok_visa")
    body = {"customer": "ACME", "amount": "400.00", "method_id": method, "invoices": [{"number": "1001"}]}
    assert api.post("/api/payments", json=body).status_code == 422  # no key, no money
    first = api.post("/api/payments", json=body, headers={"Idempotency-Key": "k-1"})
    replay = api.post("/api/payments", json=body, headers={"Idempotency-Key": "k-1"})
    assert replay.status_code == first.status_code == 201
    assert replay.json() == first.json() and replay.headers["idempotent-replayed"] == "true"
    changed = api.post("/api/payments", json={**body, "amount": "399.00"}, headers={"Idempotency-Key": "k-1"})
    assert changed.status_code == 422 and "different request body" in changed.json()["error"]
    assert len(sandbox_charges(services)) == 1


def sandbox_charges(services: Services) -> list:
    from core.payments.adapters.sandbox_models import SandboxCharge

    with services.db.uow() as uow:
        return list(uow.session.scalars(select(SandboxCharge)))


def test_a_declined_card_leaves_the_invoice_open_and_payable(api, sandbox, services):
    declined = add_method(services, "tok_card_declined")
    body = {"customer": "ACME", "amount": "400.00", "method_id": declined, "invoices": [{"number": "1001"}]}
    answer = api.post("/api/payments", json=body, headers={"Idempotency-Key": "d-1"}).json()
    assert answer["status"] == "failed" and answer["outcome"].endswith("pending → failed")
    good = add_method(services, "tok_visa")
    retry = api.post("/api/payments", json={**body, "method_id": good}, headers={"Idempotency-Key": "d-2"})
    assert retry.status_code == 201
    assert open_numbers(api) == ["1001", "1002"]


def test_forged_and_redelivered_webhooks_change_nothing(api, sandbox, services):
    method = add_method(services, "tok_visa")
    api.post("/api/payments", json={"customer": "ACME", "amount": "400.00", "method_id": method,
                                    "invoices": [{"number": "1001"}]}, headers={"Idempotency-Key": "w-1"})
    captured: list[tuple[bytes, dict[str, str]]] = []
    sandbox.deliver_due(lambda body, headers: captured.append((body, headers)) or 200)
    [(body, headers)] = captured
    tampered = json.loads(body)
    tampered["data"]["object"]["amount"] = 4  # the amount only: a random id may hold "400" too
    forged = json.dumps(tampered).encode()
    assert api.post("/webhooks/payments/sandbox", content=forged, headers=headers).status_code == 400
    wrong_key = {"Sandbox-Signature": sign(body, "whsec_attacker")}
    assert api.post("/webhooks/payments/sandbox", content=body, headers=wrong_key).status_code == 400
    first = api.post("/webhooks/payments/sandbox", content=body, headers=headers).json()
    second = api.post("/webhooks/payments/sandbox", content=body, headers=headers).json()
    assert (first["duplicate"], second["duplicate"]) == (False, True)
    with services.db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Allocation)) == 1
        rows = [(r.valid, r.body) for r in uow.session.scalars(select(WebhookEvent).order_by(WebhookEvent.id))]
    assert [valid for valid, _ in rows] == [False, False, True, True]  # every request kept, raw, first
    assert json.loads(rows[0][1])["id"] == json.loads(body)["id"]


def test_two_workers_with_the_same_event_apply_it_once(api, sandbox, services):
    method = add_method(services, "tok_visa")
    api.post("/api/payments", json={"customer": "ACME", "amount": "600.00", "method_id": method,
                                    "invoices": [{"number": "1002"}]}, headers={"Idempotency-Key": "r-1"})
    captured: list[tuple[bytes, dict[str, str]]] = []
    sandbox.deliver_due(lambda body, headers: captured.append((body, headers)) or 200)
    [(body, headers)] = captured
    barrier, results = threading.Barrier(2), []

    def worker() -> None:
        barrier.wait()
        results.append(receive(services.db.uow(), sandbox, headers, body, Actor("processor:sandbox", "webhook"),
                               services.branding))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r.duplicate for r in results) == [False, True]
    with services.db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Allocation)) == 1


def test_preview_gives_exact_amounts_and_forfeited_discounts_and_the_payment_takes_that_total(api, sandbox, services):
    api.post("/api/bulk/invoices", json=[{"number": "2001", "customer": "ACME", "date": str(dt.date.today()),
                                          "amount": "1000.00", "discount_percent": "2", "discount_days": "10"}])
    full = api.post("/api/payments/preview", json={"customer": "ACME", "invoices": [{"number": "2001"}]}).json()
    assert (full["total"], full["lines"][0]["discount"]) == ("980.00", "20.00")
    assert "includes the 2.000% early-payment discount" in full["lines"][0]["note"]
    short = api.post("/api/payments/preview", json={
        "customer": "ACME", "invoices": [{"number": "2001", "amount": "500", "reason": "Pricing error"}],
        "deposit": "25"}).json()
    assert short["total"] == "525.00"
    assert "forfeits the 2.000% early-payment discount (20.00 if paid in full by" in short["lines"][0]["note"]
    method = add_method(services, "tok_visa")
    paid = api.post("/api/payments", json={"customer": "ACME", "amount": full["total"], "method_id": method,
                                           "invoices": [{"number": "2001"}]}, headers={"Idempotency-Key": "p-1"})
    assert paid.status_code == 201
    held = api.post("/api/payments/preview", json={"customer": "ACME", "invoices": [{"number": "2001"}]})
    assert held.status_code == 409  # the preview already tells a second payer


# A standalone 13-19 digit run (not part of a hex id) that passes the Luhn check: what a leaked card looks like.
CARD_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{13,19}(?![0-9A-Za-z])")


def leaked_cards(text: str) -> list[str]:
    from core.kernel.card_numbers import luhn_ok

    return [run for run in CARD_LIKE.findall(re.sub(r"(?<=\d)[ -](?=\d)", "", text)) if luhn_ok(run)]


def test_no_card_number_reaches_the_database_or_the_logs(api, sandbox, services, capsys, caplog):
    token = sandbox.tokenize_card("4242 4242 4242 4242", 12, dt.date.today().year + 3, "123", "Ada Buyer")
    method = api.post("/api/customers/ACME/methods", json={"processor": "sandbox", "token": token, "kind": "card",
                                                            "brand": "visa", "last4": "4242"}).json()
    api.post("/api/payments", json={"customer": "ACME", "amount": "400.00", "method_id": method["id"],
                                    "invoices": [{"number": "1001"}]}, headers={"Idempotency-Key": "c-1"})
    deliver(api, sandbox)
    refused = api.post("/api/customers/ACME/methods", json={"processor": "sandbox", "token": "4242424242424242",
                                                             "kind": "card", "brand": "visa", "last4": "4242"})
    assert refused.status_code == 422
    dumped = []
    with services.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                dumped.extend(str(value) for value in row)
    captured = capsys.readouterr()
    logs = captured.out + captured.err + caplog.text
    assert "payments" in logs  # the request log lines are really in what we scan
    assert "4242424242424242" not in "".join(dumped) + logs.replace(" ", "")
    assert [leak for text in (*dumped, logs) for leak in leaked_cards(text)] == []


CARD = "4111 1111 1111 1111"


def test_a_card_number_typed_into_any_free_text_is_never_stored(api, sandbox, services, capsys, caplog):
    """Short-pay comments, invoice comments, promise notes, names, a payment's note: each is written through its
    own path; the number is blanked before any of them reaches a table, on both backends, and never logged."""
    from core.dunning import record_promise
    from core.kernel.card_numbers import REMOVED
    from core.ledger import add_comment

    method = add_method(services, "tok_visa")
    short = api.post("/api/payments", json={
        "customer": "ACME", "amount": "300.00", "method_id": method,
        "invoices": [{"number": "1001", "amount": "300.00", "reason": "Other",
                      "comment": f"customer read out card {CARD}"}]}, headers={"Idempotency-Key": "card-1"})
    assert short.status_code == 201, short.text
    add_comment(services.db.uow(), "ACME", "1002", f"they paid with {CARD.replace(' ', '-')}", Actor("test", "cli"))
    record_promise(services.db.uow(), "ACME", dt.date.today() + dt.timedelta(days=7), None, Actor("test", "cli"),
                   note=f"will pay by card {CARD}")
    renamed = api.put("/api/customers/ACME", json={"name": f"Acme Corp {CARD}", "email": "ap@acme.example"})
    assert renamed.status_code in (200, 201), renamed.text

    dumped = []
    with services.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                dumped.extend(str(value) for value in row)
    logs = "".join(capsys.readouterr()) + caplog.text
    assert [leak for text in (*dumped, logs) for leak in leaked_cards(text)] == []
    assert sum(REMOVED in text for text in dumped) >= 4  # the words around it are kept
