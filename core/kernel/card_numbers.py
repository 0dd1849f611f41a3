"""No card number is ever stored: free text that reaches the database has any card number in it blanked.

A card number is 13 to 19 digits (spaces or dashes between them allowed, as people type them) that pass the Luhn
check. Two ways to keep one out, one rule behind both:
- Words people type (comments, notes, names, addresses, message texts, template edits, audit details) are kept
  with the number blanked (`REMOVED`): refusing would lose what they said. Their columns are marked `FREE_TEXT`
  and `Database` scrubs them on every flush, so no write path can forget; a write that bypasses the ORM's unit
  of work (a Core `update`) calls `scrub_card_numbers` itself.
- A short field that names something (a staff username) is refused with `refuse_card_number`.
Identifiers that come from the ERP or a processor (customer codes, document numbers, POs, payment references) are
left as sent: a long numeric identifier passes the Luhn check one time in ten, and blanking or refusing it would
corrupt or drop the book. The chat transcript blanks more (any 12–19 digit run: an account number too), in
`core.conversations.chats.redact`.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from core.kernel.errors import Invalid

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


def _is_card_number(run: str) -> bool:
    return luhn_ok(re.sub(r"\D", "", run))


def has_card_number(text: str) -> bool:
    return any(_is_card_number(m.group()) for m in _DIGIT_RUN.finditer(text))


def blank_card_numbers(text: str) -> str:
    """The text with every card number replaced by `REMOVED`; other digit runs (phones, references) kept."""
    return _DIGIT_RUN.sub(lambda m: REMOVED if _is_card_number(m.group()) else m.group(), text)


def scrub_card_numbers(value: Any) -> Any:
    """`value` with card numbers blanked in every string, inside JSON-shaped lists and dicts too."""
    if isinstance(value, str):
        return blank_card_numbers(value)
    if isinstance(value, dict):
        return {key: scrub_card_numbers(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        items = [scrub_card_numbers(item) for item in value]
        return items if isinstance(value, list) else tuple(items)
    return value


def refuse_card_number(text: str, field: str) -> str:
    """`text` as given, or Invalid when it holds a card number (for short fields where a blank would mean nothing)."""
    if has_card_number(text):
        raise Invalid(f"{field}: that looks like a card number; card numbers are never stored", field)
    return text


def scrub_free_text(session: Session, _context: object, _instances: object) -> None:
    """`before_flush`: blank card numbers in the FREE_TEXT columns of every row about to be written."""
    for row in (*session.new, *session.dirty):
        for prop in inspect(row).mapper.column_attrs:
            column = prop.columns[0]
            if column.info.get("free_text") and prop.key in row.__dict__:
                value = getattr(row, prop.key)
                if value is not None and (clean := scrub_card_numbers(value)) != value:
                    # the note is longer than the shortest number: a full String(n) column must still take it
                    limit = getattr(column.type, "length", None)
                    setattr(row, prop.key, clean[:limit] if limit and isinstance(clean, str) else clean)
