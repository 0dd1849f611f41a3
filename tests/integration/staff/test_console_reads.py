"""The console's read models on both backends: company search, the overview, open invoices, comments."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.documents.files import attach_invoice_pdf
from core.documents.invoice_pdfs import invoice_pdf
from core.documents.invoice_reads import InvoiceFilters, invoice_detail, open_invoices
from core.dunning import record_promise
from core.kernel.audit import Actor
from core.kernel.errors import Invalid, NotFound
from core.kernel.models import AuditEvent
from core.kernel.money import Money
from core.ledger.accounts import account
from core.ledger.invoice_comments import add_comment, list_comments
from core.ledger.models import Customer
from core.ledger.rules import AllocationRequest
from core.payments.initiation import initiate_payment
from core.payments.models import PaymentMethod
from core.staff.console_reads import find_companies, overview
from tests.books import TEST_ACTOR, customer, invoice

TODAY = dt.date(2026, 11, 22)
AGENT = Actor("user:alice", "console")


@pytest.fixture
def book(db):  # type: ignore[no-untyped-def]
    customer(db, "ACME", name="Acme Plumbing Inc.", phone="+1 510 555 0142", email="AP@Acme.example")
    customer(db, "BOLT", name="Bolt Electric", phone="+1 312 555 0100")
    customer(db, "100%", name="Percent_Sign Co")
    invoice(db, "INV-1", "1000.00", "2026-11-15", discount_percent="2", discount_days="10", po="PO-777")
    invoice(db, "INV-2", "250.00", "2026-10-01")  # due Oct 31: 22 days past due
    invoice(db, "INV-3", "80.00", "2026-07-01", po="PO-123")  # due Jul 31: 114 days, 90+
    invoice(db, "CM-1", "30.00", "2026-11-01", type="credit")
    invoice(db, "B-1", "500.00", "2026-11-01", customer="BOLT")
    return db


def hold(db, number: str, pay_on: dt.date = TODAY) -> None:  # type: ignore[no-untyped-def]
    with db.uow() as uow:
        acme = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
        method = PaymentMethod(customer_id=acme, processor="sandbox", token="tok_visa", kind="card", brand="visa",
                               last4="4242", exp_month=12, exp_year=2030)
        uow.session.add(method)
        uow.commit()
        method_id = method.id
    initiate_payment(db.uow(), customer_code="ACME", amount=Money.of("250.00", "USD"),
                     requests=[AllocationRequest(number)], method_id=method_id, pay_on=pay_on, today=TODAY,
                     processor="sandbox", reasons=("Other",), actor=TEST_ACTOR)


@pytest.mark.parametrize("q", ["acme", "ACME", "plumbing", "ap@acme", "510-555", "(510) 555-0142", "15105550142"])
def test_companies_are_found_by_code_name_email_or_phone_digits(book, q: str) -> None:
    found = find_companies(book.uow(), q, TODAY)
    assert [row.code for row in found.rows] == ["ACME"]


def test_search_takes_percent_and_underscore_literally_and_empty_lists_all_by_name(book) -> None:
    assert [r.code for r in find_companies(book.uow(), "%", TODAY).rows] == ["100%"]
    assert [r.code for r in find_companies(book.uow(), "nt_si", TODAY).rows] == ["100%"]
    # "_" is no wildcard: "bolt_electric" holds no name, it only reads like one (core.ledger.customer_search)
    assert [(r.code, r.similar) for r in find_companies(book.uow(), "bolt_electric", TODAY).rows] == [("BOLT", True)]
    everyone = find_companies(book.uow(), "", TODAY)
    assert [r.name for r in everyone.rows] == ["Acme Plumbing Inc.", "Bolt Electric", "Percent_Sign Co"]
    assert (everyone.total, everyone.pages) == (3, 1)


def test_company_rows_carry_the_ledgers_balance_and_past_due(book) -> None:
    acme = find_companies(book.uow(), "ACME", TODAY).rows[0]
    assert acme.aging.balance == Money.of("1300.00", "USD")  # 1000 + 250 + 80 - 30 credit
    assert acme.past_due == Money.of("330.00", "USD")
    assert acme.days_past_due == 114
    assert acme.dunning_stage is None


def test_overview_matches_the_account_figures(book) -> None:
    view = overview(book.uow(), "ACME", TODAY)
    expected = account(book.uow(), "ACME", TODAY).aging[0]
    assert view.aging.balance == expected.balance and view.aging.credit == Money.of("30.00", "USD")
    assert view.aging.buckets == expected.buckets
    assert [(c.email, c.phone) for c in view.contacts] == [("ap@acme.example", "+15105550142")]
    assert (view.last_notice, view.promise, view.allow_auto_statement) == (None, None, False)
    with pytest.raises(NotFound):
        overview(book.uow(), "NOPE", TODAY)


def test_the_overview_names_the_invoices_a_promise_is_for(book) -> None:
    record_promise(book.uow(), "ACME", TODAY + dt.timedelta(days=5), None, TEST_ACTOR, "sms", today=TODAY,
                   invoices=["INV-3", "INV-2"])
    promise = overview(book.uow(), "ACME", TODAY).promise
    assert promise is not None
    assert (promise.invoices, promise.amount) == (("INV-3", "INV-2"), Money.of("330.00", "USD"))


def test_open_invoices_filter_by_bucket_period_and_search_and_sort(book) -> None:
    def numbers(**filters) -> list[str]:  # type: ignore[no-untyped-def]
        return [r.number for r in open_invoices(book.uow(), "ACME", TODAY, InvoiceFilters(**filters)).rows]

    assert numbers() == ["INV-3", "INV-2", "INV-1"]  # oldest due first; no credit memo
    assert numbers(bucket="1-30") == ["INV-2"]
    assert numbers(bucket="90+") == ["INV-3"]
    assert numbers(date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 11, 1)) == ["INV-2"]
    assert numbers(search="po-7") == ["INV-1"]
    assert numbers(sort="amount", descending=True) == ["INV-1", "INV-2", "INV-3"]
    assert numbers(sort="po") == ["INV-2", "INV-3", "INV-1"]
    table = open_invoices(book.uow(), "ACME", TODAY, InvoiceFilters())
    assert table.total_open == Money.of("1330.00", "USD")
    assert table.rows[2].discount_percent == "2" and table.rows[2].discount_until == dt.date(2026, 11, 25)
    with pytest.raises(Invalid):
        InvoiceFilters(sort="password")


def test_an_invoice_in_a_payment_shows_as_held(book) -> None:
    hold(book, "INV-2")
    rows = {r.number: r for r in open_invoices(book.uow(), "ACME", TODAY, InvoiceFilters()).rows}
    assert (rows["INV-2"].status, rows["INV-2"].held) == ("pending", True)
    assert not rows["INV-1"].held
    assert invoice_detail(book.uow(), "ACME", "INV-2", TODAY).status == "pending"


def test_comments_are_added_listed_and_audited(book) -> None:
    add_comment(book.uow(), "ACME", "INV-1", "  Customer says PO missing  ", AGENT)
    add_comment(book.uow(), "ACME", "INV-1", "Resent with PO", AGENT)
    assert [c.body for c in list_comments(book.uow(), "ACME", "INV-1")] == ["Customer says PO missing",
                                                                            "Resent with PO"]
    detail = invoice_detail(book.uow(), "ACME", "INV-1", TODAY)
    assert [c.author_name for c in detail.comments] == ["alice", "alice"] and detail.row.comments == 2
    with book.uow() as uow:
        events = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "invoice.comment_added")).all()
        assert [(e.actor, e.subject) for e in events] == [("user:alice", "document:INV-1")] * 2
    with pytest.raises(Invalid):
        add_comment(book.uow(), "ACME", "INV-1", "   ", AGENT)
    with pytest.raises(NotFound):  # another customer's invoice
        add_comment(book.uow(), "ACME", "B-1", "wrong account", AGENT)


def test_invoice_pdf_is_the_customers_own(services, book) -> None:  # type: ignore[no-untyped-def]
    assert not invoice_detail(book.uow(), "ACME", "INV-1", TODAY).has_pdf  # none from the ERP yet
    attach_invoice_pdf(book.uow(), services.files, "INV-1", b"%PDF-1.4 test", TEST_ACTOR)
    pdf = invoice_pdf(book.uow(), services.files, "INV-1", services.settings, customer_code="ACME")
    assert pdf[1] == b"%PDF-1.4 test"
    assert invoice_detail(book.uow(), "ACME", "INV-1", TODAY).has_pdf
    with pytest.raises(NotFound):
        invoice_pdf(book.uow(), services.files, "INV-1", services.settings, customer_code="BOLT")


def test_the_tables_fast_cell_format_writes_what_the_console_filters_write() -> None:
    from channels.web.console.invoice_table import CellFormat
    from channels.web.console.pages import date, money

    for currency in ("USD", "CAD", "EUR", "JPY"):
        for minor in (0, 7, 123456, -5000, 123456789012):
            assert CellFormat.money(minor, currency) == money(minor, currency)
    for day in (dt.date(2026, 1, 5), dt.date(2026, 11, 22)):
        assert CellFormat.date(day) == date(day)
