"""ERP CSV imports through `run_import` on SQLite and PostgreSQL: what loads, what is rejected and why, and
that re-sending a file (or a lagging ERP balance) never duplicates rows or resurrects a collected balance.
"""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.dunning import run_dunning
from core.kernel.db import Database
from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.ledger.erp import ImportReport, csv_rows, missing_columns, run_import
from core.ledger.finance_charges import FinanceChargePolicy
from core.ledger.models import Contact, Customer, CustomerClass, Document
from core.ledger.posting import CreditSource, apply_credit, record_payment
from core.ledger.rules import AllocationRequest
from core.statements import DeliverySelection, deliver_statements, run_statements
from tests.books import TEST_ACTOR, customer, invoice

REASONS = ("Damaged goods", "Other")


def run(db: Database, kind: str, text: str | bytes) -> ImportReport:
    data = text.encode() if isinstance(text, str) else text
    return run_import(db.uow(), kind, csv_rows(data), TEST_ACTOR)


def count(db: Database, model: type) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def document(db: Database, number: str) -> Document:
    """The document as stored now, detached (the unit of work rolls back on the way out)."""
    with db.uow() as uow:
        doc = uow.session.scalars(select(Document).where(Document.number == number)).one()
        uow.session.expunge(doc)
        return doc


def rejected_columns(report: ImportReport) -> list[tuple[int, str]]:
    """(line, the column the reason names) for each rejected row; reasons read `column: why`."""
    return [(line, reason.split(":", 1)[0]) for line, reason in report.rejected]


CUSTOMERS = """\
code,name,class,terms_days,currency,email,phone,timezone,delivery
ACME,Acme Ltd,WHOLESALE,30,USD,AP@Acme.example,(212) 736-5000,America/New_York,email;print
GLOBEX,Globex Corp,,45,EUR,billing@globex.example,,Europe/Berlin,
INITECH,Initech,WHOLESALE,,USD,,,,print
"""

INVOICES = """\
number,customer,type,date,due_date,amount,open_amount,po,discount_percent,discount_days
INV-1,ACME,invoice,2026-05-01,,"1,200.50",,PO-9,2,10
INV-2,ACME,,2026-05-03,2026-06-30,300,150,,,
CM-1,ACME,credit,2026-05-04,,50,,,,
INV-3,GLOBEX,invoice,2026/05/05,,99.99,,,,
"""


def test_a_good_file_loads_and_reports_what_it_did(db):
    report = run(db, "customers", CUSTOMERS)
    assert report.summary() == "loaded 3, updated 0, rejected 0"
    report = run(db, "invoices", INVOICES)
    assert report.summary() == "loaded 4, updated 0, rejected 0"

    inv1, inv2, memo, inv3 = (document(db, n) for n in ("INV-1", "INV-2", "CM-1", "INV-3"))
    assert (inv1.amount, inv1.open, inv1.due_date, inv1.po) == (
        Money.of("1200.50", "USD"), Money.of("1200.50", "USD"), dt.date(2026, 5, 31), "PO-9",
    )  # due date from the customer's 30-day terms
    assert (inv2.open, inv2.due_date) == (Money.of("150", "USD"), dt.date(2026, 6, 30))
    assert inv2.discount_forfeited  # the ERP says it is partly paid
    assert (memo.kind, memo.amount) == ("credit", Money.of("50", "USD"))
    # In the customer's currency (EUR) and due after its 45-day terms.
    assert (inv3.amount, inv3.due_date) == (Money.of("99.99", "EUR"), dt.date(2026, 6, 19))
    with db.uow() as uow:
        globex = uow.session.scalars(select(Customer).where(Customer.code == "GLOBEX")).one()
        assert (globex.currency, globex.terms_days, globex.timezone) == ("EUR", 45, "Europe/Berlin")
        assert globex.delivery_methods == ["email"]  # the default when an email is given


