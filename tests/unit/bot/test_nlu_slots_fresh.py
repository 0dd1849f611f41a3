"""Slots of the kinds the 2026-12-09 tuning batches missed: hesitations, corrected dates, spans of months and weeks,
fees and balances named beside a payment, refusals beside a selector, and reasons in everyday words."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.understanding import parse, to_json

MONDAY = dt.date(2026, 12, 14)


def read(text: str, today: dt.date = MONDAY) -> dict[str, object]:
    return to_json(parse(text, today=today))


def test_a_voice_transcripts_hesitations_do_not_hide_a_card_ending_or_an_account_number() -> None:
    assert read("ok go ahead and pay ten forty three on the card ending in uh four four one two")["invoices"] == \
        ["1043"]
    assert read("this is sam, our account number is um three three nine one")["invoices"] == []


@pytest.mark.parametrize(("text", "date"), [
    ("schedule 5521 for 12/21 wait no 12/22", "2026-12-22"),  # a date taken back
    ("Has the check I sent 3 weeks ago cleared?", None),  # weeks ago: a span
    ("we'll pay 5521 after month end", None),
    ("the check went out, mailed monday", "2026-12-07"),  # said on a Monday: the Monday before
    ("we mailed a check for 5521, so cancel the card payment you have for it on Dec 28", "2026-12-28"),
    ("what is our open balance per 31.12.2026?", "2026-12-31"),
    ("did the transfer from 03.12. arrive?", "2026-12-03"),
    ("Approved for payment today: invoices 88213 and 88219.", "2026-12-14"),
    ("we'll have it to you friday, our year-end audit starts the 28th", "2026-12-18"),
])
def test_the_date_meant(text: str, date: str | None) -> None:
    assert read(text)["date"] == date


@pytest.mark.parametrize(("text", "month"), [
    ("statement for Q4 please (Oct-Dec)", None),
    ("a statement covering october through december", None),
    ("our september and october statements", "2026-09"),  # two named: the first, as the corpus has it
])
def test_a_span_of_months_is_no_one_month(text: str, month: str | None) -> None:
    assert read(text)["month"] == month


@pytest.mark.parametrize(("text", "amount"), [
    ("not paying 3381 till someone tells me what the $140 freight line is", None),
    ("the $60 \"rush fee\" on 3381 was never authorized", None),
    ("disputing 3381: restocking fee $45 is not in our agreement", None),
    ("charge the visa for the whole balance, $2,980.15, today", None),
    ("pay 3381 net of credit memo CM-2201 ($112.50). Net amount $887.50, card on file", "887.50"),
    ("we will remit the remaining $900.00 on 3381 by the 30th", "900.00"),
    ("we'll pay $400 now and the remaining $520.00 will follow", "400.00"),
    ("can we put a couple thousand on account", None),
])
def test_the_sum_to_act_on(text: str, amount: str | None) -> None:
    assert read(text)["amount"] == amount


def test_an_invoice_refused_beside_a_selector_is_left_out() -> None:
    parsed = parse("please take payment for all invoices past due. invoice 6610 not, we returned those goods",
                   today=MONDAY)
    assert (parsed.invoices, parsed.excluded, parsed.selector) == ((), ("6610",), "overdue")


def test_a_correction_keeps_the_second_invoice() -> None:
    assert read("please process 48213... correction, 48231. full amount")["invoices"] == ["48231"]


def test_a_sum_paid_is_no_invoice_and_an_opt_out_names_none() -> None:
    assert read("what's left after the 1500 we paid last week")["invoices"] == []
    assert read("stop texting me about 4412, I sold the business")["invoices"] == []


@pytest.mark.parametrize(("text", "reason"), [
    ("7712 is $22.40 too high", "Pricing error"),
    ("you didn't take off our contractor discount on 7712", "Pricing error"),
    ("we were charged 50,00 EUR too much on 7712 for transport", "Pricing error"),
    ("I'm not paying the late fee on 7712, your portal was down", "Disputed charge"),
    ("why is there a pallet charge on 7712, we pick up ourselves", "Disputed charge"),
    ("we pay 7712 less 200, the rest of the goods we return", "Returned goods"),
    ("the driver dropped 3 cases off the truck, paying 7712 less $90", "Damaged goods"),
])
def test_reasons_in_everyday_words(text: str, reason: str) -> None:
    assert read(text)["reason"] == reason


def test_their_own_payment_told_is_a_promise_and_a_request_for_a_copy_by_position_is_no_payment() -> None:
    assert read("we are paying 7712 on friday")["intent"] == "promise"
    assert read("Payment of 7712 is scheduled in our own system for release on the 22nd.")["intent"] == "promise"
    assert read("looking at your list, can you send me number two")["intent"] == "invoices"


@pytest.mark.parametrize(("text", "date"), [
    ("did our transfer of 2.450,00 € dated 02/12 arrive?", "2026-12-02"),  # European money: dates day first
    ("we're closed from 24/12 until 06/01; invoice 6630 gets paid on 07/01/2027", "2027-01-07"),  # 24/12: day first
    ("send the payments you received between Oct 1 and Dec 31", None),  # a span
    ("pay 5530 today, less $280 for the units returned on 11/12", "2026-12-14"),  # the return is not when to pay
])
def test_day_first_writers_spans_and_days_of_other_events(text: str, date: str | None) -> None:
    assert read(text)["date"] == date


def test_years_postcodes_remittance_advice_and_a_check_in_brackets_are_no_invoices() -> None:
    assert read("please book 10.000 EUR on account as advance payment for the 2027 orders")["invoices"] == []
    assert read("pay 5591 please. Klaus Berger, Hauptstr. 12, 80331 Muenchen")["invoices"] == ["5591"]
    assert read("did the ACH arrive? remittance advice #1009-22")["invoices"] == []
    assert read("a check (#20114) covering invoices 8802 and 8806 went out")["invoices"] == ["8802", "8806"]
    assert read("can we split the payment of 7781 and 7790 in 4 parts?")["invoices"] == ["7781", "7790"]


def test_paid_from_their_side_is_a_promise_and_paid_twice_a_dispute() -> None:
    assert read("no need, we pay 31190 on friday through our own bill-pay run")["intent"] == "promise"
    assert read("invoice 6120 we pay two times already, please return money")["intent"] == "dispute"


def test_positions_of_the_list_a_greeting_to_all_and_a_no_for_today() -> None:
    assert read("please pay the second and the fourth of the list, today")["selector"] == "2,4"
    assert read("merry christmas to all the team!")["selector"] is None
    assert read("no no don't, nothing comes out of the account today")["date"] is None
    assert read("no, pay 1043 on friday instead")["date"] == "2026-12-18"  # a correction keeps its day
