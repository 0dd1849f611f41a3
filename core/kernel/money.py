"""Money: one immutable value type. Decimal only, quantized to the currency's minor unit.

Stored as integer minor units; formatted only at the edge (Babel).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.core import Locale
from babel.numbers import format_currency, get_currency_precision

from core.kernel.errors import Invalid


class MoneyError(Invalid, ValueError):
    """An amount or currency that cannot be money; channels show it to the user like any refusal."""


class CurrencyMismatch(MoneyError):
    """Arithmetic across two currencies."""


@lru_cache(maxsize=256)
def minor_digits(currency: str) -> int:
    return int(get_currency_precision(currency))


@lru_cache(maxsize=256)
def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_digits(currency))


def normalize_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code) or code not in Locale("en").currencies:
        raise MoneyError(f"unknown currency {code!r}")
    return code


# Commas only as thousands separators (groups of three): "1,50" is a decimal comma, not 150.
_AMOUNT_TEXT = re.compile(
    r"^\s*([+-]?)\s*[$€£]?\s*((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)\s*$"
)


def parse_amount(text: str | int | Decimal) -> Decimal:
    """Read '1,200.50', '$500', '-5' or a Decimal into a Decimal. Never accepts floats."""
    if isinstance(text, bool | float):
        raise MoneyError("amounts must not be floats; pass a string or Decimal")
    if isinstance(text, int | Decimal):
        value = Decimal(text)
    else:
        match = _AMOUNT_TEXT.match(str(text))
        if not match:
            raise MoneyError(f"not an amount: {text!r}")
        value = Decimal(match.group(1) + match.group(2).replace(",", ""))
    if not value.is_finite():
        raise MoneyError(f"not an amount: {text!r}")
    return value


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, float | bool):
            raise MoneyError("Money refuses floats; use Decimal or a string")
        currency = normalize_currency(self.currency)
        try:
            amount = Decimal(self.amount).quantize(_quantum(currency), rounding=ROUND_HALF_UP)
        except InvalidOperation as exc:
            raise MoneyError(f"not an amount: {self.amount!r}") from exc
        if not amount.is_finite():  # a quiet NaN passes quantize() unchanged
            raise MoneyError(f"not an amount: {self.amount!r}")
        object.__setattr__(self, "currency", currency)
        object.__setattr__(self, "amount", amount)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        return cls(parse_amount(amount), currency)

    @classmethod
    def exact(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Like `of`, but refuses more decimals than the currency has instead of rounding them away."""
        value = parse_amount(amount)
        money = cls(value, currency)
        if money.amount != value:
            digits = minor_digits(money.currency)
            raise MoneyError(f"{amount} has more decimals than {money.currency} allows ({digits})")
        return money

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        return cls(Decimal(int(minor)).scaleb(-minor_digits(normalize_currency(currency))), currency)

    @property
    def minor(self) -> int:
        return int(self.amount.scaleb(minor_digits(self.currency)))

    def _same(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} do not mix")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other).amount

    def percent(self, rate: Decimal) -> Money:
        """`rate` percent of this amount, rounded half-up to the minor unit."""
        return Money(self.amount * Decimal(rate) / 100, self.currency)

    def is_zero(self) -> bool:
        return self.amount == 0

    def is_positive(self) -> bool:
        return self.amount > 0

    def is_negative(self) -> bool:
        return self.amount < 0

    def format(self, locale: str = "en_US") -> str:
        return format_currency(self.amount, self.currency, locale=locale)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def sum_money(values: list[Money] | tuple[Money, ...], currency: str) -> Money:
    total = Money.zero(currency)
    for value in values:
        total = total + value
    return total
