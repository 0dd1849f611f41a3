"""The AR book as stored: customers, their ledger documents, payments and where the money went.

Amounts are integer minor units (`*_minor`) beside a currency; `Money` views them at the edge.
Pure rules (aging, discounts, allocation) live in `core.rules` and take plain values, not rows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.money import Money

DOCUMENT_KINDS = ("invoice", "credit", "finance_charge")
DEBIT_KINDS = ("invoice", "finance_charge")
DELIVERY_METHODS = ("email", "print", "fax", "telegram", "sms")
OUTBOX_STATUSES = ("pending", "approved", "sent", "failed", "canceled")
PAYMENT_STATUSES = (
    "scheduled", "pending", "succeeded", "failed", "canceled", "returned", "refunded", "disputed",
)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: DateTime(timezone=True), Decimal: Numeric(12, 4), int: Integer}


class Stamped:
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        default=_utcnow, onupdate=_utcnow, server_default=func.now()
    )


class CustomerClass(Stamped, Base):
    __tablename__ = "customer_classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    allow_auto_statement: Mapped[bool] = mapped_column(default=False)
    finance_charge_monthly_rate: Mapped[Decimal | None]
    finance_charge_grace_days: Mapped[int | None]
    finance_charge_minimum: Mapped[Decimal | None]
    # No charge below this past-due balance; earlier finance charges are charged on only when compounding.
    finance_charge_min_past_due: Mapped[Decimal | None]
    finance_charge_compound: Mapped[bool] = mapped_column(default=False)


class Customer(Stamped, Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    class_id: Mapped[int] = mapped_column(ForeignKey("customer_classes.id"))
    terms_days: Mapped[int] = mapped_column(default=30)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    fax: Mapped[str | None] = mapped_column(String(32))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    delivery: Mapped[str] = mapped_column(String(100), default="")  # ';'-joined DELIVERY_METHODS
    on_hold: Mapped[bool] = mapped_column(default=False)
    finance_charge_exempt: Mapped[bool] = mapped_column(default=False)

    customer_class: Mapped[CustomerClass] = relationship(lazy="joined")
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="customer", order_by="Contact.id", cascade="all, delete-orphan"
    )

    @property
    def delivery_methods(self) -> list[str]:
        return [m for m in self.delivery.split(";") if m]


class Contact(Stamped, Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    is_primary: Mapped[bool] = mapped_column(default=False)
    email_opt_out: Mapped[bool] = mapped_column(default=False)
    sms_opt_out: Mapped[bool] = mapped_column(default=False)
    email_verified: Mapped[bool] = mapped_column(default=False)
    phone_verified: Mapped[bool] = mapped_column(default=False)

    customer: Mapped[Customer] = relationship(back_populates="contacts")


OPEN_DOCUMENT_COLUMNS = ("customer_id", "currency", "doc_date", "due_date", "open_minor", "voided", "kind")
OPEN_DEBITS = "open_minor > 0 AND kind <> 'credit'"
OPEN_CREDITS = "open_minor > 0 AND kind = 'credit'"


class Document(Stamped, Base):
    """An ERP item on the ledger: an invoice, a credit memo or a finance charge."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("kind IN ('invoice', 'credit', 'finance_charge')", name="document_kind"),
        CheckConstraint("amount_minor >= 0", name="document_amount_not_negative"),
        CheckConstraint("open_minor >= 0 AND open_minor <= amount_minor", name="document_open_within_amount"),
        # Aging and dunning total open items per customer and currency. These partial indexes hold just
        # those, in that order, with every column the reports read, so the reports never touch the table
        # (kind too: SQLite has no INCLUDE and looks the row up for any column missing). doc_date comes
        # third so that SQLite, probing one customer, prefers them to ix_documents_customer_date.
        Index(
            "ix_documents_open_debits", *OPEN_DOCUMENT_COLUMNS,
            postgresql_where=text(OPEN_DEBITS), sqlite_where=text(OPEN_DEBITS),
        ),
        Index(
            "ix_documents_open_credits", *OPEN_DOCUMENT_COLUMNS,
            postgresql_where=text(OPEN_CREDITS), sqlite_where=text(OPEN_CREDITS),
        ),
        Index("ix_documents_customer_date", "customer_id", "doc_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    kind: Mapped[str] = mapped_column(String(20), default="invoice")
    number: Mapped[str] = mapped_column(String(60), unique=True)
    doc_date: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    open_minor: Mapped[int] = mapped_column(BigInteger)
    po: Mapped[str | None] = mapped_column(String(60))
    discount_percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    discount_days: Mapped[int | None]
    # A short payment forfeits the early-payment discount for good, even if the rest is paid in time.
    discount_forfeited: Mapped[bool] = mapped_column(default=False)
    voided: Mapped[bool] = mapped_column(default=False)

    customer: Mapped[Customer] = relationship()

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def open(self) -> Money:
        return Money.from_minor(self.open_minor, self.currency)

    @property
    def status(self) -> str:
        if self.voided:
            return "void"
        return "open" if self.open_minor > 0 else ("applied" if self.kind == "credit" else "paid")


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
    holder: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    ach_authorization_kind: Mapped[str | None] = mapped_column(String(20))  # e_signature | on_file
    ach_authorization_reference: Mapped[str | None] = mapped_column(String(200))
    ach_authorized_at: Mapped[dt.datetime | None]
    ach_authorization_source: Mapped[str | None] = mapped_column(String(100))


class Payment(Stamped, Base):
    """Money received (or to be received) from a customer, and what of it is not yet applied."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="payment_amount_positive"),
        CheckConstraint(
            "unapplied_minor >= 0 AND unapplied_minor <= amount_minor", name="payment_unapplied_within_amount"
        ),
        Index("ix_payments_customer", "customer_id", "received_on"),
        # A processor's payment id is applied at most once, whichever event types report it.
        UniqueConstraint("processor", "processor_payment_id", name="uq_payment_processor_id"),
        Index("ix_payments_open_status", "status", "scheduled_for"),
        # Money on account, for balances and aging: a few rows among all payments, read off the index alone.
        Index(
            "ix_payments_unapplied", "customer_id", "currency", "received_on", "status", "unapplied_minor",
            postgresql_where=text("unapplied_minor > 0"), sqlite_where=text("unapplied_minor > 0"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    unapplied_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default="succeeded")
    method_id: Mapped[int | None] = mapped_column(ForeignKey("payment_methods.id"))
    method_kind: Mapped[str] = mapped_column(String(20), default="other")
    channel: Mapped[str] = mapped_column(String(20), default="api")
    initiated_by: Mapped[str] = mapped_column(String(120), default="")
    reference: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    received_on: Mapped[dt.date] = mapped_column(Date)
    processor: Mapped[str | None] = mapped_column(String(20))
    processor_payment_id: Mapped[str | None] = mapped_column(String(120))
    scheduled_for: Mapped[dt.date | None] = mapped_column(Date)
    failure_reason: Mapped[str | None] = mapped_column(String(300))
    returned_on: Mapped[dt.date | None] = mapped_column(Date)  # the day the money went back: return, refund, dispute

    allocations: Mapped[list[Allocation]] = relationship(
        back_populates="payment", foreign_keys="Allocation.payment_id", order_by="Allocation.id"
    )

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def unapplied(self) -> Money:
        return Money.from_minor(self.unapplied_minor, self.currency)


class Allocation(Base):
    """Part of a payment or of a credit memo applied to one invoice (or finance charge)."""

    __tablename__ = "allocations"
    __table_args__ = (
        CheckConstraint("(payment_id IS NULL) <> (credit_id IS NULL)", name="allocation_one_source"),
        CheckConstraint("amount_minor >= 0 AND discount_minor >= 0", name="allocation_not_negative"),
        CheckConstraint("amount_minor + discount_minor > 0", name="allocation_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), index=True)
    credit_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    discount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    short_reason: Mapped[str | None] = mapped_column(String(60))
    short_comment: Mapped[str | None] = mapped_column(Text)
    applied_on: Mapped[dt.date] = mapped_column(Date, index=True)
    # Set when the money behind it came back (an ACH return): the invoice is open again from that day.
    reversed_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())

    payment: Mapped[Payment | None] = relationship(back_populates="allocations", foreign_keys=[payment_id])
    invoice: Mapped[Document] = relationship(foreign_keys=[invoice_id])
    credit: Mapped[Document | None] = relationship(foreign_keys=[credit_id])


class AuditEvent(Base):
    """Who did what to which customer. Written in the same transaction as the change."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_customer_time", "customer_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())
    actor: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    subject: Mapped[str] = mapped_column(String(120), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class StoredFile(Base):
    """A file in a customer's document library: an ERP invoice PDF, a statement, a receipt."""

    __tablename__ = "stored_files"
    __table_args__ = (Index("ix_stored_files_customer", "customer_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # invoice_pdf | statement | receipt
    source: Mapped[str] = mapped_column(String(20), default="erp")  # erp | generated
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())


class ApiKey(Base):
    """An integration's key for /api. Only a SHA-256 of the key is kept."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())
    revoked_at: Mapped[dt.datetime | None]


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
    short_comment: Mapped[str | None] = mapped_column(Text)


class InvoiceHold(Base):
    """An invoice inside a scheduled or pending payment. The primary key is the no-duplicate rule:
    a second payment for the same invoice cannot insert its hold until the first payment ends."""

    __tablename__ = "invoice_holds"

    invoice_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)


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
    received_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())


class IdempotencyRecord(Base):
    """The first answer to a money-moving request, replayed for the same key and body."""

    __tablename__ = "idempotency_records"

    scope: Mapped[str] = mapped_column(String(120), primary_key=True)  # who asked: the API key's name
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())
    # While the request runs: which attempt holds the key, since when (a lease: a request that died lets go of
    # it), and the payment it wrote, bound in the payment's own transaction so a retry finds it, never a second.
    attempt: Mapped[str | None] = mapped_column(String(32))
    locked_at: Mapped[dt.datetime | None]
    payment_id: Mapped[int | None]


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
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())


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
    holder: Mapped[str] = mapped_column(String(100), default="")
    outcome: Mapped[str] = mapped_column(String(30))  # succeeds | declined: what a charge on it will do
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())


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
    started_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())
    finished_at: Mapped[dt.datetime | None]


class Statement(Base):
    """A customer's statement for one date: an immutable snapshot (see `core.snapshots`), and its PDF.

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
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())

    customer: Mapped[Customer] = relationship()

    @property
    def balance(self) -> Money:
        return Money.from_minor(self.balance_minor, self.currency)


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
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())


class PrintBatch(Base):
    """One day's mail for the print-and-mail partner: a combined PDF in mailing order and a manifest."""

    __tablename__ = "print_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_date: Mapped[dt.date] = mapped_column(Date, unique=True)
    pdf_path: Mapped[str] = mapped_column(String(500))
    manifest_path: Mapped[str] = mapped_column(String(500))
    pieces: Mapped[int] = mapped_column(default=0)
    pages: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())


