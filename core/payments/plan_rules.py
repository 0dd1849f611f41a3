"""Instalment plans on plain values: the plan proposed for a request, the checks a plan meets, and how each
instalment's money goes to the invoices. No database here; unit tests call these directly.

A plan pays exactly what was open on its invoices when it was agreed: the instalments split that total to the cent
(the odd cents on the first), and their lines pay the invoices oldest first, so every invoice is paid in full by the
last instalment that touches it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.ledger.plans import PlanTerms

MAX_STEP_DAYS = 30  # instalments a month apart at most, closer when the policy's length asks for it


@dataclass(frozen=True)
class Instalment:
    seq: int
    due_on: dt.date
    amount: Money


@dataclass(frozen=True)
class Proposal:
    instalments: tuple[Instalment, ...]
    total: Money
    adjusted: str  # "" when the plan is what was asked; else, plainly, why it is not


def most_instalments(total: Money, terms: PlanTerms) -> int:
    """How many instalments the policy allows for `total`: none below the minimum, at most the maximum."""
    return min(terms.max_instalments, total.minor // terms.min_instalment.minor)


def split(total: Money, count: int) -> list[Money]:
    """`total` in `count` parts to the cent; the odd cents go on the first."""
    base, odd = divmod(total.minor, count)
    return [Money.from_minor(base + (odd if i == 0 else 0), total.currency) for i in range(count)]


def due_dates(today: dt.date, count: int, terms: PlanTerms) -> list[dt.date]:
    """Evenly spaced, a month apart at most, the last within the policy's length; the first today when the policy
    wants a first payment now."""
    if terms.first_due_now:
        step = min(MAX_STEP_DAYS, terms.max_days // (count - 1))
        return [today + dt.timedelta(days=i * step) for i in range(count)]
    step = min(MAX_STEP_DAYS, terms.max_days // count)
    return [today + dt.timedelta(days=(i + 1) * step) for i in range(count)]


def propose(total: Money, terms: PlanTerms, today: dt.date, asked: int | None) -> Proposal:
    """The plan for `total` nearest to `asked` instalments (None: as many as the policy allows)."""
    most = most_instalments(total, terms)
    if most < 2:
        raise Invalid(f"{total.format()} is too little to split: each instalment must be at least "
                      f"{terms.min_instalment.format()}", "instalments")
    count = most if asked is None else max(2, min(asked, most))
    adjusted = ""
    if asked is not None and count != asked:
        adjusted = (f"I can't split it into {asked} payments: " + (
            "a plan has at least 2." if asked < 2 else
            f"our terms allow at most {terms.max_instalments}." if asked > terms.max_instalments else
            f"each payment must be at least {terms.min_instalment.format()}.")
            + f" The nearest I can offer is {count}.")
    amounts = split(total, count)
    dates = due_dates(today, count, terms)
    return Proposal(tuple(Instalment(i + 1, d, a) for i, (d, a) in enumerate(zip(dates, amounts, strict=True))),
                    total, adjusted)


def problems(instalments: Sequence[Instalment], total: Money, terms: PlanTerms, today: dt.date,
             agreed_on: dt.date | None = None) -> list[str]:
    """What is outside the policy in a plan written by hand (staff's, or a change to one); empty: none.
    `agreed_on`: for a change, the day the plan was agreed (its length counts from then; dates may not be past)."""
    start = agreed_on or today
    found = []
    if len(instalments) < 2 and agreed_on is None:
        found.append("a plan has at least 2 instalments")
    if len(instalments) > terms.max_instalments:
        found.append(f"at most {terms.max_instalments} instalments")
    if any(i.amount < terms.min_instalment for i in instalments):
        found.append(f"each instalment at least {terms.min_instalment.format()}")
    dates = [i.due_on for i in instalments]
    if any(d < today for d in dates):
        found.append("no instalment dated before today")
    if dates != sorted(dates):
        found.append("instalments in date order")
    if dates and max(dates) > start + dt.timedelta(days=terms.max_days):
        found.append(f"the last instalment within {terms.max_days} days")
    if terms.first_due_now and agreed_on is None and dates and dates[0] != today:
        found.append("the first instalment due today")
    paid = sum((i.amount for i in instalments), Money.zero(total.currency))
    if paid != total:
        found.append(f"the instalments add up to {total.format()} (they add up to {paid.format()})")
    return found


def allocate(amounts: Sequence[int], invoices: Sequence[tuple[str, int]]) -> list[list[tuple[str, int]]]:
    """Each instalment's lines (invoice number, minor units): the invoices in the order given, oldest first, each
    paid in full before the next; the amounts must add up to what the invoices have open."""
    if sum(amounts) != sum(open_minor for _, open_minor in invoices):
        raise Invalid("the instalments must add up to what is open on the invoices", "instalments")
    numbers = [number for number, _ in invoices]
    left = [open_minor for _, open_minor in invoices]
    at = 0
    plan: list[list[tuple[str, int]]] = []
    for amount in amounts:
        lines: list[tuple[str, int]] = []
        while amount > 0:
            while left[at] == 0:
                at += 1
            take = min(amount, left[at])
            lines.append((numbers[at], take))
            left[at] -= take
            amount -= take
        plan.append(lines)
    return plan