def test_running_the_same_files_again_updates_and_never_duplicates(db):
    classes = "code,name,allow_auto_statement\nWHOLESALE,Wholesale,true\n"
    for kind, text in (("classes", classes), ("customers", CUSTOMERS), ("invoices", INVOICES)):
        run(db, kind, text)
    counts = {model: count(db, model) for model in (CustomerClass, Customer, Contact, Document)}
    # The DEFAULT class was created for GLOBEX; INITECH has no email or phone, so no contact.
    assert counts == {CustomerClass: 2, Customer: 3, Contact: 2, Document: 4}

    assert run(db, "classes", classes).summary() == "loaded 0, updated 1, rejected 0"
    assert run(db, "customers", CUSTOMERS).summary() == "loaded 0, updated 3, rejected 0"
    assert run(db, "invoices", INVOICES).summary() == "loaded 0, updated 4, rejected 0"
    assert {model: count(db, model) for model in counts} == counts


def test_bad_invoice_rows_are_rejected_with_their_line_and_reason_and_good_rows_still_load(db):
    customer(db, "ACME")
    text = (
        "number,customer,date,amount,open_amount,currency\n"  # line 1
        "OK-1,ACME,2026-05-01,100,,\n"  # 2
        "B-3,NOPE,2026-05-01,100,,\n"  # 3
        "B-4,ACME,31/12/2026,100,,\n"  # 4
        "B-5,ACME,2026-05-01,-5,,\n"  # 5
        "B-6,ACME,2026-05-01,12abc,,\n"  # 6
        "B-7,ACME,2026-05-01,100,150,\n"  # 7
        "B-8,ACME,2026-05-01,100,,ZZZ\n"  # 8
        "\n"  # 9: blank lines are skipped but still counted
        "OK-10,ACME,2026-05-02,\"1,000\",,\n"  # 10
        "B-11,ACME,2026-05-01,,,\n"  # 11
        "B-12,ACME,2026-05-01,100,,JPY\n"  # 12: fine, yen have no decimals
        "B-13,ACME,2026-05-01,100.50,,JPY\n"  # 13: refused, never rounded to 101
    )
    report = run(db, "invoices", text)
    assert report.summary() == "loaded 3, updated 0, rejected 8"
    reasons = dict(report.rejected)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 11, 13]
    assert reasons[13] == "amount: 100.50 has more decimals than JPY allows (0)"
    assert reasons[3] == "customer: unknown customer 'NOPE' (import it first)"
    assert reasons[4] == "date: expected a date as YYYY-MM-DD, got '31/12/2026'"
    assert reasons[5].startswith("amount: must not be negative, got -5")
    assert reasons[6] == "amount: not an amount: '12abc'"
    assert reasons[7] == "open_amount: 150.00 is more than the amount 100.00"
    assert reasons[8] == "currency: unknown currency 'ZZZ'"
    assert reasons[11] == "amount: required"
    assert count(db, Document) == 3
    assert document(db, "OK-10").amount == Money.of("1000", "USD")


def test_line_numbers_count_the_lines_of_a_quoted_field_that_spans_several(db):
    customer(db, "ACME")
    text = (
        "number,customer,date,amount,po\n"  # line 1
        'M-2,ACME,2026-05-01,100,"PO 7\nsecond line\nthird line"\n'  # lines 2-4: one record, loads
        "B-5,ACME,2026-05-01,abc,\n"  # line 5
        'B-6,ACME,2026-05-01,-1,"two\nlines"\n'  # lines 6-7: reported where it starts
        "B-8,NOPE,2026-05-01,1,\n"  # line 8
    )
    report = run(db, "invoices", text)
    assert rejected_columns(report) == [(5, "amount"), (6, "amount"), (8, "customer")]
    assert report.loaded == 1
    assert document(db, "M-2").po == "PO 7\nsecond line\nthird line"


@pytest.mark.parametrize(
    ("kind", "header", "row", "column"),
    [
        ("invoices", "number,customer,date", "X-1,ACME,2026-05-01", "amount"),
        ("invoices", "number,date,amount", "X-1,2026-05-01,10", "customer"),
        ("customers", "code,email", "NEW,ap@new.example", "name"),
        ("classes", "name,allow_auto_statement", "Retail,false", "code"),
    ],
)
def test_a_missing_required_column_rejects_every_row_naming_the_column(db, kind, header, row, column):
    customer(db, "ACME")
    data = "\n".join([header, row, row.replace("X-1", "X-2").replace("NEW", "NEW2"), ""]).encode()
    assert missing_columns(kind, data) == [column]
    report = run(db, kind, data)
    assert report.summary() == "loaded 0, updated 0, rejected 2"
    assert report.rejected == [(2, f"{column}: required"), (3, f"{column}: required")]


