"""No card number is ever stored: free text that reaches the database has any card number in it blanked.

A card number is 13 to 19 digits (spaces or dashes between them allowed, as people type them) that pass the Luhn
check. Columns that hold words people type (comments, notes, names, message texts, audit details) are marked
`FREE_TEXT`; `Database` scrubs them on every flush, so no write path can forget. The chat transcript blanks
more (any 12–19 digit run: an account number too), in `core.conversations.chats.redact`.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

REMOVED = "[card number removed]"
FREE_TEXT = {"free_text": True}  # a Column's `info`: scrub what is written to it
_DIGIT_RUN = re.compile(r"(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])")


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def blank_card_numbers(text: str) -> str:
    """The text with every card number replaced by `REMOVED`; other digit runs (phones, references) kept."""
    return _DIGIT_RUN.sub(lambda m: REMOVED if luhn_ok(re.sub(r"\D", "", m.group())) else m.group(), text)


def scrub(value: Any) -> Any:
    """`value` with card numbers blanked in every string, inside JSON-shaped lists and dicts too."""
    if isinstance(value, str):
        return blank_card_numbers(value)
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item) for item in value]
    return value


def scrub_free_text(session: Session, _context: object, _instances: object) -> None:
    """`before_flush`: blank card numbers in the FREE_TEXT columns of every row about to be written."""
    for row in (*session.new, *session.dirty):
        for prop in inspect(row).mapper.column_attrs:
            if prop.columns[0].info.get("free_text") and prop.key in row.__dict__:
                value = getattr(row, prop.key)
                if value is not None and (clean := scrub(value)) != value:
                    setattr(row, prop.key, clean)
