"""The book as stored: customers, their documents, payments and where the money went, holds and comments.

Amounts are integer minor units (`*_minor`) beside a currency; `Money` views them at the edge.
Pure rules (aging, discounts, allocation) live in `core.ledger.rules` and take plain values, not rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from core.kernel.card_numbers import FREE_TEXT
from core.kernel.models import Base, Stamped, utcnow
from core.kernel.money import Money
from core.ledger.phone_keys import phone_keys

DOCUMENT_KINDS = ("invoice", "credit", "finance_charge")


DEBIT_KINDS = ("invoice", "finance_charge")


DELIVERY_METHODS = ("email", "print", "fax", "telegram", "sms")


PAYMENT_STATUSES = (
    "scheduled", "pending", "succeeded", "failed", "canceled", "returned", "refunded", "disputed",
)


class CustomerClass(Stamped, Base):
    __tablename__ = "customer_classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="", info=FREE_TEXT)
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
    name: Mapped[str] = mapped_column(String(200), info=FREE_TEXT)
    class_id: Mapped[int] = mapped_column(ForeignKey("customer_classes.id"))
    terms_days: Mapped[int] = mapped_column(default=30)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    fax: Mapped[str | None] = mapped_column(String(32))
    address_line1: Mapped[str | None] = mapped_column(String(200), info=FREE_TEXT)
    address_line2: Mapped[str | None] = mapped_column(String(200), info=FREE_TEXT)
    city: Mapped[str | None] = mapped_column(String(100), info=FREE_TEXT)
    region: Mapped[str | None] = mapped_column(String(100), info=FREE_TEXT)
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
    name: Mapped[str] = mapped_column(String(200), default="", info=FREE_TEXT)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    # Derived from `phone` whenever it is set (core.ledger.phone_keys): found by its start or its end, indexed.
    phone_national: Mapped[str | None] = mapped_column(String(20), index=True)
    phone_tail: Mapped[str | None] = mapped_column(String(20), index=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    is_primary: Mapped[bool] = mapped_column(default=False)
    email_opt_out: Mapped[bool] = mapped_column(default=False)
    sms_opt_out: Mapped[bool] = mapped_column(default=False)
    email_verified: Mapped[bool] = mapped_column(default=False)
    phone_verified: Mapped[bool] = mapped_column(default=False)

    customer: Mapped[Customer] = relationship(back_populates="contacts")

    @validates("phone")
    def _keep_phone_keys(self, _key: str, phone: str | None) -> str | None:
        self.phone_national, self.phone_tail = phone_keys(phone)
        return phone


OPEN_DOCUMENT_COLUMNS = ("customer_id", "currency", "doc_date", "due_date", "open_minor", "voided", "kind")


OPEN_DEBITS = "open_minor > 0 AND kind <> 'credit'"


OPEN_CREDITS = "open_minor > 0 AND kind = 'credit'"


CHARGED_PERIODS = "charge_period IS NOT NULL"


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
        # A customer's finance charge for a period is assessed once, whatever the run dates and however many
        # cycles race for it. Partial: it holds the finance charges only, not every invoice.
        Index(
            "uq_documents_finance_charge_period", "customer_id", "charge_period", unique=True,
            postgresql_where=text(CHARGED_PERIODS), sqlite_where=text(CHARGED_PERIODS),
        ),
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
    # On a finance charge the cycle assessed: the period it charges for (`core.ledger.finance_charges
    # .charge_period`). NULL on everything else, finance charges imported from the ERP included. A voided
    # charge keeps its period: a waived charge is not assessed again.
    charge_period: Mapped[dt.date | None] = mapped_column(Date)

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
    note: Mapped[str | None] = mapped_column(Text, info=FREE_TEXT)
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
    short_comment: Mapped[str | None] = mapped_column(Text, info=FREE_TEXT)
    applied_on: Mapped[dt.date] = mapped_column(Date, index=True)
    # Set when the money behind it came back (an ACH return): the invoice is open again from that day.
    reversed_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())

    payment: Mapped[Payment | None] = relationship(back_populates="allocations", foreign_keys=[payment_id])
    invoice: Mapped[Document] = relationship(foreign_keys=[invoice_id])
    credit: Mapped[Document | None] = relationship(foreign_keys=[credit_id])


class InvoiceHold(Base):
    """An invoice inside a scheduled or pending payment. The primary key is the no-duplicate rule:
    a second payment for the same invoice cannot insert its hold until the first payment ends."""

    __tablename__ = "invoice_holds"

    invoice_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)


class InvoiceComment(Base):
    """A note staff leave on an invoice ("customer says PO missing", "promised Friday")."""

    __tablename__ = "invoice_comments"
    __table_args__ = (Index("ix_invoice_comments_document", "document_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    author: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, info=FREE_TEXT)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


DISPUTE_STATUSES = ("open", "resolved")


class Dispute(Stamped, Base):
    """A customer's word that money asked of them is not owed ("we only got half the order on 1043").

    While open, the amount it names on its invoice is held out of what is asked and paid in bulk
    (`core.ledger.disputes`); staff resolve it. Without an invoice it holds nothing: staff read it."""

    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'resolved')", name="dispute_status"),
        CheckConstraint("amount_minor IS NULL OR amount_minor > 0", name="dispute_amount_positive"),
        Index("ix_disputes_document_open", "document_id", "status"),
        Index("ix_disputes_status", "status", "opened_at"),
        Index("ix_disputes_customer", "customer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    # What is disputed: the amount said, else what was open on the invoice then; None without an invoice or amount.
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str | None] = mapped_column(String(60))
    words: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)  # the customer's own, as they wrote them
    channel: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    opened_at: Mapped[dt.datetime]
    opened_by: Mapped[str] = mapped_column(String(120))
    resolved_at: Mapped[dt.datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolution: Mapped[str | None] = mapped_column(Text, info=FREE_TEXT)

    customer: Mapped[Customer] = relationship()
    document: Mapped[Document | None] = relationship()


BALANCE_BUCKET_COLUMNS = (
    "current_minor", "days_1_30_minor", "days_31_60_minor", "days_61_90_minor", "days_over_90_minor",
)


class CustomerBalance(Base):
    """What the whole-book aging and dunning candidates need of one customer in one currency, kept as entries
    post: database triggers (`core.ledger.balance_triggers`) change it in the same transaction as every write to
    documents, payments and allocations; `core.ledger.balance_check` recomputes it from the ledger.

    It is what is open now, which is what was open on any day from `latest_on` on. Its debits are bucketed as
    of the day `BalanceAging` names. Keyed by the customer's code, so that the reports read it in their own
    order, with no sort: on SQLite the rows are stored in that order; on PostgreSQL they stay in it as they are
    updated (room left on each page, and no index on a column that changes, so an update stays in place)."""

    __tablename__ = "customer_balances"
    __table_args__ = (
        UniqueConstraint("customer_id", "currency", name="uq_customer_balances_customer"),
        {"sqlite_with_rowid": False, "postgresql_with": {"fillfactor": "80"}},
    )

    customer_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    # Open invoices and finance charges, not voided, by days past due on the aging day: current, 1-30, 31-60,
    # 61-90, 90+
    current_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    days_1_30_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    days_31_60_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    days_61_90_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    days_over_90_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    credit_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # open credit memos
    unapplied_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # of succeeded payments
    oldest_due: Mapped[dt.date | None] = mapped_column(Date)  # the earliest due date of an open debit
    # The latest day on any of its documents, payments and allocations (never earlier: later is only caution).
    latest_on: Mapped[dt.date] = mapped_column(Date)


BALANCES_NEVER_AGED = dt.date(2000, 1, 1)  # the aging day while `balance_aging` has no row


class BalanceAging(Base):
    """The day every kept balance's buckets count days past due from: one row, moved on by
    `core.ledger.age_balances` (none: `BALANCES_NEVER_AGED`)."""

    __tablename__ = "balance_aging"
    __table_args__ = (CheckConstraint("id = 1", name="balance_aging_one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    aged_on: Mapped[dt.date] = mapped_column(Date)


# -- instalment plans: an agreement to pay invoices in parts, on dates (core.payments writes them; dunning reads
#    "in a current plan" through core.ledger.plans, below both) --------------------------------------------------

PLAN_STATUSES = ("current", "completed", "broken", "canceled")


class PlanPolicy(Stamped, Base):
    """What an instalment plan may be for customers of one class; a class without a row takes the settings'
    defaults (`Settings.plan_defaults`)."""

    __tablename__ = "plan_policies"
    __table_args__ = (
        CheckConstraint("max_instalments >= 2 AND min_instalment_minor > 0 AND max_days > 0 AND grace_days >= 0",
                        name="plan_policy_limits"),
    )

    class_id: Mapped[int] = mapped_column(ForeignKey("customer_classes.id"), primary_key=True, autoincrement=False)
    max_instalments: Mapped[int]
    min_instalment_minor: Mapped[int] = mapped_column(BigInteger)
    max_days: Mapped[int]
    first_due_now: Mapped[bool] = mapped_column(default=True)
    grace_days: Mapped[int]


class PaymentPlan(Stamped, Base):
    """A customer's agreement to pay invoices in instalments: what they read and said yes to, when and where."""

    __tablename__ = "payment_plans"
    __table_args__ = (
        CheckConstraint("status IN ('current', 'completed', 'broken', 'canceled')", name="payment_plan_status"),
        CheckConstraint("total_minor > 0", name="payment_plan_total_positive"),
        Index("ix_payment_plans_customer", "customer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(BigInteger)  # the invoices' open amounts at the agreement
    status: Mapped[str] = mapped_column(String(20), default="current")
    method_id: Mapped[int | None] = mapped_column(ForeignKey("payment_methods.id"))
    agreed_at: Mapped[dt.datetime]
    agreed_channel: Mapped[str] = mapped_column(String(20))
    agreement_text: Mapped[str] = mapped_column(Text, info=FREE_TEXT)  # exactly what the customer read
    agreed_reply: Mapped[str | None] = mapped_column(Text, info=FREE_TEXT)  # the customer's own words ("YES")
    created_by: Mapped[str] = mapped_column(String(120))
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(300))


class PlanInvoice(Base):
    """An invoice a plan pays, and what was open on it when the plan was agreed. While the plan is current, the
    invoice is in no other payment and dunning leaves it out."""

    __tablename__ = "plan_invoices"

    plan_id: Mapped[int] = mapped_column(ForeignKey("payment_plans.id"), primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True, index=True)
    open_minor: Mapped[int] = mapped_column(BigInteger)


class PlanInstalment(Base):
    """One instalment: its date and amount, and the scheduled payment that carries it."""

    __tablename__ = "plan_instalments"
    __table_args__ = (
        UniqueConstraint("plan_id", "seq", name="uq_plan_instalment_seq"),
        CheckConstraint("amount_minor > 0", name="plan_instalment_amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("payment_plans.id"), index=True)
    seq: Mapped[int]
    due_on: Mapped[dt.date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), index=True)
    missed_on: Mapped[dt.date | None] = mapped_column(Date)  # found unpaid (failed, or past its date and grace)
