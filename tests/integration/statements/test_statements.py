"""The statement cycle on SQLite and PostgreSQL: what each statement shows, and that it is made exactly once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from core.bootstrap import Services
from core.kernel.db import Database
from core.kernel.errors import Invalid
from core.kernel.models import AuditEvent
from core.kernel.money import Money
from core.ledger.book import aging_report, open_items
from core.ledger.models import Customer, CustomerClass, Document
from core.ledger.posting import CreditSource, apply_credit, record_payment
from core.ledger.rules import AllocationRequest
from core.statements.cycle import (
    RunSummary,
    latest_statement_date,
    list_statements,
    run_statements,
    statement_date_for,
)
from core.statements.models import Statement, StatementRun
from core.statements.snapshots import STATEMENT_TEMPLATE_VERSION, StatementSnapshot
from tests.books import TEST_ACTOR, customer, invoice, load

D = dt.date
DAY = D(2026, 11, 30)
REASONS = ("Damaged goods", "Other")


def usd(text: str) -> Money:
    return Money.of(text, "USD")


def run(services: Services, day: dt.date = DAY, charges_on: dt.date | None = DAY, **kwargs) -> RunSummary:  # type: ignore[no-untyped-def]
    return run_statements(services.db, services.settings, services.files, statement_date=day,
                          finance_charges_on=charges_on, actor=TEST_ACTOR, **kwargs)


def snapshots(db: Database, day: dt.date = DAY) -> dict[str, StatementSnapshot]:
    with db.uow() as uow:
        rows = uow.session.execute(
            select(Customer.code, Statement.snapshot).join(Customer).where(Statement.statement_date == day)
        )
        return {code: StatementSnapshot.from_json(snapshot) for code, snapshot in rows}


def statement_count(db: Database) -> dict[str, int]:
    with db.uow() as uow:
        rows = uow.session.execute(select(Customer.code, func.count()).join(Statement).group_by(Customer.code))
        return {code: count for code, count in rows}


def run_row(db: Database) -> tuple:
    """The run's status and counters: (status, customers, created, skipped, finance charges, finished)."""
    with db.uow() as uow:
        [row] = uow.session.scalars(select(StatementRun))
        return (row.status, row.customers, row.created, row.skipped, row.finance_charges, row.finished_at is not None)


def pay(db: Database, code: str, amount: str, day: dt.date, *requests: AllocationRequest) -> int:
    posted = record_payment(db.uow(), customer_code=code, amount=usd(amount), received_on=day,
                            requests=list(requests), reasons=REASONS, actor=TEST_ACTOR,
                            reference=f"CHK-{code}-{amount}")
    return posted.payment_id


def build_book(db: Database) -> None:
    """Customers in every state a statement cycle meets."""
    customer(db, "ACME", address_line1="1 Main St", city="Springfield", region="IL", postal_code="62701",
             country="US", phone="+13125550142", delivery="email;print", fax="+13125550199")
    invoice(db, "A-1", "1000.00", "2026-07-01", customer="ACME", po="PO-77")  # due 07-31: 90+
    invoice(db, "A-2", "500.00", "2026-09-15", customer="ACME")  # due 10-15: 31-60, partly paid
    invoice(db, "A-3", "250.00", "2026-11-20", customer="ACME")  # due 12-20: current
    invoice(db, "A-4", "90.00", "2026-12-05", customer="ACME")  # after the statement date: not on it
    invoice(db, "CM-1", "100.00", "2026-11-01", customer="ACME", type="credit")
    pay(db, "ACME", "200", D(2026, 11, 10), AllocationRequest("A-2", usd("200"), "Damaged goods"))
    pay(db, "ACME", "75", D(2026, 11, 25))  # a deposit on account
    customer(db, "BETA", country="CA")
    invoice(db, "B-1", "300.00", "2026-10-20", customer="BETA")  # due 11-19: 1-30
    invoice(db, "B-EUR", "50.00", "2026-10-20", customer="BETA", currency="EUR")
    customer(db, "PAID")  # settled this month: nothing open, but activity to show
    invoice(db, "P-1", "400.00", "2026-09-01", customer="PAID")
    invoice(db, "P-CM", "100.00", "2026-11-01", customer="PAID", type="credit")
    apply_credit(db.uow(), customer_code="PAID", source=CreditSource(credit_number="P-CM"), invoice_number="P-1",
                 applied_on=D(2026, 11, 15), actor=TEST_ACTOR)
    pay(db, "PAID", "300", D(2026, 11, 16), AllocationRequest("P-1"))
    customer(db, "IDLE")  # paid up long ago: no statement
    invoice(db, "I-1", "80.00", "2026-06-01", customer="IDLE")
    pay(db, "IDLE", "80", D(2026, 7, 1), AllocationRequest("I-1"))


