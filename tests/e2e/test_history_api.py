"""Payment history and receipts over HTTP, through the app as create_app() builds it."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from channels.web.app import create_app
from core.bootstrap import Services
from core.kernel.apikeys import create_api_key
from core.kernel.audit import Actor
from core.kernel.money import Money
from core.ledger.models import Payment
from core.ledger.posting import record_payment
from core.ledger.rules import AllocationRequest
from tests.books import TEST_ACTOR

HISTORY_ROUTE = "/api/customers/{code:str}/payments"


def build_app(services: Services) -> Litestar:
    app = create_app(services)
    if not any(route.path.startswith(HISTORY_ROUTE) for route in app.routes):
        pytest.skip("PaymentHistoryController (channels.web.history) is not registered in create_app() yet")
    return app


@pytest.fixture
def api(services: Services) -> Iterator[TestClient]:
    app = build_app(services)
    key = create_api_key(services.db.uow(), "erp", Actor("test", "cli"))
    with TestClient(app) as client:
        client.headers["X-API-Key"] = key
        client.put("/api/customers/ACME", json={"name": "Acme Corp", "email": "ap@acme.example"})
        client.put("/api/customers/OTHER", json={"name": "Other Inc"})
        client.post("/api/bulk/invoices", json=[
            {"number": "1001", "customer": "ACME", "date": "2026-01-05", "amount": "400.00"},
            {"number": "1002", "customer": "ACME", "date": "2026-01-06", "amount": "600.00"},
        ])
        yield client


def pay(services: Services, amount: str, *numbers: str, on: str, reference: str) -> int:
    return record_payment(
        services.db.uow(), customer_code="ACME", amount=Money.of(amount, "USD"), received_on=dt.date.fromisoformat(on),
        requests=[AllocationRequest(n) for n in numbers], reasons=("Other",), actor=TEST_ACTOR,
        method_kind="check", reference=reference,
    ).payment_id


def test_list_filter_and_csv(api, services):
    first = pay(services, "400.00", "1001", on="2026-02-01", reference="CHK-1")
    second = pay(services, "700.00", "1002", on="2026-03-01", reference="CHK-2")
    listed = api.get("/api/customers/ACME/payments")
    assert listed.status_code == 200, listed.text
    assert [p["id"] for p in listed.json()] == [second, first]
    assert listed.json()[0] | {"id": 0} == {
        "id": 0, "received_on": "2026-03-01", "status": "succeeded", "amount": "700.00", "currency": "USD",
        "unapplied": "100.00", "method": "Check", "channel": "cli", "reference": "CHK-2",
        "processor_payment_id": None, "invoices": ["1002"], "receipt_available": False,
    }
    assert [p["id"] for p in api.get("/api/customers/ACME/payments", params={"q": "1001"}).json()] == [first]
    assert [p["id"] for p in api.get("/api/customers/ACME/payments", params={"since": "2026-02-15"}).json()] == [
        second]
    assert api.get("/api/customers/ACME/payments", params={"status": "nope"}).status_code == 422
    assert api.get("/api/customers/NOPE/payments").status_code == 404
    csv = api.get("/api/customers/ACME/payments", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0].startswith("id,received_on,status,amount,currency,unapplied,method")
    assert lines[2] == f"{first},2026-02-01,succeeded,400.00,USD,0.00,Check,cli,CHK-1,,1001,no"


def test_receipt_pdf(api, services):
    paid = pay(services, "400.00", "1001", on="2026-02-01", reference="CHK-1")
    response = api.get(f"/api/customers/ACME/payments/{paid}/receipt")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="receipt-R-{paid}.pdf"' in response.headers["content-disposition"]
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert f"R-{paid}" in text and "$400.00" in text and "1001" in text
    assert api.get("/api/customers/ACME/payments").json()[0]["receipt_available"] is True
    assert api.get(f"/api/customers/ACME/payments/{paid}/receipt").content == response.content
    assert api.get(f"/api/customers/OTHER/payments/{paid}/receipt").status_code == 404
    assert api.get("/api/customers/ACME/payments/99999/receipt").status_code == 404
    with services.db.uow() as uow:
        uow.session.scalar(select(Payment).where(Payment.id == paid)).status = "pending"  # type: ignore[union-attr]
        uow.commit()
    refused = api.get(f"/api/customers/ACME/payments/{paid}/receipt")
    assert refused.status_code == 422 and "pending" in refused.json()["error"]