class PrintBatchItem(Base):
    """A statement in a print batch. The primary key is the rule: a statement is never mailed twice."""

    __tablename__ = "print_batch_items"

    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("print_batches.id"), index=True)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"))
    sequence: Mapped[int]
    pages: Mapped[int]


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
    name: Mapped[str] = mapped_column(String(80), default="")
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
    invoice_ids: Mapped[list] = mapped_column(JSON, default=list)  # the open invoices it asked to be paid
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())


class MessageTemplate(Stamped, Base):
    """A staff-edited message template; the file of the same name in templates/messages is the default."""

    __tablename__ = "message_templates"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)  # e.g. dunning.stage2.email.txt
    body: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(120), default="")


class PaymentPromise(Stamped, Base):
    """A customer's promise to pay ("I'll pay on Friday"): dunning holds off until its date plus grace."""

    __tablename__ = "payment_promises"
    __table_args__ = (Index("ix_promises_customer", "customer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    promised_for: Mapped[dt.date] = mapped_column(Date)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)  # None: the balance
    currency: Mapped[str] = mapped_column(String(3))
    grace_days: Mapped[int] = mapped_column(default=3)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | kept | broken | canceled
    channel: Mapped[str] = mapped_column(String(20), default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str | None] = mapped_column(Text)


class SchedulerLease(Base):
    """Who leads the scheduler among the app processes: the holder renews before `expires_at`; when it dies
    the lease runs out and another process takes it over."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # "scheduler"
    holder: Mapped[str] = mapped_column(String(120))  # host:pid:random
    expires_at: Mapped[dt.datetime]
    acquired_at: Mapped[dt.datetime] = mapped_column(default=_utcnow)


class JobRun(Base):
    """One scheduled job's run for one period: UNIQUE(job, period) is what stops a cycle running twice,
    whichever process or catch-up fires it."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "period", name="uq_job_run_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(40))  # e.g. 2026-11-22 for a daily job, 2026-11 for monthly
    holder: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | done | failed
    started_at: Mapped[dt.datetime] = mapped_column(default=_utcnow)
    finished_at: Mapped[dt.datetime | None]
    summary: Mapped[str | None] = mapped_column(Text)


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
    context: Mapped[dict] = mapped_column(JSON, default=dict)
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
    text: Mapped[str] = mapped_column(Text, default="")
    provider_id: Mapped[str | None] = mapped_column(String(80))  # inbound: the provider's id of the message
    intent: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())


