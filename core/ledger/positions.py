"""What the whole-book reports give per customer and currency: an `Aging`, a `DunningCandidate`.

Both the ledger's recomputation (`core.ledger.book`) and the balances kept as entries post
(`core.ledger.kept_balances`) produce them; the reports make them by the hundred thousand, hence
`no_gc_pauses`.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import NamedTuple

from core.kernel.money import Money
from core.ledger.rules import BUCKETS, days_past_due


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Hold off CPython's cycle collector while a report's rows become objects.

    A report on 100,000 customers allocates several hundred thousand objects, and CPython answers with
    full collections that walk the whole heap each time: up to a quarter of the report's time, spent
    for nothing, as rows hold no reference cycles. Collection resumes (and catches up) right after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Aging(NamedTuple):
    """One customer's aging in one currency, in minor units; Money views for the edges.

    A NamedTuple rather than a frozen dataclass, as immutable, for half the cost to make: the whole book's
    report makes 100,000 of them, and making them was a fifth of its time."""

    customer_code: str
    currency: str
    buckets_minor: tuple[int, int, int, int, int]
    credit_minor: int  # credit memos and unapplied payments, as a positive figure
    oldest_due: dt.date | None
    as_of: dt.date

    @property
    def debit_minor(self) -> int:
        return sum(self.buckets_minor)

    @property
    def balance_minor(self) -> int:
        return self.debit_minor - self.credit_minor

    @property
    def balance(self) -> Money:
        return Money.from_minor(self.balance_minor, self.currency)

    @property
    def credit(self) -> Money:
        return Money.from_minor(self.credit_minor, self.currency)

    @property
    def buckets(self) -> dict[str, Money]:
        pairs = zip(BUCKETS, self.buckets_minor, strict=True)
        return {name: Money.from_minor(v, self.currency) for name, v in pairs}

    @property
    def most_overdue_days(self) -> int | None:
        return None if self.oldest_due is None else days_past_due(self.oldest_due, self.as_of)


class DunningCandidate(NamedTuple):
    """A customer who owes in one currency (a NamedTuple, as `Aging` is, for the same reason)."""

    customer_code: str
    currency: str
    balance_minor: int
    oldest_due: dt.date
    most_overdue_days: int

    @property
    def balance(self) -> Money:
        return Money.from_minor(self.balance_minor, self.currency)


# An Aging (a DunningCandidate) from its values in one tuple: the class's own tuple constructor, without the
# Python frame of the named-argument one. For the reports' 100,000 rows at a time.
aging_of = partial(tuple.__new__, Aging)
candidate_of = partial(tuple.__new__, DunningCandidate)


def as_candidate(aging: Aging) -> DunningCandidate | None:
    """The aging of a customer who owes (balance above zero, credits included) as a dunning candidate."""
    if aging.balance_minor <= 0:
        return None
    assert aging.oldest_due is not None  # a balance above zero has a debit, and a debit a due date
    return DunningCandidate(aging.customer_code, aging.currency, aging.balance_minor, aging.oldest_due,
                            days_past_due(aging.oldest_due, aging.as_of))


def report_order(item: Aging | DunningCandidate) -> tuple[str, str]:
    return item.customer_code, item.currency