def test_bad_customer_rows_are_rejected_with_their_line_and_reason(db):
    text = (
        "code,name,email,phone,delivery,timezone,currency\n"  # line 1
        "GOOD1,Good One,ap@good1.example,,,,\n"  # 2
        "E,Bad Email,not-an-email,,,,\n"  # 3
        "P,Bad Phone,,12345,,,\n"  # 4
        "P2,Worse Phone,,call me,,,\n"  # 5
        "D,Bad Delivery,,,pigeon,,\n"  # 6
        "T,Bad Zone,,,,Mars/Olympus_Mons,\n"  # 7
        "C,Bad Currency,,,,,ZZZ\n"  # 8
        "M,Email Delivery Without Email,,,email,,\n"  # 9
        "GOOD2,Good Two,,,print,Asia/Tokyo,JPY\n"  # 10
    )
    report = run(db, "customers", text)
    assert report.summary() == "loaded 3, updated 0, rejected 6, 1 warning(s)"
    reasons = dict(report.rejected)
    assert reasons == {
        3: "email: not an email address: 'not-an-email'",
        4: "phone: not a valid number: '12345'",
        5: "phone: not a phone number: 'call me'",
        6: "delivery: unknown method 'pigeon'; use email, print, fax, telegram, sms",
        7: "timezone: unknown IANA time zone 'Mars/Olympus_Mons'",
        8: "currency: unknown currency 'ZZZ'",
    }
    assert [(line, why.split(";")[0]) for line, why in report.warnings] == [
        (9, "delivery: email delivery needs an email address")]
    with db.uow() as uow:
        assert sorted(uow.session.scalars(select(Customer.code))) == ["GOOD1", "GOOD2", "M"]


def test_a_customer_without_the_address_its_delivery_needs_is_loaded_with_its_debt_and_skipped_with_the_reason(
        services):
    """Rejecting the row lost its invoices too ("unknown customer") and their debt from the book."""
    db = services.db
    run(db, "classes", "code,allow_auto_statement\nAUTO,true\n")
    report = run(db, "customers", "code,name,class,delivery\nNOMAIL,No Mail Ltd,AUTO,email\n")
    assert report.loaded == 1 and report.rejected == [] and len(report.warnings) == 1
    assert run(db, "invoices", "number,customer,date,amount\nNM-1,NOMAIL,2026-09-01,300.00\n").loaded == 1

    skipped = run_dunning(services, dt.date(2026, 11, 22), TEST_ACTOR, customer_codes=["NOMAIL"])
    assert [(r.status, r.reason) for r in skipped] == [("skipped", "no email address")]
    run_statements(db, services.settings, services.files, statement_date=dt.date(2026, 10, 31),
                   finance_charges_on=None, actor=TEST_ACTOR)
    delivered = deliver_statements(services, DeliverySelection(), TEST_ACTOR)
    assert [(line.customer, line.channel, line.status, line.reason) for line in delivered] == [
        ("NOMAIL", "email", "skipped", "no email address")]


def test_a_customer_in_an_unknown_class_gets_a_new_class_without_automatic_statements(db):
    run(db, "classes", "code,name,allow_auto_statement\nVIP,Very Important,yes\n")
    report = run(db, "customers", "code,name,class\nA,A Ltd,VIP\nB,B Ltd,distributors\n")
    assert report.summary() == "loaded 2, updated 0, rejected 0"
    with db.uow() as uow:
        classes = {c.code: c.allow_auto_statement for c in uow.session.scalars(select(CustomerClass))}
        members = dict(uow.session.execute(
            select(Customer.code, CustomerClass.code)
            .join(CustomerClass, Customer.class_id == CustomerClass.id)
        ).all())
    assert classes == {"VIP": True, "distributors": False}
    assert members == {"A": "VIP", "B": "distributors"}


def policies(db: Database) -> dict[str, FinanceChargePolicy]:
    """How each customer is charged finance charges, as the statement cycle reads it."""
    with db.uow() as uow:
        return {c.code: FinanceChargePolicy.for_customer(c.customer_class, c.finance_charge_exempt)
                for c in uow.session.scalars(select(Customer))}