def test_each_statement_matches_the_ledger_line_by_line(services: Services) -> None:
    db = services.db
    build_book(db)
    summary = run(services)
    assert (summary.created, summary.skipped) == (3, 0)
    assert sorted(s.customer_code for s in summary.statements) == ["ACME", "BETA", "PAID"]
    stated = snapshots(db)
    with db.uow() as uow:
        ids = {code: cid for code, cid in uow.session.execute(select(Customer.code, Customer.id))}
        aging = {(a.customer_code, a.currency): a for a in aging_report(uow.session, DAY, ids.values())}
        ledger = {code: open_items(uow.session, ids[code], DAY) for code in stated}
        rows = {code: (balance, version, file_id) for code, balance, version, file_id in uow.session.execute(
            select(Customer.code, Statement.balance_minor, Statement.template_version, Statement.file_id).join(Customer)
        )}
    for code, snapshot in stated.items():
        debits = [i for i in ledger[code] if i.kind != "credit" and i.open.currency == "USD"]
        assert [(i.number, i.open_minor, i.due_date, i.days_past_due, i.bucket) for i in snapshot.items] == [
            (i.number, i.open.minor, i.due_date, i.days_past_due, i.bucket) for i in debits
        ]
        memos = {i.number: i.open.minor for i in ledger[code] if i.kind == "credit"}
        assert {c.number: c.open_minor for c in snapshot.credits if c.kind == "credit"} == memos
        books = aging.get((code, "USD"))
        assert tuple(snapshot.aging_minor.values()) == (books.buckets_minor if books else (0, 0, 0, 0, 0))
        assert snapshot.credits_minor == (books.credit_minor if books else 0)
        assert snapshot.balance_minor == rows[code][0] == (books.balance_minor if books else 0)
        assert rows[code][1:] == (STATEMENT_TEMPLATE_VERSION, None)
    acme = stated["ACME"]
    assert [i.number for i in acme.items] == ["A-1", "A-2", "A-3"]  # oldest due first; A-4 is dated later
    assert acme.items[0].po == "PO-77" and acme.items[0].bucket == "90+"
    assert acme.aging_minor == {"current": 25000, "1-30": 0, "31-60": 30000, "61-90": 0, "90+": 100000}
    assert [(c.kind, c.number, c.open_minor) for c in acme.credits] == [
        ("credit", "CM-1", 10000), ("payment", "CHK-ACME-75", 7500),
    ]
    assert acme.money(acme.balance_minor) == usd("1375.00")  # 1000 + 300 + 250 - 100 - 75
    # A first statement: the balance 31 days back, then every entry since that moved it.
    assert (acme.balance_forward_on, acme.balance_forward_minor) == (D(2026, 10, 30), 150000)
    assert [(a.kind, a.reference, a.amount_minor) for a in acme.activity] == [
        ("credit", "CM-1", -10000), ("payment", "CHK-ACME-200", -20000), ("invoice", "A-3", 25000),
        ("payment", "CHK-ACME-75", -7500),
    ]
    assert acme.previous_statement_date is None
    assert acme.customer.address == ("1 Main St", "Springfield, IL 62701")  # the seller's own country left off
    assert (acme.customer.email, acme.customer.phone, acme.customer.fax) == (
        "ap@acme.example", "+13125550142", "+13125550199")
    assert acme.customer.delivery == ("email", "print") and acme.customer.terms_days == 30
    assert (acme.seller.name, acme.seller.remit_to) == (services.settings.seller_name, services.settings.seller_address)
    assert stated["BETA"].customer.address == ("CA",)
    assert stated["BETA"].notes == ("Open items in EUR are not on this statement.",)
    paid = stated["PAID"]
    assert (paid.items, paid.credits, paid.balance_minor) == ((), (), 0)
    # Applying P-CM to P-1 moved nothing: issuing it did.
    assert paid.balance_forward_minor == 40000
    assert [(a.kind, a.reference, a.amount_minor) for a in paid.activity] == [
        ("credit", "P-CM", -10000), ("payment", "CHK-PAID-300", -30000),
    ]


