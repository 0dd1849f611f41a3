"""Balance-forward statements on SQLite and PostgreSQL: from the previous statement's balance, line by line, to the
amount due, as a bookkeeper ticks it on paper."""

from __future__ import annotations

import datetime as dt
import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from core.bootstrap import Services
from core.kernel.db import Database
from core.kernel.money import Money
from core.ledger.models import Customer, Document
from core.ledger.posting import CreditSource, apply_credit, record_payment
from core.ledger.rules import AllocationRequest
from core.payments.processor import ProcessorEvent
from core.payments.settlement import apply_event
from core.statements.cycle import RunSummary, run_statements
from core.statements.models import Statement
from core.statements.pdf import render_statement_pdf
from core.statements.snapshots import StatementSnapshot
from tests.books import TEST_ACTOR, TEST_BRANDING, customer, invoice, load

D = dt.date
NOVEMBER, DECEMBER = D(2026, 11, 30), D(2026, 12, 31)
REASONS = ("Damaged goods", "Other")


def usd(minor: int) -> str:
    return Money.from_minor(minor, "USD").format("en_US")


def run(services: Services, day: dt.date, charges_on: dt.date | None = None) -> RunSummary:
    return run_statements(services.db, services.settings, services.files, statement_date=day,
                          finance_charges_on=charges_on, actor=TEST_ACTOR)


def statement(db: Database, code: str, day: dt.date) -> tuple[StatementSnapshot, int]:
    """The customer's statement of the date, and the balance stored beside it."""
    with db.uow() as uow:
        stored, balance = uow.session.execute(
            select(Statement.snapshot, Statement.balance_minor).join(Customer)
            .where(Customer.code == code, Statement.statement_date == day)
        ).one()
        return StatementSnapshot.from_json(stored), balance


def pay(db: Database, code: str, amount: str, day: dt.date, *requests: AllocationRequest) -> int:
    return record_payment(db.uow(), customer_code=code, amount=Money.of(amount, "USD"), received_on=day,
                          requests=list(requests), reasons=REASONS, actor=TEST_ACTOR,
                          reference=f"CHK-{amount}").payment_id


def lines(snapshot: StatementSnapshot) -> list[tuple]:
    return [(a.date, a.kind, a.reference, a.amount_minor, a.detail) for a in snapshot.activity]


def assert_ticks(snapshot: StatementSnapshot) -> None:
    """The balance forward plus every line is the balance; the aging, less the credits, is the same."""
    assert snapshot.balance_forward_minor is not None
    assert snapshot.balance_forward_minor + sum(a.amount_minor for a in snapshot.activity) == snapshot.balance_minor
    assert sum(snapshot.aging_minor.values()) - snapshot.credits_minor == snapshot.balance_minor
    assert sum(snapshot.summary_minor().values()) == snapshot.activity_minor


