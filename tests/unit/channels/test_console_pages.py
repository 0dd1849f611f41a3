"""What every console page shares: typed dates and money as staff read them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from channels.web.console.pages import date, form_date, money
from core.kernel.errors import Invalid
from core.kernel.money import Money


def test_a_typed_date_is_read_or_refused_with_its_field() -> None:
    assert form_date("2026-11-22", "from") == dt.date(2026, 11, 22)
    assert form_date(" 2026-11-22 ", "from") == dt.date(2026, 11, 22)
    assert form_date("", "from") is None and form_date(None, "to") is None
    with pytest.raises(Invalid, match="to: '22/11/2026' is not a date") as refused:
        form_date("22/11/2026", "to")
    assert refused.value.field == "to"


def test_money_and_dates_read_the_way_staff_expect() -> None:
    assert money(Money.of("1200.5", "USD")) == "$1,200.50"
    assert money(120050, "USD") == "$1,200.50"  # minor units with their currency
    assert money(Decimal("-5"), "EUR") == "-€5.00"
    assert money(None) == ""
    assert date(dt.date(2026, 11, 22)) == "Nov 22, 2026"
