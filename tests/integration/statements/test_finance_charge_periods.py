"""A customer pays one finance charge a month, however often and on whatever dates the cycle runs in it.

The cycle on SQLite and PostgreSQL: runs on several dates of a month, an assessment made separately on an
earlier date, a worker that read the book before another committed its charge, and (a property) any
sequence of run dates in any order.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from alembic import command
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError

from core.bootstrap import Services
from core.kernel.db import Database
from core.kernel.migrate import alembic_config, upgrade
from core.kernel.models import AuditEvent
from core.kernel.money import Money
from core.ledger.models import Customer, Document
from core.schema import Base
from core.statements import assessment
from core.statements.cycle import RunSummary, run_statements
from tests.books import TEST_ACTOR, customer, invoice, load

D = dt.date


def run(services: Services, day: dt.date, charges_on: dt.date | None = None) -> RunSummary:
    """The cycle for `day`, assessing on `charges_on` (default: the statement date, as the scheduler does)."""
    return run_statements(services.db, services.settings, services.files, statement_date=day,
                          finance_charges_on=charges_on or day, actor=TEST_ACTOR)


def charges(db: Database) -> list[tuple[str, str, dt.date, Money]]:
    """Every finance charge on the ledger: (customer, number, date, amount), in date order."""
    with db.uow() as uow:
        rows = uow.session.execute(
            select(Customer.code, Document.number, Document.doc_date, Document.amount_minor, Document.currency)
            .join(Customer).where(Document.kind == "finance_charge").order_by(Document.doc_date, Document.number)
        )
        return [(code, number, day, Money.from_minor(minor, currency)) for code, number, day, minor, currency in rows]


def per_month(db: Database) -> Counter[tuple[str, int, int]]:
    return Counter((code, day.year, day.month) for code, _, day, _ in charges(db))


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def book(db: Database) -> None:
    """LATE is past due on every date; SOON only from Dec 15 on, the class granting 20 days of grace."""
    load(db, "classes", [{"code": "FIN", "finance_charge_monthly_rate": "1.5", "finance_charge_grace_days": "20"}])
    customer(db, "LATE", **{"class": "FIN"})
    invoice(db, "LATE-1", "1000.00", "2026-08-01", customer="LATE")  # due 08-31
    customer(db, "SOON", **{"class": "FIN"})
    invoice(db, "SOON-1", "400.00", "2026-10-25", customer="SOON")  # due 11-24: 20 days past due on 12-14


def test_the_cycle_run_on_several_dates_of_a_month_charges_once_a_month(services: Services) -> None:
    db = services.db
    book(db)
    december = [run(services, D(2026, 12, 6)), run(services, D(2026, 12, 7)), run(services, D(2026, 12, 20))]
    assert [(s.finance_charges, s.created) for s in december] == [(1, 2), (0, 2), (1, 2)]
    assert charges(db) == [
        ("LATE", "FC-LATE-20261206", D(2026, 12, 6), usd("15.00")),
        ("SOON", "FC-SOON-20261220", D(2026, 12, 20), usd("6.00")),  # first liable on the 20th's run
    ]
    # The runs that charged nobody again say so.
    assert [s.already_charged for s in december] == [0, 1, 1]
    # A new month, a new charge.
    january = run(services, D(2027, 1, 6))
    assert (january.finance_charges, january.already_charged) == (2, 0)
    assert per_month(db) == Counter({("LATE", 2026, 12): 1, ("SOON", 2026, 12): 1,
                                     ("LATE", 2027, 1): 1, ("SOON", 2027, 1): 1})
    with db.uow() as uow:
        assessed = uow.session.scalars(select(AuditEvent.subject).where(AuditEvent.action == "finance_charge.assessed"))
        assert sorted(assessed) == ["document:FC-LATE-20261206", "document:FC-LATE-20270106",
                                    "document:FC-SOON-20261220", "document:FC-SOON-20270106"]


def test_an_assessment_made_earlier_and_separately_counts_for_its_month(services: Services) -> None:
    db = services.db
    book(db)
    ahead = run(services, D(2026, 12, 20), charges_on=D(2026, 12, 10))  # charges assessed ahead of billing
    regular = run(services, D(2026, 12, 31))  # the month's regular cycle, charges on the statement date
    earlier_still = run(services, D(2026, 12, 24), charges_on=D(2026, 12, 3))  # before both charges, same month
    assert charges(db) == [
        ("LATE", "FC-LATE-20261210", D(2026, 12, 10), usd("15.00")),
        ("SOON", "FC-SOON-20261231", D(2026, 12, 31), usd("6.00")),  # past its grace only by the 31st
    ]
    assert [(s.finance_charges, s.already_charged) for s in (ahead, regular, earlier_still)] == [
        (1, 0), (1, 1), (0, 2)]


def test_a_worker_that_missed_another_workers_charge_charges_nothing(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two cycles in one month racing: the second read the book before the first committed its charges."""
    db = services.db
    book(db)
    run(services, D(2026, 12, 6))
    stale_reads = []
    real = assessment.charged_for

    def read_too_early(session, customer_ids, period):  # type: ignore[no-untyped-def]
        if not stale_reads:
            stale_reads.append(period)
            return {}  # what it would have seen before the other worker committed
        return real(session, customer_ids, period)

    monkeypatch.setattr(assessment, "charged_for", read_too_early)
    late = run(services, D(2026, 12, 7))
    assert stale_reads == [D(2026, 12, 1)]
    # The database refused the second charge; the cycle took the chunk again and found the first.
    assert (late.finance_charges, late.already_charged, late.created) == (0, 1, 2)
    assert [number for _, number, _, _ in charges(db)] == ["FC-LATE-20261206"]


