"""JSON shapes of the API. Amounts travel as decimal strings with their currency, never as floats."""

from __future__ import annotations

import datetime as dt

import msgspec

from core.kernel import Money
from core.ledger import AccountView, Aging, ImportReport, InvoiceLine

Amount = str | int  # "1200.50" as a string; a fractional JSON number is refused, so no float ever enters


class Problem(msgspec.Struct):
    error: str
    field: str | None = None


class ClassUpsert(msgspec.Struct, forbid_unknown_fields=False):
    code: str | None = None
    name: str | None = None
    allow_auto_statement: bool | str | None = None
    finance_charge_monthly_rate: Amount | None = None
    finance_charge_grace_days: int | str | None = None
    finance_charge_minimum: Amount | None = None
    finance_charge_min_past_due: Amount | None = None
    finance_charge_compound: bool | str | None = None


class CustomerUpsert(msgspec.Struct, forbid_unknown_fields=False):
    name: str
    code: str | None = None
    # `class` is a Python keyword: the JSON field is "class", the attribute class_code.
    class_code: str | None = msgspec.field(default=None, name="class")
    terms_days: int | str | None = None
    currency: str | None = None
    email: str | None = None
    phone: str | None = None
    fax: str | None = None
    timezone: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    delivery: str | list[str] | None = None
    finance_charge_exempt: bool | str | None = None


class InvoiceUpsert(msgspec.Struct, forbid_unknown_fields=False):
    customer: str
    date: str
    amount: Amount
    number: str | None = None
    type: str | None = None
    due_date: str | None = None
    open_amount: Amount | None = None
    currency: str | None = None
    po: str | None = None
    discount_percent: Amount | None = None
    discount_days: int | str | None = None


def as_row(struct: msgspec.Struct, **keys: str) -> dict[str, str]:
    """The struct as the CSV-shaped row the import checks read (JSON names, text values)."""
    row: dict[str, str] = {}
    for field in msgspec.structs.fields(struct):
        value = getattr(struct, field.name)
        if value is None:
            continue
        if isinstance(value, list):
            value = ";".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        row[field.encode_name] = str(value)
    return {**row, **keys}


class AmountOut(msgspec.Struct):
    amount: str
    currency: str

    @classmethod
    def of(cls, money: Money) -> AmountOut:
        return cls(str(money.amount), money.currency)


class AgingOut(msgspec.Struct):
    currency: str
    balance: str
    current: str
    days_1_30: str
    days_31_60: str
    days_61_90: str
    days_over_90: str
    credits: str
    most_overdue_days: int | None

    @classmethod
    def of(cls, aging: Aging) -> AgingOut:
        b = [str(v.amount) for v in aging.buckets.values()]
        return cls(aging.currency, str(aging.balance.amount), b[0], b[1], b[2], b[3], b[4],
                   str(aging.credit.amount), aging.most_overdue_days)


class ContactOut(msgspec.Struct):
    name: str
    email: str | None
    phone: str | None
    primary: bool


class Customer(msgspec.Struct):
    code: str
    name: str
    customer_class: str = msgspec.field(name="class")
    terms_days: int
    currency: str
    timezone: str
    on_hold: bool
    delivery: list[str]
    address: dict[str, str | None]
    contacts: list[ContactOut]
    as_of: dt.date
    balances: list[AgingOut]

    @classmethod
    def of(cls, view: AccountView) -> Customer:
        contacts = [ContactOut(c.name, c.email, c.phone, c.is_primary) for c in view.contacts]
        return cls(view.code, view.name, view.class_code, view.terms_days, view.currency, view.timezone,
                   view.on_hold, list(view.delivery), view.address, contacts, view.as_of,
                   [AgingOut.of(a) for a in view.aging])


class Invoice(msgspec.Struct):
    number: str
    type: str
    status: str
    date: dt.date
    due_date: dt.date
    po: str | None
    currency: str
    amount: str
    open_amount: str
    days_past_due: int
    bucket: str
    discount_percent: str | None
    discount_until: dt.date | None

    @classmethod
    def of(cls, line: InvoiceLine) -> Invoice:
        return cls(line.number, line.kind, line.status, line.doc_date, line.due_date, line.po,
                   line.amount.currency, str(line.amount.amount), str(line.open.amount), line.days_past_due,
                   line.bucket, line.discount_percent, line.discount_until)


INVOICE_CSV_COLUMNS = [f.encode_name for f in msgspec.structs.fields(Invoice)]


class Rejected(msgspec.Struct):
    item: int
    reason: str


class ImportResult(msgspec.Struct, omit_defaults=True):
    loaded: int
    updated: int
    rejected: list[Rejected]
    warnings: list[Rejected] = msgspec.field(default_factory=list)  # loaded all the same; absent when none

    @classmethod
    def of(cls, report: ImportReport) -> ImportResult:
        return cls(report.loaded, report.updated, [Rejected(n, why) for n, why in report.rejected],
                   [Rejected(n, why) for n, why in report.warnings])


class StoredPdf(msgspec.Struct):
    id: int
    filename: str
    size: int
    sha256: str
