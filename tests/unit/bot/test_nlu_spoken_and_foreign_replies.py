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


LIST = "> 1. INV-81150  $2,300.00\n> 2. INV-81177  $1,045.60\n> 3. INV-81203  $318.00\n"


@pytest.mark.parametrize(("text", "intent", "selector"), [
    (LIST + "Schedule the first two for 01/29 please, from the account ending 2231.", "schedule", "1,2"),
    (LIST + "Please pay the first and the third, the second we are still checking.", "pay", "1,3"),
    (LIST + "Can you charge the first on 28 of this month?", "schedule", "1"),
    (LIST + "Bitte die ersten beiden heute per Lastschrift einziehen, die dritte prüfen wir noch.", "pay", "1,2"),
    (LIST + "Pagate la prima e la terza con la carta, grazie.", "pay", "1,3"),
    ("Doe de eerste twee maar, met de creditcard graag.", "pay", "1,2"),
    ("Nummer 2 og 4, tak.", "unknown", "2,4"),
    ("Sí, adelante con la segunda.", "confirm", "2"),
    ("Sì, l'ultima per favore.\n\n> 1) 7012 – 640,00 €\n> 2) 7015 – 1.115,30 €\n> 3) 7018 – 289,90 €", "confirm", "3"),
])
def test_positions_picked_inside_a_sentence(text: str, intent: str, selector: str) -> None:
    got = read(text)
    assert (got["intent"], got["selector"]) == (intent, selector)


@pytest.mark.parametrize("text", ["the first two weeks of january", "schedule the first payment on the 5th",
                                  "we can pay the first of the month"])
def test_the_first_of_something_else_is_no_position(text: str) -> None:
    assert read(text)["selector"] is None


@pytest.mark.parametrize(("text", "kept"), [
    ("Please draft today: INV-88412 $2,340.00, INV-88419 $612.75. INV-88102 this was paid 10/14 with check #10388.",
     ["88412", "88419"]),
    ("pay 7781 now. 7790 is a dup of 7781 dont touch it", ["7781"]),
    ("charge the card for 4410 and 4418 right now. 4422 don't, that ones got the wrong price on it", ["4410", "4418"]),
    ("We like to pay the invoice 6602 and 6605 now. The invoice 6611 is not due until March.", ["6602", "6605"]),
    ("ill drop a check off tmrw for 7810 and 7814 dont charge nothin", ["7810", "7814"]),
    ("Please remit via ACH: INV 88120 ($1,402.50) INV 88133 ($612.00) Do NOT pay 88127, still waiting on a credit.",
     ["88120", "88133"]),
])
def test_an_invoice_set_aside_in_its_own_words_is_left_out(text: str, kept: list[str]) -> None:
    assert read(text)["invoices"] == kept


@pytest.mark.parametrize(("text", "intent", "selector", "amount"), [
    ("750", "unknown", None, "750.00"),  # three digits alone: the sum asked for
    ("12", "unknown", "12", None),  # one or two: the position picked, whatever the model makes of a bare number
    ("3", "unknown", "3", None),
    ("> Shall I schedule $800.00 on 11/30 for INV-6120?\nmake it 600", "confirm", None, "600.00"),
])
def test_a_number_alone_and_a_sum_changed_in_a_reply(text: str, intent: str, selector: str | None,
                                                      amount: str | None) -> None:
    got = read(text)
    assert (got["intent"], got["selector"], got["amount"]) == (intent, selector, amount)
