"""The chat's balance read (core.ledger.balances) against the ledger's figures, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from core.kernel.db import Database
from core.kernel.money import Money
from core.ledger.balances import CurrencyBalance, balance_today
from core.ledger.book import aging_report, open_items
from core.ledger.models import Customer, Document
from core.ledger.posting import CreditSource, apply_credit, record_payment
from core.ledger.rules import AllocationRequest
from tests.books import TEST_ACTOR, customer, invoice

TODAY = dt.date(2026, 6, 30)
REASONS = ("Damaged goods", "Other")


def days_ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def customer_id(db: Database, code: str) -> int:
    with db.uow() as uow:
        found = uow.session.scalar(select(Customer.id).where(Customer.code == code))
        assert found is not None
        return found


def mixed_book(db: Database) -> None:
    """Invoices in every state, credits, unapplied cash and three currencies; and a neighbour's book."""
    customer(db, "ACME")
    customer(db, "OTHER")
    invoice(db, "INV-10", "100.00", days_ago(95))  # due 65 days ago: the oldest overdue …
    invoice(db, "INV-09", "50.00", days_ago(95))  # … tied with this one, which comes first by number
    invoice(db, "INV-11", "300.00", days_ago(40))  # 10 days past due, paid in part below
    invoice(db, "FC-1", "12.50", days_ago(35), type="finance_charge")
    invoice(db, "INV-12", "80.00", days_ago(30))  # due today: not past due
    invoice(db, "INV-13", "999.00", days_ago(-3))  # dated after today: not in today's book
    invoice(db, "INV-14", "70.00", days_ago(120))  # voided below
    invoice(db, "INV-15", "40.00", days_ago(100))  # paid in full by the credit memo below
    invoice(db, "CM-1", "60.00", days_ago(20), type="credit")
    invoice(db, "CAD-1", "500.00", days_ago(45), currency="CAD")
    invoice(db, "CAD-CM", "700.00", days_ago(10), type="credit", currency="CAD")  # CAD: a credit on account
    invoice(db, "EUR-CM", "15.00", days_ago(10), type="credit", currency="EUR")
    invoice(db, "O-1", "5000.00", days_ago(200), customer="OTHER")
    usd = lambda text: Money.of(text, "USD")  # noqa: E731
    record_payment(db.uow(), customer_code="ACME", amount=usd("250.00"), received_on=TODAY - dt.timedelta(days=2),
                   requests=[AllocationRequest("INV-11", usd("100.00"), "Damaged goods")], reasons=REASONS,
                   actor=TEST_ACTOR)  # 150.00 of it stays on account
    apply_credit(db.uow(), customer_code="ACME", source=CreditSource(credit_number="CM-1"), invoice_number="INV-15",
                 applied_on=TODAY - dt.timedelta(days=1), actor=TEST_ACTOR)
    with db.uow() as uow:
        uow.session.execute(update(Document).where(Document.number == "INV-14").values(voided=True))
        uow.commit()


def ledger_view(db: Database, customer_id: int) -> list[CurrencyBalance]:
    """The same figures the slow way: the aging report and the open items, as of today."""
    with db.uow() as uow:
        aging = aging_report(uow.session, TODAY, [customer_id])
        items = open_items(uow.session, customer_id, TODAY)
    found = []
    for row in aging:
        overdue = [i for i in items if i.kind != "credit" and i.open.currency == row.currency and i.days_past_due > 0]
        oldest = max(overdue, key=lambda i: i.days_past_due) if overdue else None  # the first of the longest
        found.append(CurrencyBalance(row.currency, row.balance_minor, sum(row.buckets_minor[1:]),
                                     oldest.number if oldest else None, oldest.due_date if oldest else None, TODAY))
    return found


def test_the_balance_read_equals_the_ledger_on_a_mixed_book(db: Database) -> None:
    mixed_book(db)
    acme = customer_id(db, "ACME")

    balances = balance_today(db.uow(), acme, TODAY)

    assert balances == ledger_view(db, acme)
    cad, eur, usd = balances
    # USD: 100 + 50 + 200 + 12.50 + 80 open, less 150 on account and the 20 left of CM-1; past due: all but
    # the 80 due today.
    assert (usd.balance, usd.past_due, usd.oldest_overdue, usd.days_overdue) == (
        Money.of("272.50", "USD"), Money.of("362.50", "USD"), "INV-09", 65)
    assert (cad.balance, cad.past_due, cad.oldest_overdue, cad.days_overdue) == (
        Money.of("-200.00", "CAD"), Money.of("500.00", "CAD"), "CAD-1", 15)
    assert (eur.balance, eur.past_due, eur.oldest_overdue, eur.days_overdue) == (
        Money.of("-15.00", "EUR"), Money.of("0", "EUR"), None, None)
    assert {type(v) for b in balances for v in (b.balance_minor, b.past_due_minor)} == {int}


def test_a_customer_with_nothing_open_has_no_balance_lines(db: Database) -> None:
    mixed_book(db)
    customer(db, "NEW")

    assert balance_today(db.uow(), customer_id(db, "NEW"), TODAY) == []
    [other] = balance_today(db.uow(), customer_id(db, "OTHER"), TODAY)
    assert (other.balance, other.oldest_overdue, other.days_overdue) == (Money.of("5000.00", "USD"), "O-1", 170)


def test_the_figures_are_for_the_day_asked(db: Database) -> None:
    """`today` is the day the figures are for: an invoice falls past due the day after its due date."""
    mixed_book(db)
    acme = customer_id(db, "ACME")

    tomorrow = balance_today(db.uow(), acme, TODAY + dt.timedelta(days=1))

    usd = next(b for b in tomorrow if b.currency == "USD")
    assert usd.past_due == Money.of("442.50", "USD")  # INV-12, due today, is past due tomorrow
