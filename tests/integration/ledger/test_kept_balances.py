"""Property: the whole book's aging and dunning candidates read off the kept balances are the ledger's own
recomputation — as of the last day, any past day, before and after the daily aging — and `books check` finds no
drift, whatever was posted and however: the services, the ERP import, a bulk insert, hand-written UPDATEs.

Hypothesis plays random operations on a few customers (one of them in two currencies) on SQLite and PostgreSQL.
The examples share the database, so each report compared is the whole book so far.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select, text, update

from core.kernel.db import Database
from core.kernel.errors import Invalid, NotFound
from core.kernel.money import Money
from core.ledger import age_balances, check_balances
from core.ledger.balance_triggers import create_triggers, drop_triggers
from core.ledger.book import aging_from_ledger, aging_report, candidates_from_ledger, dunning_candidates
from core.ledger.kept_balances import kept_aging, kept_candidates
from core.ledger.models import Allocation, BalanceAging, CustomerBalance, Document, Payment
from core.ledger.posting import record_payment
from core.ledger.rules import AllocationRequest
from tests.books import TEST_ACTOR, customer, invoice, load
from tests.integration.ledger.test_books_balance import D0, Account, day, new_invoice, operation

LATER = D0 + dt.timedelta(days=400)  # after every generated date


@dataclass(frozen=True)
class Void:
    pick: int


@dataclass(frozen=True)
class ErpOpen:
    """The ERP sends the invoice again, partly paid there."""

    pick: int
    percent: int


@dataclass(frozen=True)
class ReturnPayment:
    """The bank returns a payment (as settlement does it): its allocations reversed, the invoices open again."""

    pick: int
    days_later: int


@dataclass(frozen=True)
class FinanceCharge:
    """Inserted in bulk, as the statement cycle assesses them."""

    minor: int
    day: int


@dataclass(frozen=True)
class OtherCurrency:
    minor: int
    day: int


@dataclass(frozen=True)
class OnTheEdge:
    """An invoice due on a bucket's edge, or a day off it, counted from the day the balances are aged on."""

    minor: int
    due: int  # days after the aging day


EDGES = (0, 1, 30, 31, 60, 61, 90, 91)  # days past due either side of each bucket's edge


picks = st.integers(0, 40)
kept_operation = st.one_of(
    operation,
    st.builds(Void, pick=picks),
    st.builds(ErpOpen, pick=picks, percent=st.integers(0, 99)),
    st.builds(ReturnPayment, pick=picks, days_later=st.integers(0, 40)),
    st.builds(FinanceCharge, minor=st.integers(1, 50_000), day=st.integers(0, 120)),
    st.builds(OtherCurrency, minor=st.integers(1, 500_000), day=st.integers(0, 120)),
    st.builds(OnTheEdge, minor=st.integers(1, 500_000), due=st.sampled_from([-days for days in EDGES])),
)


def play(db: Database, account: Account, op: object) -> None:
    if isinstance(op, Void | ErpOpen) and account.numbers:
        number = account.numbers[op.pick % len(account.numbers)]
        if isinstance(op, Void):
            with db.uow() as uow:
                uow.session.execute(update(Document).where(Document.number == number).values(voided=True))
                uow.commit()
            return
        with db.uow() as uow:
            doc = uow.session.scalar(select(Document).where(Document.number == number))
            assert doc is not None
            row = {"number": number, "customer": account.code, "date": doc.doc_date.isoformat(),
                   "amount": str(doc.amount.amount), "currency": doc.currency,
                   "type": doc.kind, "open_amount": str(doc.amount.percent(op.percent).amount)}
        load(db, "invoices", [row])
    elif isinstance(op, ReturnPayment) and account.payment_ids:
        _return(db, account.payment_ids[op.pick % len(account.payment_ids)], op.days_later)
    elif isinstance(op, FinanceCharge | OtherCurrency | OnTheEdge):
        currency = "EUR" if isinstance(op, OtherCurrency) else account.currency
        number = f"{account.code}-{len(account.numbers) + 1}"
        with db.uow() as uow:
            if isinstance(op, OnTheEdge):
                aged_on = uow.session.scalar(select(BalanceAging.aged_on)) or D0
                due = aged_on + dt.timedelta(days=op.due)
            else:
                due = day(op.day + 30)
            uow.session.execute(insert(Document), [{
                "customer_id": account.customer_id, "kind": "finance_charge" if isinstance(op, FinanceCharge)
                else "invoice", "number": number, "doc_date": due - dt.timedelta(days=30), "due_date": due,
                "currency": currency, "amount_minor": op.minor, "open_minor": op.minor}])
            uow.commit()
        account.numbers.append(number)
    else:
        account.play(op)


