"""The HTTP API as an ERP integration uses it, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from channels.web.app import create_app
from core.bootstrap import Services
from core.kernel.apikeys import create_api_key, revoke_api_key
from core.kernel.audit import Actor

ADMIN = Actor("test", "cli")


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services)) as test_client:
        yield test_client


@pytest.fixture
def key(services: Services) -> str:
    return create_api_key(services.db.uow(), "erp", ADMIN)


@pytest.fixture
def api(client: TestClient, key: str) -> TestClient:
    client.headers["X-API-Key"] = key
    return client


def seed(api: TestClient) -> None:
    assert api.put("/api/customers/ACME", json={"name": "Acme Corp", "email": "ap@acme.example",
                                                 "phone": "(312) 555-0142", "terms_days": 30}).status_code == 201
    rows = [
        {"number": "1001", "customer": "ACME", "date": "2026-10-01", "amount": "1200.50", "po": "PO-77"},
        {"number": "1002", "customer": "ACME", "date": "2026-07-01", "amount": "300", "due_date": "2026-07-31"},
        {"number": "CM-9", "customer": "ACME", "date": "2026-10-05", "amount": "50", "type": "credit"},
    ]
    result = api.post("/api/bulk/invoices", json=rows).json()
    assert result == {"loaded": 3, "updated": 0, "rejected": []}


def test_every_api_call_needs_a_valid_key(client: TestClient, key: str, services: Services) -> None:
    assert client.get("/api/customers/ACME").status_code == 401
    wrong = client.get("/api/customers/ACME", headers={"X-API-Key": "ark_not-a-real-key"})
    assert wrong.status_code == 401 and "API key" in wrong.json()["error"]
    assert client.get("/api/customers/ACME", headers={"Authorization": f"Bearer {key}"}).status_code == 404
    revoke_api_key(services.db.uow(), "erp", ADMIN)
    assert client.get("/api/customers/ACME", headers={"X-API-Key": key}).status_code == 401
    assert client.get("/health").json()["status"] == "ok"  # health and docs stay open
    assert "/api/customers/{code}" in client.get("/schema/openapi.json").json()["paths"]


def test_customer_upsert_then_balance_and_aging(api: TestClient) -> None:
    seed(api)
    again = api.put("/api/customers/ACME", json={"name": "Acme Corporation", "class": "KEY"})
    assert again.status_code == 200 and again.json()["name"] == "Acme Corporation"
    body = api.get("/api/customers/ACME", params={"as_of": "2026-11-22"}).json()
    assert body["class"] == "KEY"
    assert body["contacts"] == [{"name": "Acme Corp billing", "email": "ap@acme.example",
                                 "phone": "+13125550142", "primary": True}]
    [usd] = body["balances"]
    assert (usd["balance"], usd["days_1_30"], usd["days_over_90"], usd["credits"]) == (
        "1450.50", "1200.50", "300.00", "50.00")
    assert usd["most_overdue_days"] == 114


def test_invoice_list_filters_search_and_csv(api: TestClient) -> None:
    seed(api)
    numbers = [i["number"] for i in api.get("/api/customers/ACME/invoices").json()]
    assert numbers == ["1002", "1001", "CM-9"]
    found = api.get("/api/customers/ACME/invoices", params={"q": "po-77"}).json()
    assert [i["number"] for i in found] == ["1001"]
    assert api.get("/api/customers/ACME/invoices", params={"status": "paid"}).json() == []
    exported = api.get("/api/customers/ACME/invoices", params={"format": "csv"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["number"], r["open_amount"]) for r in rows] == [("1002", "300.00"), ("1001", "1200.50"),
                                                              ("CM-9", "50.00")]
    bad = api.get("/api/customers/ACME/invoices", params={"bucket": "45-50"})
    assert bad.status_code == 422 and "unknown aging bucket" in bad.json()["error"]


def test_bad_input_gets_clear_errors_and_loses_nothing(api: TestClient) -> None:
    seed(api)
    missing = api.get("/api/customers/NOPE")
    assert missing.status_code == 404 and missing.json()["error"] == "customer NOPE not found"
    negative = api.put("/api/invoices/2001", json={"customer": "ACME", "date": "2026-10-01", "amount": "-5"})
    assert negative.status_code == 422 and "must not be negative" in negative.json()["error"]
    floaty = api.put("/api/invoices/2001", json={"customer": "ACME", "date": "2026-10-01", "amount": 10.1})
    assert floaty.status_code == 422 and "amount" in floaty.json()["error"]
    unknown = api.put("/api/invoices/2001", json={"customer": "NOPE", "date": "2026-10-01", "amount": "5"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "customer"
    no_name = api.put("/api/customers/NEW", json={"email": "x@y.example"})
    assert no_name.status_code == 422 and "name" in no_name.json()["error"]
    mixed = api.post("/api/bulk/invoices", json=[
        {"customer": "ACME", "number": "3001", "date": "2026-11-01", "amount": "10"},
        {"customer": "ACME", "number": "3002", "date": "31/12/2026", "amount": "10"},
    ]).json()
    assert (mixed["loaded"], mixed["rejected"]) == (1, [{"item": 2, "reason": mixed["rejected"][0]["reason"]}])
    assert "YYYY-MM-DD" in mixed["rejected"][0]["reason"]
    assert len(api.get("/api/customers/ACME/invoices", params={"status": "all"}).json()) == 4


@pytest.mark.file_stores
def test_invoice_pdf_from_the_erp_is_kept_and_served(api: TestClient) -> None:
    seed(api)
    pdf = b"%PDF-1.7\n% the ERP's own invoice\n%%EOF\n"
    stored = api.put("/api/invoices/1001/pdf", content=pdf, headers={"Content-Type": "application/pdf"})
    assert stored.status_code == 201 and stored.json()["filename"] == "invoice-1001.pdf"
    served = api.get("/api/invoices/1001/pdf")
    assert served.content == pdf and served.headers["content-type"] == "application/pdf"
    assert api.put("/api/invoices/1001/pdf", content=b"hello").status_code == 422
    assert api.put("/api/invoices/9999/pdf", content=pdf).status_code == 404
    rendered = api.get("/api/invoices/1002/pdf")  # none attached: rendered from the ledger
    assert rendered.status_code == 200 and rendered.content.startswith(b"%PDF-")
    assert api.get("/api/invoices/9999/pdf").status_code == 404


def test_request_id_is_echoed(api: TestClient) -> None:
    response = api.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert len(api.get("/health").headers["x-request-id"]) == 32


def test_dunning_stages_are_read_and_replaced_over_the_api(api: TestClient) -> None:
    assert api.get("/api/dunning/stages").json()["source"] == "built-in seed default"
    stages = [{"stage": 1, "channels": ["email", "sms"]},
              {"stage": 2, "channels": ["sms"], "days_over_terms_above": 20, "auto_approve": True, "cadence_days": 3}]

    replaced = api.put("/api/dunning/stages", json=stages)

    assert replaced.status_code == 200, replaced.text
    assert replaced.json() == {"source": "default policy", "stages": [
        {"stage": 1, "name": "Reminder", "days_over_terms_above": None, "template": "dunning.stage1",
         "channels": ["email", "sms"], "auto_approve": False, "cadence_days": 7},
        {"stage": 2, "name": "Second notice", "days_over_terms_above": 20, "template": "dunning.stage2",
         "channels": ["sms"], "auto_approve": True, "cadence_days": 3}]}
    refused = api.put("/api/dunning/stages", json=[{"stage": 1, "channels": ["carrier pigeon"]}])
    assert refused.status_code == 422 and "dunning does not go by 'carrier pigeon'" in refused.text
    assert api.put("/api/dunning/stages?class=NOPE", json=stages).status_code == 404
    assert api.get("/api/dunning/stages").json()["stages"][1]["channels"] == ["sms"]
