"""System → Payment Methods and the Companies list through the console's HTTP front door, as an agent: the list by
company ID, a change that goes back to the list as filtered (and nowhere else), phones as staff read them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from core import payments
from core.bootstrap import Services
from core.payments import SavedMethod
from tests.books import TEST_ACTOR, customer
from tests.e2e.conftest import console_client


@pytest.fixture
def agent(services: Services) -> Iterator[TestClient]:
    customer(services.db, "C2001", name="Harbor Supply Inc.", phone="+1 312 555 0100")
    customer(services.db, "C2002", name="Thames Fixings Ltd", phone="+44 20 7946 0958")
    for code, token in (("C2001", "tok_h"), ("C2002", "tok_t")):
        payments.add_method(services.db.uow(), customer_code=code, saved=SavedMethod(token, "card", "visa", "4242"),
                            processor="sandbox", actor=TEST_ACTOR, authorization=None)
    with console_client(services) as client:
        yield client


def post(http: TestClient, path: str, **fields: str) -> str:
    answer = http.post(path, data={**fields, "_csrf_token": http.cookies.get("aragent_csrf")}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def method_id(services: Services, code: str) -> int:
    return payments.list_methods(services.db.uow(), code, include_inactive=True)[0].id


def test_an_agent_deactivates_from_the_list_and_comes_back_to_it_as_filtered(agent: TestClient,
                                                                            services: Services) -> None:
    listed = agent.get("/console/system/payment-methods?company=c2001")
    assert listed.status_code == 200 and "Harbor Supply Inc." in listed.text and "Thames" not in listed.text
    went = post(agent, f"/console/system/payment-methods/{method_id(services, 'C2001')}/deactivate",
                company="C2001", back="?company=c2001&status=&page=1&next=https://elsewhere.example&notice=old")
    assert went.startswith("/console/system/payment-methods?company=c2001&page=1&notice=Visa")
    assert payments.list_methods(services.db.uow(), "C2001") == []  # no longer offered
    assert "Inactive" in agent.get("/console/system/payment-methods?status=inactive").text
    post(agent, f"/console/system/payment-methods/{method_id(services, 'C2001')}/activate", company="C2001")
    assert [m.label for m in payments.list_methods(services.db.uow(), "C2001")] == ["Visa •4242"]


def test_another_customers_method_is_not_found_under_this_company(agent: TestClient, services: Services) -> None:
    answer = agent.post(f"/console/system/payment-methods/{method_id(services, 'C2002')}/deactivate",
                        data={"company": "C2001", "_csrf_token": agent.cookies.get("aragent_csrf")},
                        follow_redirects=False)
    assert answer.status_code == 404
    assert [m.active for m in payments.list_methods(services.db.uow(), "C2002")] == [True]


def test_phones_read_nationally_at_home_and_internationally_from_abroad(agent: TestClient) -> None:
    page = agent.get("/console/companies").text
    assert "(312) 555-0100" in page and "+44 20 7946 0958" in page and "+13125550100" not in page
    assert "+44 20 7946 0958" in agent.get("/console/customers/C2002").text  # the customer has no country on file
