"""A payment that succeeds owes its customer a receipt, sent back where it was made, once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.bootstrap import Services
from core.conversations import link_customer, open_conversation, primary_contact, send_receipts
from core.kernel.audit import Actor
from core.kernel.models import AuditEvent
from core.ledger.models import Contact, Payment
from core.outbox.models import OutboxMessage
from tests.books import TEST_BRANDING
from tests.integration.bot.test_dialogue import NOW, PHONE, Chat, acme_book, add_card, settle, use_sandbox

SWEEP = Actor("scheduler", "scheduler")


def book(services: Services) -> None:
    use_sandbox(services)
    acme_book(services.db)
    add_card(services.db)


def paid_by_chat(services: Services, channel: str = "sms", sender: str = PHONE) -> tuple[int, dt.date]:
    """INV-1042 paid in a chat and settled by the sandbox's webhook: the payment's id and the day it was received."""
    chat = Chat(services, channel=channel, sender=sender)
    chat.say("pay INV-1042")
    assert "I'll send a receipt when it clears" in chat.say("YES")
    settle(services)
    with services.db.uow() as uow:
        payment = uow.session.scalars(select(Payment)).one()
        assert payment.status == "succeeded"
        return payment.id, payment.received_on


def receipts(services: Services) -> list[OutboxMessage]:
    with services.db.uow() as uow:
        found = list(uow.session.scalars(select(OutboxMessage).where(OutboxMessage.reason == "payment_receipt")))
        uow.session.expunge_all()  # read as they stand, after the session ends
        return found


def test_a_payment_made_by_sms_gets_its_receipt_by_sms_with_a_link_once(services: Services) -> None:
    book(services)
    payment_id, received_on = paid_by_chat(services)

    assert receipts(services) == []  # nothing before the sweep: the receipt is rendered there, not in the webhook
    assert send_receipts(services, TEST_BRANDING, received_on, SWEEP) == 1
    assert send_receipts(services, TEST_BRANDING, received_on, SWEEP) == 0  # a second pass sends nothing more

    (sent,) = receipts(services)
    assert (sent.channel, sent.recipient, sent.status) == ("sms", PHONE, "approved")
    assert f"payment P-{payment_id} of $980.00 received for INV-1042" in sent.body_text
    assert "Balance now $650.00" in sent.body_text and "/d/" in sent.body_text
    assert sent.attachments == []  # a text message carries the link, not the PDF


def test_a_payment_made_in_telegram_gets_the_pdf_in_that_chat(services: Services) -> None:
    paid_by_chat_id = "4242001"
    book(services)
    customer_id, contact_id = primary_contact(services.db.uow(), "ACME")  # linked as /start <token> would link it
    chat = open_conversation(services.db.uow(), "telegram", paid_by_chat_id)
    link_customer(services.db.uow(), chat.id, customer_id=customer_id, contact_id=contact_id, now=NOW, actor=SWEEP,
                  how="test", telegram_user_id=int(paid_by_chat_id))
    payment_id, received_on = paid_by_chat(services, channel="telegram", sender=paid_by_chat_id)

    send_receipts(services, TEST_BRANDING, received_on, SWEEP)

    (sent,) = receipts(services)
    assert (sent.channel, sent.recipient) == ("telegram", paid_by_chat_id)
    assert len(sent.attachments) == 1 and f"Payment P-{payment_id} of $980.00" in sent.body_text


def test_a_payment_long_past_or_recorded_outside_us_gets_none(services: Services) -> None:
    book(services)
    payment_id, received_on = paid_by_chat(services)

    assert send_receipts(services, TEST_BRANDING, received_on + dt.timedelta(days=30), SWEEP) == 0
    with services.db.uow() as uow:  # an ERP import: no processor took it here
        uow.session.get(Payment, payment_id).processor = None  # type: ignore[union-attr]
        uow.commit()
    assert send_receipts(services, TEST_BRANDING, received_on, SWEEP) == 0
    assert receipts(services) == []


def test_with_nowhere_to_send_it_the_audit_says_why_and_the_sweep_moves_on(services: Services) -> None:
    book(services)
    payment_id, received_on = paid_by_chat(services)
    with services.db.uow() as uow:  # the number texted STOP since, and there is no email or Telegram chat
        for contact in uow.session.scalars(select(Contact)):
            contact.sms_opt_out, contact.email = True, None
        uow.commit()

    assert send_receipts(services, TEST_BRANDING, received_on, SWEEP) == 0
    assert send_receipts(services, TEST_BRANDING, received_on, SWEEP) == 0
    with services.db.uow() as uow:
        skipped = [(e.subject, e.details["reason"])
                   for e in uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "receipt.skipped"))]
    # The reasons in the customer's delivery order.
    assert skipped == [(f"payment:{payment_id}", "opted out of SMS; no email address; no linked Telegram chat")]