def test_finance_charge_terms_load_with_the_class_and_the_exemption_with_the_customer(db):
    classes = "code,finance_charge_monthly_rate,finance_charge_min_past_due,finance_charge_compound\n"
    assert run(db, "classes", classes + "TRADE,1.5,25.00,yes\n").summary() == "loaded 1, updated 0, rejected 0"
    customers = "code,name,class,finance_charge_exempt\nACME,Acme Ltd,TRADE,true\nBOLT,Bolt Inc,TRADE,\n"
    assert run(db, "customers", customers).summary() == "loaded 2, updated 0, rejected 0"
    charged = policies(db)
    assert charged["BOLT"] == FinanceChargePolicy(Decimal("1.5"), minimum_past_due=Decimal("25"), compound=True)
    assert charged["ACME"].exempt and not charged["ACME"].charges

    # A later file changes the terms in place.
    assert run(db, "classes", classes + "TRADE,1.5,,no\n").summary() == "loaded 0, updated 1, rejected 0"
    customers = "code,name,class,finance_charge_exempt\nACME,Acme Ltd,TRADE,no\n"
    assert run(db, "customers", customers).summary() == "loaded 0, updated 1, rejected 0"
    assert policies(db)["ACME"] == FinanceChargePolicy(Decimal("1.5"))


def test_bad_finance_charge_terms_and_exemptions_are_rejected_with_their_line_and_reason(db):
    classes = (
        "code,finance_charge_min_past_due,finance_charge_compound\n"  # line 1
        "GOOD,10,false\n"  # 2
        "WORDS,lots,\n"  # 3
        "NEGATIVE,-5,\n"  # 4
        "HUGE,100000000,\n"  # 5: more than the column holds (PostgreSQL would refuse it)
        "MAYBE,,maybe\n"  # 6
    )
    report = run(db, "classes", classes)
    assert report.summary() == "loaded 1, updated 0, rejected 4"
    assert dict(report.rejected) == {
        3: "finance_charge_min_past_due: expected a number, got 'lots'",
        4: "finance_charge_min_past_due: -5 is outside 0..99999999",
        5: "finance_charge_min_past_due: 100000000 is outside 0..99999999",
        6: "finance_charge_compound: expected true or false, got 'maybe'",
    }
    customers = "code,name,finance_charge_exempt\nACME,Acme Ltd,sometimes\nBOLT,Bolt Inc,no\n"
    report = run(db, "customers", customers)
    assert report.rejected == [(2, "finance_charge_exempt: expected true or false, got 'sometimes'")]
    assert list(policies(db)) == ["BOLT"]


def test_email_and_phone_become_the_primary_contact_with_the_phone_in_e164(db):
    text = (
        "code,name,email,phone,country\n"
        "ACME,Acme Ltd,AP@Acme.Example,(212) 736-5000,\n"
        "BRIT,Brit Ltd,,020 7946 0958,gb\n"
    )
    assert run(db, "customers", text).summary() == "loaded 2, updated 0, rejected 0"
    with db.uow() as uow:
        contacts = uow.session.execute(
            select(Customer.code, Contact.email, Contact.phone, Contact.is_primary)
            .join(Contact)
            .order_by(Customer.code)
        ).all()
    assert [tuple(c) for c in contacts] == [
        ("ACME", "ap@acme.example", "+12127365000", True),
        ("BRIT", None, "+442079460958", True),
    ]
    # A later file with a new phone updates the same primary contact; it does not add one.
    assert run(db, "customers", "code,name,phone\nACME,Acme Ltd,+1 415 555 2671\n").summary() == (
        "loaded 0, updated 1, rejected 0"
    )
    with db.uow() as uow:
        acme = uow.session.execute(
            select(Contact.email, Contact.phone).join(Customer).where(Customer.code == "ACME")
        )
        assert [tuple(c) for c in acme] == [("ap@acme.example", "+14155552671")]


