"""The console's payment services on both backends: the confirmed total or nothing, one payment per review
form, and the payment book's filters."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.kernel.errors import Conflict
from core.ledger.models import Payment
from core.ledger.rules import AllocationRequest
from core.payments.adapters.sandbox import SandboxProcessor
from core.payments.book import BookFilters, payment_book
from core.payments.console import confirm_payment, submit_once
from core.payments.idempotency import Claim
from tests.books import TEST_ACTOR, TEST_BRANDING
from tests.integration.payments.test_payments import REASONS, TODAY, payments_book, usd


@pytest.fixture
def card(db) -> int:
    return payments_book(db)  # ACME: INV-1 1000.00 (2% for 10 days from Nov 15), INV-2 250.00, a Visa


def confirm(db, card: int, total: str, *numbers: str) -> int:
    sandbox = SandboxProcessor(db, ["whsec_t"], card_delay=0, ach_delay=0, return_delay=0)
    return confirm_payment(db.uow, sandbox, customer_code="ACME", total=usd(total),
                           requests=[AllocationRequest(n) for n in numbers], deposit=None, method_id=card,
                           pay_on=TODAY, today=TODAY, reasons=REASONS, actor=TEST_ACTOR, branding=TEST_BRANDING)


def count_payments(db) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(func.count(Payment.id))) or 0


def test_the_confirmed_total_is_paid_and_a_changed_one_is_refused_uncharged(db, card) -> None:
    with pytest.raises(Conflict, match="the total is now 1230.00 USD, not the 1250.00 USD you confirmed"):
        confirm(db, card, "1250.00", "INV-1", "INV-2")  # the review missed the discount: refused, not charged
    assert count_payments(db) == 0
    payment_id = confirm(db, card, "1230.00", "INV-1", "INV-2")
    with db.uow() as uow:
        payment = uow.session.get(Payment, payment_id)
        assert payment is not None and (payment.amount, payment.initiated_by) == (usd("1230.00"), TEST_ACTOR.name)


def test_a_resubmitted_review_form_gets_the_first_payment(db, card) -> None:
    def submit(claim: Claim) -> int:
        return confirm(db, card, "250.00", "INV-2")

    first = submit_once(db.uow, "user:agent", "nonce-1", "invoices=INV-2&total=250.00", submit)
    again = submit_once(db.uow, "user:agent", "nonce-1", "invoices=INV-2&total=250.00", submit)
    assert first == again and count_payments(db) == 1


def test_a_refused_submit_is_refused_again_without_retrying(db, card) -> None:
    calls = []

    def submit(claim: Claim) -> int:
        calls.append(1)
        return confirm(db, card, "999.00", "INV-2")

    for _ in range(2):
        with pytest.raises(Conflict, match="not the 999.00 USD you confirmed"):
            submit_once(db.uow, "user:agent", "nonce-2", "total=999.00", submit)
    assert len(calls) == 1 and count_payments(db) == 0


def test_the_payment_book_filters_by_method_kind_status_and_invoice(db, card) -> None:
    payment_id = confirm(db, card, "250.00", "INV-2")
    assert [r.id for r in payment_book(db.uow(), BookFilters(method_kind="card"))] == [payment_id]
    assert payment_book(db.uow(), BookFilters(method_kind="check")) == []
    found = payment_book(db.uow(), BookFilters(search="inv-2"), customer_code="ACME")
    assert [(r.customer_code, r.invoices, r.method) for r in found] == [("ACME", ("INV-2",), "Visa •4242")]
    assert payment_book(db.uow(), BookFilters(status="succeeded", search="INV-2")) == []
