"""Replies that pick from the list the bot showed, said in another language or after a yes, and sums said in two
pairs after the words that make them money (LABELS.md, "Spoken sums", cases settled on 2026-12-31)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.understanding import parse, to_json

TUESDAY = dt.date(2026, 12, 8)


def read(text: str) -> dict[str, object]:
    return to_json(parse(text, today=TUESDAY))


@pytest.mark.parametrize(("text", "selector"), [
    ("la prima e la terza", "1,3"),
    ("les deux premières", "1,2"),
    ("la segunda", "2"),
    ("die ersten beiden", "1,2"),
    ("la primera y la tercera", "1,3"),
    ("a primeira e a terceira", "1,3"),
    ("de to første", "1,2"),
    ("pierwszą i trzecią", "1,3"),
    ("de eerste twee", "1,2"),
    ("i primi due", "1,2"),
])
def test_positions_said_in_another_language(text: str, selector: str) -> None:
    got = read(text)
    assert (got["intent"], got["selector"]) == ("unknown", selector)


@pytest.mark.parametrize(("text", "selector"), [
    ("sì, la seconda", "2"),
    ("yes, the first", "1"),
    ("yes, 1 and 3", "1,3"),
    ("ok, 2 and 3", "2,3"),
])
def test_a_yes_that_picks_positions_confirms_them(text: str, selector: str) -> None:
    got = read(text)
    assert (got["intent"], got["selector"]) == ("confirm", selector)


@pytest.mark.parametrize("text", ["the second", "first", "wait a second", "ok, to second", "la fattura 1043",
                                  "second thoughts, call me"])
def test_english_and_other_messages_are_not_read_as_a_foreign_reply(text: str) -> None:
    from bot.nlu_languages import _reply_of_positions

    assert _reply_of_positions(text) is None


def test_a_yes_with_a_sum_alone_still_answers_a_question() -> None:
    got = read("uh yeah twenty five hundred dollars")
    assert (got["intent"], got["amount"]) == ("unknown", "2500.00")


@pytest.mark.parametrize(("text", "amount", "invoices"), [
    ("mailed a check for forty two fifty yesterday", "4250.00", []),
    ("cut a check for sixty one thirty three", "6133.00", []),
    ("I mailed a check for eleven eighty seven and forty cents", "1187.40", []),
    ("the amount is forty two fifty", "4250.00", []),
    ("invoice forty two fifty is wrong", None, ["4250"]),
])
def test_a_sum_said_in_pairs_after_a_money_word(text: str, amount: str | None, invoices: list[str]) -> None:
    got = read(text)
    assert (got["amount"], got["invoices"]) == (amount, invoices)
