"""The console's `phone` filter: a number stored E.164 reads as staff say it, at home or from abroad."""

from __future__ import annotations

import pytest

from channels.web.console.pages import phone


def test_phone_numbers_read_nationally_at_home_and_internationally_from_abroad() -> None:
    assert phone("+13125550100") == "(312) 555-0100"  # the seller's country (US by default)
    assert phone("+16045550100") == "+1 604-555-0100"  # Canada shares +1 but is abroad from the US
    assert phone("+16045550100", "ca") == "(604) 555-0100"  # at home for a Canadian customer
    assert phone("+442079460958") == "+44 20 7946 0958"
    assert phone("+442079460958", "GB") == "020 7946 0958"


@pytest.mark.parametrize("text", ["", "5123456789", "+1555", "+not a number", "call the front desk"])
def test_what_is_no_phone_number_reads_as_it_came(text: str) -> None:
    assert phone(text) == text  # a Telegram chat id has no "+": it is never taken for a US number
    assert phone(None) == ""
