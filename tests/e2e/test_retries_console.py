"""A scheduled charge's retries as staff see them in the console: each attempt under the payment's status in the
customer's payments, and every attempt of the chain on a payment's page, linked to the payment that made it."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from core.bootstrap import Services
from core.kernel.audit import Actor
from core.payments.adapters.sandbox import SandboxProcessor
from core.payments.jobs import charge_scheduled
from tests.e2e.conftest import console_client
from tests.integration.payments.test_retries import DUE, schedule
from tests.integration.payments.test_retries import services as retry_book

services = retry_book  # ACME with INV-1 and INV-2 open


@pytest.fixture
def agent(services: Services) -> Iterator[TestClient]:
    with console_client(services) as client:
        yield client


def test_staff_see_each_attempt_and_the_next_try(agent: TestClient, services: Services) -> None:
    sandbox = SandboxProcessor(services.db, ["whsec_console"], card_delay=0, ach_delay=0, return_delay=0)
    first = schedule(services, "tok_card_insufficient")
    for day in (DUE, dt.date(2026, 12, 9)):
        charge_scheduled(services.db.uow, sandbox, day, Actor("scheduler", "scheduler"), services.branding)
    listed = html.unescape(agent.get("/console/customers/ACME/payments").text)
    assert "Attempt 2 of 4 on 2026-12-09: declined, insufficient funds; next try 2026-12-12" in listed
    assert "Attempt 1 of 4 on 2026-12-08: declined, insufficient funds; next try 2026-12-09" in listed

    page = agent.get(f"/console/customers/ACME/payments/{first}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert 'id="attempts"' in text and "Attempt 3 of 4 planned for 2026-12-12" in text
    assert f'/console/customers/ACME/payments/{first + 1}">Attempt 2 of 4' in text  # the retry's own payment


def test_staff_stop_the_planned_retry_and_nothing_is_charged_again(agent: TestClient, services: Services) -> None:
    sandbox = SandboxProcessor(services.db, ["whsec_console"], card_delay=0, ach_delay=0, return_delay=0)
    first = schedule(services, "tok_card_insufficient")
    charge_scheduled(services.db.uow, sandbox, DUE, Actor("scheduler", "scheduler"), services.branding)
    answer = agent.post(f"/console/customers/ACME/payments/{first}/cancel-retry",
                        data={"reason": "customer pays by wire", "_csrf_token": agent.cookies.get("aragent_csrf")},
                        follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert charge_scheduled(services.db.uow, sandbox, dt.date(2026, 12, 9), Actor("scheduler", "scheduler"),
                            services.branding) == []
    text = html.unescape(agent.get(f"/console/customers/ACME/payments/{first}").text)
    assert "Attempt 2 of 4 on 2026-12-09: not charged, canceled by agent: customer pays by wire" in text
    assert 'id="cancel-retry"' not in text
    again = agent.post(f"/console/customers/ACME/payments/{first}/cancel-retry",
                       data={"_csrf_token": agent.cookies.get("aragent_csrf")})
    assert f"payment {first} has no retry planned" in html.unescape(again.text)  # refused, said on the page