def test_the_database_refuses_a_second_charge_for_a_customers_month(services: Services) -> None:
    db = services.db
    book(db)
    run(services, D(2026, 12, 6))
    with db.uow() as uow:
        late = uow.session.scalar(select(Customer.id).where(Customer.code == "LATE"))
        uow.session.add(Document(customer_id=late, kind="finance_charge", number="FC-LATE-20261207",
                                 doc_date=D(2026, 12, 7), due_date=D(2027, 1, 6), currency="USD",
                                 amount_minor=1500, open_minor=1500, charge_period=D(2026, 12, 1)))
        with pytest.raises(IntegrityError):
            uow.commit()


def test_the_migration_gives_each_month_to_the_first_charge_the_cycle_made_in_it(services: Services) -> None:
    """A book the repeat charges were made on before: the migration leaves them be, and stops the next."""
    db = services.db
    book(db)
    run(services, D(2026, 12, 6))
    invoice(db, "FC-9", "12.00", "2026-12-03", customer="LATE", type="finance_charge")  # the ERP's, not ours
    command.downgrade(alembic_config(db.url), "0009")
    try:
        with db.engine.begin() as conn:
            for number, day in [("FC-LATE-20261207", "2026-12-07"), ("FC-LATE-20261115", "2026-11-15")]:
                conn.execute(text(
                    "INSERT INTO documents (customer_id, kind, number, doc_date, due_date, currency, amount_minor,"
                    " open_minor, discount_forfeited, voided, created_at, updated_at)"
                    " SELECT customer_id, kind, :number, :day, due_date, currency, amount_minor, open_minor,"
                    " discount_forfeited, voided, created_at, updated_at FROM documents WHERE number = :first"
                ), {"number": number, "day": D.fromisoformat(day), "first": "FC-LATE-20261206"})
    finally:
        upgrade(db.url)
    with db.uow() as uow:
        periods = dict(uow.session.execute(select(Document.number, Document.charge_period)
                                           .where(Document.kind == "finance_charge")).all())
    assert periods == {"FC-LATE-20261115": D(2026, 11, 1), "FC-LATE-20261206": D(2026, 12, 1),
                       "FC-LATE-20261207": None, "FC-9": None}
    assert run(services, D(2026, 12, 20)).finance_charges == 1  # SOON's: LATE has December's
    assert [number for code, number, _, _ in charges(db) if code == "LATE"] == [
        "FC-LATE-20261115", "FC-9", "FC-LATE-20261206", "FC-LATE-20261207"]


# -- the property -----------------------------------------------------------------------------------


def empty(db: Database) -> None:
    """Each example starts from an empty book: statement runs are per date, shared by every customer."""
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))


run_dates = st.lists(
    st.tuples(st.dates(D(2026, 11, 1), D(2027, 2, 28)), st.integers(0, 12)),  # (statement date, days ahead)
    min_size=1, max_size=6,
)


# No "explain" phase: its line tracing makes every database round trip many times slower.
@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(runs=run_dates)
def test_any_sequence_of_run_dates_charges_at_most_once_a_month(services: Services, runs) -> None:  # type: ignore[no-untyped-def]
    db = services.db
    empty(db)
    book(db)
    ahead: dict[dt.date, int] = {}
    assessed_months, summaries = set(), []
    for day, lead in runs:
        lead = ahead.setdefault(day, lead)  # a date run again resumes its run: same assessment date
        charges_on = day - dt.timedelta(days=lead)
        summaries.append(run(services, day, charges_on))
        assessed_months.add((charges_on.year, charges_on.month))
        assert max(per_month(db).values(), default=0) <= 1, f"charged twice in a month after {runs}"
    # LATE is past due whenever assessed: exactly one charge in each month an assessment fell in.
    assert {(y, m) for code, y, m in per_month(db) if code == "LATE"} == assessed_months
    # What the runs reported is what the ledger holds.
    assert sum(s.finance_charges for s in summaries) == len(charges(db))


def test_a_charged_customers_statement_explains_the_finance_charge_in_one_line(services: Services) -> None:
    from core.statements.models import Statement

    book(services.db)
    customer(services.db, "PLAIN")  # the DEFAULT class charges nothing: no line
    invoice(services.db, "PLAIN-1", "50.00", "2026-08-01", customer="PLAIN")
    run(services, D(2026, 12, 6))
    with services.db.uow() as uow:
        terms = {code: snapshot["finance_terms"] for code, snapshot in uow.session.execute(
            select(Customer.code, Statement.snapshot).join(Customer, Customer.id == Statement.customer_id))}
    line = "Finance charge: 1.5% a month on amounts more than 20 days past due, assessed once a month."
    assert terms == {"LATE": line, "SOON": line, "PLAIN": ""}