def _return(db: Database, payment_id: int, days_later: int) -> None:
    with db.uow() as uow:
        s = uow.session
        payment = s.get(Payment, payment_id)
        assert payment is not None
        if payment.status != "succeeded":
            return
        on = payment.received_on + dt.timedelta(days=days_later)
        s.execute(update(Payment).where(Payment.id == payment_id).values(status="returned", returned_on=on))
        for allocation in s.scalars(select(Allocation).where(Allocation.payment_id == payment_id)):
            s.execute(update(Allocation).where(Allocation.id == allocation.id).values(reversed_on=on))
            s.execute(update(Document).where(Document.id == allocation.invoice_id).values(
                open_minor=Document.open_minor + allocation.amount_minor + allocation.discount_minor))
        uow.commit()


def assert_reports_agree(db: Database, as_of: dt.date) -> None:
    with db.uow() as uow:
        s = uow.session
        assert aging_report(s, as_of) == aging_from_ledger(s, as_of), f"aging as of {as_of}"
        assert dunning_candidates(s, as_of) == candidates_from_ledger(s, as_of), f"candidates as of {as_of}"


def answered_from_kept(db: Database, as_of: dt.date) -> bool:
    """Whether the whole-book reports of `as_of` need nothing from the ledger."""
    asked: list[object] = []
    with db.uow() as uow:
        kept_aging(uow.session, as_of, lambda ids: asked.append(ids) or [])
        kept_candidates(uow.session, as_of, lambda ids: asked.append(ids) or [])
    return not asked


def assert_no_drift(db: Database) -> None:
    check = check_balances(db.uow())
    assert check.clean, check


def edge_day(db: Database, pick: int, days_past: int) -> dt.date:
    """A day some open invoice is `days_past` due on: where the aging moves it to the next bucket."""
    with db.uow() as uow:
        dues = sorted(uow.session.scalars(select(Document.due_date).where(Document.open_minor > 0)))
    return (dues[pick % len(dues)] if dues else D0) + dt.timedelta(days=days_past)


def after_every_entry(db: Database) -> dt.date:
    """LATER, or a day after it when the shared book holds entries dated later: an invoice due on a bucket's
    edge counted from an aging day that earlier examples moved past LATER."""
    with db.uow() as uow:
        s = uow.session
        days = [s.scalar(select(func.max(Document.doc_date))), s.scalar(select(func.max(Payment.received_on))),
                s.scalar(select(func.max(Payment.returned_on)))]
    return max([LATER, *(d for d in days if d is not None)])


def play_all(db: Database, accounts: list[Account], operations: list[tuple[int, object]]) -> None:
    for which, op in operations:
        # Refused (a voided invoice is not found): changes nothing, as test_books_balance holds.
        with contextlib.suppress(Invalid, NotFound):
            play(db, accounts[which], op)


# No "explain" phase: its line tracing makes every database round trip many times slower.
@settings(max_examples=40, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.lists(new_invoice, min_size=1, max_size=2),
    before=st.lists(st.tuples(st.integers(0, 2), kept_operation), min_size=2, max_size=12),
    after=st.lists(st.tuples(st.integers(0, 2), kept_operation), min_size=2, max_size=12),
    aged=st.tuples(st.integers(0, 40), st.sampled_from(EDGES)),
    past=st.integers(-5, 130),
)
def test_the_kept_reports_are_the_ledgers_on_any_day(db, first, before, after, aged, past):
    accounts = [Account(db, "USD"), Account(db, "USD"), Account(db, "JPY")]
    for op in first:
        accounts[0].play(op)
    play_all(db, accounts, before)
    assert_no_drift(db)
    for as_of in (LATER, day(past)):
        assert_reports_agree(db, as_of)
    aged_on = edge_day(db, *aged)
    age_balances(db.uow(), aged_on)  # the daily aging, on a day an invoice moves bucket
    assert_no_drift(db)
    play_all(db, accounts, after)  # the triggers now bucket from that day
    assert_no_drift(db)
    event(f"the past day answered from the kept balances alone: {answered_from_kept(db, day(past))}")
    for as_of in (aged_on, day(past), LATER):
        assert_reports_agree(db, as_of)
    last = after_every_entry(db)
    age_balances(db.uow(), last)
    assert answered_from_kept(db, last)
    assert_reports_agree(db, last)


