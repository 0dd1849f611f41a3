"""One customer's balance today, per currency, in one query: what a customer asking "what do I owe?" is told.

The ledger's aging report answers for any date and any set of customers, and builds what was open on a
past date from the allocations applied since. A chat's balance is always today's for one customer: what is
open now, which the open amounts on the documents and payments already are. So this is one statement over
three small sets, totalled in the database — open debits (invoices, finance charges: the balance, the part
past due and the oldest overdue one), open credit memos and unapplied cash — read off the partial indexes
the reports use. It equals `core.ledger.aging_report(today)` on a book with no allocation dated after today
(one dated ahead is what the as-of reports add back; tests/integration/test_balances.py holds the two together).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    Date,
    Select,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from core.kernel.db import UnitOfWork
from core.kernel.money import Money
from core.ledger.models import Document, Payment
from core.ledger.rules import days_past_due

CUSTOMER: BindParameter[int] = bindparam("customer_id")
TODAY = bindparam("today", type_=Date)


@dataclass(frozen=True, slots=True)
class CurrencyBalance:
    """The balance in one currency, in minor units: debits less credits, so below zero is money we owe."""

    currency: str
    balance_minor: int
    past_due_minor: int  # open debits due before today
    oldest_overdue: str | None  # the number of the open debit longest past due (the first by number on a tie)
    oldest_overdue_due: dt.date | None
    today: dt.date

    @property
    def balance(self) -> Money:
        return Money.from_minor(self.balance_minor, self.currency)

    @property
    def past_due(self) -> Money:
        return Money.from_minor(self.past_due_minor, self.currency)

    @property
    def days_overdue(self) -> int | None:
        """How many days the oldest overdue debit is past its due date; None when nothing is past due."""
        return None if self.oldest_overdue_due is None else days_past_due(self.oldest_overdue_due, self.today)


def _total(value: Any) -> Any:
    # An integer, not the NUMERIC PostgreSQL makes of sum(bigint).
    return func.coalesce(cast(func.sum(value), BigInteger), 0)


@cache
def _statement() -> Select:
    d, p = Document.__table__, Payment.__table__
    mine = [d.c.customer_id == CUSTOMER, d.c.doc_date <= TODAY, d.c.voided.is_(False)]
    overdue = d.c.due_date < TODAY
    # Each part totalled per currency on its own: so SQLite, too, reads the documents off the reports' covering
    # partial indexes (customer, currency, …) instead of every document the customer ever had.
    debits = select(d.c.currency, func.sum(d.c.open_minor).label("signed"),
                    func.sum(case((overdue, d.c.open_minor), else_=0)).label("past_due"),
                    func.min(case((overdue, d.c.due_date), else_=null()), type_=Date).label("overdue_due")) \
        .where(d.c.open_minor > 0, d.c.kind != "credit", *mine).group_by(d.c.currency)
    credits = select(d.c.currency, -func.sum(d.c.open_minor), literal(0), null()) \
        .where(d.c.open_minor > 0, d.c.kind == "credit", *mine).group_by(d.c.currency)
    # Money on account counts from its receipt until, if ever, it went back (as core.ledger.book has it).
    returned_since = and_(p.c.status.in_(("returned", "refunded", "disputed")), p.c.returned_on > TODAY)
    cash = select(p.c.currency, -func.sum(p.c.unapplied_minor), literal(0), null()).where(
        p.c.customer_id == CUSTOMER, p.c.unapplied_minor > 0, p.c.received_on <= TODAY,
        or_(p.c.status == "succeeded", returned_since)).group_by(p.c.currency)
    rows = union_all(debits, credits, cash).subquery("open_now")
    totals = select(rows.c.currency, _total(rows.c.signed).label("balance"), _total(rows.c.past_due).label("past_due"),
                    func.min(rows.c.overdue_due, type_=Date).label("oldest_due")) \
        .group_by(rows.c.currency).subquery("totals")
    oldest = select(d.c.number).where(
        d.c.open_minor > 0, d.c.kind != "credit", *mine, d.c.currency == totals.c.currency,
        d.c.due_date == totals.c.oldest_due).order_by(d.c.number).limit(1).scalar_subquery()
    return select(totals.c.currency, totals.c.balance, totals.c.past_due, totals.c.oldest_due, oldest) \
        .order_by(totals.c.currency)


def balance_today(uow: UnitOfWork, customer_id: int, today: dt.date) -> list[CurrencyBalance]:
    """Every currency the customer has anything open in today, by currency code."""
    with uow:
        result = uow.session.execute(_statement(), {"customer_id": customer_id, "today": today})
        return [CurrencyBalance(currency, balance, past_due, number, _date(due), today)
                for currency, balance, past_due, due, number in result]


def balance_on(session: Session, customer_id: int, currency: str, day: dt.date) -> int:
    """The balance in one currency on `day`, as `balance_today` reads it, inside the caller's transaction."""
    rows = session.execute(_statement(), {"customer_id": customer_id, "today": day})
    return next((int(balance) for found, balance, *_ in rows if found == currency), 0)


def _date(value: dt.date | str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
