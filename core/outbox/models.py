"""The outbox's tables: every outbound message, and the message templates staff edit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.kernel.card_numbers import FREE_TEXT
from core.kernel.models import Base, Stamped

OUTBOX_STATUSES = ("pending", "approved", "sent", "failed", "canceled")


class OutboxMessage(Stamped, Base):
    """Every outbound message is a row first, written in the transaction of the change that caused it.

    pending → approved → sent | failed | canceled. The dispatcher sends approved rows whose
    `next_attempt_at` has come; a failed attempt is retried with backoff until `failed` after the last one.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'approved', 'sent', 'failed', 'canceled')", name="outbox_status"
        ),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_customer", "customer_id", "created_at"),
        Index("ix_outbox_provider_id", "provider_id"),  # a provider's status callback finds its message
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))  # email | fax | print | telegram | sms
    recipient: Mapped[str] = mapped_column(String(254))  # address, fax gateway address, chat id, E.164 …
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    template: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list] = mapped_column(JSON, default=list)  # stored_files ids
    reason: Mapped[str] = mapped_column(String(120), default="")  # statement | dunning | payment_failed …
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statements.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    provider_id: Mapped[str | None] = mapped_column(String(200))
    # What the provider reported after accepting it (Twilio: queued → sent → delivered | undelivered | failed).
    provider_status: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(120), default="")
    sent_at: Mapped[dt.datetime | None]
    # Set by producers that must not queue the same message twice (a rerun, a retried job).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Pushed to a customer: sent only within the quiet-hours window of the customer's timezone.
    respect_quiet_hours: Mapped[bool] = mapped_column(default=False)


class MessageTemplate(Stamped, Base):
    """A staff-edited message template; the file of the same name in templates/messages is the default."""

    __tablename__ = "message_templates"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)  # e.g. dunning.stage2.email.txt
    body: Mapped[str] = mapped_column(Text, info=FREE_TEXT)
    updated_by: Mapped[str] = mapped_column(String(120), default="")
