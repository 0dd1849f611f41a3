"""Reading ERP rows (CSV lines, or JSON objects over HTTP) into checked values.

A row either parses completely or is rejected with one reason naming the column; nothing half-loads.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import phonenumbers

from core.kernel.errors import Invalid
from core.kernel.money import Money, MoneyError, normalize_currency
from core.ledger.models import DELIVERY_METHODS, DOCUMENT_KINDS

TRUE_WORDS = {"true", "yes", "y", "1", "t"}
FALSE_WORDS = {"false", "no", "n", "0", "f", ""}
# A class's amounts are stored as NUMERIC(12, 4): eight digits before the point. A larger figure is
# rejected here as a bad row, not by PostgreSQL, whose refusal would stop the whole import.
MAX_CLASS_AMOUNT = Decimal(99_999_999)


def _text(row: dict[str, str], column: str, *, required: bool = False, limit: int = 200) -> str | None:
    value = (row.get(column) or "").strip()
    if not value:
        if required:
            raise Invalid(f"{column}: required", column)
        return None
    if len(value) > limit:
        raise Invalid(f"{column}: longer than {limit} characters", column)
    return value


def _bool(row: dict[str, str], column: str, default: bool) -> bool:
    value = (row.get(column) or "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise Invalid(f"{column}: expected true or false, got {value!r}", column)


def _int(row: dict[str, str], column: str, default: int | None, *, low: int = 0, high: int = 3650) -> int | None:
    value = (row.get(column) or "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise Invalid(f"{column}: expected a whole number, got {value!r}", column) from None
    if not low <= number <= high:
        raise Invalid(f"{column}: {number} is outside {low}..{high}", column)
    return number


def _decimal(row: dict[str, str], column: str, *, high: Decimal) -> Decimal | None:
    value = (row.get(column) or "").strip().rstrip("%")
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise Invalid(f"{column}: expected a number, got {value!r}", column) from None
    if not number.is_finite() or number < 0 or number > high:
        raise Invalid(f"{column}: {value} is outside 0..{high}", column)
    return number


def _date(row: dict[str, str], column: str, *, required: bool = False) -> dt.date | None:
    value = (row.get(column) or "").strip()
    if not value:
        if required:
            raise Invalid(f"{column}: required", column)
        return None
    try:
        return dt.date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise Invalid(f"{column}: expected a date as YYYY-MM-DD, got {value!r}", column) from None


def _money(row: dict[str, str], column: str, currency: str, *, required: bool = False) -> Money | None:
    value = (row.get(column) or "").strip()
    if not value:
        if required:
            raise Invalid(f"{column}: required", column)
        return None
    try:
        amount = Money.exact(value, currency)
    except MoneyError as exc:
        raise Invalid(f"{column}: {exc}", column) from None
    if amount.is_negative():
        raise Invalid(f"{column}: must not be negative, got {value} (a credit is written positive with type=credit)",
                      column)
    if amount.minor >= 10**15:
        raise Invalid(f"{column}: {value} is too large", column)
    return amount


def _currency(row: dict[str, str], default: str) -> str:
    value = (row.get("currency") or "").strip()
    try:
        return normalize_currency(value or default)
    except MoneyError as exc:
        raise Invalid(f"currency: {exc}", "currency") from None


@dataclass(frozen=True)
class ClassRow:
    code: str
    name: str
    allow_auto_statement: bool
    finance_charge_monthly_rate: Decimal | None
    finance_charge_grace_days: int | None
    finance_charge_minimum: Decimal | None
    finance_charge_min_past_due: Decimal | None
    finance_charge_compound: bool


def parse_class(row: dict[str, str]) -> ClassRow:
    code = _text(row, "code", required=True, limit=40)
    assert code is not None
    return ClassRow(
        code=code,
        name=_text(row, "name") or code,
        allow_auto_statement=_bool(row, "allow_auto_statement", False),
        finance_charge_monthly_rate=_decimal(row, "finance_charge_monthly_rate", high=Decimal(25)),
        finance_charge_grace_days=_int(row, "finance_charge_grace_days", None),
        finance_charge_minimum=_decimal(row, "finance_charge_minimum", high=MAX_CLASS_AMOUNT),
        finance_charge_min_past_due=_decimal(row, "finance_charge_min_past_due", high=MAX_CLASS_AMOUNT),
        finance_charge_compound=_bool(row, "finance_charge_compound", False),
    )


@dataclass(frozen=True)
class CustomerRow:
    code: str
    name: str
    class_code: str
    terms_days: int
    currency: str
    email: str | None
    phone: str | None
    fax: str | None
    timezone: str
    address: dict[str, str | None]
    delivery: tuple[str, ...]
    finance_charge_exempt: bool
    warnings: tuple[str, ...] = ()  # loaded all the same; said beside the line it came from


def _email(row: dict[str, str]) -> str | None:
    value = _text(row, "email", limit=254)
    if value is None:
        return None
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value:
        raise Invalid(f"email: not an email address: {value!r}", "email")
    return value.lower()


def normalize_phone(value: str, region: str) -> str:
    """E.164 for a phone number as people write it; raises Invalid when it cannot be a real number."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise Invalid(f"phone: not a phone number: {value!r}", "phone") from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid(f"phone: not a valid number: {value!r}", "phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _timezone(row: dict[str, str]) -> str:
    value = _text(row, "timezone", limit=64) or "UTC"
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"timezone: unknown IANA time zone {value!r}", "timezone") from None
    return value


