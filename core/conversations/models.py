"""Conversations' tables: chats and their turns, link tokens, phone calls, messages to review."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.kernel.card_numbers import FREE_TEXT
from core.kernel.models import Base, Stamped, utcnow


class Conversation(Stamped, Base):
    """A chat with one sender on one channel: who it acts for once linked, and where the dialogue stands.

    `state` is the dialogue's named state; `context` what the next message is read against (the list just
    shown, the open quote, the question asked, the amount a dunning message named).
    """

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_conversation_sender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))  # telegram | sms | voice | cli
    external_id: Mapped[str] = mapped_column(String(64))  # Telegram chat id, E.164 phone number …
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    state: Mapped[str] = mapped_column(String(40), default="idle")
    context: Mapped[dict] = mapped_column(JSON, default=dict, info=FREE_TEXT)
    linked_at: Mapped[dt.datetime | None]
    last_inbound_at: Mapped[dt.datetime | None]


class ConversationTurn(Base):
    """The transcript: every message in and out, in order. An inbound message's provider id (Telegram
    update_id, Twilio MessageSid) is unique per channel, so a delivery repeated by the provider is a no-op."""

    __tablename__ = "conversation_turns"
    __table_args__ = (
        UniqueConstraint("channel", "provider_id", name="uq_turn_provider_id"),
        Index("ix_turns_conversation", "conversation_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    channel: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    text: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    provider_id: Mapped[str | None] = mapped_column(String(80))  # inbound: the provider's id of the message
    intent: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class LinkToken(Base):
    """A one-time, expiring token that links a chat to a customer (`/start <token>` on Telegram)."""

    __tablename__ = "link_tokens"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)  # A-Za-z0-9_-
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    used_by: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class PhoneCall(Base):
    """A call that reached the IVR, and what became of it: the console's screen pop shows the ones waiting
    for an agent (`queued` after the caller asked for one, `ringing`/`in-progress` while the Dial runs)."""

    __tablename__ = "phone_calls"
    __table_args__ = (Index("ix_phone_calls_status", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_number: Mapped[str] = mapped_column(String(32), default="")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    # in-ivr | queued | ringing | in-progress | completed | busy | no-answer | failed | canceled
    status: Mapped[str] = mapped_column(String(20), default="in-ivr")
    wants_agent: Mapped[bool] = mapped_column(default=False)
    answered_by: Mapped[str | None] = mapped_column(String(120))
    answered_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    ended_at: Mapped[dt.datetime | None]


class MessageReview(Stamped, Base):
    """A customer's message the bot read badly, kept for staff to label with what it meant
    (core.conversations.reviews).

    `text` is the message as the transcript keeps it (card- and account-like numbers blanked); `today` the day it
    was read against, so its dates resolve as they did. One review per inbound turn."""

    __tablename__ = "message_reviews"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'labelled', 'dismissed')", name="message_review_status"),
        CheckConstraint("reason IN ('not understood', 'asked which', 'corrected')", name="message_review_reason"),
        UniqueConstraint("turn_id", name="uq_message_review_turn"),
        Index("ix_message_reviews_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    turn_id: Mapped[int] = mapped_column(ForeignKey("conversation_turns.id"))
    text: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    today: Mapped[dt.date] = mapped_column(Date)
    guessed_intent: Mapped[str] = mapped_column(String(30))
    confidence: Mapped[float]
    options: Mapped[list] = mapped_column(JSON, default=list)  # the intents the bot offered to choose from
    reason: Mapped[str] = mapped_column(String(20))  # not understood | asked which | corrected
    status: Mapped[str] = mapped_column(String(20), default="open")  # open → labelled → dismissed
    label_intent: Mapped[str | None] = mapped_column(String(30))
    label_slots: Mapped[dict | None] = mapped_column(JSON)  # {"invoices": [...], "amount": "120.00", "date": "…"}
    reviewed_by: Mapped[str | None] = mapped_column(String(120))  # who labelled it (or dismissed it)
    reviewed_at: Mapped[dt.datetime | None]
