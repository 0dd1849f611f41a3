"""Payments in flight: holds, exact amounts, settlement by event, late and repeated events; both backends."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from core.kernel.errors import Conflict, Invalid
from core.kernel.models import AuditEvent
from core.kernel.money import Money
from core.ledger.book import aging_report
from core.ledger.models import Allocation, Customer, Document, InvoiceHold, Payment
from core.ledger.rules import AllocationRequest
from core.outbox.models import OutboxMessage
from core.payments.initiation import initiate_payment, record_charge
from core.payments.models import PaymentMethod
from core.payments.processor import ChargeResult, ProcessorEvent
from core.payments.settlement import apply_event
from tests.books import TEST_ACTOR, TEST_BRANDING, customer, invoice

TODAY = dt.date(2026, 11, 22)
REASONS = ("Damaged goods", "Other")


def usd(text: str) -> Money:
    return Money.of(text, "USD")


def card(db, code: str = "ACME", active: bool = True) -> int:
    with db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == code))
        token = "tok_visa" if active else "tok_mastercard"
        method = PaymentMethod(customer_id=customer_id, processor="sandbox", token=token,
                               kind="card", brand="visa", last4="4242", exp_month=12, exp_year=2030, active=active)
        uow.session.add(method)
        uow.commit()
        return method.id


def payments_book(db) -> int:  # type: ignore[no-untyped-def]
    """ACME with INV-1 (2% discount for 10 days) and INV-2 open, and a card; returns the card's id."""
    customer(db)
    invoice(db, "INV-1", "1000.00", "2026-11-15", discount_percent="2", discount_days="10")
    invoice(db, "INV-2", "250.00", "2026-10-01")
    return card(db)


@pytest.fixture
def book(db):
    return payments_book(db)


def pay(db, method_id: int, amount: str, *requests: AllocationRequest, pay_on: dt.date = TODAY):
    return initiate_payment(db.uow(), customer_code="ACME", amount=usd(amount), requests=list(requests),
                            method_id=method_id, pay_on=pay_on, today=TODAY, processor="sandbox",
                            reasons=REASONS, actor=TEST_ACTOR)


def event(kind: str, payment_id: int, processor_id: str = "py_1", when: dt.date = TODAY, n: int = 1):
    at = dt.datetime.combine(when, dt.time(12), tzinfo=dt.UTC)
    return ProcessorEvent(f"evt_{n}", kind, processor_id, at, "insufficient funds" if "fail" in kind else None,
                          reference=str(payment_id))


def open_of(db, number: str) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(Document.open_minor).where(Document.number == number))


def balance(db) -> Money:
    with db.uow() as uow:
        rows = aging_report(uow.session, TODAY)
        return rows[0].balance if rows else usd("0")  # nothing open: no row in the report


def test_a_pending_payment_holds_its_invoices_until_it_succeeds(db, book):
    started = pay(db, book, "1230.00", AllocationRequest("INV-1"), AllocationRequest("INV-2"))
    assert (started.status, started.idempotency_key) == ("pending", f"charge:{started.payment_id}")
    assert balance(db) == usd("1250.00")  # nothing is paid until the processor says so
    with pytest.raises(Conflict, match=f"INV-2 is already in payment {started.payment_id} \\(pending\\)"):
        pay(db, book, "250.00", AllocationRequest("INV-2"))
    assert record_charge(db.uow(), started.payment_id, ChargeResult("py_1", "processing"), TEST_ACTOR,
                         TEST_BRANDING).startswith("processing")
    outcome = apply_event(db.uow(), event("payment.succeeded", started.payment_id), TEST_ACTOR, TEST_BRANDING)
    assert outcome == f"payment {started.payment_id}: pending → succeeded"
    assert (open_of(db, "INV-1"), open_of(db, "INV-2")) == (0, 0)  # INV-1 with its 2% (20.00) discount
    assert balance(db) == usd("0")
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(InvoiceHold)) == 0
        assert uow.session.scalar(select(func.sum(Allocation.discount_minor))) == 2000