def _delivery(row: dict[str, str], email: str | None) -> tuple[str, ...]:
    value = (row.get("delivery") or "").strip().lower()
    if not value:
        return ("email",) if email else ()
    methods = tuple(dict.fromkeys(m.strip() for m in value.replace(",", ";").split(";") if m.strip()))
    unknown = [m for m in methods if m not in DELIVERY_METHODS]
    if unknown:
        raise Invalid(f"delivery: unknown method {unknown[0]!r}; use {', '.join(DELIVERY_METHODS)}", "delivery")
    return methods


def _delivery_warnings(methods: tuple[str, ...], email: str | None) -> tuple[str, ...]:
    """A delivery the row asks for but gives no address for: the customer and its debt are loaded all the same;
    statement delivery and dunning skip that channel, saying "no email address"."""
    if "email" in methods and not email:
        return ("delivery: email delivery needs an email address; loaded, but statements and reminders by email "
                "will be skipped until the ERP sends one",)
    return ()


def parse_customer(row: dict[str, str], default_country: str = "US") -> CustomerRow:
    code = _text(row, "code", required=True, limit=40)
    name = _text(row, "name", required=True)
    assert code is not None and name is not None
    country = (_text(row, "country", limit=2) or "").upper() or None
    email = _email(row)
    phone = _text(row, "phone", limit=40)
    fax = _text(row, "fax", limit=40)
    region = country or default_country
    return CustomerRow(
        code=code,
        name=name,
        class_code=_text(row, "class", limit=40) or "DEFAULT",
        terms_days=_int(row, "terms_days", 30) or 0,
        currency=_currency(row, "USD"),
        email=email,
        phone=normalize_phone(phone, region) if phone else None,
        fax=normalize_phone(fax, region) if fax else None,
        timezone=_timezone(row),
        address={
            "address_line1": _text(row, "address_line1"),
            "address_line2": _text(row, "address_line2"),
            "city": _text(row, "city", limit=100),
            "region": _text(row, "region", limit=100),
            "postal_code": _text(row, "postal_code", limit=20),
            "country": country,
        },
        delivery=(delivery := _delivery(row, email)),
        finance_charge_exempt=_bool(row, "finance_charge_exempt", False),
        warnings=_delivery_warnings(delivery, email),
    )


@dataclass(frozen=True)
class InvoiceRow:
    number: str
    customer_code: str
    kind: str
    doc_date: dt.date
    due_date: dt.date | None
    amount: Money
    open_amount: Money | None
    po: str | None
    discount_percent: Decimal | None
    discount_days: int | None


def parse_invoice(row: dict[str, str], customer_currency: str | None) -> InvoiceRow:
    """`customer_currency` is None when the customer is unknown; the row is then rejected."""
    number = _text(row, "number", required=True, limit=60)
    customer = _text(row, "customer", required=True, limit=40)
    assert number is not None and customer is not None
    kind = (_text(row, "type", limit=20) or "invoice").lower().replace(" ", "_").replace("-", "_")
    kind = {"credit_memo": "credit", "creditmemo": "credit", "finance": "finance_charge"}.get(kind, kind)
    if kind not in DOCUMENT_KINDS:
        raise Invalid(f"type: unknown document type {kind!r}; use {', '.join(DOCUMENT_KINDS)}", "type")
    doc_date = _date(row, "date", required=True)
    assert doc_date is not None
    due_date = _date(row, "due_date")
    if due_date is not None and due_date < doc_date:
        raise Invalid(f"due_date: {due_date} is before the document date {doc_date}", "due_date")
    if customer_currency is None:
        raise Invalid(f"customer: unknown customer {customer!r} (import it first)", "customer")
    currency = _currency(row, customer_currency)
    amount = _money(row, "amount", currency, required=True)
    assert amount is not None
    open_amount = _money(row, "open_amount", currency)
    if open_amount is not None and open_amount > amount:
        raise Invalid(f"open_amount: {open_amount.amount} is more than the amount {amount.amount}", "open_amount")
    percent = _decimal(row, "discount_percent", high=Decimal(100))
    days = _int(row, "discount_days", None)
    if (percent is None) != (days is None):
        raise Invalid("discount_percent and discount_days go together; give both or neither", "discount_percent")
    return InvoiceRow(number, customer, kind, doc_date, due_date, amount, open_amount,
                      _text(row, "po", limit=60), percent, days)
