"""The payments context's tables: saved methods, a payment's lines, processor events, idempotency keys, quotes,
autopay enrollments and their charges."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
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


class AutopayEnrollment(Base):
    """A customer's standing permission to charge one saved method for their invoices on their due dates: who
    gave it, when, on which channel and in what words. Ended, never deleted; one active (not ended) per customer.
    A bank account's needs the reference of the customer's recurring debit authorization on file."""

    __tablename__ = "autopay_enrollments"
    __table_args__ = (
        Index("uq_autopay_enrollments_active", "customer_id", unique=True,
              postgresql_where=text("ended_at IS NULL"), sqlite_where=text("ended_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    method_id: Mapped[int] = mapped_column(ForeignKey("payment_methods.id"))
    authorized_by: Mapped[str] = mapped_column(String(200))  # the customer (contact) or the agent who recorded it
    authorized_at: Mapped[dt.datetime]
    channel: Mapped[str] = mapped_column(String(40))
    authorization_text: Mapped[str] = mapped_column(Text, info=FREE_TEXT)  # what was read and agreed to
    ach_recurring_reference: Mapped[str | None] = mapped_column(String(200))
    ended_at: Mapped[dt.datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(200))
    end_reason: Mapped[str | None] = mapped_column(String(200))


class AutopayCharge(Base):
    """One due date's autopay charge: the ordinary scheduled payment it made and the notice that announced it.
    One per customer and due date, so a rerun of the day's job (or a skip) never makes a second."""

    __tablename__ = "autopay_charges"
    __table_args__ = (UniqueConstraint("customer_id", "due_on", name="uq_autopay_charge_customer_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("autopay_enrollments.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), unique=True)
    invoices: Mapped[list] = mapped_column(JSON, default=list)  # the invoice numbers, as the notice named them
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"))
    skipped_at: Mapped[dt.datetime | None]
    skipped_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class PaymentAttempt(Base):
    """One try at charging a scheduled payment (core.payments.retries): the scheduler's charge on its date is attempt
    1; a soft decline plans the next, charged as a payment of its own on its day under its own processor key, until
    one succeeds, a hard decline or the last of the settings' retries ends the chain, or its invoices were paid
    meanwhile. `first_payment_id` names the chain: the payment the customer agreed to."""

    __tablename__ = "payment_attempts"
    __table_args__ = (
        UniqueConstraint("first_payment_id", "attempt", name="uq_payment_attempt"),
        UniqueConstraint("idempotency_key", name="uq_payment_attempt_key"),
        UniqueConstraint("payment_id", name="uq_payment_attempt_payment"),
        CheckConstraint("outcome IN ('planned', 'charging', 'succeeded', 'failed', 'canceled')",
                        name="payment_attempt_outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    attempt: Mapped[int]  # 1: the scheduled charge itself; 2…: its retries
    of_attempts: Mapped[int]  # how many the settings allowed when the chain began: 1 + the retry days
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))  # None until the attempt is charged
    idempotency_key: Mapped[str] = mapped_column(String(120))  # charge:{first} | charge:{first}:retry{n}
    processor: Mapped[str] = mapped_column(String(20))
    planned_on: Mapped[dt.date] = mapped_column(Date, index=True)
    charged_at: Mapped[dt.datetime | None]
    outcome: Mapped[str] = mapped_column(String(20), default="planned")
    failure_code: Mapped[str | None] = mapped_column(String(120))
    next_try_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(300))  # why a planned attempt was canceled
