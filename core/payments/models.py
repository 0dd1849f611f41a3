"""The payments context's tables: saved methods, a payment's lines, processor events, idempotency keys, quotes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.kernel.card_numbers import FREE_TEXT
from core.kernel.models import Base, Stamped, utcnow


class PaymentMethod(Stamped, Base):
    """A processor token and what may be shown of it; never a card or account number."""

    __tablename__ = "payment_methods"
    __table_args__ = (
        UniqueConstraint("processor", "token", name="uq_payment_method_token"),
        CheckConstraint("kind IN ('card', 'ach')", name="payment_method_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    processor: Mapped[str] = mapped_column(String(20))
    token: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    brand: Mapped[str] = mapped_column(String(30), default="")
    last4: Mapped[str] = mapped_column(String(4), default="")
    exp_month: Mapped[int | None]
    exp_year: Mapped[int | None]
    holder: Mapped[str] = mapped_column(String(200), default="", info=FREE_TEXT)
    active: Mapped[bool] = mapped_column(default=True)
    ach_authorization_kind: Mapped[str | None] = mapped_column(String(20))  # e_signature | on_file
    ach_authorization_reference: Mapped[str | None] = mapped_column(String(200))
    ach_authorized_at: Mapped[dt.datetime | None]
    ach_authorization_source: Mapped[str | None] = mapped_column(String(100))


class PaymentLine(Base):
    """What a payment in flight (scheduled or pending) will apply to one invoice once it succeeds."""

    __tablename__ = "payment_lines"
    __table_args__ = (CheckConstraint("amount_minor > 0 AND discount_minor >= 0", name="payment_line_amounts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    discount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    short_reason: Mapped[str | None] = mapped_column(String(60))
    short_comment: Mapped[str | None] = mapped_column(Text, info=FREE_TEXT)


class WebhookEvent(Base):
    """A processor's webhook exactly as it arrived, stored before anything else is done with it."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("processor", "event_id", name="uq_webhook_processor_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    processor: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str | None] = mapped_column(String(120))  # None until the signature is proven
    event_type: Mapped[str] = mapped_column(String(60), default="")
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    body: Mapped[str] = mapped_column(Text)
    valid: Mapped[bool] = mapped_column(default=False)
    processed: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[str | None] = mapped_column(String(300))  # what it did, or why it was ignored/refused
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class IdempotencyRecord(Base):
    """The first answer to a money-moving request, replayed for the same key and body."""

    __tablename__ = "idempotency_records"

    scope: Mapped[str] = mapped_column(String(120), primary_key=True)  # who asked: the API key's name
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    # While the request runs: which attempt holds the key, since when (a lease: a request that died lets go of
    # it), and the payment it wrote, bound in the payment's own transaction so a retry finds it, never a second.
    attempt: Mapped[str | None] = mapped_column(String(32))
    locked_at: Mapped[dt.datetime | None]
    payment_id: Mapped[int | None]


class PaymentQuote(Base):
    """Exactly what a customer is asked to confirm: invoices, amounts, discount, method, date. "YES" executes
    this row once (open → executed under a row lock); it expires unanswered."""

    __tablename__ = "payment_quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    kind: Mapped[str] = mapped_column(String(20))  # pay | schedule | deposit | cancel_scheduled
    # [{number, amount_minor, discount_minor, reason, comment}]
    lines: Mapped[list] = mapped_column(JSON, default=list, info=FREE_TEXT)
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(BigInteger)
    method_id: Mapped[int | None] = mapped_column(ForeignKey("payment_methods.id"))
    pay_on: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text, info=FREE_TEXT)  # the confirmation as the customer read it
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | executed | canceled | expired
    expires_at: Mapped[dt.datetime]
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    outcome: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
