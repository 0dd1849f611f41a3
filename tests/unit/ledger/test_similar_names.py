"""Names that read like what was typed (core.ledger.customer_search.rank_similar): a misspelling finds the company,
a whole name typed out does not bring its neighbours along."""

from __future__ import annotations

import pytest

from core.ledger.customer_search import rank_similar

NAMES = list(enumerate([
    "Harbor Supply Inc.", "Harbour Freight LLC", "Harbor Roofing Inc.", "Acme Plumbing Co.", "Acne Labs",
    "Sterling Electric Co.", "Sterling HVAC Group", "Maple Restoration Ltd.", "Maple HVAC Ltd.",
    "Smith & Sons Hardware",
]))


def similar(q: str) -> list[str]:
    return [dict(NAMES)[customer_id] for customer_id, _ in rank_similar(q, NAMES)]


@pytest.mark.parametrize(("typed", "found"), [
    ("harbour supply", ["Harbor Supply Inc."]),
    ("accme", ["Acme Plumbing Co."]),
    ("sterlin elec", ["Sterling Electric Co."]),  # a typo of the start of each word
    ("smith and sons", ["Smith & Sons Hardware"]),  # "and" is "&"
    ("harbour rofing", ["Harbor Roofing Inc."]),
])
def test_a_misspelt_name_finds_the_company(typed: str, found: list[str]) -> None:
    assert similar(typed) == found


def test_the_closest_names_come_first_then_by_name() -> None:
    assert similar("harbour") == ["Harbour Freight LLC", "Harbor Roofing Inc.", "Harbor Supply Inc."]


def test_a_whole_name_brings_no_neighbours_and_unlike_text_nothing() -> None:
    for _, name in NAMES:
        assert similar(name) == [name]
    assert similar("zebra logistics") == []
    assert similar("") == [] and similar("the") == []
