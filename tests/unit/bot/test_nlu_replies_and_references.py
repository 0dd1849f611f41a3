"""Slots of the kinds the 2026-12-30 and 2026-12-31 tuning batches missed: a yes that changes the sum, positions
in a reply to a list, sums written after their currency with the thousands set apart, payment and bank references
that are no invoice, the day of a payment's first part beside the rest's, and days moved "instead"."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.understanding import parse, to_json

MONDAY = dt.date(2026, 12, 7)


def read(text: str, today: dt.date = MONDAY) -> dict[str, object]:
    return to_json(parse(text, today=today))


@pytest.mark.parametrize(("text", "amount", "invoices"), [
    ("Yes, but only $1,500.00 for now please, the rest after the 15th.", "1500.00", []),
    ("y but 300", "300.00", []),  # three digits are never an invoice
    ("FINE. yes. but $600 only this time", "600.00", []),
    ("yes but only 6655", None, ["6655"]),  # four digits and no money word: the invoice the yes is for
    ("yes go ahead with the $7,179.42", None, []),  # the quote's own sum said again: no change
])
def test_a_yes_that_changes_the_sum_keeps_it(text: str, amount: str | None, invoices: list[str]) -> None:
    got = read(text)
    assert (got["intent"], got["amount"], got["invoices"]) == ("confirm", amount, invoices)


@pytest.mark.parametrize(("text", "selector"), [
    ("yes to 1 and 4, 2 n 3 can wait til feb", "1,4"),
    ("y 1+3", "1,3"),
    ("yes to one and four", "1,4"),
    ("pay the first two w the visa", "1,2"),
    ("Please do the second and the fourth with the card, the others not.", "2,4"),
    ("Per your list, please process items 1 and 3 today (receiver #5512 has item 2).", "1,3"),
    ("Ja, bitte Position 1 und 3 abbuchen.", "1,3"),
    ("uh can you pay the second one and the third one on that list you sent me", "2,3"),
    ("um pay all of them except the last one", None),  # which are left, the list shown tells (LABELS.md)
    ("y, not #2", None),
    ("> 1) 60448 - $742.19 - due 12/28\n> 2) 60455 - $1,310.00 - due 01/04\n> 3) 60471 - $95.60 - due 01/11\n\n"
     "Please pay the last one on the list now using the card on file.", "3"),
])
def test_positions_picked_in_a_reply(text: str, selector: str | None) -> None:
    assert read(text)["selector"] == selector


@pytest.mark.parametrize(("text", "amount", "invoices"), [
    ("Payment advice: SEK 48 750,00 will be transferred on 18/01/2027 via Bankgiro, OCR reference 7700412250013, "
     "in settlement of invoices 5521 and 5533.", "48750.00", ["5521", "5533"]),
    ("We transferred NOK 23 600,00 this morning for invoices 5611 and 5618, KID 004471208833.", "23600.00",
     ["5611", "5618"]),
    ("dep kr 7 450 on acct, not inv", "7450.00", []),
    ("please pay invoice 5510, 1250 zł", "1250.00", ["5510"]),  # a sum after the listed reference, not another one
    ("Chcemy wpłacić zaliczkę w wysokości dziesięć tysięcy złotych, nie na żadną fakturę.", "10000.00", []),
    ("Proszę o zapłatę faktury FV/2026/11/087, tysiąc dwieście pięćdziesiąt zł", "1250.00", ["FV/2026/11/087"]),
    ("the check number was 5521 for invoice 4410 did you get it", None, ["4410"]),
    ("mail a check for like seven fifty on friday", "750.00", []),
    ("two payments of six fifty one came out of the account on the same day for 1043", "651.00", ["1043"]),
])
def test_sums_and_references(text: str, amount: str | None, invoices: list[str]) -> None:
    got = read(text)
    assert (got["amount"], got["invoices"]) == (amount, invoices)


@pytest.mark.parametrize(("text", "invoices"), [
    ("can we split the 2400 into 3 payments", []),  # the balance by its figure (LABELS.md, 2026-12-29)
    ("could I split 1043 into two payments", ["1043"]),
    ("Potete addebitare la fattura 7718 il 15 gennaio? Grazie mille.", ["7718"]),  # "mille" is no 1000 here
    ("Sam Ito — 8040 Hwy 99, Salem OR 97303. please don't process that yet", []),
    ("could you send receipts for the payments we made in November? Client ID 30877.", []),
    ("8820 is the same delivery as 8814, please credit it", ["8820"]),
])
def test_numbers_that_are_no_invoice(text: str, invoices: list[str]) -> None:
    assert read(text)["invoices"] == invoices


@pytest.mark.parametrize(("text", "intent", "date"), [
    ("We'd like to pay $750 today toward invoice 8813, and the remaining $430.75 will follow on January 8.", "pay",
     "2026-12-07"),
    ("Please take 1.500,00 EUR now for invoice 4120, the rest of 620,00 EUR we pay on the 5/2.", "pay", "2026-12-07"),
    ("We want to cancel the debit of the 15/12 for invoice 8841 and make it instead on the 22/12.", "schedule",
     "2026-12-22"),
    ("Bitte die Lastschrift vom 15.12. für Rechnung 40288 streichen und stattdessen am 22.12. einziehen.", "schedule",
     "2026-12-22"),
    ("mv 12/15 pmt to 12/22", "schedule", "2026-12-22"),
    ("they will pay invoices 61330 and 61337 before the year ends", "promise", "2026-12-31"),
    ("we pay until the 30 the both invoices 5601 and 5608", "promise", "2026-12-30"),
])
def test_the_day_meant(text: str, intent: str, date: str) -> None:
    got = read(text)
    assert (got["intent"], got["date"]) == (intent, date)


@pytest.mark.parametrize(("text", "intent", "selector"), [
    ("pd?", "history", None),  # LABELS.md, short questions: did the payment arrive
    ("which invoices are past do", "invoices", "overdue"),
    ("How much we must pay to be again current with you?", "balance", "overdue"),
    ("Please say me which invoices are in delay", "invoices", "overdue"),
])
def test_short_and_second_language_questions(text: str, intent: str, selector: str | None) -> None:
    got = read(text)
    assert (got["intent"], got["selector"]) == (intent, selector)


@pytest.mark.parametrize(("text", "date"), [
    ("NO. The 20th. I've told you that twice already.", "2026-12-20"),  # a no with a new day: the day changed
    ("not today, do it friday", "2026-12-11"),
])
def test_a_reply_naming_a_new_day_is_a_yes_to_it(text: str, date: str) -> None:
    got = read(text)
    assert (got["intent"], got["date"]) == ("confirm", date)


def test_a_plain_no_stays_a_no() -> None:
    assert [read(text)["intent"] for text in ("no", "no, not friday", "no thanks")] == ["deny", "deny", "deny"]