def test_repeated_and_late_events_change_nothing(db, book):
    started = pay(db, book, "250.00", AllocationRequest("INV-2"))
    apply_event(db.uow(), event("payment.succeeded", started.payment_id), TEST_ACTOR, TEST_BRANDING)
    again = apply_event(db.uow(), event("payment.succeeded", started.payment_id), TEST_ACTOR, TEST_BRANDING)
    late_failure = apply_event(db.uow(), event("payment.failed", started.payment_id, n=2), TEST_ACTOR, TEST_BRANDING)
    assert again.startswith("ignored") and late_failure.startswith("ignored")
    with db.uow() as uow:
        assert uow.session.get(Payment, started.payment_id).status == "succeeded"
        assert uow.session.scalar(select(func.count()).select_from(Allocation)) == 1
    assert open_of(db, "INV-2") == 0


def test_a_failed_payment_releases_the_invoices_to_be_paid_again(db, book):
    started = pay(db, book, "250.00", AllocationRequest("INV-2"))
    outcome = apply_event(db.uow(), event("payment.failed", started.payment_id), TEST_ACTOR, TEST_BRANDING)
    assert outcome.endswith("pending → failed")
    assert open_of(db, "INV-2") == 25000
    retry = pay(db, book, "250.00", AllocationRequest("INV-2"))
    assert retry.status == "pending"
    with db.uow() as uow:
        failed = uow.session.get(Payment, started.payment_id)
        assert (failed.status, failed.failure_reason) == ("failed", "insufficient funds")
        actions = uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        [notice] = uow.session.scalars(select(OutboxMessage)).all()
        # The customer hears of it through the outbox, written with the failure and approved to go out.
        assert (notice.channel, notice.recipient, notice.status, notice.reason) == (
            "email", "ap@acme.example", "approved", "payment_failed")
        assert "did not go through (insufficient funds)" in notice.body_text and "INV-2" in notice.body_text
    assert actions[-3:] == ["payment.pending", "payment.failed", "payment.pending"]


def test_the_event_may_arrive_before_the_charge_answer(db, book):
    started = pay(db, book, "250.00", AllocationRequest("INV-2"))
    apply_event(db.uow(), event("payment.succeeded", started.payment_id, processor_id="py_9"),
                TEST_ACTOR, TEST_BRANDING)
    record_charge(db.uow(), started.payment_id, ChargeResult("py_9", "processing"), TEST_ACTOR, TEST_BRANDING)
    with db.uow() as uow:
        payment = uow.session.get(Payment, started.payment_id)
        assert (payment.status, payment.processor_payment_id) == ("succeeded", "py_9")


def test_amounts_must_be_exact_and_the_method_usable(db, book):
    with pytest.raises(Invalid, match="need 250.00 USD but the payment is 200.00"):
        pay(db, book, "200.00", AllocationRequest("INV-2"))
    short = pay(db, book, "200.00", AllocationRequest("INV-2", usd("200.00"), "Damaged goods"))
    assert short.status == "pending"
    with pytest.raises(Invalid, match="deactivated"):
        pay(db, card(db, active=False), "100.00", AllocationRequest("INV-1", usd("100"), "Other", "partial"))
    with pytest.raises(Invalid, match="before today"):
        pay(db, book, "980.00", AllocationRequest("INV-1"), pay_on=TODAY - dt.timedelta(days=1))


def test_a_confirmed_total_the_invoices_no_longer_need_is_refused_not_left_on_account(db, book):
    """The payer confirmed 250.00 for INV-2; a credit of 50.00 landed before the charge: nothing is charged."""
    with db.uow() as uow:
        doc = uow.session.scalar(select(Document).where(Document.number == "INV-2"))
        doc.open_minor -= 5000
        uow.commit()
    with pytest.raises(Conflict, match="now need 200.00 USD, not the 250.00 USD confirmed"):
        initiate_payment(db.uow(), customer_code="ACME", amount=usd("250.00"), requests=[AllocationRequest("INV-2")],
                         method_id=book, pay_on=TODAY, today=TODAY, processor="sandbox", reasons=REASONS,
                         actor=TEST_ACTOR, exact=True)
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Payment)) == 0
    # Without `exact` (an ERP posting a known overpayment) the difference stays unapplied on account.
    assert pay(db, book, "250.00", AllocationRequest("INV-2")).unapplied == usd("50.00")


