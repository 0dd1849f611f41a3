"""Money: exact, quantized to the currency's minor unit, never mixing currencies, formatted at the edge."""

from decimal import Decimal

import pytest

from core.kernel.money import CurrencyMismatch, Money, MoneyError, parse_amount, sum_money


@pytest.mark.parametrize("amount", [1.5, 0.1, True, False])
def test_money_refuses_floats_and_bools(amount):
    with pytest.raises(MoneyError):
        Money(amount, "USD")


@pytest.mark.parametrize("amount", [1.5, True])
def test_parse_amount_refuses_floats_and_bools(amount):
    with pytest.raises(MoneyError):
        parse_amount(amount)


@pytest.mark.parametrize("amount", [Decimal(v) for v in ("NaN", "sNaN", "Infinity", "-Infinity")])
def test_money_refuses_values_that_are_not_finite(amount):
    with pytest.raises(MoneyError):
        Money(amount, "USD")


@pytest.mark.parametrize(
    ("given", "currency", "expected"),
    [
        ("2.675", "USD", "2.68"),
        ("2.665", "USD", "2.67"),  # half up, not half even
        ("-2.675", "USD", "-2.68"),  # half away from zero on the way down
        ("0.004", "USD", "0.00"),
        ("10", "USD", "10.00"),
        ("0.5", "JPY", "1"),
        ("1.5", "JPY", "2"),
        ("2.5", "JPY", "3"),
        ("1200.49", "JPY", "1200"),
        ("1.0005", "KWD", "1.001"),
        ("1.0004", "KWD", "1.000"),
        ("7", "KWD", "7.000"),
    ],
)
def test_amounts_are_quantized_half_up_to_the_currency_minor_unit(given, currency, expected):
    money = Money.of(given, currency)
    assert money.amount == Decimal(expected)
    assert str(money.amount) == expected  # the exponent too: USD has 2 places, JPY none, KWD 3


def test_currency_codes_are_normalized_and_unknown_ones_refused():
    assert Money.of("1", " usd ").currency == "USD"
    for code in ("ZZZ", "US", "USDX", "", "12$"):
        with pytest.raises(MoneyError, match="unknown currency"):
            Money.of("1", code)


def test_arithmetic_within_one_currency():
    assert Money.of("10.10", "USD") + Money.of("0.95", "USD") == Money.of("11.05", "USD")
    assert Money.of("10", "USD") - Money.of("10.01", "USD") == Money.of("-0.01", "USD")
    assert -Money.of("3", "EUR") == Money.of("-3", "EUR")
    assert Money.of("9.99", "USD") < Money.of("10", "USD") <= Money.of("10.00", "USD")
    assert Money.of("1000", "JPY") > Money.of("999", "JPY") >= Money.of("999", "JPY")
    assert sum_money([Money.of("0.10", "USD")] * 3, "USD") == Money.of("0.30", "USD")


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
    ids=["add", "sub", "lt", "le", "gt", "ge"],
)
def test_mixed_currencies_are_refused(operation):
    with pytest.raises(CurrencyMismatch, match="USD and EUR do not mix"):
        operation(Money.of("1", "USD"), Money.of("1", "EUR"))


def test_money_does_not_combine_with_plain_numbers():
    with pytest.raises(TypeError):
        Money.of("1", "USD") + Decimal(1)  # type: ignore[operator]


def test_the_same_figure_in_two_currencies_is_not_equal():
    assert Money.of("1", "USD") != Money.of("1", "EUR")


@pytest.mark.parametrize(
    ("minor", "currency", "amount"),
    [
        (123456, "USD", "1234.56"),
        (-5, "USD", "-0.05"),
        (0, "USD", "0.00"),
        (1200, "JPY", "1200"),
        (1234, "KWD", "1.234"),
        (10**14, "USD", "1000000000000.00"),
    ],
)
def test_minor_units_round_trip(minor, currency, amount):
    money = Money.from_minor(minor, currency)
    assert money.amount == Decimal(amount)
    assert money.minor == minor
    assert Money.from_minor(Money.of(amount, currency).minor, currency) == Money.of(amount, currency)


def test_percent_rounds_half_up_to_the_minor_unit():
    assert Money.of("1000", "USD").percent(Decimal(2)) == Money.of("20", "USD")
    assert Money.of("0.25", "USD").percent(Decimal(2)) == Money.of("0.01", "USD")  # 0.005 rounds up
    assert Money.of("125", "JPY").percent(Decimal(2)) == Money.of("3", "JPY")  # 2.5 yen rounds up


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$1,200.50", "1200.50"),
        ("1,200.50", "1200.50"),
        ("1,234,567", "1234567"),
        ("500", "500"),
        ("-5", "-5"),
        ("-$5", "-5"),
        ("  42.10 ", "42.10"),
        (".5", "0.5"),
        ("€3", "3"),
    ],
)
def test_parse_amount_reads_amounts_as_people_write_them(text, expected):
    assert parse_amount(text) == Decimal(expected)


def test_parse_amount_passes_exact_values_through():
    assert parse_amount(Decimal("1.10")) == Decimal("1.10")
    assert parse_amount(7) == Decimal(7)


@pytest.mark.parametrize(
    "text",
    ["12abc", "NaN", "nan", "Infinity", "", "   ", "-", "$", "1.2.3", "1e5", "abc",
     "1,50", "1,2,3", "12,34.5"],
)
def test_parse_amount_rejects_what_is_not_an_amount(text):
    # "1,50" is a European decimal comma: reading it as 150 would be a silent hundredfold error.
    with pytest.raises(MoneyError, match="not an amount"):
        parse_amount(text)


def test_format_uses_babel_for_the_locale_and_currency():
    assert Money.of("1200.5", "USD").format() == "$1,200.50"
    assert Money.of("-5", "USD").format() == "-$5.00"
    assert Money.of("1200", "JPY").format() == "¥1,200"
    assert Money.of("1200.5", "EUR").format("de_DE") == "1.200,50\xa0€"
    assert Money.of("1.5", "KWD").format() == "KWD1.500"
    assert str(Money.of("1200.5", "USD")) == "1200.50 USD"
