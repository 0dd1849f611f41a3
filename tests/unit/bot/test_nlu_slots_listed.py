"""Slots read from the training batches' misses: positions, exclusions and amounts that are not to act on."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.understanding import parse

WEDNESDAY = dt.date(2026, 12, 9)


@pytest.mark.parametrize(("text", "selector"), [
    ("Please schedule invoices 2 and 4 from your summary for the 15th.", "2,4"),
    ("Need copies of the second and fourth invoices on your list.", "2,4"),
    ("pay the first and third ones", "1,3"),
    ("just pay whatever gets us current", "overdue"),
])
def test_positions_and_selectors_said_inside_a_sentence(text: str, selector: str) -> None:
    parsed = parse(text, today=WEDNESDAY)
    assert (parsed.selector, parsed.invoices) == (selector, ())


@pytest.mark.parametrize(("text", "invoices", "excluded"), [
    ("Of 7779, 7780, 7781 and 7782, release payment on all but 7781.", ("7779", "7780", "7782"), ("7781",)),
    ("Please pay 51022. We're holding 51023 until the credit is issued.", ("51022",), ("51023",)),
    ("Please schedule SI-7720 for Friday and leave SI-7721 unpaid for now.", ("SI-7720",), ("SI-7721",)),
])
def test_invoices_kept_back_are_never_among_those_to_pay(text: str, invoices: tuple[str, ...],
                                                          excluded: tuple[str, ...]) -> None:
    parsed = parse(text, today=WEDNESDAY)
    assert (parsed.invoices, parsed.excluded) == (invoices, excluded)


def test_a_card_ending_and_a_claim_number_are_not_invoices() -> None:
    assert parse("please pay the oldest invoice. our new card ends 5511", today=WEDNESDAY).invoices == ()
    assert parse("our warranty claim 5521 relates to INV-47760", today=WEDNESDAY).invoices == ("47760",)


def test_an_amount_named_in_a_question_about_the_balance_is_no_amount_to_act_on() -> None:
    asked = parse("what's left on 6402 after the $500 I sent?", today=WEDNESDAY)
    assert (asked.intent, asked.amount) == ("balance", None)
    paid = parse("did you get the $1,200 we sent?", today=WEDNESDAY)  # a payment asked about keeps its amount
    assert (paid.intent, str(paid.amount)) == ("history", "1200.00")


def test_a_question_that_chooses_no_invoices_has_no_selector() -> None:
    assert parse("show me every payment I've made. all of them.", today=WEDNESDAY).selector is None
    assert parse("pay all of them", today=WEDNESDAY).selector == "all"
