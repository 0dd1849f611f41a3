"""An invoice the customer says not to pay is never in the quote, whatever else the message picks."""

from __future__ import annotations

import pytest

from tests.books import invoice
from tests.integration.bot.test_dialogue import Chat


@pytest.mark.parametrize("text", ["don't pay 1042 yet, just 1043", "no I meant pay 1043, not 1042"])
def test_a_correction_quotes_only_the_invoice_meant(chat: Chat, text: str) -> None:
    quote = chat.say(text)
    assert "INV-1043: $250.00" in quote and "INV-1042" not in quote


def test_everything_except_one_invoice_leaves_it_out(chat: Chat) -> None:
    quote = chat.say("pay everything except 1042")
    assert "INV-1043: $250.00" in quote and "INV-1044: $400.00" in quote and "INV-1042" not in quote
    assert "Total: $650.00" in quote


@pytest.mark.parametrize("text", ["pay INV-2026-0311", "pay invoice 2026-0311", "pay 2026-0311"])
def test_a_reference_with_a_year_finds_the_document_numbered_with_the_prefix(chat: Chat, text: str) -> None:
    invoice(chat.services.db, "INV-2026-0311", "75.00", "2026-11-01")
    quote = chat.say(text)
    assert "INV-2026-0311: $75.00" in quote and "INV-1042" not in quote


@pytest.mark.parametrize(("text", "quoted", "left_out"), [
    ("pay the oldest", ["INV-1043: $250.00"], ["INV-1044", "INV-1042"]),
    ("pay the two oldest", ["INV-1043: $250.00", "INV-1044: $400.00"], ["INV-1042"]),
])
def test_the_oldest_few_are_that_many_oldest_first(chat: Chat, text: str, quoted: list[str],
                                                    left_out: list[str]) -> None:
    quote = chat.say(text)
    assert all(line in quote for line in quoted) and not any(number in quote for number in left_out)
