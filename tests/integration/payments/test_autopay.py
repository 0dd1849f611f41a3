"""Autopay: enroll a saved method, the notice and the scheduled payment N days before a due date, skip, turn off;
a bank account needs a recurring authorization; both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.errors import Conflict, Invalid
from core.kernel.models import AuditEvent
from core.ledger import open_dispute
from core.ledger.models import Customer, Payment
from core.outbox.models import OutboxMessage
from core.payments import (
    AutopayAuthorization,
    autopay_status,
    charge_scheduled,
    enroll_autopay,
    read_skip_token,
    run_autopay,
    skip_autopay,
    turn_off_autopay,
)
from core.payments.models import AutopayCharge, PaymentLine, PaymentMethod
from tests.books import TEST_ACTOR, TEST_BRANDING, customer, invoice

TODAY = dt.date(2026, 12, 1)  # invoices due Dec 4 are announced today (3 days ahead)
NOW = dt.datetime(2026, 12, 1, 5, 30, tzinfo=dt.UTC)
AGENT = Actor("user:alice", "console")


TOKENS = {("card", "ACME"): "tok_visa", ("card", "MUTE"): "tok_mastercard", ("ach", "ACME"): "tok_ach_success"}


def method(db, kind: str = "card", authorization: str | None = None, code: str = "ACME") -> int:
    with db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == code))
        row = PaymentMethod(customer_id=customer_id, processor="sandbox", token=TOKENS[kind, code], kind=kind,
                            brand="visa" if kind == "card" else "", last4="4242" if kind == "card" else "6789",
                            active=True, ach_authorization_kind=authorization,
                            ach_authorization_reference="call 77" if authorization else None)
        uow.session.add(row)
        uow.commit()
        return row.id


@pytest.fixture
def book(db) -> int:
    """ACME: INV-1 ($1,000) and INV-2 ($230) due Dec 4, INV-3 due Dec 20, and a card."""
    customer(db)
    invoice(db, "INV-1", "1000.00", "2026-11-04", due_date="2026-12-04")
    invoice(db, "INV-2", "230.00", "2026-11-10", due_date="2026-12-04")
    invoice(db, "INV-3", "400.00", "2026-11-20", due_date="2026-12-20")
    return method(db)


def agreed(text: str = "YES", reference: str = "") -> AutopayAuthorization:
    return AutopayAuthorization("customer ACME (contact 1)", NOW, "telegram", text, reference)


def enroll(services, method_id: int, authorization: AutopayAuthorization | None = None):
    return enroll_autopay(services.db.uow(), customer_code="ACME", method_id=method_id,
                          authorization=authorization or agreed(), actor=TEST_ACTOR)


def run(services, today: dt.date = TODAY) -> list[str]:
    return run_autopay(services.db.uow, services.settings, processor="sandbox", today=today, now=NOW,
                       branding=TEST_BRANDING)


def scheduled(db) -> list:  # type: ignore[no-untyped-def]
    """The scheduled payments: (id, amount in minor units, date, method, channel)."""
    with db.uow() as uow:
        return list(uow.session.execute(select(Payment.id, Payment.amount_minor, Payment.scheduled_for,
                                               Payment.method_id, Payment.channel)
                                        .where(Payment.status == "scheduled").order_by(Payment.id)).all())


def count(db, table) -> int:  # type: ignore[no-untyped-def]
    with db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(table))


def test_the_day_s_run_schedules_the_invoices_due_in_three_days_and_queues_the_notice(services, book):
    view = enroll(services, book)
    assert view.active and view.method.label == "Visa •4242" and view.authorized_by == "customer ACME (contact 1)"
    assert run(services, TODAY - dt.timedelta(days=1)) == []  # Dec 3 is due nothing

    lines = run(services)

    assert len(lines) == 1 and "scheduled for 2026-12-04" in lines[0]
    [payment] = scheduled(services.db)
    assert payment[1:] == (123000, dt.date(2026, 12, 4), book, "autopay")
    with services.db.uow() as uow:
        amounts = sorted(uow.session.scalars(select(PaymentLine.amount_minor).where(
            PaymentLine.payment_id == payment[0])))
        notice = uow.session.execute(select(OutboxMessage.channel, OutboxMessage.recipient, OutboxMessage.body_text)
                                     .where(OutboxMessage.reason == "autopay_notice")).one()
    assert amounts == [23000, 100000]  # INV-3, due Dec 20, waits for its own day
    assert (notice.channel, notice.recipient) == ("email", "ap@acme.example")
    assert "On Dec 4, 2026 we will charge $1,230.00 to Visa •4242 for invoices INV-1, INV-2" in notice.body_text
    assert "reply SKIP" in notice.body_text and "/autopay/skip/" in notice.body_text


def test_the_job_run_twice_makes_nothing_twice(services, book):
    enroll(services, book)
    run(services)
    assert run(services) == []
    assert len(scheduled(services.db)) == 1 and count(services.db, AutopayCharge) == 1
    with services.db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(OutboxMessage)
                                  .where(OutboxMessage.reason == "autopay_notice")) == 1


def test_a_disputed_invoice_is_skipped(services, book):
    enroll(services, book)
    with services.db.uow() as uow:
        open_dispute(uow.session, TEST_ACTOR, customer_code="ACME", invoice="INV-2", amount=None, reason=None,
                     words="we never got these", channel="sms", now=NOW)
        uow.commit()
    run(services)
    [payment] = scheduled(services.db)
    assert payment[1] == 100000  # INV-1 only


def test_the_scheduler_charges_it_on_the_due_date(services, book):
    enroll(services, book)
    run(services)
    charge_scheduled(services.db.uow, services.processors["sandbox"], dt.date(2026, 12, 4), TEST_ACTOR,
                     TEST_BRANDING)
    with services.db.uow() as uow:
        statuses = list(uow.session.scalars(select(Payment.status)))
    assert statuses and statuses[0] in ("pending", "succeeded")


def test_skip_cancels_the_scheduled_payment_and_the_day_is_not_charged_again(services, book):
    enroll(services, book)
    run(services)
    skipped = skip_autopay(services.db.uow(), customer_code="ACME", now=NOW, actor=Actor("contact:1", "sms"))
    assert skipped.due_on == dt.date(2026, 12, 4) and skipped.status == "canceled"
    assert scheduled(services.db) == []
    assert run(services) == []  # the skipped day stays skipped
    with pytest.raises(Conflict, match="no upcoming autopay charge"):
        skip_autopay(services.db.uow(), customer_code="ACME", now=NOW, actor=Actor("contact:1", "sms"))
    with services.db.uow() as uow:
        actions = set(uow.session.scalars(select(AuditEvent.action)))
    assert {"autopay.enrolled", "autopay.scheduled", "autopay.skipped", "payment.canceled"} <= actions


def test_the_notice_s_link_names_its_charge_until_the_day_after(services, book):
    from core.documents.links import link_secret

    enroll(services, book)
    run(services)
    with services.db.uow() as uow:
        charge_id = uow.session.scalar(select(AutopayCharge.id))
        body = uow.session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.reason == "autopay_notice"))
    token = body.split("/autopay/skip/")[1].split()[0]
    secret = link_secret(services.settings)
    assert read_skip_token(secret, token, NOW) == charge_id
    with pytest.raises(Invalid, match="expired"):
        read_skip_token(secret, token, dt.datetime(2026, 12, 6, tzinfo=dt.UTC))
    with pytest.raises(Invalid, match="not valid"):
        read_skip_token(secret, token[:-2] + "xx", NOW)


def test_turning_it_off_cancels_what_was_scheduled_and_stops_the_next_runs(services, book):
    enroll(services, book)
    run(services)
    ended = turn_off_autopay(services.db.uow(), customer_code="ACME", now=NOW, actor=Actor("contact:1", "telegram"))
    assert ended is not None and not ended.active
    assert scheduled(services.db) == []
    assert autopay_status(services.db.uow(), "ACME") is None
    assert run(services, dt.date(2026, 12, 17)) == []  # INV-3's day: autopay is off
    assert turn_off_autopay(services.db.uow(), customer_code="ACME", now=NOW, actor=TEST_ACTOR) is None


def test_a_bank_account_without_a_recurring_authorization_is_refused(services, book):
    bank = method(services.db, "ach", authorization="tel_recorded")
    with pytest.raises(Invalid, match="recurring debit authorization"):
        enroll(services, bank)
    assert autopay_status(services.db.uow(), "ACME") is None
    view = enroll(services, bank, AutopayAuthorization("user:alice", NOW, "console", "Signed autopay form on file",
                                                       "form R-12"))
    assert view.method.kind == "ach" and view.ach_recurring_reference == "form R-12"


def test_changing_the_method_ends_the_enrollment_and_records_the_new_authorization(services, book):
    first = enroll(services, book)
    again = enroll(services, book)
    assert again.id == first.id  # the same method: nothing changes
    bank = method(services.db, "ach", authorization="written")
    changed = enroll_autopay(services.db.uow(), customer_code="ACME", method_id=bank, actor=AGENT,
                             authorization=AutopayAuthorization("user:alice", NOW, "console", "Asked on the call",
                                                                "recorded call 991"))
    assert changed.id != first.id and changed.method.id == bank
    with services.db.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("autopay.%"))
                                           .order_by(AuditEvent.id)))
    assert actions == ["autopay.enrolled", "autopay.changed"]


def test_a_customer_no_notice_can_reach_is_not_charged(services, db):
    customer(db, "MUTE", email="")
    invoice(db, "M-1", "100.00", "2026-11-04", customer="MUTE", due_date="2026-12-04")
    card_id = method(db, code="MUTE")
    enroll_autopay(db.uow(), customer_code="MUTE", method_id=card_id, authorization=agreed(), actor=TEST_ACTOR)
    [line] = run(services)
    assert "no autopay notice can reach" in line and scheduled(db) == []


def test_notice_days_come_from_the_settings() -> None:
    assert Settings().autopay_notice_days == 3