def test_an_erp_resending_an_invoice_never_resurrects_a_balance_we_collected(db):
    customer(db, "ACME")
    invoice(db, "INV-1", "1000", "2026-05-01")
    paid = Money.of("400", "USD")
    record_payment(db.uow(), customer_code="ACME", amount=paid, received_on=dt.date(2026, 5, 10),
                   requests=[AllocationRequest("INV-1", paid, "Damaged goods")],
                   reasons=REASONS, actor=TEST_ACTOR)
    header = "number,customer,date,amount,open_amount\n"

    assert run(db, "invoices", header + "INV-1,ACME,2026-05-01,1000,1000\n").summary() == (
        "loaded 0, updated 1, rejected 0"
    )
    assert document(db, "INV-1").open == Money.of("600", "USD")
    run(db, "invoices", header + "INV-1,ACME,2026-05-01,1000,\n")  # no open_amount: the full amount
    assert document(db, "INV-1").open == Money.of("600", "USD")
    run(db, "invoices", header + "INV-1,ACME,2026-05-01,900,\n")  # the ERP lowers the amount
    assert document(db, "INV-1").open == Money.of("500", "USD")
    run(db, "invoices", header + "INV-1,ACME,2026-05-01,900,450\n")  # the ERP knows of more paid
    assert document(db, "INV-1").open == Money.of("450", "USD")

    report = run(db, "invoices", header + "INV-1,ACME,2026-05-01,300,\n")
    assert report.rejected == [(2, "amount: 300.00 is less than the 400.00 already applied")]
    unchanged = document(db, "INV-1")
    assert (unchanged.amount, unchanged.open) == (Money.of("900", "USD"), Money.of("450", "USD"))


def test_a_credit_memo_resent_after_it_was_applied_keeps_what_was_used(db):
    customer(db, "ACME")
    invoice(db, "INV-1", "100", "2026-05-01")
    invoice(db, "CM-1", "80", "2026-05-02", type="credit")
    apply_credit(db.uow(), customer_code="ACME", source=CreditSource(credit_number="CM-1"),
                 invoice_number="INV-1", applied_on=dt.date(2026, 5, 3), actor=TEST_ACTOR)
    run(db, "invoices", "number,customer,type,date,amount\nCM-1,ACME,credit,2026-05-02,80\n")
    assert document(db, "CM-1").open == Money.of("0", "USD")
    assert document(db, "INV-1").open == Money.of("20", "USD")


def test_the_already_applied_amount_is_stated_in_the_currency_minor_unit(db):
    customer(db, "TOKYO", currency="JPY")
    invoice(db, "J-1", "50000", "2026-05-01", customer="TOKYO")
    paid = Money.of("12345", "JPY")
    record_payment(db.uow(), customer_code="TOKYO", amount=paid, received_on=dt.date(2026, 5, 9),
                   requests=[AllocationRequest("J-1", paid, "Other", "partial")],
                   reasons=REASONS, actor=TEST_ACTOR)
    report = run(db, "invoices", "number,customer,date,amount\nJ-1,TOKYO,2026-05-01,10000\n")
    assert report.rejected == [(2, "amount: 10000 is less than the 12345 already applied")]


def test_a_file_that_is_not_utf8_is_refused_with_a_clear_message(db):
    data = "code,name\nMUELLER,Müller GmbH\n".encode("latin-1")
    with pytest.raises(Invalid, match=r"the file is not UTF-8 \(byte \d+\); save it as UTF-8 CSV"):
        run(db, "customers", data)
    assert count(db, Customer) == 0


def test_a_bom_prefixed_file_with_windows_line_endings_loads(db):
    data = "\ufeffCode,Name,City\r\nMUELLER,Müller GmbH,Köln\r\n\r\nZED,Zed AG,Zürich\r\n".encode()
    assert data.startswith(b"\xef\xbb\xbf")
    report = run(db, "customers", data)
    assert report.summary() == "loaded 2, updated 0, rejected 0"
    with db.uow() as uow:
        rows = uow.session.execute(
            select(Customer.code, Customer.name, Customer.city).order_by(Customer.code)
        ).all()
    assert [tuple(r) for r in rows] == [("MUELLER", "Müller GmbH", "Köln"), ("ZED", "Zed AG", "Zürich")]


def test_extra_columns_are_ignored(db):
    customer(db, "ACME")
    text = "Number,Internal Ref,customer,date,amount,Sales Rep\nINV-1,ZX-77,ACME,2026-05-01,10,Bob\n"
    report = run(db, "invoices", text)
    assert report.summary() == "loaded 1, updated 0, rejected 0"
    assert document(db, "INV-1").amount == Money.of("10", "USD")
