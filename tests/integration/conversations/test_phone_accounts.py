"""What the phone line reads about a caller, on SQLite and PostgreSQL: who is calling (by number, or by account
number and ZIP code), what is past due and not already in a payment, and where the latest statement goes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.bootstrap import Services
from core.conversations import phone_accounts
from core.kernel.errors import NotFound
from core.kernel.money import Money
from core.ledger.models import Contact, Customer
from core.ledger.rules import AllocationRequest
from core.payments.initiation import initiate_payment
from core.payments.models import PaymentMethod
from core.statements.cycle import run_statements
from tests.books import TEST_ACTOR, customer, invoice

TODAY = dt.date(2026, 11, 22)
CALLER = "+15105550100"


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def test_a_caller_is_known_by_a_number_only_one_customer_has(services: Services) -> None:
    customer(services.db, "ACME", phone=CALLER)
    customer(services.db, "BOLT", phone="+15105550111")
    customer(services.db, "CRUX", phone="+15105550111")
    uow = services.db.uow
    assert phone_accounts.customer_by_phone(uow(), CALLER) == "ACME"
    assert phone_accounts.customer_by_phone(uow(), "+15105550111") is None  # two customers share it
    assert phone_accounts.customer_by_phone(uow(), "+15105550199") is None
    assert phone_accounts.customer_by_phone(uow(), "") is None


def test_an_account_number_and_its_zip_code_must_both_match_one_customer(services: Services) -> None:
    customer(services.db, "C1040", postal_code="94607-1234", country="US")
    customer(services.db, "C2040", postal_code="10001", country="US")
    customer(services.db, "X2040", postal_code="10001", country="US")
    customer(services.db, "LONDON1", postal_code="SW1A 1AA", country="GB")
    found = phone_accounts.customer_by_account_and_zip
    uow = services.db.uow
    assert found(uow(), "C1040", "94607") == "C1040"  # a ZIP+4 on file: its first five digits
    assert found(uow(), "1040", "94607-1234") == "C1040"  # keyed without its letter, the whole ZIP+4
    assert found(uow(), "c-1040", "94607") == "C1040"
    assert found(uow(), "1040", "10001") is None  # the wrong ZIP code says nothing more
    assert found(uow(), "2040", "10001") is None  # C2040 and X2040: which one is not guessed
    assert found(uow(), "X2040", "10001") == "X2040"  # the full number keyed picks it
    assert found(uow(), "london1", "sw1a1aa") == "LONDON1"
    assert found(uow(), "", "94607") is None and found(uow(), "C1040", "") is None


def test_past_due_leaves_out_invoices_already_in_a_payment_credits_and_what_is_not_due(services: Services) -> None:
    db = services.db
    customer(db, "ACME", terms_days="30")
    invoice(db, "1001", "400.00", days_ago(60))
    invoice(db, "1002", "600.00", days_ago(45))
    invoice(db, "1003", "250.00", days_ago(50))
    invoice(db, "1004", "90.00", days_ago(5))  # not due yet
    invoice(db, "CM-1", "50.00", days_ago(90), type="credit")
    with db.uow() as uow:
        owner = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
        method = PaymentMethod(customer_id=owner, processor="sandbox", token="tok_visa", kind="card", brand="visa",
                               last4="4242", exp_month=12, exp_year=2030)
        uow.session.add(method)
        uow.commit()
    initiate_payment(db.uow(), customer_code="ACME", amount=Money.of("250.00", "USD"),
                     requests=[AllocationRequest("1003")], method_id=method.id, pay_on=TODAY + dt.timedelta(days=3),
                     today=TODAY, processor="sandbox", reasons=("Other",), actor=TEST_ACTOR)  # scheduled: held

    assert phone_accounts.past_due_unheld(db.uow(), "ACME", TODAY) == ["1001", "1002"]
    assert phone_accounts.past_due_unheld(db.uow(), "ACME", TODAY - dt.timedelta(days=20)) == ["1001"]
    [aging] = phone_accounts.aging(db.uow(), "ACME", TODAY)
    assert aging.balance_minor == 134_000 - 5_000  # the scheduled payment has not moved money yet
    with pytest.raises(NotFound):
        phone_accounts.past_due_unheld(db.uow(), "NOPE", TODAY)


def test_the_latest_statement_goes_to_the_callers_own_number_else_the_first_on_file(services: Services) -> None:
    db = services.db
    customer(db, "ACME", phone="+15105550122")
    invoice(db, "1001", "400.00", "2026-09-15")
    with db.uow() as uow:
        owner = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
        uow.session.add_all([Contact(customer_id=owner, name="Ann", phone=CALLER),
                             Contact(customer_id=owner, name="Opted out", phone="+15105550133", sms_opt_out=True)])
        uow.commit()
    assert phone_accounts.latest_statement(db.uow(), "ACME", "sms", CALLER) is None  # no statement yet
    for day in (dt.date(2026, 9, 30), dt.date(2026, 10, 31)):
        run_statements(db, services.settings, services.files, statement_date=day, finance_charges_on=None,
                       actor=TEST_ACTOR)

    found = phone_accounts.latest_statement(db.uow(), "ACME", "sms", CALLER)
    assert found is not None and found.snapshot.statement_date == dt.date(2026, 10, 31)
    assert found.recipient == CALLER
    # An opted-out number on file is not the caller's to use: the primary contact's number is.
    assert recipient(services, "sms", "+15105550133") == "+15105550122"
    assert recipient(services, "email", CALLER) == "ap@acme.example"


def recipient(services: Services, channel: str, caller: str) -> str | None:
    found = phone_accounts.latest_statement(services.db.uow(), "ACME", channel, caller)
    assert found is not None
    return found.recipient