def test_a_scheduled_payment_is_quoted_with_the_discount_of_its_date(db, book):
    inside = pay(db, book, "980.00", AllocationRequest("INV-1"), pay_on=dt.date(2026, 11, 25))
    assert (inside.status, inside.unapplied) == ("scheduled", usd("0"))
    apply_event(db.uow(), event("payment.canceled", inside.payment_id), TEST_ACTOR, TEST_BRANDING)
    with pytest.raises(Invalid, match="need 1000.00 USD"):  # after the window the discount is gone
        pay(db, book, "980.00", AllocationRequest("INV-1"), pay_on=dt.date(2026, 11, 26))


def test_two_requests_racing_for_one_invoice_one_wins(db, book):
    barrier, outcomes = threading.Barrier(2), []

    def attempt() -> None:
        barrier.wait()
        try:
            pay(db, book, "250.00", AllocationRequest("INV-2"))
            outcomes.append("pending")
        except Conflict as refused:
            outcomes.append("refused" if "INV-2" in str(refused) or "just put" in str(refused) else str(refused))

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["pending", "refused"]
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Payment)) == 1


def test_an_ach_return_reopens_the_invoices_and_history_keeps_the_days_it_was_paid(db, book):
    started = pay(db, book, "250.00", AllocationRequest("INV-2"))
    apply_event(db.uow(), event("payment.succeeded", started.payment_id, when=dt.date(2026, 11, 22)),
                TEST_ACTOR, TEST_BRANDING)
    assert open_of(db, "INV-2") == 0
    outcome = apply_event(db.uow(), event("payment.returned", started.payment_id, when=dt.date(2026, 11, 27), n=2),
                          TEST_ACTOR, TEST_BRANDING)
    assert outcome.endswith("succeeded → returned")
    assert open_of(db, "INV-2") == 25000
    with db.uow() as uow:
        paid_days = aging_report(uow.session, dt.date(2026, 11, 24))
        after = aging_report(uow.session, dt.date(2026, 11, 27))
        before = aging_report(uow.session, dt.date(2026, 11, 21))
        actions = uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        notices = uow.session.scalars(select(OutboxMessage.reason)).all()
    assert paid_days[0].balance == usd("1000.00")  # only INV-1 was open while the money was in
    assert after[0].balance == before[0].balance == usd("1250.00")
    assert actions[-1] == "payment.returned" and notices == ["payment_returned"]
    late = apply_event(db.uow(), event("payment.succeeded", started.payment_id, n=3), TEST_ACTOR, TEST_BRANDING)
    assert late.startswith("ignored")  # a returned payment never comes back by a stale event
    retry = pay(db, book, "250.00", AllocationRequest("INV-2"))
    assert retry.status == "pending"


def test_a_returned_deposit_leaves_the_account_as_of_its_return(db, book):
    deposit = pay(db, book, "300.00")
    apply_event(db.uow(), event("payment.succeeded", deposit.payment_id, when=dt.date(2026, 11, 22)),
                TEST_ACTOR, TEST_BRANDING)
    apply_event(db.uow(), event("payment.returned", deposit.payment_id, when=dt.date(2026, 11, 25), n=2),
                TEST_ACTOR, TEST_BRANDING)
    with db.uow() as uow:
        during = aging_report(uow.session, dt.date(2026, 11, 23))[0]
        after = aging_report(uow.session, dt.date(2026, 11, 25))[0]
    assert (during.credit, after.credit) == (usd("300.00"), usd("0"))


