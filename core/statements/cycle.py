"""The statement cycle: assess finance charges, then freeze one statement per customer for a statement date.

The first of the seed's two stages; delivery, the second, is user-initiated and lives elsewhere. A
statement is an immutable `StatementSnapshot` of the ledger as of the statement date and of the account
settings in force when it was made; its PDF is rendered later from the snapshot alone.

One `StatementRun` per statement date. Running a date again resumes it: customers with a statement for the
date are skipped (UNIQUE(customer_id, statement_date) backs it). A customer's finance charge is assessed once
per period (`core.ledger.finance_charges.charge_period`), by whichever run comes first in it: a later run in
the period, on any date, finds the charge and assesses none (UNIQUE(customer_id, charge_period) backs it).
Customers are taken in chunks of one transaction each, so a run killed half-way keeps what it committed. A
chunk is a handful of set-based queries (`core.statements.queries`), snapshots made from their rows
(`core.statements.compose`) and bulk inserts, never a query per customer.

On PostgreSQL several processes may run the cycle at once: a chunk locks its customers FOR NO KEY UPDATE
SKIP LOCKED, so the workers share the book out; what a worker found locked it comes back to at the end and
waits for, so a run that returns leaves no customer behind. SQLite runs one writer at a time anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Date, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.documents.files import FileStore
from core.documents.letterhead import seller_info
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.db import Database, UnitOfWork
from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.ledger.finance_charges import charge_period
from core.ledger.models import Customer
from core.ledger.posting import customer_by_code
from core.statements.assessment import assess_finance_charges
from core.statements.compose import snapshots_for
from core.statements.models import Statement, StatementRun
from core.statements.queries import Account, already_stated, as_date, customer_accounts
from core.statements.snapshots import STATEMENT_TEMPLATE_VERSION, SellerInfo, StatementSnapshot

Progress = Callable[[int, int], None]  # (customers done so far, customers in the book)
# Each chunk's queries name its customers a few times over; SQLite takes at most 32,766 parameters.
MAX_CHUNK = 2000


# -- dates and names --------------------------------------------------------------------------------


def statement_date_for(now: dt.datetime, cutoff_hour: int) -> dt.date:
    """The date a cycle started at `now` puts on its statements: before the cutoff hour, the previous day."""
    return now.date() - dt.timedelta(days=1) if now.hour < cutoff_hour else now.date()


def statement_number(customer_code: str, statement_date: dt.date) -> str:
    return f"ST-{customer_code}-{statement_date:%Y%m%d}"


# -- what a run reports -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementMade:
    customer_code: str
    statement_id: int
    number: str
    balance: Money


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    statement_date: dt.date
    finance_charges_on: dt.date | None
    customers: int  # customers this call went through
    skipped: int  # of those, the ones whose statement for the date already existed
    finance_charges: int  # charges this call assessed
    statements: tuple[StatementMade, ...]  # the statements this call made
    already_charged: int = 0  # customers this call charged nothing as their charge for the period was made

    @property
    def created(self) -> int:
        return len(self.statements)

    @property
    def finance_charge_period(self) -> dt.date | None:
        return None if self.finance_charges_on is None else charge_period(self.finance_charges_on)


@dataclass
class _Tally:
    customers: int = 0
    skipped: int = 0
    finance_charges: int = 0
    already_charged: int = 0
    made: list[StatementMade] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)  # customers another worker held when we came to them

    def add(self, other: _Tally) -> None:
        self.customers += other.customers
        self.skipped += other.skipped
        self.finance_charges += other.finance_charges
        self.already_charged += other.already_charged
        self.made += other.made
        self.deferred += other.deferred


@dataclass(frozen=True)
class _Cycle:
    run_id: int
    statement_date: dt.date
    finance_charges_on: dt.date | None
    seller: SellerInfo
    home_country: str  # the seller's: left off customer addresses
    actor: Actor


# -- the cycle --------------------------------------------------------------------------------------


def run_statements(
    db: Database,
    settings: Settings,
    files: FileStore,
    *,
    statement_date: dt.date,
    finance_charges_on: dt.date | None,
    actor: Actor,
    progress: Progress | None = None,
    chunk: int = 500,
) -> RunSummary:
    """Run (or resume) the cycle for `statement_date`; finance charges assessed on `finance_charges_on`."""
    if finance_charges_on is not None and finance_charges_on > statement_date:
        raise Invalid(f"finance charges on {finance_charges_on} would come after the statements of "
                      f"{statement_date}; assess them on or before the statement date", "finance_charges_on")
    if not 1 <= chunk <= MAX_CHUNK:
        raise Invalid(f"the chunk size must be between 1 and {MAX_CHUNK}", "chunk")
    run_id = _open_run(db, statement_date, finance_charges_on)
    cycle = _Cycle(run_id, statement_date, finance_charges_on, seller_info(settings, files),
                   settings.default_country, actor)
    total, tally = _customer_count(db), _Tally()

    def chunk_done(outcome: _Tally) -> None:
        tally.add(outcome)
        if progress is not None:
            progress(tally.customers, max(total, tally.customers))

    for outcome in _first_pass(db, cycle, chunk):
        chunk_done(outcome)
    waiting, tally.deferred = tally.deferred, []
    for start in range(0, len(waiting), chunk):
        chunk_done(_state_chunk(db, cycle, waiting[start:start + chunk], wait=True))
    summary = RunSummary(run_id, statement_date, finance_charges_on, tally.customers, tally.skipped,
                         tally.finance_charges, tuple(sorted(tally.made, key=lambda s: s.customer_code)),
                         tally.already_charged)
    _finish_run(db, summary, actor)
    return summary


def _open_run(db: Database, statement_date: dt.date, finance_charges_on: dt.date | None) -> int:
    """The run for the date: the one already started (to resume it), or a new one."""
    for _ in range(2):
        with db.uow() as uow:
            run = uow.session.scalar(select(StatementRun).where(StatementRun.statement_date == statement_date))
            if run is None:
                run = StatementRun(statement_date=statement_date, finance_charges_on=finance_charges_on)
                uow.session.add(run)
                try:
                    uow.commit()
                except IntegrityError:  # another process opened it a moment ago: resume that one
                    continue
            if run.finance_charges_on != finance_charges_on:
                # One run, one assessment date: its statements name the charges assessed on that date.
                assessed = run.finance_charges_on or "no date (it assessed none)"
                raise Invalid(f"the {statement_date} cycle assessed finance charges on {assessed}; resume it "
                              "with the same finance-charge date", "finance_charges_on")
            return run.id
    raise Invalid(f"could not open the statement run for {statement_date}; try again")


def _customer_count(db: Database) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Customer)) or 0


def _first_pass(db: Database, cycle: _Cycle, chunk: int) -> Iterator[_Tally]:
    """Every customer in id order, `chunk` at a time; those another worker holds are deferred, not awaited."""
    after = 0
    while True:
        with db.uow() as uow:
            window = list(uow.session.scalars(
                select(Customer.id).where(Customer.id > after).order_by(Customer.id).limit(chunk)
            ))
        if not window:
            return
        yield _state_chunk(db, cycle, window, wait=False)
        after = window[-1]


def _state_chunk(db: Database, cycle: _Cycle, window: list[int], *, wait: bool) -> _Tally:
    """One transaction: charge and state the customers of `window` that have no statement for the date yet."""
    try:
        with db.uow() as uow:
            outcome = _state_customers(uow.session, cycle, window, wait)
            uow.commit()
            return outcome
    except IntegrityError:
        # A worker that claimed these customers without our lock won the race; the constraints kept the
        # book whole. Once more, waiting this time: whatever it made is then skipped.
        if wait:
            raise
        return _state_chunk(db, cycle, window, wait=True)


def _finish_run(db: Database, summary: RunSummary, actor: Actor) -> None:
    with db.uow() as uow:
        uow.session.execute(
            update(StatementRun)
            .where(StatementRun.id == summary.run_id, StatementRun.status == "running")
            .values(status="complete", finished_at=dt.datetime.now(dt.UTC))
            .execution_options(synchronize_session=False)
        )
        audit.record(
            uow.session, actor, "statements.run", customer_id=None, subject=f"statement_run:{summary.run_id}",
            statement_date=summary.statement_date.isoformat(), created=summary.created, skipped=summary.skipped,
            finance_charges=summary.finance_charges, already_charged=summary.already_charged,
        )
        uow.commit()


def _state_customers(session: Session, cycle: _Cycle, window: list[int], wait: bool) -> _Tally:
    claimed = _claim(session, window, wait)
    # Read after the lock: on PostgreSQL this sees whatever the lock's last holder committed.
    stated = already_stated(session, claimed, cycle.statement_date)
    accounts = customer_accounts(session, [cid for cid in claimed if cid not in stated], cycle.home_country)
    charges = assess_finance_charges(session, accounts, cycle.finance_charges_on,
                                     statement_date=cycle.statement_date, actor=cycle.actor)
    snapshots = snapshots_for(session, cycle.seller, cycle.statement_date, accounts, charges.numbers)
    made = _insert_statements(session, cycle, accounts, snapshots)
    _count_on_run(session, cycle.run_id, len(claimed), len(made), len(stated), charges.assessed)
    deferred = sorted(set(window) - set(claimed))
    return _Tally(len(claimed), len(stated), charges.assessed, charges.already_charged, made, deferred)


def _claim(session: Session, window: list[int], wait: bool) -> list[int]:
    """Lock the window's customers; without `wait`, those another worker holds are left to it.

    NO KEY UPDATE: payments and documents can still be posted for these customers meanwhile (their
    foreign keys take KEY SHARE locks, which FOR UPDATE would block). SQLite ignores the clause.
    """
    query = select(Customer.id).where(Customer.id.in_(window)).order_by(Customer.id)
    return list(session.scalars(query.with_for_update(skip_locked=not wait, key_share=True)))


def _count_on_run(
    session: Session, run_id: int, customers: int, created: int, skipped: int, finance_charges: int
) -> None:
    # Increments, not totals: workers and attempts sharing a run each add what they did. `customers` counts
    # every visit to a customer, `skipped` the visits that found the statement made (by an earlier attempt
    # or another worker); `created` and `finance_charges` are exact, as each is made once.
    session.execute(
        update(StatementRun)
        .where(StatementRun.id == run_id)
        .values(
            customers=StatementRun.customers + customers, created=StatementRun.created + created,
            skipped=StatementRun.skipped + skipped, finance_charges=StatementRun.finance_charges + finance_charges,
        )
        .execution_options(synchronize_session=False)
    )


# -- storing them ----------------------------------------------------------------------------------


def _insert_statements(
    session: Session, cycle: _Cycle, accounts: list[Account], snapshots: dict[int, StatementSnapshot]
) -> list[StatementMade]:
    if not snapshots:
        return []
    rows = [
        {"run_id": cycle.run_id, "customer_id": cid, "statement_date": cycle.statement_date,
         "currency": snapshot.currency, "balance_minor": snapshot.balance_minor, "snapshot": snapshot.to_json(),
         "template_version": STATEMENT_TEMPLATE_VERSION, "file_id": None}
        for cid, snapshot in snapshots.items()
    ]
    made = session.execute(insert(Statement).returning(Statement.customer_id, Statement.id), rows)
    ids = {cid: sid for cid, sid in made}
    codes = {a.id: a.code for a in accounts}
    return [
        StatementMade(codes[cid], ids[cid], statement_number(codes[cid], cycle.statement_date),
                      snapshot.money(snapshot.balance_minor))
        for cid, snapshot in snapshots.items()
    ]


# -- reading statements back ------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementView:
    id: int
    number: str
    customer_code: str
    customer_name: str  # as the account is named now; the statement's own copy is in its snapshot
    statement_date: dt.date
    balance: Money
    template_version: str
    file_id: int | None  # set once the PDF is rendered
    created_at: dt.datetime


def list_statements(
    uow: UnitOfWork, *, customer_code: str | None = None, statement_date: dt.date | None = None
) -> list[StatementView]:
    """Statements, newest date first, then by customer code; None filters nothing."""
    query = select(
        Statement.id, Customer.code, Customer.name, Statement.statement_date, Statement.currency,
        Statement.balance_minor, Statement.template_version, Statement.file_id, Statement.created_at,
    ).join(Customer, Customer.id == Statement.customer_id)
    with uow:
        if customer_code is not None:
            query = query.where(Statement.customer_id == customer_by_code(uow, customer_code).id)
        if statement_date is not None:
            query = query.where(Statement.statement_date == statement_date)
        rows = uow.session.execute(query.order_by(Statement.statement_date.desc(), Customer.code))
        return [
            StatementView(sid, statement_number(code, day), code, name, day, Money.from_minor(balance, currency),
                          version, file_id, created)
            for sid, code, name, day, currency, balance, version, file_id, created in rows
        ]


def latest_statement_date(uow: UnitOfWork) -> dt.date | None:
    """The most recent statement period: the one batch delivery covers."""
    with uow:
        day = uow.session.scalar(select(func.max(Statement.statement_date, type_=Date)))
        return None if day is None else as_date(day)