def test_many_customers_posted_to_since_the_day_make_the_whole_book_come_from_the_ledger(db, monkeypatch):
    from core.ledger import kept_balances

    customer(db, "EARLY")
    customer(db, "LATE")
    invoice(db, "E-1", "100.00", "2026-03-01", customer="EARLY")
    invoice(db, "L-1", "70.00", "2026-03-01", customer="LATE")
    invoice(db, "L-2", "30.00", "2026-05-01", customer="LATE")
    age_balances(db.uow(), dt.date(2026, 4, 1))
    monkeypatch.setattr(kept_balances, "ONE_BY_ONE_AT_MOST", 0)
    assert not answered_from_kept(db, dt.date(2026, 4, 1))
    assert_reports_agree(db, dt.date(2026, 4, 1))
    with db.uow() as uow:
        [early, late] = aging_report(uow.session, dt.date(2026, 4, 1))
    assert (early.customer_code, early.buckets_minor) == ("EARLY", (0, 10000, 0, 0, 0))
    assert (late.customer_code, late.balance_minor) == ("LATE", 7000)  # L-2 was not issued yet


def _bump(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute(update(CustomerBalance).values(current_minor=CustomerBalance.current_minor + 1))


def _wipe(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute(text("DELETE FROM customer_balances"))


def _unseen_write(conn) -> None:  # type: ignore[no-untyped-def]
    drop_triggers(conn)  # as a migration rebuilding the table on SQLite would, forgetting them
    try:
        conn.execute(text("UPDATE documents SET open_minor = 0 WHERE number = 'K-1'"))
    finally:
        create_triggers(conn)


@pytest.mark.parametrize("drift", [_bump, _wipe, _unseen_write])
def test_books_check_finds_drift_and_fixes_it(db, drift):
    customer(db, "KEPT")
    invoice(db, "K-1", "250.00", "2026-03-01", customer="KEPT")
    invoice(db, "K-2", "50.00", "2026-04-01", customer="KEPT", type="credit")
    assert check_balances(db.uow()).clean
    with db.engine.begin() as conn:
        drift(conn)
    found = check_balances(db.uow())
    assert [(d.customer_code, d.currency) for d in found.drifts] == [("KEPT", "USD")]
    assert check_balances(db.uow(), fix=True).fixed
    assert check_balances(db.uow()).clean
    assert_reports_agree(db, dt.date(2026, 4, 1))


def test_books_check_names_missing_triggers(db):
    with db.engine.begin() as conn:
        drop_triggers(conn)
    try:
        assert "customer_balances_on_allocations_update" in check_balances(db.uow()).missing_triggers
    finally:
        with db.engine.begin() as conn:
            create_triggers(conn)
    assert check_balances(db.uow()).clean


def test_a_renamed_customer_keeps_its_balance(db):
    customer(db, "OLDNAME")
    invoice(db, "R-1", "10.00", "2026-03-01", customer="OLDNAME")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE customers SET code = 'NEWNAME' WHERE code = 'OLDNAME'"))
    age_balances(db.uow(), dt.date(2026, 3, 2))
    assert answered_from_kept(db, dt.date(2026, 3, 2))
    with db.uow() as uow:
        assert [a.customer_code for a in aging_report(uow.session, dt.date(2026, 3, 2))] == ["NEWNAME"]
    assert check_balances(db.uow()).clean


def test_postings_while_the_balances_are_aged_over_and_over_stay_in_step(db):
    """Invoices due on the aging day's edge, posted and paid while another process moves the day back and forth:
    each posting counts from the day before the move or the day after, never half of each."""
    customer(db, "RACE")
    day = dt.date(2026, 3, 31)
    age_balances(db.uow(), day)
    done, failures = threading.Event(), []

    def post() -> None:
        try:
            for n in range(24):
                invoice(db, f"RACE-{n}", "10.00", (day - dt.timedelta(days=30)).isoformat(), customer="RACE")
                if n % 3 == 0:
                    record_payment(db.uow(), customer_code="RACE", amount=Money.of("10", "USD"), received_on=day,
                                   requests=[AllocationRequest(f"RACE-{n}")], reasons=("Other",), actor=TEST_ACTOR)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            done.set()

    def age() -> None:
        while not done.is_set():
            age_balances(db.uow(), day + dt.timedelta(days=1))
            age_balances(db.uow(), day)

    threads = [threading.Thread(target=post), threading.Thread(target=age)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    assert_no_drift(db)
    assert_reports_agree(db, day)
