"""The statement cycle's tables: runs, frozen statements, their deliveries and print batches."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kernel.models import Base, utcnow
from core.kernel.money import Money
from core.ledger.models import (
    Customer,
)


class StatementRun(Base):
    """One statement cycle for one statement date. Re-running the date resumes it; it never starts over."""

    __tablename__ = "statement_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_date: Mapped[dt.date] = mapped_column(Date, unique=True)
    finance_charges_on: Mapped[dt.date | None] = mapped_column(Date)  # None: no finance charges assessed
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | complete
    customers: Mapped[int] = mapped_column(default=0)  # evaluated so far
    created: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    finance_charges: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    finished_at: Mapped[dt.datetime | None]


class Statement(Base):
    """A customer's statement for one date: an immutable snapshot (see `core.statements.snapshots`), and its PDF.

    The snapshot holds everything the document shows, the account settings included, so later changes to
    the customer never alter it. The PDF is rendered from the snapshot with `template_version`, so it is
    the same document whenever it is rendered; `file_id` is set once it is.
    """

    __tablename__ = "statements"
    __table_args__ = (
        UniqueConstraint("customer_id", "statement_date", name="uq_statement_customer_date"),
        Index("ix_statements_date", "statement_date", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("statement_runs.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    statement_date: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    balance_minor: Mapped[int] = mapped_column(BigInteger)  # open debits less open credits and unapplied cash
    snapshot: Mapped[dict] = mapped_column(JSON)
    template_version: Mapped[str] = mapped_column(String(20))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())

    customer: Mapped[Customer] = relationship()

    @property
    def balance(self) -> Money:
        return Money.from_minor(self.balance_minor, self.currency)


class StatementDelivery(Base):
    """The delivery log: one line per statement per channel per attempt to deliver it, skips included."""

    __tablename__ = "statement_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # queued | sent | failed | skipped | canceled
    reason: Mapped[str] = mapped_column(String(300), default="")
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class PrintBatch(Base):
    """One day's mail for the print-and-mail partner: a combined PDF in mailing order and a manifest."""

    __tablename__ = "print_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_date: Mapped[dt.date] = mapped_column(Date, unique=True)
    pdf_path: Mapped[str] = mapped_column(String(500))
    manifest_path: Mapped[str] = mapped_column(String(500))
    pieces: Mapped[int] = mapped_column(default=0)
    pages: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class PrintBatchItem(Base):
    """A statement in a print batch. The primary key is the rule: a statement is never mailed twice."""

    __tablename__ = "print_batch_items"

    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("print_batches.id"), index=True)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"))
    sequence: Mapped[int]
    pages: Mapped[int]
