"""Finance charges: the interest a customer class charges on what is past due. Pure rules, no database.

A class sets a monthly rate (percent), grace days past due, a minimum charge and a minimum past-due
balance; a customer may be exempt. The statement cycle (`core.statements.cycle`) reads the open debits as of
the assessment date, asks `finance_charge` what to charge, and posts it as a `finance_charge` document.

A customer is charged once per period (`charge_period`), however many cycles run in it and on whatever dates:
the document carries its period, and UNIQUE(customer_id, charge_period) on documents holds the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from core.kernel.money import Money
from core.ledger.rules import days_past_due

FINANCE_CHARGE = "finance_charge"


class FinanceChargeTerms(Protocol):
    """What a customer class says about finance charges (`core.ledger.models.CustomerClass` has these columns)."""

    finance_charge_monthly_rate: Decimal | None
    finance_charge_grace_days: int | None
    finance_charge_minimum: Decimal | None
    finance_charge_min_past_due: Decimal | None
    finance_charge_compound: bool


@dataclass(frozen=True)
class FinanceChargePolicy:
    """How one customer is charged. Amounts are in the customer's currency, as the class states them."""

    monthly_rate: Decimal | None  # percent per month; None or zero: the class charges nothing
    grace_days: int = 0  # a debit is charged on only when more than this many days past due
    minimum_charge: Decimal = Decimal(0)
    minimum_past_due: Decimal = Decimal(0)  # below this past-due balance, no charge at all
    compound: bool = False  # charge on earlier finance charges too
    exempt: bool = False

    @classmethod
    def for_customer(cls, terms: FinanceChargeTerms, exempt: bool) -> FinanceChargePolicy:
        return cls(
            monthly_rate=terms.finance_charge_monthly_rate,
            grace_days=terms.finance_charge_grace_days or 0,
            minimum_charge=terms.finance_charge_minimum or Decimal(0),
            minimum_past_due=terms.finance_charge_min_past_due or Decimal(0),
            compound=bool(terms.finance_charge_compound),
            exempt=exempt,
        )

    @property
    def charges(self) -> bool:
        return not self.exempt and self.monthly_rate is not None and self.monthly_rate > 0


def finance_charge_terms(policy: FinanceChargePolicy, currency: str) -> str | None:
    """The one line a statement gives to explain its finance charges; None when the customer is not charged."""
    if not policy.charges:
        return None
    assert policy.monthly_rate is not None  # `charges` says so
    rate = f"{policy.monthly_rate.normalize():f}%"
    grace = f"more than {policy.grace_days} days past due" if policy.grace_days else "past due"
    terms = f"Finance charge: {rate} a month on amounts {grace}, assessed once a month"
    limits = [f"at least {Money.of(str(policy.minimum_charge), currency).format()}"] if policy.minimum_charge else []
    if policy.minimum_past_due:
        limits.append(f"none below {Money.of(str(policy.minimum_past_due), currency).format()} past due")
    return terms + (f" ({'; '.join(limits)})" if limits else "") + "."


def charge_period(assessed_on: dt.date) -> dt.date:
    """The period a charge assessed on `assessed_on` is for, named by its first day: the calendar month, as the
    rate is monthly. Every assessment date in the month names the same period."""
    return assessed_on.replace(day=1)


@dataclass(frozen=True)
class OpenDebit:
    """An invoice or finance charge with something open on the assessment date."""

    kind: str  # invoice | finance_charge
    due_date: dt.date
    open: Money


def past_due_basis(policy: FinanceChargePolicy, debits: Iterable[OpenDebit], on: dt.date) -> Money | None:
    """What is charged on: open debits beyond the grace days, earlier charges only when compounding."""
    charged = [
        d.open for d in debits
        if days_past_due(d.due_date, on) > policy.grace_days and (policy.compound or d.kind != FINANCE_CHARGE)
    ]
    if not charged:
        return None
    return sum(charged[1:], charged[0])


def finance_charge(policy: FinanceChargePolicy, debits: Iterable[OpenDebit], on: dt.date) -> Money | None:
    """The finance charge assessed on `on`, or None when nothing is to be charged."""
    if not policy.charges:
        return None
    basis = past_due_basis(policy, debits, on)
    if basis is None or not basis.is_positive():
        return None
    if basis.amount < policy.minimum_past_due:
        return None
    assert policy.monthly_rate is not None  # policy.charges says so
    charge = max(basis.percent(policy.monthly_rate), Money(policy.minimum_charge, basis.currency))
    # A rate so small that it rounds to nothing charges nothing: no zero documents on the ledger.
    return charge if charge.is_positive() else None
