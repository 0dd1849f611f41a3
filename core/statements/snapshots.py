"""What a statement shows, frozen when it is made: the contract between the cycle and the PDF.

The statement cycle (`core.statements.cycle`) builds a `StatementSnapshot` from the ledger and stores `to_json()`
in `Statement.snapshot`; `core.statements.pdf` renders `from_json()` of it. Amounts are integer minor units in
the statement's currency, so the JSON round-trips exactly. The snapshot carries the seller's branding and
the customer's account settings as they were, so a later change to either never alters the document.

Each value converts itself field by field, not through `dataclasses.asdict`: the cycle converts every
statement it makes, and asdict's deep copy of each nested value made that some twenty times slower, for
the same JSON. A field added to a class goes into its `to_json` and `from_json` alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from core.documents.letterhead import SellerInfo
from core.kernel.money import Money

SNAPSHOT_VERSION = 1
# The statement template in force; stored on each Statement so its PDF is always rendered the same way.
# Bump it (and keep the old template under its version) when templates/statement.html changes.
STATEMENT_TEMPLATE_VERSION = "statement-1"


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
    """Money received since the previous statement (or in the last 31 days for a first statement)."""

    date: dt.date
    reference: str
    kind: str  # payment | credit_applied
    amount_minor: int

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "reference": self.reference, "kind": self.kind,
                "amount_minor": self.amount_minor}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ActivityLine:
        return cls(date=dt.date.fromisoformat(data["date"]), reference=data["reference"], kind=data["kind"],
                   amount_minor=data["amount_minor"])


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
    activity: tuple[ActivityLine, ...] = ()
    previous_statement_date: dt.date | None = None
    version: int = SNAPSHOT_VERSION
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. "Account on hold"

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
            version=int(data.get("version", SNAPSHOT_VERSION)),
            notes=tuple(data.get("notes", ())),
        )


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)
