"""What a messaging provider reports after a message left, on SQLite and PostgreSQL: the provider status only
moves forward, a failure after sending fails the message, and another channel's message with the same provider
id is not touched. Also: drafts queued on their own, and one-time keys."""

from __future__ import annotations

from sqlalchemy import select, update

from core.bootstrap import Services
from core.kernel.audit import Actor
from core.kernel.models import AuditEvent
from core.outbox.lifecycle import Draft, queue_drafts
from core.outbox.models import OutboxMessage
from core.outbox.provider_status import moves_forward, record_provider_status
from core.payments import idempotency
from tests.books import TEST_ACTOR

TWILIO = Actor("twilio", "sms")
PHONE = "+15105550100"


def sent_sms(services: Services, provider_id: str, channel: str = "sms", recipient: str = PHONE) -> int:
    [message_id] = queue_drafts(services.db.uow(), TEST_ACTOR, [Draft(channel, recipient, "chat.reply", body_text="Hi",
                                                                      approved=True)])
    with services.db.uow() as uow:
        uow.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                            .values(status="sent", provider_id=provider_id))
        uow.commit()
    return message_id


def state(services: Services, message_id: int) -> tuple[str, str | None, str | None]:
    with services.db.uow() as uow:
        m = uow.session.get(OutboxMessage, message_id)
        assert m is not None
        return m.status, m.provider_status, m.last_error


def test_the_rule_queued_sending_sent_delivered_and_failures_end_it() -> None:
    assert moves_forward(None, "queued") and moves_forward("queued", "delivered")
    assert not moves_forward("delivered", "sent") and not moves_forward("sent", "sent")
    assert moves_forward("sent", "undelivered") and not moves_forward("delivered", "failed")
    assert moves_forward("delivered", "read") and not moves_forward("failed", "delivered")
    assert not moves_forward("sent", "teleported")


def test_a_status_moves_forward_once_and_a_late_one_changes_nothing(services: Services) -> None:
    message_id = sent_sms(services, "SM1")
    assert record_provider_status(services.db.uow(), TWILIO, "SM1", "sent", None) == "none → sent"
    assert record_provider_status(services.db.uow(), TWILIO, "SM1", "delivered", None) == "sent → delivered"
    assert record_provider_status(services.db.uow(), TWILIO, "SM1", "sent", None) == "ignored: sent after delivered"
    assert record_provider_status(services.db.uow(), TWILIO, "SM1", "failed", "30003").startswith("ignored")
    assert state(services, message_id) == ("sent", "delivered", None)
    with services.db.uow() as uow:
        audited = uow.session.scalars(select(AuditEvent.details).where(AuditEvent.subject == f"outbox:{message_id}",
                                                                       AuditEvent.action == "outbox.provider_status"))
        assert [d["status"] for d in audited] == ["sent", "delivered"]


def test_a_failure_after_sending_fails_the_message_and_leaves_other_channels_alone(services: Services) -> None:
    sms = sent_sms(services, "SM2")
    email = sent_sms(services, "SM2", channel="email", recipient="ap@acme.example")
    assert record_provider_status(services.db.uow(), TWILIO, "SM2", "undelivered", "30005") == "none → undelivered"
    assert state(services, sms) == ("failed", "undelivered", "twilio reports undelivered (error 30005)")
    assert state(services, email) == ("sent", None, None)
    assert record_provider_status(services.db.uow(), TWILIO, "SM-unknown", "delivered", None) == "unknown message"


def test_drafts_with_a_dedupe_key_are_queued_once(services: Services) -> None:
    drafts = [Draft("sms", PHONE, "chat.reply", body_text=text, dedupe_key=f"reply:{n}", approved=True)
              for n, text in enumerate(["One", "Two"])]
    first = queue_drafts(services.db.uow(), TEST_ACTOR, drafts)
    assert queue_drafts(services.db.uow(), TEST_ACTOR, drafts) == first and len(set(first)) == 2
    with services.db.uow() as uow:
        queued = uow.session.scalars(select(OutboxMessage.body_text).order_by(OutboxMessage.id))
        assert list(queued) == ["One", "Two"]


def test_a_one_time_key_is_used_once(services: Services) -> None:
    uow = services.db.uow
    assert not idempotency.is_used(uow(), "sandbox-link", "nonce-1")
    assert idempotency.use_once(uow(), "sandbox-link", "nonce-1")
    assert idempotency.is_used(uow(), "sandbox-link", "nonce-1")
    assert not idempotency.use_once(uow(), "sandbox-link", "nonce-1")
    assert not idempotency.is_used(uow(), "other-scope", "nonce-1")
