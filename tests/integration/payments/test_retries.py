"""Retries of failed scheduled charges (core.payments.retries), on SQLite and PostgreSQL: a soft decline is charged
again on the settings' days under a new key per attempt, with one notice and a final one; a hard decline is not;
a retry never charges an invoice paid meanwhile; a webhook settles the attempt it is about."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from core.bootstrap import Services
from core.kernel.audit import Actor
from core.kernel.models import AuditEvent
from core.kernel.money import Money
from core.ledger.models import Customer, Document, InvoiceHold, Payment
from core.ledger.posting import record_payment
from core.ledger.rules import AllocationRequest
from core.outbox.models import OutboxMessage
from core.payments import payment_detail, payment_history
from core.payments.adapters.sandbox import SandboxProcessor
from core.payments.adapters.sandbox_models import SandboxCharge
from core.payments.attempts import charge_standing
from core.payments.initiation import initiate_payment
from core.payments.jobs import charge_scheduled, initiate_and_charge
from core.payments.models import PaymentAttempt, PaymentMethod
from core.payments.webhooks import receive
from tests.books import TEST_ACTOR, customer, invoice

SCHEDULER = Actor("scheduler", "scheduler")
AGREED_ON = dt.date(2026, 12, 1)
DUE = dt.date(2026, 12, 8)  # the scheduled payment's date: attempt 1
SECRET = "whsec_retries"


@pytest.fixture
def sandbox(services: Services) -> SandboxProcessor:
    return SandboxProcessor(services.db, [SECRET], card_delay=0, ach_delay=0, return_delay=0)


@pytest.fixture
def services(services: Services) -> Services:
    """The default retry days (1, 3, 7), and pay links signed with a secret of the test's own."""
    settings = replace(services.settings, link_secret="retries-test-secret", public_url="http://ar.example")
    services.settings = settings
    customer(services.db, "ACME", email="ap@acme.example")
    invoice(services.db, "INV-1", "1000.00", "2026-11-01")
    invoice(services.db, "INV-2", "230.00", "2026-11-05")
    return services


def method(services: Services, token: str) -> int:
    kind = "ach" if token.startswith("tok_ach") else "card"
    with services.db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
        row = PaymentMethod(customer_id=customer_id, processor="sandbox", token=token, kind=kind, brand="visa",
                            last4="9995")
        uow.session.add(row)
        uow.commit()
        return row.id


def schedule(services: Services, token: str, *numbers: str, amount: str = "1230.00") -> int:
    started = initiate_payment(
        services.db.uow(), customer_code="ACME", amount=Money.of(amount, "USD"),
        requests=[AllocationRequest(n) for n in numbers or ("INV-1", "INV-2")], method_id=method(services, token),
        pay_on=DUE, today=AGREED_ON, processor="sandbox", reasons=("Other",), actor=TEST_ACTOR)
    assert started.status == "scheduled"
    return started.payment_id


def run(services: Services, sandbox: SandboxProcessor, on: dt.date) -> list[str]:
    return charge_scheduled(services.db.uow, sandbox, on, SCHEDULER, services.branding)


def deliver(services: Services, sandbox: SandboxProcessor) -> list[str]:
    """The sandbox's due webhooks, through the real intake (signature, claim, settlement)."""
    return [receive(services.db.uow(), sandbox, headers, body, Actor("processor:sandbox", "webhook"),
                    services.branding).outcome for body, headers in sandbox.due_events()]


def attempts(services: Services, first: int) -> list[tuple[int, str, dt.date, dt.date | None, str]]:
    with services.db.uow() as uow:
        return [(a.attempt, a.outcome, a.planned_on, a.next_try_on, a.idempotency_key) for a in uow.session.scalars(
            select(PaymentAttempt).where(PaymentAttempt.first_payment_id == first).order_by(PaymentAttempt.attempt))]


def standing(services: Services, first: int) -> str:
    with services.db.uow() as uow:
        return charge_standing(uow.session, [first])[first]


def notices(services: Services) -> list[str]:
    with services.db.uow() as uow:
        return list(uow.session.scalars(select(OutboxMessage.body_text).where(OutboxMessage.reason.like("payment_%"))
                                        .order_by(OutboxMessage.id)))


def keys_charged(services: Services) -> list[str]:
    with services.db.uow() as uow:
        return list(uow.session.scalars(select(SandboxCharge.idempotency_key).order_by(SandboxCharge.created_at,
                                                                                      SandboxCharge.id)))


