"""Saved payment methods through the HTTP API, as an agent's tool or the ERP uses them.

Runs once `MethodController` is wired into the /api router of `create_app`; until then it is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select

from channels.web.app import create_app
from core.bootstrap import Services
from core.kernel.apikeys import create_api_key
from core.kernel.audit import Actor
from core.kernel.models import AuditEvent

METHODS_ROUTE = "/api/customers/{code:str}/methods"
VISA = {"processor": "sandbox", "token": "pm_visa_abc", "kind": "card", "brand": "visa", "last4": "4242",
        "exp_month": 3, "exp_year": 2030, "holder": "Ann Buyer"}
BANK = {"processor": "sandbox", "token": "ba_chase_xyz", "kind": "ach", "brand": "Chase", "last4": "6789",
        "holder": "Acme Ltd"}


def _wired(app: Litestar) -> bool:
    return any(route.path_format == "/api/customers/{code}/methods" or route.path == METHODS_ROUTE
               for route in app.routes)


@pytest.fixture
def api(services: Services) -> Iterator[TestClient]:
    app = create_app(services)
    if not _wired(app):
        pytest.skip("MethodController is not yet in create_app's /api router")
    with TestClient(app) as client:
        client.headers["X-API-Key"] = create_api_key(services.db.uow(), "agent", Actor("test", "cli"))
        assert client.put("/api/customers/ACME", json={"name": "Acme Corp"}).status_code == 201
        yield client


def test_methods_need_an_api_key(api: TestClient) -> None:
    assert api.get("/api/customers/ACME/methods", headers={"X-API-Key": "ark_wrong"}).status_code == 401


def test_a_card_is_saved_listed_and_saved_once(api: TestClient) -> None:
    saved = api.post("/api/customers/ACME/methods", json=VISA)
    assert saved.status_code == 201
    body = saved.json()
    assert (body["label"], body["exp"], body["active"]) == ("Visa •4242", "03/2030", True)
    assert "token" not in body  # the token is for charging, not for showing
    again = api.post("/api/customers/ACME/methods", json=VISA).json()
    assert again["id"] == body["id"]
    assert [m["id"] for m in api.get("/api/customers/ACME/methods").json()] == [body["id"]]


def test_a_bank_account_needs_the_customers_authorization(api: TestClient) -> None:
    refused = api.post("/api/customers/ACME/methods", json=BANK)
    assert refused.status_code == 422 and "authorization" in refused.json()["error"]
    no_reference = api.post("/api/customers/ACME/methods", json={**BANK, "authorization": {"kind": "tel_recorded"}})
    assert no_reference.status_code == 422 and "reference" in no_reference.json()["error"]
    signed = {"kind": "e_signature", "reference": "Ann Buyer", "authorized_at": "2026-11-20T15:04:00Z",
              "source": "203.0.113.7"}
    saved = api.post("/api/customers/ACME/methods", json={**BANK, "authorization": signed})
    assert saved.status_code == 201 and saved.json()["ach_authorization_kind"] == "e_signature"


def test_a_card_number_is_refused_and_never_stored(api: TestClient, services: Services) -> None:
    as_token = api.post("/api/customers/ACME/methods", json={**VISA, "token": "4242424242424242"})
    assert as_token.status_code == 422 and as_token.json()["field"] == "token"
    long_last4 = api.post("/api/customers/ACME/methods", json={**VISA, "last4": "42424"})
    assert long_last4.status_code == 422 and long_last4.json()["field"] == "last4"
    extra_field = api.post("/api/customers/ACME/methods", json={**VISA, "number": "4242424242424242"})
    assert extra_field.status_code == 422
    assert api.get("/api/customers/ACME/methods", params={"include_inactive": "true"}).json() == []


def test_deactivate_hides_and_reactivate_offers_again(api: TestClient, services: Services) -> None:
    method_id = api.post("/api/customers/ACME/methods", json=VISA).json()["id"]
    gone = api.post(f"/api/customers/ACME/methods/{method_id}/deactivate")
    assert gone.status_code == 200 and gone.json()["active"] is False
    assert api.get("/api/customers/ACME/methods").json() == []
    everything = api.get("/api/customers/ACME/methods", params={"include_inactive": "true"}).json()
    assert [(m["id"], m["active"]) for m in everything] == [(method_id, False)]
    back = api.post(f"/api/customers/ACME/methods/{method_id}/reactivate")
    assert back.status_code == 200 and back.json()["active"] is True
    assert api.put("/api/customers/OTHER", json={"name": "Other Inc"}).status_code == 201
    assert api.post(f"/api/customers/OTHER/methods/{method_id}/deactivate").status_code == 404
    with services.db.uow() as uow:
        actors = uow.session.scalars(select(AuditEvent.actor).where(AuditEvent.action.like("payment_method.%")))
        assert set(actors) == {"api:agent"}
