"""What a statement shows, frozen when it is made: the contract between the cycle and the PDF.

`core.statements` builds a `StatementSnapshot` from the ledger and stores `to_json()` in
`Statement.snapshot`; `core.statement_pdf` renders `from_json()` of it. Amounts are integer minor units in
the statement's currency, so the JSON round-trips exactly. The snapshot carries the seller's branding and
the customer's account settings as they were, so a later change to either never alters the document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from core.money import Money

SNAPSHOT_VERSION = 1
# The statement template in force; stored on each Statement so its PDF is always rendered the same way.
# Bump it (and keep the old template under its version) when templates/statement.html changes.
STATEMENT_TEMPLATE_VERSION = "statement-1"


@dataclass(frozen=True)
class SellerInfo:
    name: str
    address: tuple[str, ...]
    phone: str
    email: str
    remit_to: tuple[str, ...]  # where mailed cheques go; the seller address when not configured
    color: str  # accent colour, CSS hex
    logo_sha256: str | None  # the logo kept in the file store, or None for the name in type
    telegram_bot: str  # "" when the bot is not configured


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
    bucket: str  # one of core.rules.BUCKETS; "credit" for credits and payments


@dataclass(frozen=True)
class ActivityLine:
    """Money received since the previous statement (or in the last 31 days for a first statement)."""

    date: dt.date
    reference: str
    kind: str  # payment | credit_applied
    amount_minor: int


@dataclass(frozen=True)
class StatementSnapshot:
    statement_date: dt.date
    currency: str
    seller: SellerInfo
    customer: CustomerInfo
    items: tuple[SnapshotItem, ...]  # open debits (invoices and finance charges), oldest due first
    credits: tuple[SnapshotItem, ...]  # open credit memos and unapplied payments
    finance_charges: tuple[SnapshotItem, ...]  # the charges this cycle assessed (also among `items`)
    aging_minor: dict[str, int]  # bucket -> open debits, every bucket of core.rules.BUCKETS present
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
        return _plain(asdict(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StatementSnapshot:
        def item(d: dict[str, Any]) -> SnapshotItem:
            return SnapshotItem(**{**d, "doc_date": _date(d["doc_date"]), "due_date": _date(d["due_date"])})

        seller = data["seller"]
        customer = data["customer"]
        return cls(
            statement_date=_date(data["statement_date"]),  # type: ignore[arg-type]
            currency=data["currency"],
            seller=SellerInfo(**{**seller, "address": tuple(seller["address"]),
                                 "remit_to": tuple(seller["remit_to"])}),
            customer=CustomerInfo(**{**customer, "address": tuple(customer["address"]),
                                     "delivery": tuple(customer["delivery"])}),
            items=tuple(item(d) for d in data["items"]),
            credits=tuple(item(d) for d in data["credits"]),
            finance_charges=tuple(item(d) for d in data["finance_charges"]),
            aging_minor=dict(data["aging_minor"]),
            activity=tuple(ActivityLine(**{**a, "date": _date(a["date"])}) for a in data.get("activity", ())),
            previous_statement_date=_date(data.get("previous_statement_date")),
            version=int(data.get("version", SNAPSHOT_VERSION)),
            notes=tuple(data.get("notes", ())),
        )


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