def test_the_statement_runs_from_the_previous_balance_to_the_amount_due(services: Services) -> None:
    """Issue 14's C1001: the discount taken is a line, the credit memo applied is none, and the lines add up."""
    db = services.db
    load(db, "classes", [{"code": "FIN", "finance_charge_monthly_rate": "1.5"}])
    customer(db, "HARBOR", **{"class": "FIN"})
    invoice(db, "104002", "7238.87", "2026-10-15", customer="HARBOR")  # due 11-14: past due by December
    invoice(db, "104003", "2512.00", "2026-11-25", customer="HARBOR", discount_percent="2", discount_days="10")
    invoice(db, "CM-7", "59.45", "2026-11-20", customer="HARBOR", type="credit")
    run(services, NOVEMBER)
    november, _ = statement(db, "HARBOR", NOVEMBER)
    assert november.balance_minor == 723_887 + 251_200 - 5_945

    pay(db, "HARBOR", "2461.76", D(2026, 12, 1), AllocationRequest("104003"))  # 2% off: 50.24
    apply_credit(db.uow(), customer_code="HARBOR", source=CreditSource(credit_number="CM-7"),
                 invoice_number="104002", applied_on=D(2026, 12, 3), actor=TEST_ACTOR)
    invoice(db, "104010", "1200.00", "2026-12-10", customer="HARBOR", po="PO-9")
    pay(db, "HARBOR", "100", D(2026, 12, 20))  # on account
    run(services, DECEMBER, charges_on=DECEMBER)
    december, stored_balance = statement(db, "HARBOR", DECEMBER)
    with db.uow() as uow:
        (charge,) = uow.session.scalars(select(Document).where(Document.kind == "finance_charge"))
        charge_number, charge_minor = charge.number, charge.amount_minor

    assert (december.balance_forward_on, december.balance_forward_minor) == (NOVEMBER, november.balance_minor)
    assert lines(december) == [
        (D(2026, 12, 1), "payment", "CHK-2461.76", -246_176, None),
        (D(2026, 12, 1), "discount", "104003", -5_024, "CHK-2461.76"),
        (D(2026, 12, 10), "invoice", "104010", 120_000, "PO-9"),
        (D(2026, 12, 20), "payment", "CHK-100", -10_000, None),
        (DECEMBER, "finance_charge", charge_number, charge_minor, None),
    ]  # and no line for CM-7 applied to 104002 on 12-03: it moved nothing
    assert december.summary_minor() == {"invoice": 120_000, "finance_charge": charge_minor, "payment": -256_176,
                                        "discount": -5_024, "credit": 0, "adjustment": 0}
    assert december.balance_minor == stored_balance == 969_142 - 246_176 - 5_024 + 120_000 - 10_000 + charge_minor
    assert_ticks(december)
    assert_ticks(november)
    assert (november.balance_forward_on, november.balance_forward_minor) == (D(2026, 10, 30), 723_887)  # 104002

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_statement_pdf(december))).pages)
    running = [969_142, 722_966, 717_942, 837_942, 827_942, 827_942 + charge_minor]  # after each line
    assert "Account activity since your statement of Nov 30, 2026" in text
    assert f"Nov 30, 2026 Balance from your previous statement {usd(running[0])}" in text
    shown = ["Payment received, thank you $2,461.76", "Early-payment discount (CHK-2461.76) $50.24",
             "Invoice, PO-9 $1,200.00", "Payment received, thank you $100.00", f"Finance charge {usd(charge_minor)}"]
    for line, described, balance in zip(december.activity, shown, running[1:], strict=True):  # each ticked
        assert f"{line.reference} {described} {usd(balance)}" in text, described
    assert "CM-7" not in text.split("Open items")[0]  # the application is not activity
    summary_row = " ".join(usd(m) for m in (969_142, 120_000, charge_minor, -256_176, -5_024, 0, 0,
                                            december.balance_minor))
    assert summary_row in text  # previous balance, invoices, finance charges, payments, discounts, credits, adj.
    assert re.search(rf"Amount due \(USD\) {re.escape(usd(december.balance_minor))}", text)


def test_money_that_went_back_erp_settlements_and_late_entries_are_lines_too(services: Services) -> None:
    db = services.db
    customer(db, "RET")
    invoice(db, "R-0", "300.00", "2026-10-01", customer="RET")
    invoice(db, "R-1", "1000.00", "2026-11-01", customer="RET", discount_percent="2", discount_days="10")
    payment = pay(db, "RET", "980", D(2026, 11, 5), AllocationRequest("R-1"))
    run(services, NOVEMBER)
    november, _ = statement(db, "RET", NOVEMBER)
    assert november.balance_minor == 30_000

    returned = ProcessorEvent("evt-return-1", "payment.returned", None, dt.datetime(2026, 12, 4, 15, tzinfo=dt.UTC),
                              "R01 insufficient funds", str(payment))
    apply_event(db.uow(), returned, TEST_ACTOR, TEST_BRANDING)
    invoice(db, "R-2", "500.00", "2026-12-10", customer="RET", open_amount="200.00")  # the ERP had 300 paid
    invoice(db, "R-0", "300.00", "2026-10-01", customer="RET", open_amount="250.00")  # the ERP lowers an old one
    invoice(db, "R-9", "70.00", "2026-11-15", customer="RET")  # dated last period, imported late
    run(services, DECEMBER)
    december, _ = statement(db, "RET", DECEMBER)

    assert lines(december) == [
        (D(2026, 12, 4), "payment_returned", "CHK-980", 98_000, None),
        (D(2026, 12, 4), "discount_reversed", "R-1", 2_000, "CHK-980"),
        (D(2026, 12, 10), "invoice", "R-2", 50_000, None),
        (D(2026, 12, 10), "settled_in_erp", "R-2", -30_000, None),
        (DECEMBER, "correction", "", 70_00 - 50_00, None),  # R-9 late, R-0 lowered: both dated before 11-30
    ]
    assert december.balance_minor == 25_000 + 100_000 + 20_000 + 7_000
    assert_ticks(december)
    assert december.summary_minor()["adjustment"] == 98_000 + 2_000 - 30_000 + 2_000
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_statement_pdf(december))).pages)
    for shown in ("Payment returned $980.00 $1,280.00", "Discount reversed: CHK-980 was returned $20.00 $1,300.00",
                  "Paid or adjusted in our accounting system $300.00 $1,500.00",
                  "Correction to entries up to Nov 30, 2026 $20.00 $1,520.00"):
        assert shown in text, shown
