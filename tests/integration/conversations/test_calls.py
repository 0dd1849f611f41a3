"""Calls recorded from the IVR for the console's screen pop, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from core.bootstrap import Services
from core.conversations import calls
from core.kernel.errors import Invalid
from core.kernel.money import Money
from tests.books import customer, invoice

NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
CALLER = "+15105550123"


@pytest.fixture
def acme(services: Services) -> str:
    customer(services.db, phone=CALLER)
    invoice(services.db, "1001", "400.00", "2026-02-01")
    return "ACME"


def test_a_caller_asking_for_an_agent_is_live_with_the_matched_customer(services: Services, acme: str) -> None:
    calls.record(services.db.uow(), "CA1", from_number=CALLER, customer_code=acme, now=NOW)
    assert calls.live_calls(services.db.uow(), NOW) == []  # in the menu: nobody needs to pick up

    status = calls.record(services.db.uow(), "CA1", status="ringing", wants_agent=True, now=NOW)

    (live,) = calls.live_calls(services.db.uow(), NOW + dt.timedelta(seconds=5))
    assert status == "ringing" and live.waiting
    assert (live.from_number, live.customer_code, live.customer_name) == (CALLER, "ACME", "ACME Ltd")
    assert live.balance == Money.of("400.00", "USD")


def test_a_status_only_moves_forward(services: Services, acme: str) -> None:
    uow = services.db.uow
    calls.record(uow(), "CA2", from_number=CALLER, now=NOW)
    calls.record(uow(), "CA2", status="ringing", wants_agent=True, now=NOW)
    assert calls.record(uow(), "CA2", status="in-progress", now=NOW) == "in-progress"
    assert calls.record(uow(), "CA2", status="ringing", now=NOW) == "in-progress"  # a late callback
    assert calls.record(uow(), "CA2", status="completed", now=NOW) == "completed"
    assert calls.record(uow(), "CA2", status="no-answer", now=NOW) == "completed"  # ended once

    assert calls.live_calls(uow(), NOW) == []
    (recent,) = calls.recent_calls(uow(), since=NOW - dt.timedelta(hours=1))
    assert (recent.status, recent.wants_agent, recent.customer_code) == ("completed", True, None)


def test_an_answered_call_is_on_the_line_not_waiting(services: Services, acme: str) -> None:
    uow = services.db.uow
    calls.record(uow(), "CA6", from_number=CALLER, status="ringing", wants_agent=True, now=NOW)
    picked_up = NOW + dt.timedelta(seconds=9)
    calls.record(uow(), "CA6", status="in-progress", answered_by="+15105550100", answered_at=picked_up,
                 now=NOW + dt.timedelta(seconds=10))
    calls.record(uow(), "CA6", status="in-progress", answered_by="+15105550999", now=NOW + dt.timedelta(seconds=11))

    (live,) = calls.live_calls(uow(), NOW + dt.timedelta(seconds=12))
    assert (live.status, live.live, live.waiting) == ("in-progress", True, False)
    assert (live.answered_by, live.answered_at) == ("+15105550100", picked_up)  # the first answer is kept


def test_news_of_the_answer_after_the_end_is_kept_without_moving_back(services: Services, acme: str) -> None:
    uow = services.db.uow
    calls.record(uow(), "CA7", from_number=CALLER, status="ringing", wants_agent=True, now=NOW)
    calls.record(uow(), "CA7", status="completed", now=NOW + dt.timedelta(minutes=3))

    status = calls.record(uow(), "CA7", status="in-progress", answered_by="+15105550100", now=NOW)

    (recent,) = calls.recent_calls(uow(), since=NOW - dt.timedelta(hours=1))
    assert (status, recent.status, recent.answered_by, recent.answered_at) == ("completed", "completed",
                                                                              "+15105550100", NOW)


def test_an_unknown_caller_identified_later_gets_the_customer(services: Services, acme: str) -> None:
    calls.record(services.db.uow(), "CA3", from_number="+14155550199", now=NOW)
    calls.record(services.db.uow(), "CA3", customer_code="ACME", now=NOW)
    calls.record(services.db.uow(), "CA3", customer_code="NOPE", status="queued", now=NOW)  # unknown: kept

    (live,) = calls.live_calls(services.db.uow(), NOW)
    assert (live.customer_code, live.status) == ("ACME", "queued")


def test_a_call_whose_end_never_came_is_no_longer_live(services: Services, acme: str) -> None:
    calls.record(services.db.uow(), "CA4", from_number=CALLER, status="ringing", now=NOW)

    assert calls.live_calls(services.db.uow(), NOW + calls.STALE_AFTER + dt.timedelta(minutes=1)) == []


def test_nonsense_is_refused(services: Services) -> None:
    with pytest.raises(Invalid):
        calls.record(services.db.uow(), "", now=NOW)
    with pytest.raises(Invalid):
        calls.record(services.db.uow(), "CA5", status="exploded", now=NOW)
