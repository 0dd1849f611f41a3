"""The whole book's aging and dunning candidates, read off the balances kept per customer and currency.

`customer_balances` holds what is open now, which is what was open on any day from its `latest_on` on, with the
debits bucketed as of one aging day (`balance_aging`; triggers keep both, core.ledger.models.CustomerBalance).
For the report of the aging day, a balance dated no later is the customer's line as it stands: one row per
customer and currency, read in code order off the primary key — no aggregate, no join, no sort. A customer
with something posted after the day (the report of a past day) is recomputed from the ledger, one by one when
they are few; the whole book is, in one pass, when they are many or when the balances are aged on another day
(before the daily `age_balances`). Candidates need no buckets: only what was posted after the day sends
a customer to the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Select,
    Table,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from core.kernel.db import UnitOfWork
from core.ledger.models import (
    BALANCE_BUCKET_COLUMNS,
    BALANCES_NEVER_AGED,
    BalanceAging,
    Customer,
    CustomerBalance,
    Document,
)
from core.ledger.positions import Aging, DunningCandidate, aging_of, candidate_of, no_gc_pauses, report_order
from core.ledger.rules import BUCKETS, bucket_due_range, days_past_due

# Customers recomputed from the ledger one by one at most; more, and one pass over the whole book is quicker
# (and the scoped statement names each customer seven times: SQLite takes at most 32,766 parameters).
ONE_BY_ONE_AT_MOST = 2000

kept = cast(Table, CustomerBalance.__table__)
AS_OF = bindparam("as_of", type_=Date)
BUCKET_COLUMNS = [kept.c[name] for name in BALANCE_BUCKET_COLUMNS]
FromLedger = Callable[[list[int] | None], list[Any]]  # the report for these customers (None: all) from the ledger


def aged_on(session: Session) -> dt.date:
    """The day the kept balances' buckets count from."""
    return session.scalar(select(BalanceAging.aged_on)) or BALANCES_NEVER_AGED


def _unanswered(aging: bool) -> ColumnElement[bool]:
    """The balances that are not the customer's line on `as_of` (the statement reads the aging day itself)."""
    posted_later = kept.c.latest_on > AS_OF
    if not aging:
        return posted_later
    aging_day = func.coalesce(select(BalanceAging.aged_on).scalar_subquery(), BALANCES_NEVER_AGED)
    return or_(posted_later, aging_day != AS_OF)


@cache
def _aging_select() -> Select:
    nonzero = or_(*[column != 0 for column in (*BUCKET_COLUMNS, kept.c.credit_minor, kept.c.unapplied_minor)])
    return (select(kept.c.customer_code, kept.c.currency, *BUCKET_COLUMNS, kept.c.credit_minor + kept.c.unapplied_minor,
                   kept.c.oldest_due, _unanswered(aging=True))
            .where(or_(nonzero, kept.c.latest_on > AS_OF)).order_by(kept.c.customer_code, kept.c.currency))


def kept_aging(session: Session, as_of: dt.date, from_ledger: FromLedger) -> list[Aging]:
    """The aging report of the whole book on `as_of` (core.ledger.aging_report)."""
    if aged_on(session) != as_of:
        return from_ledger(None)
    day = _day_of(session)
    with no_gc_pauses():
        rows = _rows(session, _aging_select(), as_of)
        later = {row[0] for row in rows if row[9]}  # posted to after `as_of` (or aged again since the look above)
        if len(later) > ONE_BY_ONE_AT_MOST:
            return from_ledger(None)
        lines = [aging_of((code, currency, (current, due_30, due_60, due_90, older), credit,
                           oldest if day is None or oldest is None else day(oldest), as_of))
                 for code, currency, current, due_30, due_60, due_90, older, credit, oldest, _ in rows
                 if code not in later]
    return _with_recomputed(session, lines, later, from_ledger)


@cache
def _candidates_select() -> Select:
    # Every balance, not just those above zero: PostgreSQL cannot tell how many are, guesses a third, and sorts
    # rather than read the primary key in order.
    balance = sum(BUCKET_COLUMNS[1:], BUCKET_COLUMNS[0]) - kept.c.credit_minor - kept.c.unapplied_minor
    return (select(kept.c.customer_code, kept.c.currency, balance, kept.c.oldest_due, _unanswered(aging=False))
            .order_by(kept.c.customer_code, kept.c.currency))


