"""Finance charges as a customer would see them on a statement: who is charged, on what, and how much."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.kernel.money import Money
from core.ledger.finance_charges import (
    FinanceChargePolicy,
    OpenDebit,
    charge_period,
    finance_charge,
    past_due_basis,
)
from core.ledger.models import CustomerClass

ON = dt.date(2026, 11, 30)
STANDARD = FinanceChargePolicy(monthly_rate=Decimal("1.5"))


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def invoice(amount: str, days_past_due: int, kind: str = "invoice") -> OpenDebit:
    return OpenDebit(kind, ON - dt.timedelta(days=days_past_due), usd(amount))


def test_charges_the_monthly_rate_on_what_is_past_due_only() -> None:
    debits = [invoice("1000", 10), invoice("500", 0), invoice("250", -5)]
    assert finance_charge(STANDARD, debits, ON) == usd("15.00")


def test_nothing_past_due_means_no_charge() -> None:
    assert finance_charge(STANDARD, [invoice("1000", 0), invoice("40", -20)], ON) is None
    assert finance_charge(STANDARD, [], ON) is None


def test_grace_days_spare_debits_only_just_past_due() -> None:
    policy = FinanceChargePolicy(monthly_rate=Decimal("2"), grace_days=10)
    assert finance_charge(policy, [invoice("1000", 10)], ON) is None  # 10 days: still within grace
    assert finance_charge(policy, [invoice("1000", 11), invoice("300", 9)], ON) == usd("20.00")


def test_minimum_charge_raises_a_small_charge() -> None:
    policy = FinanceChargePolicy(monthly_rate=Decimal("1.5"), minimum_charge=Decimal("5"))
    assert finance_charge(policy, [invoice("100", 40)], ON) == usd("5.00")  # 1.50 raised to 5.00
    assert finance_charge(policy, [invoice("1000", 40)], ON) == usd("15.00")  # above the minimum


def test_minimum_past_due_balance_spares_small_balances() -> None:
    policy = FinanceChargePolicy(monthly_rate=Decimal("1.5"), minimum_charge=Decimal("5"),
                                 minimum_past_due=Decimal("50"))
    assert finance_charge(policy, [invoice("49.99", 40)], ON) is None  # the minimum charge does not apply
    assert finance_charge(policy, [invoice("50.00", 40)], ON) == usd("5.00")


def test_exempt_customers_and_classes_without_a_rate_are_never_charged() -> None:
    debits = [invoice("10000", 90)]
    assert finance_charge(FinanceChargePolicy(monthly_rate=Decimal("1.5"), exempt=True), debits, ON) is None
    assert finance_charge(FinanceChargePolicy(monthly_rate=None), debits, ON) is None
    assert finance_charge(FinanceChargePolicy(monthly_rate=Decimal(0), minimum_charge=Decimal(5)), debits, ON) is None


def test_earlier_finance_charges_are_not_charged_on_unless_compounding() -> None:
    debits = [invoice("1000", 40), invoice("15", 10, kind="finance_charge")]
    assert finance_charge(STANDARD, debits, ON) == usd("15.00")
    compounding = FinanceChargePolicy(monthly_rate=Decimal("1.5"), compound=True)
    assert finance_charge(compounding, debits, ON) == usd("15.23")  # 1.5% of 1015.00 = 15.225
    assert past_due_basis(STANDARD, [invoice("15", 10, kind="finance_charge")], ON) is None


def test_a_charge_is_rounded_half_up_to_the_currency_minor_unit() -> None:
    assert finance_charge(STANDARD, [invoice("100.30", 5)], ON) == usd("1.50")  # 1.5045
    assert finance_charge(STANDARD, [invoice("100.70", 5)], ON) == usd("1.51")  # 1.5105
    assert finance_charge(STANDARD, [invoice("0.10", 5)], ON) is None  # 0.0015 rounds to nothing
    yen = OpenDebit("invoice", ON - dt.timedelta(days=5), Money.of("12345", "JPY"))
    assert finance_charge(STANDARD, [yen], ON) == Money.of("185", "JPY")  # 185.175: yen have no minor unit


def test_policy_comes_from_the_customer_class_and_the_customer_exempt_flag() -> None:
    terms = CustomerClass(
        code="STD", finance_charge_monthly_rate=Decimal("1.25"), finance_charge_grace_days=15,
        finance_charge_minimum=Decimal("2"), finance_charge_min_past_due=Decimal("25"), finance_charge_compound=True,
    )
    policy = FinanceChargePolicy.for_customer(terms, exempt=False)
    assert policy == FinanceChargePolicy(Decimal("1.25"), 15, Decimal("2"), Decimal("25"), True, False)
    assert policy.charges and not FinanceChargePolicy.for_customer(terms, exempt=True).charges
    bare = FinanceChargePolicy.for_customer(CustomerClass(code="NONE", finance_charge_compound=False), exempt=False)
    assert bare == FinanceChargePolicy(None) and not bare.charges


def test_every_assessment_date_in_a_month_charges_for_the_same_period() -> None:
    december = {charge_period(dt.date(2026, 12, day)) for day in range(1, 32)}
    assert december == {dt.date(2026, 12, 1)}  # a month, named by its first day
    assert charge_period(dt.date(2026, 11, 30)) == dt.date(2026, 11, 1)  # the day before: another period
    assert charge_period(dt.date(2027, 1, 1)) == dt.date(2027, 1, 1)