def test_scheduled_payments_are_charged_on_their_date_once_and_can_be_canceled_before(db, book):
    from core.payments.adapters.sandbox import SandboxProcessor
    from core.payments.jobs import cancel_scheduled, charge_scheduled

    sandbox = SandboxProcessor(db, ["whsec_t"], card_delay=0, ach_delay=0, return_delay=0)
    later = pay(db, book, "250.00", AllocationRequest("INV-2"), pay_on=dt.date(2026, 11, 30))
    keep = pay(db, book, "980.00", AllocationRequest("INV-1"), pay_on=dt.date(2026, 11, 25))
    assert cancel_scheduled(db.uow(), "ACME", later.payment_id, TEST_ACTOR).endswith("scheduled → canceled")
    assert charge_scheduled(db.uow, sandbox, dt.date(2026, 11, 24), TEST_ACTOR, TEST_BRANDING) == []  # not yet
    [outcome] = charge_scheduled(db.uow, sandbox, dt.date(2026, 11, 25), TEST_ACTOR, TEST_BRANDING)
    assert outcome.startswith("processing")
    assert charge_scheduled(db.uow, sandbox, dt.date(2026, 11, 25), TEST_ACTOR, TEST_BRANDING) == []  # fired once
    with pytest.raises(Conflict, match="only a scheduled payment can be canceled"):
        cancel_scheduled(db.uow(), "ACME", keep.payment_id, TEST_ACTOR)
    [(body, headers)] = sandbox.due_events()
    apply_event(db.uow(), sandbox.parse_webhook(headers, body), TEST_ACTOR, TEST_BRANDING)
    assert open_of(db, "INV-1") == 0 and open_of(db, "INV-2") == 25000


def test_reconcile_finishes_a_charge_cut_off_by_a_crash_and_a_lost_webhook_exactly_once(db, book):
    from core.payments.adapters.sandbox import SandboxProcessor
    from core.payments.adapters.sandbox_models import SandboxCharge
    from core.payments.jobs import reconcile

    sandbox = SandboxProcessor(db, ["whsec_t"], card_delay=0, ach_delay=0, return_delay=0)
    crashed = pay(db, book, "250.00", AllocationRequest("INV-2"))  # written, never charged: the process died
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=20)
    [first] = reconcile(db.uow, sandbox, dt.timedelta(minutes=15), TEST_ACTOR, TEST_BRANDING, now=later)
    assert first.startswith("processing")
    sandbox.due_events()  # the settlement webhook is lost on the way
    [second] = reconcile(db.uow, sandbox, dt.timedelta(minutes=15), TEST_ACTOR, TEST_BRANDING, now=later)
    assert second == f"payment {crashed.payment_id}: pending → succeeded"
    assert reconcile(db.uow, sandbox, dt.timedelta(minutes=15), TEST_ACTOR, TEST_BRANDING, now=later) == []
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(SandboxCharge)) == 1  # charged once
        assert uow.session.scalar(select(func.count()).select_from(Allocation)) == 1


def test_a_refund_reopens_and_a_dispute_won_puts_the_money_back_on_the_invoice(db, book):
    refunded = pay(db, book, "250.00", AllocationRequest("INV-2"))
    apply_event(db.uow(), event("payment.succeeded", refunded.payment_id, processor_id="py_r"),
                TEST_ACTOR, TEST_BRANDING)
    apply_event(db.uow(), event("payment.refunded", refunded.payment_id, processor_id="py_r", n=2),
                TEST_ACTOR, TEST_BRANDING)
    assert open_of(db, "INV-2") == 25000
    disputed = pay(db, book, "980.00", AllocationRequest("INV-1"))
    apply_event(db.uow(), event("payment.succeeded", disputed.payment_id, processor_id="py_d", n=3),
                TEST_ACTOR, TEST_BRANDING)
    apply_event(db.uow(), event("payment.disputed", disputed.payment_id, processor_id="py_d", n=4),
                TEST_ACTOR, TEST_BRANDING)
    assert open_of(db, "INV-1") == 100000  # withheld while the dispute runs: open again, discount included
    won = apply_event(db.uow(), event("payment.succeeded", disputed.payment_id, processor_id="py_d", n=5),
                      TEST_ACTOR, TEST_BRANDING)
    assert won.endswith("disputed → succeeded")
    assert open_of(db, "INV-1") == 0
    assert balance(db) == usd("250.00")