def test_a_statement_never_changes_after_it_is_made(services: Services) -> None:
    db = services.db
    build_book(db)
    run(services)
    before = snapshots(db)["ACME"]
    customer(db, "ACME", name="Acme Renamed", address_line1="99 New Rd", city="Chicago", terms_days="60",
             email="new@acme.example", delivery="fax", fax="+13125550100")
    with db.uow() as uow:
        uow.session.execute(update(Customer).where(Customer.code == "ACME").values(on_hold=True))
        uow.commit()
    pay(db, "ACME", "250", D(2026, 12, 1), AllocationRequest("A-3"))
    assert run(services).created == 0
    after = snapshots(db)["ACME"]
    assert after == before
    assert (after.customer.name, after.customer.address[0], after.customer.terms_days) == ("ACME Ltd", "1 Main St", 30)
    assert after.notes == () and [i.number for i in after.items] == ["A-1", "A-2", "A-3"]
    # The next statement shows the account as it is then.
    run(services, D(2026, 12, 31), None)
    december = snapshots(db, D(2026, 12, 31))["ACME"]
    assert (december.customer.name, december.customer.terms_days, december.notes) == ("Acme Renamed", 60,
                                                                                      ("Account on hold",))
    assert december.previous_statement_date == december.balance_forward_on == DAY
    assert december.balance_forward_minor == before.balance_minor
    assert [(a.reference, a.date) for a in december.activity] == [("CHK-ACME-250", D(2026, 12, 1)),
                                                                  ("A-4", D(2026, 12, 5))]


def finance_charge_book(db: Database) -> None:
    load(db, "classes", [{"code": "FIN", "finance_charge_monthly_rate": "1.5", "finance_charge_grace_days": "10",
                          "finance_charge_minimum": "5"}])
    with db.uow() as uow:
        uow.session.execute(update(CustomerClass).where(CustomerClass.code == "FIN")
                            .values(finance_charge_min_past_due=Decimal("20")))
        uow.commit()
    due_40_days_ago, due_5_days_ago = "2026-09-16", "2026-10-21"  # terms 30, charges assessed on 11-25
    for code, amount, date in [("LATE", "1000", due_40_days_ago), ("SMALL", "10", due_40_days_ago),
                               ("EXEMPT", "1000", due_40_days_ago), ("GRACE", "1000", due_5_days_ago)]:
        customer(db, code, **{"class": "FIN"})
        invoice(db, f"{code}-1", amount, date, customer=code)
    customer(db, "NORATE")
    invoice(db, "NORATE-1", "1000", due_40_days_ago, customer="NORATE")
    with db.uow() as uow:
        uow.session.execute(update(Customer).where(Customer.code == "EXEMPT").values(finance_charge_exempt=True))
        uow.commit()


def test_finance_charges_are_documents_on_the_statement_and_charged_once(services: Services) -> None:
    db = services.db
    finance_charge_book(db)
    charges_on = D(2026, 11, 25)
    summary = run(services, charges_on=charges_on)
    assert (summary.finance_charges, summary.created) == (1, 5)
    with db.uow() as uow:
        [fc] = uow.session.scalars(select(Document).where(Document.kind == "finance_charge"))
        events = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "finance_charge.assessed"))
        assert (fc.number, fc.amount, fc.open, fc.doc_date) == ("FC-LATE-20261125", usd("15"), usd("15"), charges_on)
        assert fc.due_date == D(2026, 12, 25)  # on the customer's terms, like any invoice of theirs
        assert [(e.subject, e.details["amount"], e.actor) for e in events] == [
            ("document:FC-LATE-20261125", "15.00", TEST_ACTOR.name)]
    stated = snapshots(db)
    late = stated["LATE"]
    assert [i.number for i in late.finance_charges] == ["FC-LATE-20261125"]
    assert [i.number for i in late.items] == ["LATE-1", "FC-LATE-20261125"]
    assert late.money(late.balance_minor) == usd("1015.00")
    assert all(s.finance_charges == () for code, s in stated.items() if code != "LATE")
    # Run again: the charge is found by its number, not made twice.
    again = run(services, charges_on=charges_on)
    assert (again.finance_charges, again.created, again.skipped) == (0, 0, 5)
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).where(Document.kind == "finance_charge")) == 1
    with pytest.raises(Invalid, match="assessed finance charges on 2026-11-25"):
        run(services, charges_on=DAY)


def test_a_cycle_without_finance_charges_assesses_none(services: Services) -> None:
    finance_charge_book(services.db)
    summary = run(services, charges_on=None)
    assert (summary.finance_charges, summary.created) == (0, 5)
    with pytest.raises(Invalid, match="after the statements"):
        run(services, D(2026, 12, 31), charges_on=D(2027, 1, 1))


def test_rerun_creates_nothing_and_lists_the_statements(services: Services) -> None:
    db = services.db
    build_book(db)
    first = run(services)
    again = run(services)
    assert (again.created, again.skipped, again.customers) == (0, 3, 4)
    assert statement_count(db) == {"ACME": 1, "BETA": 1, "PAID": 1}
    assert latest_statement_date(db.uow()) == DAY
    listed = list_statements(db.uow(), statement_date=DAY)
    assert [(v.customer_code, v.number, v.balance) for v in listed] == [
        (s.customer_code, s.number, s.balance) for s in sorted(first.statements, key=lambda s: s.customer_code)
    ]
    assert [v.number for v in list_statements(db.uow(), customer_code="ACME")] == ["ST-ACME-20261130"]
    assert run_row(db) == ("complete", 8, 3, 3, 0, True)  # 4 customers visited twice, 3 skipped


