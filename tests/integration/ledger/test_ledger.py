"""Balances, aging and open items as of a date, through the services, on SQLite and PostgreSQL."""

import datetime as dt

from sqlalchemy import select, update

from core.kernel.money import Money
from core.ledger.book import aging_report, dunning_candidates, open_items
from core.ledger.models import Customer, Document
from core.ledger.posting import CreditSource, apply_credit, record_payment
from core.ledger.rules import AllocationRequest
from tests.books import TEST_ACTOR, customer, invoice

D = dt.date
REASONS = ("Damaged goods", "Other")


def usd(text: str) -> Money:
    return Money.of(text, "USD")


def test_aging_buckets_balance_and_credits(db):
    customer(db)
    as_of = D(2026, 6, 30)
    # due dates by terms 30: doc date = due - 30
    for number, due, amount in [
        ("C0", as_of, "100"),  # day 0: current
        ("B1", as_of - dt.timedelta(days=1), "10"),
        ("B30", as_of - dt.timedelta(days=30), "20"),
        ("B31", as_of - dt.timedelta(days=31), "30"),
        ("B61", as_of - dt.timedelta(days=61), "40"),
        ("B91", as_of - dt.timedelta(days=91), "50"),
    ]:
        invoice(db, number, amount, str(due - dt.timedelta(days=30)))
    invoice(db, "CM1", "25", "2026-06-01", type="credit")
    with db.uow() as uow:
        [row] = aging_report(uow.session, as_of)
    assert row.buckets == {
        "current": usd("100"), "1-30": usd("30"), "31-60": usd("30"), "61-90": usd("40"), "90+": usd("50"),
    }
    assert row.credit == usd("25")
    assert row.balance == usd("225")
    assert row.most_overdue_days == 91


def test_payment_with_discount_short_pay_and_history_as_of(db):
    customer(db)
    invoice(db, "INV-1", "1000.00", "2026-05-01", discount_percent="2", discount_days="10")
    invoice(db, "INV-2", "500.00", "2026-05-01")
    posted = record_payment(
        db.uow(), customer_code="ACME", amount=usd("1300"), received_on=D(2026, 5, 8),
        requests=[AllocationRequest("INV-1"), AllocationRequest("INV-2", usd("320"), "Damaged goods")],
        reasons=REASONS, actor=TEST_ACTOR,
    )
    assert [(ln.number, ln.amount, ln.discount) for ln in posted.lines] == [
        ("INV-1", usd("980.00"), usd("20.00")), ("INV-2", usd("320"), usd("0")),
    ]
    assert posted.unapplied == usd("0")
    with db.uow() as uow:
        today = aging_report(uow.session, D(2026, 5, 8))
        before = aging_report(uow.session, D(2026, 5, 7))
        items = open_items(uow.session, 1, D(2026, 5, 7))
    assert today[0].balance == usd("180")
    assert before[0].balance == usd("1500")  # the book as it stood the day before the payment
    assert [(i.number, i.open) for i in items] == [("INV-1", usd("1000")), ("INV-2", usd("500"))]


def test_deposit_then_credit_application_and_candidates(db):
    customer(db)
    invoice(db, "INV-9", "400", "2026-01-01")
    deposit = record_payment(db.uow(), customer_code="ACME", amount=usd("150"), received_on=D(2026, 2, 1),
                             requests=[], reasons=REASONS, actor=TEST_ACTOR)
    assert deposit.unapplied == usd("150")
    with db.uow() as uow:
        [cand] = dunning_candidates(uow.session, D(2026, 3, 1))
    assert (cand.customer_code, cand.balance, cand.most_overdue_days) == ("ACME", usd("250"), 29)
    applied = apply_credit(db.uow(), customer_code="ACME", source=CreditSource(payment_id=deposit.payment_id),
                           invoice_number="INV-9", applied_on=D(2026, 3, 2), actor=TEST_ACTOR)
    assert (applied.amount, applied.invoice_open, applied.source_remaining) == (usd("150"), usd("250"), usd("0"))
    with db.uow() as uow:
        assert aging_report(uow.session, D(2026, 3, 2))[0].balance == usd("250")
        assert aging_report(uow.session, D(2026, 3, 1))[0].credit == usd("150")


def test_customer_ids_may_be_any_iterable_and_amounts_are_integers(db):
    customer(db)
    invoice(db, "INV-1", "400", "2026-01-01")
    record_payment(db.uow(), customer_code="ACME", amount=usd("150"), received_on=D(2026, 2, 1),
                   requests=[], reasons=REASONS, actor=TEST_ACTOR)
    with db.uow() as uow:
        ids = uow.session.scalars(select(Customer.id)).all()
        [row] = aging_report(uow.session, D(2026, 3, 1), (i for i in ids))  # read once only
        [cand] = dunning_candidates(uow.session, D(2026, 3, 1))
    assert (row.debit_minor, row.credit_minor) == (40_000, 15_000)  # the deposit counts, too
    # ints as declared, not the Decimal that PostgreSQL's sum(bigint) would give
    assert {type(v) for v in (*row.buckets_minor, row.credit_minor, cand.balance_minor)} == {int}


def test_a_voided_invoice_is_out_of_the_book_as_of_any_date(db):
    customer(db)
    invoice(db, "INV-1", "500", "2026-01-01")
    invoice(db, "INV-2", "100", "2026-01-01")
    part = AllocationRequest("INV-1", usd("200"), "Damaged goods")
    record_payment(db.uow(), customer_code="ACME", amount=usd("200"), received_on=D(2026, 2, 1),
                   requests=[part], reasons=REASONS, actor=TEST_ACTOR)
    with db.uow() as uow:
        uow.session.execute(update(Document).where(Document.number == "INV-1").values(voided=True))
        uow.commit()
    with db.uow() as uow:
        before_payment = aging_report(uow.session, D(2026, 1, 31))
        candidates = dunning_candidates(uow.session, D(2026, 1, 31))
    # Not the 200 paid on it later: a void carries no date, so the invoice is gone from every day's book.
    assert [row.debit_minor for row in before_payment] == [10_000]
    assert [c.balance_minor for c in candidates] == [10_000]