def opens(services: Services) -> dict[str, int]:
    with services.db.uow() as uow:
        return dict(uow.session.execute(select(Document.number, Document.open_minor)).all())


def actions(services: Services, prefix: str = "payment.retr") -> list[str]:
    with services.db.uow() as uow:
        return list(uow.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like(f"{prefix}%"))
                                        .order_by(AuditEvent.id)))


def test_a_soft_decline_is_retried_on_day_1_3_7_with_a_new_key_each_one_notice_and_a_final_one(services, sandbox):
    first = schedule(services, "tok_card_insufficient")
    assert run(services, sandbox, DUE - dt.timedelta(days=1)) == []
    [outcome] = run(services, sandbox, DUE)
    assert outcome.endswith("pending → failed")
    assert attempts(services, first) == [
        (1, "failed", DUE, dt.date(2026, 12, 9), f"charge:{first}"),
        (2, "planned", dt.date(2026, 12, 9), None, f"charge:{first}:retry1")]
    [notice] = notices(services)
    assert "We will try the charge again on Dec 9, 2026" in notice and "insufficient funds" in notice
    assert "Pay online: http://ar.example/pay/" in notice
    with services.db.uow() as uow:  # between attempts the invoices are free: the pay link can pay them
        assert uow.session.scalar(select(func.count()).select_from(InvoiceHold)) == 0

    assert run(services, sandbox, DUE) == []  # nothing due twice
    for day, nxt in ((dt.date(2026, 12, 9), dt.date(2026, 12, 12)), (dt.date(2026, 12, 12), dt.date(2026, 12, 19))):
        assert run(services, sandbox, day - dt.timedelta(days=1)) == []
        [outcome] = run(services, sandbox, day)
        assert outcome.endswith("pending → failed")
        assert attempts(services, first)[-2][1:4] == ("failed", day, nxt)
        assert len(notices(services)) == 1  # one notice for the chain, not one per attempt
    [outcome] = run(services, sandbox, dt.date(2026, 12, 19))
    assert run(services, sandbox, dt.date(2027, 1, 31)) == []  # the last one: nothing more is planned

    assert [a[1] for a in attempts(services, first)] == ["failed"] * 4
    assert keys_charged(services) == [f"charge:{first}", f"charge:{first}:retry1", f"charge:{first}:retry2",
                                      f"charge:{first}:retry3"]
    first_notice, final = notices(services)
    assert "We tried 4 times and will not try the charge again" in final and "Pay online: http://ar.example/pay/" \
        in final and f"P-{first}" in final
    assert actions(services) == ["payment.retry_planned", "payment.retry", "payment.retry_planned", "payment.retry",
                                 "payment.retry_planned", "payment.retry", "payment.retries_ended"]
    assert opens(services) == {"INV-1": 100000, "INV-2": 23000}  # nothing posted to the ledger

    history = {view.id: view for view in payment_history(services.db.uow(), "ACME")}
    assert history[first].attempt == f"Attempt 1 of 4 on {DUE}: declined, insufficient funds; next try 2026-12-09"
    second = min(pid for pid in history if pid != first)
    assert history[second].attempt == \
        "Attempt 2 of 4 on 2026-12-09: declined, insufficient funds; next try 2026-12-12"
    assert payment_detail(services.db.uow(), "ACME", second).attempts[-1].text == \
        "Attempt 4 of 4 on 2026-12-19: declined, insufficient funds; not tried again"


def test_declined_once_then_paid_by_the_retry_settled_by_the_attempts_own_webhook(services, sandbox):
    first = schedule(services, "tok_card_insufficient_once")
    run(services, sandbox, DUE)
    assert standing(services, first) == "retrying"  # what a plan or autopay reads instead of the failed payment
    assert run(services, sandbox, dt.date(2026, 12, 9)) == ["processing: waiting for the processor's event"]
    with services.db.uow() as uow:
        retry = uow.session.scalars(select(Payment).where(Payment.id != first)).one()
        assert (retry.status, retry.amount_minor, retry.initiated_by) == ("pending", 123000, "scheduler")
        retry_id = retry.id
        held = set(uow.session.scalars(select(InvoiceHold.payment_id)))
    assert held == {retry_id}  # the attempt holds its invoices while it is with the processor

    # The first attempt's own (late) failed event changes nothing; the retry's settles the retry.
    late, settled = deliver(services, sandbox)
    assert late == f"ignored: payment {first} is failed; failed would not move it forward"
    assert settled == f"payment {retry_id}: pending → succeeded"
    assert opens(services) == {"INV-1": 0, "INV-2": 0}
    assert [a[1] for a in attempts(services, first)] == ["failed", "succeeded"]
    assert standing(services, first) == "succeeded"
    assert len(notices(services)) == 1
    with services.db.uow() as uow:
        assert uow.session.get(Payment, first).status == "failed"  # type: ignore[union-attr]
    history = {view.id: view.attempt for view in payment_history(services.db.uow(), "ACME")}
    assert history[retry_id] == "Attempt 2 of 4 on 2026-12-09: succeeded"


