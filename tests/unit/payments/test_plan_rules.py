"""Instalment plans on plain values: the plan nearest to what was asked, cents split exactly, the checks a plan
written by hand meets, and each instalment's lines paying the invoices oldest first."""

from __future__ import annotations

import datetime as dt

import pytest

from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.ledger import PlanTerms
from core.payments.plan_rules import Instalment, allocate, problems, propose, split

TODAY = dt.date(2026, 12, 6)
TERMS = PlanTerms(4, Money.of("100.00", "USD"), 90, True, 5)


def usd(text: str) -> Money:
    return Money.of(text, "USD")


def test_cents_are_split_exactly_the_odd_ones_on_the_first() -> None:
    assert split(usd("100.00"), 3) == [usd("33.34"), usd("33.33"), usd("33.33")]
    assert sum(split(usd("1234.57"), 4), usd("0")) == usd("1234.57")


def test_the_plan_asked_for_within_the_policy_spaced_a_month_apart_at_most() -> None:
    plan = propose(usd("900.00"), TERMS, TODAY, 3)
    assert plan.adjusted == ""
    assert [(i.seq, i.due_on, i.amount) for i in plan.instalments] == [
        (1, TODAY, usd("300.00")), (2, TODAY + dt.timedelta(days=30), usd("300.00")),
        (3, TODAY + dt.timedelta(days=60), usd("300.00"))]
    later = propose(usd("900.00"), PlanTerms(4, usd("100.00"), 40, False, 5), TODAY, 2)
    assert [i.due_on for i in later.instalments] == [TODAY + dt.timedelta(days=20), TODAY + dt.timedelta(days=40)]


def test_outside_the_policy_the_nearest_plan_is_offered_and_said_plainly() -> None:
    many = propose(usd("900.00"), TERMS, TODAY, 12)
    assert len(many.instalments) == 4 and "at most 4" in many.adjusted
    small = propose(usd("250.00"), TERMS, TODAY, 4)
    assert len(small.instalments) == 2 and "at least $100.00" in small.adjusted
    assert len(propose(usd("900.00"), TERMS, TODAY, None).instalments) == 4  # not said: as many as allowed
    with pytest.raises(Invalid, match="too little to split"):
        propose(usd("150.00"), TERMS, TODAY, 2)


def test_a_plan_written_by_hand_is_checked_against_the_policy() -> None:
    good = [Instalment(1, TODAY, usd("300.00")), Instalment(2, TODAY + dt.timedelta(days=30), usd("300.00"))]
    assert problems(good, usd("600.00"), TERMS, TODAY) == []
    late = [Instalment(1, TODAY + dt.timedelta(days=1), usd("50.00")),
            Instalment(2, TODAY + dt.timedelta(days=91), usd("500.00"))]
    assert problems(late, usd("600.00"), TERMS, TODAY) == [
        "each instalment at least $100.00", "the last instalment within 90 days", "the first instalment due today",
        "the instalments add up to $600.00 (they add up to $550.00)"]


def test_each_instalment_pays_the_invoices_oldest_first_and_every_invoice_exactly() -> None:
    lines = allocate([41668, 41666, 41666], [("INV-1", 100000), ("INV-2", 25000)])
    assert lines == [[("INV-1", 41668)], [("INV-1", 41666)], [("INV-1", 16666), ("INV-2", 25000)]]
    with pytest.raises(Invalid):
        allocate([100], [("INV-1", 101)])
