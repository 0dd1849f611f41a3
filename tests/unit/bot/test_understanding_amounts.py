"""Amounts and references the customer typed, read as typed: a sign or a zero is kept for the dialogue to
refuse, a number after "invoice"/"inv"/"#" is a reference, European decimals are money, and "2 and 3" picks two."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bot.understanding import parse

SUNDAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(("text", "typed"), [
    ("pay -5 on 104108", "-5.00"), ("pay 0 on 104108", "0.00"), ("pay $0", "0.00"), ("pay -$5", "-5.00"),
    ("pay $-5.50 on 1042", "-5.50"), ("-5", "-5.00"), ("deposit -20", "-20.00"),
])
def test_a_zero_or_negative_amount_is_kept_as_typed_apart_from_the_payable_one(text: str, typed: str) -> None:
    got = parse(text, today=SUNDAY)
    assert got.amount is None  # never a payable amount: the contract of `aragent parse` stays positive
    assert got.unpayable_amount == Decimal(typed)


@pytest.mark.parametrize("text", ["pay 1042 less $40", "pay $400 or $500", "pay $10.5555", "pay 500 on 1042"])
def test_a_shortfall_two_amounts_or_a_payable_one_are_not_unpayable(text: str) -> None:
    assert parse(text, today=SUNDAY).unpayable_amount is None


@pytest.mark.parametrize(("text", "invoices", "prefixed", "intent"), [
    ("pay invoice 99999999", ("99999999",), ("99999999",), "pay"),
    ("pay inv 1042", ("1042",), ("1042",), "pay"),
    ("pay #104108", ("104108",), ("104108",), "pay"),
    ("pay invoice no. 104108", ("104108",), ("104108",), "pay"),
    ("pls pay inv 1042 n 1043 tmrw", ("1042", "1043"), ("1042", "1043"), "schedule"),
    ("pay invoices 1042, 1043 and #1044", ("1042", "1043", "1044"), ("1042", "1043", "1044"), "pay"),
    ("pay 1500", ("1500",), (), "pay"),  # bare: could be money, the dialogue may ask
])
def test_a_number_after_invoice_inv_or_hash_is_a_reference_never_an_amount(
        text: str, invoices: tuple[str, ...], prefixed: tuple[str, ...], intent: str) -> None:
    got = parse(text, today=SUNDAY)
    assert (got.intent, got.invoices, got.prefixed, got.amount) == (intent, invoices, prefixed, None)


@pytest.mark.parametrize("text", ["pay #1044", "pay invoice #1044", "pay inv 1042 and #1044"])
def test_hash_and_four_digits_is_an_invoice_not_a_card(text: str) -> None:
    got = parse(text, today=SUNDAY)
    assert "1044" in got.invoices and "1044" in got.prefixed and got.method is None


def test_a_list_after_a_prefix_keeps_the_schedule_date() -> None:
    got = parse("pls pay inv 1042 n 1043 tmrw", today=SUNDAY)
    assert got.date == dt.date(2026, 11, 23)


def test_inv_1042_and_an_amount_after_it_is_still_money() -> None:
    got = parse("pay inv 1042 and 1,500.00 on account", today=SUNDAY)
    assert got.invoices == ("1042",) and got.amount == Decimal("1500.00")


@pytest.mark.parametrize(("text", "amount", "currency", "intent"), [
    ("1.500,00 USD on account", "1500.00", "USD", "deposit"),
    ("1.234,50 EUR", "1234.50", "EUR", None),
    ("deposit 1.234,50 €", "1234.50", "EUR", "deposit"),
    ("pay 1,500.00 on account", "1500.00", None, "deposit"),  # US style stays
    ("deposit 1,500", "1500.00", None, "deposit"),  # three digits after the comma: thousands
    ("deposit 1,50", "1.50", None, "deposit"),  # two digits after the comma at the end: a decimal comma
    ("deposit 150,00 usd", "150.00", "USD", "deposit"),
    ("deposit 1.500.000,00 USD", "1500000.00", "USD", "deposit"),
    ("put $300 on account", "300.00", None, "deposit"),
])
def test_european_and_us_amounts(text: str, amount: str, currency: str | None, intent: str | None) -> None:
    got = parse(text, today=SUNDAY)
    assert got.amount == Decimal(amount) and got.currency == currency
    if intent is not None:
        assert got.intent == intent


@pytest.mark.parametrize("text", ["deposit 1.500", "pay $1,50"])
def test_a_number_that_reads_two_ways_is_no_amount(text: str) -> None:
    assert parse(text, today=SUNDAY).amount is None  # 1.500: $1.50 or 1,500? $1,50: a typo of $150 or $1,500?


@pytest.mark.parametrize(("text", "selector", "intent"), [
    ("pay 2 and 3", "2,3", "pay"), ("pay 2, 3 and 5", "2,3,5", "pay"), ("2 and 3", "2,3", "unknown"),
    ("pay 1 & 4", "1,4", "pay"), ("pay the first and third", "1,3", "pay"), ("pay 2", "2", "pay"),
    ("9", "9", "unknown"),
])
def test_several_positions_are_one_selector(text: str, selector: str, intent: str) -> None:
    got = parse(text, today=SUNDAY)
    assert (got.selector, got.intent, got.invoices) == (selector, intent, ())
