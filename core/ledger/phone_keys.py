"""Keys that find a contact by part of their phone number with an index, at any book size.

A number is kept in E.164 (`+15105550100`). People type its start without the country code ("510 555"), or its
end ("555-0100", "0100"), or all of it. Two indexed columns answer both with a range scan instead of `LIKE '%…%'`
over every contact: `phone_national` holds the national number's digits (`5105550100`: its start is a prefix),
`phone_tail` the E.164 digits reversed (`00105550151`: the number's end is a prefix). A fragment from the middle
of a number ("0555") is neither and is not found, as a search of the last 7–10 digits is what desks type.
"""

from __future__ import annotations

import phonenumbers
from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

PhoneKeys = tuple[str | None, str | None]


def phone_keys(phone: str | None) -> PhoneKeys:
    """(national digits, reversed E.164 digits) of a stored E.164 number; (None, None) when there is none."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if not digits:
        return None, None
    try:
        national = str(phonenumbers.parse(phone or "", None).national_number)
    except phonenumbers.NumberParseException:
        national = digits
    return national, digits[::-1]


def _starts_with(column: InstrumentedAttribute[str | None], digits: str) -> ColumnElement[bool]:
    """`column` starts with `digits`, as an index range: digits ≤ column < the next number of that length
    (digit strings compare alike in every collation, so both backends use their b-tree index)."""
    if not digits.strip("9"):
        return column >= digits
    return and_(column >= digits, column < str(int(digits) + 1).zfill(len(digits)))


def phone_starts_or_ends_with(national: InstrumentedAttribute[str | None], tail: InstrumentedAttribute[str | None],
                              typed: str) -> ColumnElement[bool]:
    """A contact whose number starts (without its country code or a trunk 0: "020 7946" is London's 20 7946) or
    ends with the digits typed."""
    digits = "".join(ch for ch in typed if ch.isdigit())
    return or_(_starts_with(national, digits.lstrip("0") or digits), _starts_with(tail, digits[::-1]))