def test_an_ach_debit_returned_for_insufficient_funds_by_webhook_is_retried(services, sandbox):
    first = schedule(services, "tok_ach_insufficient")
    assert run(services, sandbox, DUE) == ["processing: waiting for the processor's event"]
    [outcome] = deliver(services, sandbox)
    assert outcome == f"payment {first}: pending → failed"
    assert attempts(services, first)[1][:3] == (2, "planned", dt.date(2026, 12, 9))
    [notice] = notices(services)
    assert "We will try the charge again on Dec 9, 2026" in notice


@pytest.mark.parametrize("token", ["tok_card_declined", "tok_card_insufficient"])
def test_a_hard_decline_or_no_retry_days_ends_at_once_with_the_final_notice(services, sandbox, token):
    if token == "tok_card_insufficient":  # soft, but the settings ask for no retries
        services.settings = replace(services.settings, retry_schedule_days=())
    first = schedule(services, token)
    run(services, sandbox, DUE)
    assert [a[:2] for a in attempts(services, first)] == [(1, "failed")]
    assert run(services, sandbox, dt.date(2027, 1, 31)) == []
    [notice] = notices(services)
    assert "We will not try the charge again" in notice and "Pay online: http://ar.example/pay/" in notice
    assert actions(services) == ["payment.retries_ended"]
    with services.db.uow() as uow:
        ended = uow.session.scalars(select(AuditEvent.details)
                                    .where(AuditEvent.action == "payment.retries_ended")).one()
    assert ended["soft"] is (token == "tok_card_insufficient")


def test_a_retry_is_canceled_when_its_invoice_was_paid_another_way_meanwhile(services, sandbox):
    first = schedule(services, "tok_card_insufficient")
    run(services, sandbox, DUE)
    record_payment(services.db.uow(), customer_code="ACME", amount=Money.of("1000.00", "USD"),
                   received_on=dt.date(2026, 12, 8), requests=[AllocationRequest("INV-1")], reasons=("Other",),
                   actor=TEST_ACTOR, method_kind="check", reference="CHK 1001")
    [outcome] = run(services, sandbox, dt.date(2026, 12, 9))
    assert outcome == f"attempt 2 of 4 of payment {first}: canceled, invoice INV-1 was paid meanwhile"
    assert keys_charged(services) == [f"charge:{first}"]  # never charged again
    with services.db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Payment).where(
            Payment.method_kind == "card")) == 1
        note = uow.session.scalars(select(PaymentAttempt.note).where(PaymentAttempt.attempt == 2)).one()
    assert note == "invoice INV-1 was paid meanwhile"
    assert actions(services)[-1] == "payment.retry_canceled"
    assert run(services, sandbox, dt.date(2027, 1, 31)) == []
    assert opens(services) == {"INV-1": 0, "INV-2": 23000}


def test_a_payment_made_now_is_not_retried_it_is_declined_at_once_as_before(services, sandbox):
    started, outcome = initiate_and_charge(
        services.db.uow, sandbox, customer_code="ACME", amount=Money.of("1000.00", "USD"),
        requests=[AllocationRequest("INV-1")], method_id=method(services, "tok_card_insufficient"), pay_on=DUE,
        today=DUE, reasons=("Other",), actor=TEST_ACTOR, branding=services.branding)
    assert outcome.endswith("pending → failed")
    assert attempts(services, started.payment_id) == []
    [notice] = notices(services)
    assert "try" not in notice.replace("To pay again", "") and "Pay online" not in notice
    assert run(services, sandbox, dt.date(2026, 12, 9)) == []


def test_the_retry_days_come_from_the_environment():
    from core.kernel.config import SettingsError, load_settings

    assert load_settings(retry_schedule_days="2, 5").retry_schedule_days == (2, 5)
    assert load_settings(retry_schedule_days="").retry_schedule_days == ()
    with pytest.raises(SettingsError, match="RETRY_SCHEDULE_DAYS"):
        load_settings(retry_schedule_days="1,x")
    assert json.dumps(load_settings().retry_schedule_days) == "[1, 3, 7]"
