"""The sandbox processor's own records, standing in for a processor's database (not part of the AR book).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Index,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.kernel.card_numbers import FREE_TEXT
from core.kernel.models import Base, utcnow


class SandboxCharge(Base):
    """The sandbox processor's own records, standing in for the processor's database.

    Not part of the AR book: the engine knows a charge only by `Payment.processor_payment_id`. The timeline
    (settle at `settle_at`, then perhaps a return at `return_at`) is scripted by the test token's `outcome`;
    `events_sent` counts how many of its webhooks have been handed out, so each is produced exactly once.
    """

    __tablename__ = "sandbox_charges"
    __table_args__ = (Index("ix_sandbox_charges_due", "events_sent", "settle_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # py_<hex>
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    token: Mapped[str] = mapped_column(String(60))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    outcome: Mapped[str] = mapped_column(String(30))  # succeeds | declined | insufficient_funds | returned
    status: Mapped[str] = mapped_column(String(20))  # processing | succeeded | failed | returned | refunded
    settle_at: Mapped[dt.datetime]
    return_at: Mapped[dt.datetime | None]
    reference: Mapped[str | None] = mapped_column(String(120))  # our payment id, from the charge's metadata
    failure_reason: Mapped[str | None] = mapped_column(String(120))
    refunded_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    refunds: Mapped[dict] = mapped_column(JSON, default=dict)  # refund idempotency key -> {id, amount}
    events_sent: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class SandboxCard(Base):
    """A test card the sandbox's entry page tokenized: what may be shown of it, never the number or CVC.

    Like `SandboxCharge`, the sandbox processor's own records, standing in for the processor's database.
    """

    __tablename__ = "sandbox_cards"

    token: Mapped[str] = mapped_column(String(60), primary_key=True)  # tok_<hex>
    brand: Mapped[str] = mapped_column(String(20))
    last4: Mapped[str] = mapped_column(String(4))
    exp_month: Mapped[int]
    exp_year: Mapped[int]
    holder: Mapped[str] = mapped_column(String(100), default="", info=FREE_TEXT)
    outcome: Mapped[str] = mapped_column(String(30))  # succeeds | declined: what a charge on it will do
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