def test_a_run_killed_half_way_is_finished_by_the_next(services: Services) -> None:
    db = services.db
    codes = [f"K{n}" for n in range(5)]
    for code in codes:
        customer(db, code)
        invoice(db, f"{code}-1", "100", "2026-10-01", customer=code)

    def killed(done: int, total: int) -> None:
        raise RuntimeError(f"killed after {done} of {total}")

    with pytest.raises(RuntimeError, match="killed after 2 of 5"):
        run(services, progress=killed, chunk=2)
    assert statement_count(db) == {"K0": 1, "K1": 1}
    assert run_row(db) == ("running", 2, 2, 0, 0, False)
    seen: list[tuple[int, int]] = []
    resumed = run(services, chunk=2, progress=lambda done, total: seen.append((done, total)))
    assert (resumed.created, resumed.skipped) == (3, 2)
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert statement_count(db) == dict.fromkeys(codes, 1)
    assert run_row(db) == ("complete", 7, 5, 2, 0, True)


def test_customers_with_nothing_open_and_no_activity_get_no_statement(services: Services) -> None:
    db = services.db
    customer(db, "NEW")  # no documents at all
    customer(db, "OLD")
    invoice(db, "O-1", "80.00", "2026-06-01", customer="OLD")
    pay(db, "OLD", "80", D(2026, 10, 15), AllocationRequest("O-1"))  # more than 31 days before the statement
    summary = run(services)
    assert (summary.created, summary.customers) == (0, 2)
    assert statement_count(db) == {}
    assert list_statements(db.uow()) == [] and latest_statement_date(db.uow()) is None


@pytest.mark.file_stores
def test_the_seller_logo_is_kept_in_the_file_store(services: Services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\nnot really a picture")
    customer(services.db)
    invoice(services.db, "1", "10", "2026-11-01")
    branded = dataclasses.replace(services, settings=dataclasses.replace(services.settings, seller_logo=str(logo)))
    run(branded)
    sha = snapshots(services.db)["ACME"].seller.logo_sha256
    assert sha is not None and services.files.get(sha) == logo.read_bytes()
    missing = dataclasses.replace(services, settings=dataclasses.replace(services.settings, seller_logo="/nope.png"))
    with pytest.raises(Invalid, match="seller logo"):
        run(missing, D(2026, 12, 31))


@pytest.mark.parametrize(("now", "expected"), [
    (dt.datetime(2026, 12, 1, 2, 30), D(2026, 11, 30)),  # the early-morning schedule: yesterday's date
    (dt.datetime(2026, 12, 1, 5, 59), D(2026, 11, 30)),
    (dt.datetime(2026, 12, 1, 6, 0), D(2026, 12, 1)),  # from the cutoff hour on: today
    (dt.datetime(2026, 12, 1, 23, 0), D(2026, 12, 1)),
])
def test_statement_date_is_the_previous_day_before_the_cutoff_hour(now: dt.datetime, expected: dt.date) -> None:
    assert statement_date_for(now, 6) == expected
    assert statement_date_for(now, 0) == now.date()  # a cutoff of 0: always the day the cycle runs


def test_two_concurrent_runs_make_each_statement_once(services: Services) -> None:
    db = services.db
    load(db, "classes", [{"code": "FIN", "finance_charge_monthly_rate": "1.5"}])
    codes = [f"R{n:02d}" for n in range(40)]
    load(db, "customers", [{"code": code, "name": code, "class": "FIN"} for code in codes])
    load(db, "invoices", [{"number": f"{code}-1", "customer": code, "date": "2026-09-01", "amount": "100"}
                          for code in codes])
    barrier, outcomes, errors = threading.Barrier(2), [], []

    def cycle() -> None:
        barrier.wait()
        try:
            outcomes.append(run(services, chunk=3))
        except Exception as exc:  # noqa: BLE001 - the test reports whatever a worker hit
            errors.append(exc)

    workers = [threading.Thread(target=cycle) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    assert statement_count(db) == dict.fromkeys(codes, 1)
    assert sum(o.created for o in outcomes) == 40 and sum(o.finance_charges for o in outcomes) == 40
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).where(Document.kind == "finance_charge")) == 40
    assert run_row(db) == ("complete", 80, 40, 40, 40, True)  # each worker visits everyone; one makes, one skips
