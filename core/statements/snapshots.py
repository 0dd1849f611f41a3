"""What a statement shows, frozen when it is made: the contract between the cycle and the PDF.

The statement cycle (`core.statements.cycle`) builds a `StatementSnapshot` from the ledger and stores `to_json()`
in `Statement.snapshot`; `core.statements.pdf` renders `from_json()` of it. Amounts are integer minor units in
the statement's currency, so the JSON round-trips exactly. The snapshot carries the seller's branding and
the customer's account settings as they were, so a later change to either never alters the document.

Each value converts itself field by field, not through `dataclasses.asdict`: the cycle converts every
statement it makes, and asdict's deep copy of each nested value made that some twenty times slower, for
the same JSON. A field added to a class goes into its `to_json` and `from_json` alike.

Version 2 is a balance-forward statement: the balance brought forward (the previous statement's, or the
ledger's 31 days back on a first statement), then every line dated since that moved the balance, signed, so
that the balance forward plus the lines is the balance to the cent. Version 1 listed only the money received
(payments, and credit memos applied, which move nothing) as positive amounts; stored version-1 snapshots
still read, and render with their own template.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from core.documents.letterhead import SellerInfo
from core.kernel.money import Money

SNAPSHOT_VERSION = 2
# The statement template in force; stored on each Statement so its PDF is always rendered the same way.
# Bump it (and keep the old template under its version) when the current template changes.
STATEMENT_TEMPLATE_VERSION = "statement-2"

# What each kind of activity line is, for the account summary: the kinds a bookkeeper ticks one by one.
# Anything else that moved the balance (a returned payment, a reversed discount, an amount settled in the ERP,
# a correction to an earlier entry) is an adjustment.
SUMMARY_KINDS = ("invoice", "finance_charge", "payment", "discount", "credit")
ADJUSTMENT = "adjustment"


@dataclass(frozen=True)
class CustomerInfo:
    code: str
    name: str
    address: tuple[str, ...]  # mailing lines, country last when not the seller's
    class_code: str
    terms_days: int
    delivery: tuple[str, ...]  # the statement delivery methods in force
    email: str | None  # the billing contact's, when there is one
    fax: str | None
    phone: str | None
    timezone: str

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code, "name": self.name, "address": list(self.address), "class_code": self.class_code,
            "terms_days": self.terms_days, "delivery": list(self.delivery), "email": self.email, "fax": self.fax,
            "phone": self.phone, "timezone": self.timezone,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CustomerInfo:
        return cls(
            code=data["code"], name=data["name"], address=tuple(data["address"]), class_code=data["class_code"],
            terms_days=data["terms_days"], delivery=tuple(data["delivery"]), email=data["email"], fax=data["fax"],
            phone=data["phone"], timezone=data["timezone"],
        )


@dataclass(frozen=True)
class SnapshotItem:
    """An open document (invoice, finance charge or credit memo) or unapplied cash (kind `payment`)."""

    kind: str  # invoice | finance_charge | credit | payment
    number: str  # the document number, or the payment reference
    doc_date: dt.date
    due_date: dt.date | None  # None for credits and payments
    po: str | None
    amount_minor: int  # the original amount, positive
    open_minor: int  # what is still open on the statement date, positive
    days_past_due: int  # 0 for credits and payments
    bucket: str  # one of core.ledger.rules.BUCKETS; "credit" for credits and payments

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "number": self.number, "doc_date": self.doc_date.isoformat(),
            "due_date": _iso(self.due_date), "po": self.po, "amount_minor": self.amount_minor,
            "open_minor": self.open_minor, "days_past_due": self.days_past_due, "bucket": self.bucket,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SnapshotItem:
        return cls(
            kind=data["kind"], number=data["number"], doc_date=dt.date.fromisoformat(data["doc_date"]),
            due_date=_date(data["due_date"]), po=data["po"], amount_minor=data["amount_minor"],
            open_minor=data["open_minor"], days_past_due=data["days_past_due"], bucket=data["bucket"],
        )


@dataclass(frozen=True)
class ActivityLine:
    """A dated entry since the balance forward that moved the balance.

    Version 2: `amount_minor` is signed, what the line adds to the balance (a payment is negative). Kinds:
    invoice, finance_charge, credit (a credit memo issued), payment, discount (taken on `reference`, an
    invoice, with the payment `detail`), payment_returned, discount_reversed, settled_in_erp (part of a
    document of the period the ERP reports settled), correction (entries dated on or before the balance
    forward that changed after it was stated). `detail`: an invoice's PO, a discount's payment.
    Version 1: payments received and credit memos applied (`credit_applied`), as positive amounts.
    """

    date: dt.date
    reference: str
    kind: str
    amount_minor: int
    detail: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "reference": self.reference, "kind": self.kind,
                "amount_minor": self.amount_minor, "detail": self.detail}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ActivityLine:
        return cls(date=dt.date.fromisoformat(data["date"]), reference=data["reference"], kind=data["kind"],
                   amount_minor=data["amount_minor"], detail=data.get("detail"))

    @property
    def summary_kind(self) -> str:
        return self.kind if self.kind in SUMMARY_KINDS else ADJUSTMENT


@dataclass(frozen=True)
class StatementSnapshot:
    statement_date: dt.date
    currency: str
    seller: SellerInfo
    customer: CustomerInfo
    items: tuple[SnapshotItem, ...]  # open debits (invoices and finance charges), oldest due first
    credits: tuple[SnapshotItem, ...]  # open credit memos and unapplied payments
    finance_charges: tuple[SnapshotItem, ...]  # the charges this cycle assessed (also among `items`)
    aging_minor: dict[str, int]  # bucket -> open debits, every bucket of core.ledger.rules.BUCKETS present
    activity: tuple[ActivityLine, ...] = ()  # oldest first
    previous_statement_date: dt.date | None = None
    version: int = SNAPSHOT_VERSION
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. "Account on hold"
    # Version 2: the balance the activity starts from, and its date: the previous statement's, or on a first
    # statement the ledger's balance 31 days before the statement date. None on version 1.
    balance_forward_minor: int | None = None
    balance_forward_on: dt.date | None = None
    finance_terms: str = ""  # the one line explaining the account's finance charges; "" when it is not charged

    # -- totals, derived so they can never disagree with the lines ---------------------------------------

    @property
    def debits_minor(self) -> int:
        return sum(i.open_minor for i in self.items)

    @property
    def credits_minor(self) -> int:
        return sum(c.open_minor for c in self.credits)

    @property
    def balance_minor(self) -> int:
        return self.debits_minor - self.credits_minor

    @property
    def amount_due_minor(self) -> int:
        return max(self.balance_minor, 0)

    @property
    def past_due_minor(self) -> int:
        return sum(i.open_minor for i in self.items if i.days_past_due > 0)

    @property
    def activity_minor(self) -> int:
        """What the activity adds to the balance forward (version 2)."""
        return sum(a.amount_minor for a in self.activity)

    def summary_minor(self) -> dict[str, int]:
        """The activity by summary kind (`SUMMARY_KINDS`, then `ADJUSTMENT`), every kind present (version 2)."""
        totals = dict.fromkeys((*SUMMARY_KINDS, ADJUSTMENT), 0)
        for line in self.activity:
            totals[line.summary_kind] += line.amount_minor
        return totals

    def money(self, minor: int) -> Money:
        return Money.from_minor(minor, self.currency)

    # -- JSON -------------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "statement_date": self.statement_date.isoformat(),
            "currency": self.currency,
            "seller": self.seller.to_json(),
            "customer": self.customer.to_json(),
            "items": [i.to_json() for i in self.items],
            "credits": [c.to_json() for c in self.credits],
            "finance_charges": [f.to_json() for f in self.finance_charges],
            "aging_minor": dict(self.aging_minor),  # a copy: the JSON may be changed, the snapshot never
            "activity": [a.to_json() for a in self.activity],
            "previous_statement_date": _iso(self.previous_statement_date),
            "version": self.version,
            "notes": list(self.notes),
            "balance_forward_minor": self.balance_forward_minor,
            "balance_forward_on": _iso(self.balance_forward_on),
            "finance_terms": self.finance_terms,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StatementSnapshot:
        # The fields with a default may be left out, as they may be when the snapshot is constructed.
        return cls(
            statement_date=dt.date.fromisoformat(data["statement_date"]),
            currency=data["currency"],
            seller=SellerInfo.from_json(data["seller"]),
            customer=CustomerInfo.from_json(data["customer"]),
            items=tuple(SnapshotItem.from_json(i) for i in data["items"]),
            credits=tuple(SnapshotItem.from_json(c) for c in data["credits"]),
            finance_charges=tuple(SnapshotItem.from_json(f) for f in data["finance_charges"]),
            aging_minor=dict(data["aging_minor"]),
            activity=tuple(ActivityLine.from_json(a) for a in data.get("activity", ())),
            previous_statement_date=_date(data.get("previous_statement_date")),
            # A snapshot stored without a version predates versions: it is version 1.
            version=int(data.get("version", 1)),
            notes=tuple(data.get("notes", ())),
            balance_forward_minor=data.get("balance_forward_minor"),
            balance_forward_on=_date(data.get("balance_forward_on")),
            finance_terms=data.get("finance_terms", ""),
        )


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)
