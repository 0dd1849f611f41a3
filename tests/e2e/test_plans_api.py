"""Instalment plans over the API, as an ERP or a collections tool makes them for staff, on SQLite and PostgreSQL: the
offer the policy allows, the plan made exactly as offered (another total is refused), the first instalment charged and
settled by the signed webhook, the plan listed, then canceled with its unpaid instalments."""

from __future__ import annotations

import datetime as dt

from litestar.testing import TestClient
from sqlalchemy import select

from core.bootstrap import Services
from core.ledger.models import Document, Payment
from core.payments.adapters.sandbox import SandboxProcessor
from tests.e2e.test_payments_api import add_method, api, deliver, sandbox  # noqa: F401  (the fixtures)


def test_a_plan_is_offered_made_as_offered_listed_and_canceled(api: TestClient,  # noqa: F811
                                                                sandbox: SandboxProcessor,  # noqa: F811
                                                                services: Services) -> None:
    method = add_method(services, "tok_visa")
    base = "/api/customers/ACME/plans"
    offer = api.post(f"{base}/offer", json={"invoices": ["1001", "1002"], "instalments": 5})
    assert offer.status_code == 200, offer.text
    offered = offer.json()
    assert (offered["total"], offered["currency"]) == ("1000.00", "USD")
    assert [i["amount"] for i in offered["instalments"]] == ["333.34", "333.33", "333.33"]  # the policy's 3 at most
    assert "3" in offered["adjusted"]  # said plainly why it is not the 5 asked for
    assert offered["instalments"][0]["due_on"] == dt.date.today().isoformat()  # the first due at once

    agreed = {"invoices": ["1001", "1002"], "method_id": method, "agreement": "Agreed on a call with Ann, ref 77",
              "instalments": [{"due_on": i["due_on"], "amount": i["amount"]} for i in offered["instalments"]]}
    refused = api.post(base, json={**agreed, "total": "999.00"})
    assert refused.status_code in (409, 422), refused.text
    assert api.get(base).json() == []  # nothing kept, nothing charged
    made = api.post(base, json={**agreed, "total": "1000.00"})
    assert made.status_code == 201, made.text
    plan = made.json()
    assert (plan["status"], plan["total"], plan["agreement"]) == ("current", "1000.00", agreed["agreement"])
    deliver(api, sandbox)  # the first instalment, charged at once, settles by the signed webhook
    with services.db.uow() as uow:
        statuses = [p.status for p in uow.session.scalars(select(Payment).order_by(Payment.id))]
        open_minor = sum(uow.session.scalars(select(Document.open_minor)))
    assert statuses == ["succeeded", "scheduled", "scheduled"]
    assert open_minor == 100000 - 33334
    [listed] = api.get(base).json()
    assert [i["status"] for i in listed["instalments"]] == ["succeeded", "scheduled", "scheduled"]

    ended = api.post(f"{base}/{plan['id']}/cancel", json={"reason": "customer paid by wire instead"})
    assert ended.status_code == 200, ended.text
    assert (ended.json()["status"], ended.json()["end_reason"]) == ("canceled", "customer paid by wire instead")
    with services.db.uow() as uow:
        assert [p.status for p in uow.session.scalars(select(Payment).order_by(Payment.id))] == [
            "succeeded", "canceled", "canceled"]
    assert api.post(f"{base}/offer", json={"invoices": ["9999"]}).status_code == 404
    assert api.get("/api/customers/NOPE/plans").status_code == 404
