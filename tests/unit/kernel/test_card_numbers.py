"""What counts as a card number in free text: Luhn-valid 13-19 digits however people space them; nothing else."""

from __future__ import annotations

import pytest

from core.kernel.card_numbers import REMOVED, blank_card_numbers, refuse_card_number, scrub_card_numbers
from core.kernel.errors import Invalid


@pytest.mark.parametrize("text", ["4111 1111 1111 1111", "4111-1111-1111-1111", "4242424242424242",
                                  "378282246310005", "6011 0009 9013 9424"])
def test_card_numbers_as_people_write_them_are_blanked(text: str) -> None:
    assert blank_card_numbers(f"card {text}, exp 12/29") == f"card {REMOVED}, exp 12/29"


@pytest.mark.parametrize("text", ["+15105550123", "4111 1111 1111 1112", "PO 2026-11-22-000123", "INV-1042",
                                  "+44 20 7946 0958", "CHK 748012"])
def test_phone_numbers_references_and_luhn_failures_are_kept(text: str) -> None:
    assert blank_card_numbers(text) == text


def test_json_values_are_scrubbed_inside_lists_and_dicts() -> None:
    assert scrub_card_numbers({"lines": [{"comment": "4242 4242 4242 4242", "amount_minor": 100}], "n": 1}) == {
        "lines": [{"comment": REMOVED, "amount_minor": 100}], "n": 1}


def test_a_short_field_that_names_something_refuses_a_card_number() -> None:
    assert refuse_card_number("jane.doe-2", "username") == "jane.doe-2"
    with pytest.raises(Invalid, match="username: that looks like a card number"):
        refuse_card_number("4111111111111111", "username")