def kept_candidates(session: Session, as_of: dt.date, from_ledger: FromLedger) -> list[DunningCandidate]:
    """The dunning candidates on `as_of` (core.ledger.dunning_candidates)."""
    day = _day_of(session)
    with no_gc_pauses():
        rows = _rows(session, _candidates_select(), as_of)
        later = {row[0] for row in rows if row[4]}  # posted to after `as_of`
        if len(later) > ONE_BY_ONE_AT_MOST:
            return from_ledger(None)
        # Every balance above zero has an open debit, so an earliest due date.
        lines = [candidate_of((code, currency, balance, due := oldest if day is None else day(oldest),
                               days_past_due(due, as_of)))
                 for code, currency, balance, oldest, _ in rows if balance > 0 and code not in later]
    return _with_recomputed(session, lines, later, from_ledger)


def _rows(session: Session, statement: Select, as_of: dt.date) -> list[Any]:
    """The statement's rows as the database driver hands them over: plain tuples. SQLAlchemy's Row objects and
    result processing cost a fifth of the whole book's report; its one value that needs processing, a date,
    the caller reads (`_day_of`)."""
    result = cast(CursorResult[Any], session.execute(statement, {"as_of": as_of}))
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _day_of(session: Session) -> Callable[[str], dt.date] | None:
    """How to read a date off a driver's row: SQLite gives ISO text; PostgreSQL a date (None: as it is)."""
    return dt.date.fromisoformat if session.get_bind().dialect.name == "sqlite" else None


def _with_recomputed(session: Session, lines: list, later: set[str], from_ledger: FromLedger) -> list:
    """`lines` with the lines of the customers of `later` from the ledger, in the report's order."""
    if not later:
        return lines
    ids = session.scalars(select(Customer.id).where(Customer.code.in_(sorted(later)))).all()
    return sorted([*lines, *from_ledger(sorted(ids))], key=report_order)


# -- moving the buckets on ------------------------------------------------------------------------------


def age_balances(uow: UnitOfWork, day: dt.date, *, forward_only: bool = False) -> int:
    """Count the kept balances' buckets from `day` (also back to it, unless `forward_only`): the invoices whose
    due date crossed a bucket's edge in between move over. Run once a day, it keeps the day's aging report off
    the ledger. Returns how many balances had something move."""
    with uow:
        moved = age_in(uow.session, day, forward_only=forward_only)
        uow.commit()
        return moved


def age_in(session: Session, day: dt.date, *, forward_only: bool = False) -> int:
    """`age_balances` inside the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        # Postings wait meanwhile (the triggers take this table's write lock before they read the aging day),
        # and what is read below sees every posting made before.
        session.execute(text("LOCK TABLE customer_balances IN SHARE ROW EXCLUSIVE MODE"))
    row = session.execute(select(BalanceAging).with_for_update()).scalar_one_or_none()
    since = row.aged_on if row else BALANCES_NEVER_AGED
    if since == day or (forward_only and since > day):
        return 0
    moves = session.execute(_moves_select(since, day)).all()
    if moves:
        session.execute(_move_statement(), [
            {"key_customer": customer_id, "key_currency": currency,
             **{f"move_{n}": minor for n, minor in enumerate(deltas)}}
            for customer_id, currency, *deltas in moves])
    if row:
        row.aged_on = day
    else:
        session.add(BalanceAging(id=1, aged_on=day))
    return len(moves)


def _in_bucket(due: Any, bucket: str, day: dt.date) -> ColumnElement[bool]:
    since, before = bucket_due_range(bucket, day)
    return and_(*([due >= since] if since is not None else []), *([due < before] if before is not None else []))


def _moves_select(aged_on: dt.date, day: dt.date) -> Select:
    """Per customer and currency, what each bucket gains counted from `day` instead of `aged_on`."""
    d = Document.__table__
    early, late = min(aged_on, day), max(aged_on, day)
    # Only a due date in one of these windows lies on different sides of a bucket's edge on the two days.
    edges = {day - bound for bucket in BUCKETS for bound in bucket_due_range(bucket, day) if bound is not None}
    crossed = or_(*[and_(d.c.due_date >= early - edge, d.c.due_date < late - edge) for edge in sorted(edges)])
    moves = [sql_cast(func.sum(case((_in_bucket(d.c.due_date, bucket, day), d.c.open_minor), else_=0))
                  - func.sum(case((_in_bucket(d.c.due_date, bucket, aged_on), d.c.open_minor), else_=0)), BigInteger)
             for bucket in BUCKETS]
    return (select(d.c.customer_id, d.c.currency, *moves)
            .where(d.c.open_minor > 0, d.c.kind != "credit", d.c.voided.is_(False), crossed)
            .group_by(d.c.customer_id, d.c.currency)
            .having(or_(*[move != 0 for move in moves])))


@cache
def _move_statement() -> Any:
    return (update(kept)
            .where(kept.c.customer_id == bindparam("key_customer"), kept.c.currency == bindparam("key_currency"))
            .values({column: column + bindparam(f"move_{n}") for n, column in enumerate(BUCKET_COLUMNS)}))
