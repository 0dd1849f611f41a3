"""The small words the audit log is written with: money, days, names of channels, who acted, raw details as text.

Amounts in audit details are decimal strings with their currency beside them (`amount="4214.93"`,
`currency="USD"`); a few older rows kept integer minor units. Nothing here raises on a row it does not expect:
the log must show every row it has, whatever a release wrote into it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from core.kernel.money import Money, MoneyError

LOCALE = "en_US"
CHANNELS = {
    "telegram": "Telegram", "sms": "SMS", "email": "email", "fax": "fax", "print": "print", "voice": "phone",
    "demo": "demo chat", "cli": "command line", "console": "console", "api": "API", "webhook": "webhook",
    "scheduler": "scheduler", "outbox": "outbox", "sandbox_page": "payment-method page", "processor": "processor",
}
PROCESSORS = {"sandbox": "sandbox", "stripe": "Stripe"}


def channel_name(channel: Any) -> str:
    return CHANNELS.get(str(channel or ""), str(channel or ""))


def money(amount: Any, currency: Any = None) -> str:
    """`4214.93`, `USD` → `$4,214.93`; without a currency, the number alone (`4,214.93`)."""
    if amount is None or amount == "":
        return ""
    try:
        if currency:
            return Money.of(str(amount), str(currency)).format(LOCALE)
        return format_decimal(Decimal(str(amount)), "#,##0.00", locale=LOCALE)
    except (MoneyError, InvalidOperation, ValueError):
        return str(amount)


def minor(value: Any) -> str:
    """Integer minor units of an unnamed currency, as a number with two decimals."""
    try:
        return format_decimal(Decimal(int(value)).scaleb(-2), "#,##0.00", locale=LOCALE)
    except (TypeError, ValueError):
        return str(value)


def day(value: Any) -> str:
    """An ISO date or moment → `Dec 9, 2026` (a moment: `Dec 9, 2026, 14:05 UTC`)."""
    text = str(value or "")
    try:
        if len(text) <= 10:
            return format_date(dt.date.fromisoformat(text), "medium", locale=LOCALE)
        moment = dt.datetime.fromisoformat(text)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        return format_datetime(moment.astimezone(dt.UTC), "MMM d, y, HH:mm", locale=LOCALE) + " UTC"
    except ValueError:
        return text


def ref(subject: str) -> str:
    """`payment:61` → `61`; a subject with no kind is itself."""
    return subject.partition(":")[2] or subject


def quoted(text: Any, limit: int = 140) -> str:
    clean = " ".join(str(text or "").split())
    return f"“{clean[:limit - 1]}…”" if len(clean) > limit else f"“{clean}”"


def listed(items: Iterable[Any]) -> str:
    return ", ".join(str(item) for item in items if item not in (None, ""))


def count(n: Any, thing: str, things: str | None = None) -> str:
    """`3 messages`, `1 message`, `1,234 characters`."""
    number = f"{n:,}" if isinstance(n, int) else str(n)
    return f"{number} {thing if n == 1 else things or thing + 's'}"


def words(code: Any) -> str:
    """`sms_opt_out` → `sms opt out`: a code read aloud."""
    return str(code or "").replace("_", " ").replace(".", " ").strip()


def plain(value: Any) -> str:
    """A detail's value as text: no JSON quoting or escapes, nested values flattened, None as nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{key} {text}" for key, item in value.items() if (text := plain(item)))
    if isinstance(value, list | tuple):
        return ", ".join(text for item in value if (text := plain(item)))
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, int | float | Decimal) else str(value)


def detail_lines(details: dict[str, Any]) -> list[tuple[str, str]]:
    """The raw details, one `(key, text)` per value, nested keys joined by dots; empty and None values left out."""
    lines: list[tuple[str, str]] = []
    for key, value in details.items():
        if isinstance(value, dict):
            lines.extend((f"{key}.{inner}", text) for inner, text in detail_lines(value))
        elif text := plain(value):
            lines.append((key, text))
    return lines