class PaymentQuote(Base):
    """Exactly what a customer is asked to confirm: invoices, amounts, discount, method, date. "YES" executes
    this row once (open → executed under a row lock); it expires unanswered."""

    __tablename__ = "payment_quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    kind: Mapped[str] = mapped_column(String(20))  # pay | schedule | deposit | cancel_scheduled
    lines: Mapped[list] = mapped_column(JSON, default=list)  # [{number, amount_minor, discount_minor, reason, comment}]
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(BigInteger)
    method_id: Mapped[int | None] = mapped_column(ForeignKey("payment_methods.id"))
    pay_on: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)  # the confirmation as the customer read it
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | executed | canceled | expired
    expires_at: Mapped[dt.datetime]
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    outcome: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())


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
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())


class StaffUser(Stamped, Base):
    """A person who signs in to the agent console. Passwords are argon2 hashes; a user is never deleted,
    only deactivated, so the audit trail keeps naming them."""

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint("role IN ('agent', 'supervisor', 'admin')", name="staff_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)  # lower case
    full_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20), default="agent")
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[dt.datetime | None]


class StaffSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=_utcnow)
    expires_at: Mapped[dt.datetime]  # the absolute end; idleness ends it sooner
    ended_at: Mapped[dt.datetime | None]
    user_agent: Mapped[str] = mapped_column(String(200), default="")


class InvoiceComment(Base):
    """A note staff leave on an invoice ("customer says PO missing", "promised Friday")."""

    __tablename__ = "invoice_comments"
    __table_args__ = (Index("ix_invoice_comments_document", "document_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    author: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())


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
    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, onupdate=_utcnow)
    ended_at: Mapped[dt.datetime | None]
