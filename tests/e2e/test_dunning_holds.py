"""Dunning holds ("Mahnstopp") from the command line and over the API, on SQLite and PostgreSQL: put a customer or an
invoice on hold, see `dunning run --json` say why, list the holds, lift them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
import time_machine
from litestar.testing import TestClient

from channels.web.app import create_app
from core.bootstrap import Services
from core.dunning import run_dunning
from core.kernel.apikeys import create_api_key
from core.kernel.audit import Actor
from tests.e2e.test_dunning_cli import book  # noqa: F401 - the fixture: ACME owes 1001 and 1002, BETA is not dunned

TODAY = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
ADMIN = Actor("test", "cli")


@pytest.fixture
def today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


def _run(run, on: str) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    result = run("dunning", "run", "--as-of", on, "--json")
    assert result.exit_code == 0, result.output
    return {row["customer"]: row for row in json.loads(result.output)}


@pytest.mark.usefixtures("book", "today")
def test_staff_hold_and_lift_dunning_from_the_command_line(run) -> None:  # type: ignore[no-untyped-def]
    put = run("dunning", "hold", "ACME", "--reason", "insolvency talks", "--until", "2026-12-15")
    assert put.exit_code == 0, put.output
    assert put.output.startswith("ACME: the account on hold until 2026-12-15: insolvency talks (hold ")
    acme = _run(run, "2026-11-22")["ACME"]
    assert (acme["status"], acme["stage"]) == ("skipped", 3)
    assert acme["reason"] == "on hold until 2026-12-15: insolvency talks"
    assert _run(run, "2026-12-16")["ACME"]["status"] == "queued"  # the day after its last day: ended by itself

    invoice_hold = json.loads(run("dunning", "hold", "ACME", "--invoice", "1001", "--reason", "credit note coming",
                                  "--json").output)
    assert (invoice_hold["invoice"], invoice_hold["until"], invoice_hold["status"]) == ("1001", None, "active")
    listed = json.loads(run("dunning", "holds", "--json").output)
    assert [(h["customer"], h["invoice"], h["status"]) for h in listed] == [("ACME", None, "active"),
                                                                           ("ACME", "1001", "active")]
    assert "insolvency talks" in run("dunning", "holds").output

    assert run("dunning", "unhold", "ACME").output.strip().endswith("on the account lifted")
    acme = _run(run, "2026-11-23")["ACME"]
    assert acme["status"] == "queued" and acme["balance"] == "200.50"  # 250.50 less the 50.00 credit; 1001 held off
    assert acme["reason"] == "first notice; left out: 1 held off (1001 on hold: credit note coming)"

    again = run("dunning", "unhold", "ACME")
    assert again.exit_code == 1 and "dunning hold on the account of customer ACME in force not found" in again.output
    refused = run("dunning", "hold", "ACME", "--reason", "late", "--until", "2026-11-01")
    assert refused.exit_code == 1 and "in the past" in refused.output
    everything = json.loads(run("dunning", "holds", "--customer", "ACME", "--all", "--json").output)
    assert sorted(h["status"] for h in everything) == ["active", "lifted"]


@pytest.fixture
def api(services: Services) -> Iterator[TestClient]:
    key = create_api_key(services.db.uow(), "erp", ADMIN)
    with TestClient(create_app(services)) as client:
        client.headers["X-API-Key"] = key
        yield client


def test_holds_are_put_listed_and_lifted_over_the_api(api: TestClient, services: Services, today: None) -> None:
    assert api.put("/api/classes/AUTO", json={"allow_auto_statement": True}).status_code == 201
    assert api.put("/api/customers/ACME", json={"name": "Acme Corp", "email": "ap@acme.example",
                                                 "class": "AUTO"}).status_code == 201
    assert api.put("/api/invoices/1001", json={"customer": "ACME", "date": "2026-09-01",
                                               "amount": "1000"}).status_code == 201
    base = "/api/customers/ACME/dunning-holds"

    made = api.post(base, json={"reason": "insolvency talks", "until": "2027-01-15"})
    assert made.status_code == 201, made.text
    hold = made.json()
    assert (hold["customer"], hold["invoice"], hold["until"], hold["status"], hold["created_by"]) == (
        "ACME", None, "2027-01-15", "active", "api:erp")
    assert [h["id"] for h in api.get(base).json()] == [hold["id"]]
    [result] = run_dunning(services, dt.date(2026, 11, 22), ADMIN, customer_codes=["ACME"])
    assert result.to_json()["reason"] == "on hold until 2027-01-15: insolvency talks"
    assert api.get(base, params={"as_of": "2027-01-16"}).json() == []  # ended by itself
    assert api.get(base, params={"as_of": "2027-01-16", "all": "true"}).json()[0]["status"] == "ended"

    assert api.post(base, json={"reason": " "}).json()["field"] == "reason"
    assert api.post(base, json={"reason": "x", "invoice": "9999"}).status_code == 404
    assert api.post(base, json={"reason": "x", "colour": "red"}).status_code == 422

    lifted = api.delete(f"{base}/{hold['id']}")
    assert lifted.status_code == 200 and lifted.json()["status"] == "lifted"
    assert lifted.json()["lifted_by"] == "api:erp"
    assert api.delete(f"{base}/{hold['id']}").status_code == 404
    assert api.get(base).json() == []
    assert api.get("/api/customers/NOPE/dunning-holds").status_code == 404
