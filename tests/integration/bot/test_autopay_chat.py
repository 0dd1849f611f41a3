"""Autopay in the chat through `bot.engine.handle`, on SQLite and PostgreSQL: turned on only after YES to the method
and rule stated, the notice's SKIP cancels that charge, "stop autopay" turns it off; a bank account is refused."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.kernel.models import AuditEvent
from core.ledger.models import Payment
from core.outbox.models import OutboxMessage
from core.payments import autopay_status, run_autopay
from core.payments.models import AutopayEnrollment, PaymentMethod
from tests.books import TEST_BRANDING
from tests.integration.bot.test_dialogue import Chat

DEC_12 = dt.date(2026, 12, 12)  # three days before INV-1042 falls due (Dec 15)


def statuses(chat: Chat) -> list[tuple[int, str]]:
    with chat.services.db.uow() as uow:
        return [(p.amount_minor, p.status) for p in uow.session.scalars(select(Payment).order_by(Payment.id))]


def run(chat: Chat) -> list[str]:
    services = chat.services
    return run_autopay(services.db.uow, services.settings, processor="sandbox", today=DEC_12,
                       now=dt.datetime(2026, 12, 12, 5, 30, tzinfo=dt.UTC), branding=TEST_BRANDING)


def test_autopay_is_turned_on_by_yes_to_the_method_and_rule_then_skip_and_stop(chat: Chat) -> None:
    asked = chat.say("set up autopay")
    assert "Visa •4242" in asked and "on its due date" in asked and "Reply YES" in asked
    assert chat.state() == "confirm_autopay"
    assert autopay_status(chat.services.db.uow(), "ACME") is None  # nothing before the YES

    done = chat.say("YES")
    assert "Autopay is on with Visa •4242" in done
    view = autopay_status(chat.services.db.uow(), "ACME")
    assert view is not None and view.channel == "sms" and "Reply YES to turn autopay on" in view.authorization_text
    assert view.authorized_by.startswith("customer ACME")

    [line] = run(chat)
    assert "scheduled for 2026-12-15" in line
    with chat.services.db.uow() as uow:
        notice = uow.session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.reason == "autopay_notice"))
    assert "on Dec 15, 2026 we will charge $1,000.00 to Visa •4242 for invoice INV-1042" in notice
    assert "Reply SKIP" in notice

    skipped = chat.say("SKIP")
    assert "Skipped: the autopay charge of $1,000.00" in skipped and "INV-1042 stays open" in skipped
    assert statuses(chat) == [(100000, "canceled")]

    off = chat.say("please turn off automatic payments")
    assert "Autopay is off" in off
    assert autopay_status(chat.services.db.uow(), "ACME") is None
    assert "no autopay charge waiting" in chat.say("skip")
    with chat.services.db.uow() as uow:
        actions = [a for a in uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))
                   if a.startswith("autopay.")]
    assert actions == ["autopay.enrolled", "autopay.scheduled", "autopay.skipped", "autopay.ended"]


def test_no_leaves_autopay_off_and_a_bare_ok_is_not_a_yes(chat: Chat) -> None:
    chat.say("can we do autopay instead of paying each invoice")
    assert chat.state() == "confirm_autopay"
    assert "autopay stays off" in chat.say("no")
    chat.say("turn on autopay")
    chat.say("👍")
    with chat.services.db.uow() as uow:
        assert uow.session.scalar(select(AutopayEnrollment.id)) is None


def test_a_bank_account_is_refused_in_the_chat(chat: Chat) -> None:
    with chat.services.db.uow() as uow:
        uow.session.execute(PaymentMethod.__table__.update().values(active=False))
        uow.session.add(PaymentMethod(customer_id=uow.session.scalar(select(PaymentMethod.customer_id)),
                                      processor="sandbox", token="tok_ach_success", kind="ach", last4="6789",
                                      active=True, ach_authorization_kind="tel_recorded",
                                      ach_authorization_reference="call 7"))
        uow.commit()
    answer = chat.say("set up autopay")
    assert "recurring debit authorization" in answer and chat.state() == "idle"
