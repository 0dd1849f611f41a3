"""Dunning's tables: each class's stages, the notices sent, the promises to pay, the holds staff put."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
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


class DunningStage(Stamped, Base):
    """One debt stage of a dunning policy: a class's own, or the default policy's (class_id NULL).

    A customer is at the most severe stage whose threshold its most overdue open invoice passes:
    `days_over_terms_above` None means any positive balance (the seed's stage 1), 15 means more than 15
    days past terms (stage 2), 30 more than 30 (stage 3).
    """

    __tablename__ = "dunning_stages"
    __table_args__ = (UniqueConstraint("class_id", "stage", name="uq_dunning_stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("customer_classes.id"))
    stage: Mapped[int]
    name: Mapped[str] = mapped_column(String(80), default="", info=FREE_TEXT)
    days_over_terms_above: Mapped[int | None]
    template: Mapped[str] = mapped_column(String(80))  # e.g. dunning.stage1: dunning.stage1.email.txt …
    channels: Mapped[str] = mapped_column(String(100), default="email")  # ';'-joined, in order of preference
    auto_approve: Mapped[bool] = mapped_column(default=False)
    cadence_days: Mapped[int] = mapped_column(default=7)  # the same stage is not sent again within this


class DunningNotice(Base):
    """A dunning message queued for a customer: what cadence, escalation and cancel-when-paid look back on."""

    __tablename__ = "dunning_notices"
    __table_args__ = (
        Index("ix_dunning_notices_customer", "customer_id", "run_date"),
        UniqueConstraint("customer_id", "run_date", "channel", name="uq_dunning_notice_run"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    run_date: Mapped[dt.date] = mapped_column(Date)
    stage: Mapped[int]
    channel: Mapped[str] = mapped_column(String(20))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    balance_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    days_over_terms: Mapped[int]
    # The invoices it names and asks to be paid (`Ask.named`: the overdue ones, else the open ones); a reply of
    # "pay it" pays these. Notices queued before this rule hold every invoice then open.
    invoice_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class PaymentPromise(Stamped, Base):
    """A customer's promise to pay ("I'll pay on Friday"): dunning holds off until its date plus grace."""

    __tablename__ = "payment_promises"
    __table_args__ = (Index("ix_promises_customer", "customer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    promised_for: Mapped[dt.date] = mapped_column(Date)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)  # None: the balance
    currency: Mapped[str] = mapped_column(String(3))
    # The invoices promised ("I'll pay 104108 on the 15th"), as document ids; empty: the account as a whole.
    invoice_ids: Mapped[list] = mapped_column(JSON, default=list)
    grace_days: Mapped[int] = mapped_column(default=3)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | kept | broken | canceled
    channel: Mapped[str] = mapped_column(String(20), default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str | None] = mapped_column(Text, info=FREE_TEXT)


class DunningHold(Base):
    """A dunning hold ("Mahnstopp") staff put on a customer, or on one of its invoices (`invoice_id`): dunning
    leaves it alone until the hold is lifted or its `until` date has passed (the hold counts through that day)."""

    __tablename__ = "dunning_holds"
    __table_args__ = (Index("ix_dunning_holds_customer", "customer_id", "invoice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))  # None: the whole account
    reason: Mapped[str] = mapped_column(Text, info=FREE_TEXT)
    until: Mapped[dt.date | None] = mapped_column(Date)  # None: until lifted
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    lifted_by: Mapped[str | None] = mapped_column(String(120))
    lifted_at: Mapped[dt.datetime | None]
