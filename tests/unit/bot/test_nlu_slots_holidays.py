"""Slots of the kinds the 2026-12-11 tuning batches missed: holidays by name, season's greetings around a request,
digits said one by one, cents in words, a date or an invoice taken back across a sentence, and reasons."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.understanding import parse, to_json

MONDAY = dt.date(2026, 12, 7)


def read(text: str, today: dt.date = MONDAY) -> dict[str, object]:
    return to_json(parse(text, today=today))


@pytest.mark.parametrize(("text", "date"), [
    ("pay 1043 on boxing day", "2026-12-26"),
    ("pay 1043 the day after christmas", "2026-12-26"),
    ("pay 1043 on new year's day", "2027-01-01"),
    ("pay 1043 on new years eve", "2026-12-31"),
    ("schedule 1043 for martin luther king day", "2027-01-18"),  # the third Monday of January
    ("schedule 1043 for MLK Day", "2027-01-18"),
    ("schedule 1043 for the day after thanksgiving", "2027-11-26"),  # Thanksgiving 2027 is November 25
    ("quit hounding us on thanksgiving, we will pay next month", None),  # a holiday said in passing
    ("Hi, please schedule INV-30117 for 12/18. Sorry, make that 12/21, our deposit lands late.", "2026-12-21"),
    ("Can I pay invoice 8832 on 15. december?", "2026-12-15"),
])
def test_the_date_meant(text: str, date: str | None) -> None:
    assert read(text)["date"] == date


def test_the_receipt_of_the_payment_made_on_a_holiday_looks_back() -> None:
    assert read("can I get a receipt for the payment we made on christmas eve", dt.date(2027, 1, 4))["date"] == \
        "2026-12-24"


@pytest.mark.parametrize(("text", "intent"), [
    ("merry christmas, paying 1043 friday", "promise"),
    ("Happy new year! can you pay 1043 today", "pay"),
    ("Happy thanksgiving - whats our balance", "balance"),
    ("merry christmas", "unknown"),  # the greeting alone is chit-chat
])
def test_a_seasons_greeting_is_not_the_request(text: str, intent: str) -> None:
    assert read(text)["intent"] == intent


def test_a_closing_wish_on_the_same_line_is_not_the_request() -> None:
    found = read("Hello, please collect 950 € for invoice RE-40077 on Friday. Thanks and have a nice weekend, Marta")
    assert (found["intent"], found["date"]) == ("schedule", "2026-12-11")


@pytest.mark.parametrize(("text", "invoices", "amount"), [
    ("pay for thousand even on invoice 2 2 0 9 1", ["22091"], "4000.00"),  # voice: digit by digit, "for" is four
    ("yeah I want to pay eleven eighty seven and forty cents towards invoice three three one oh five", ["33105"],
     "1187.40"),
    ("Please apply a payment of one thousand four hundred seventy-five and 50/100 dollars to invoice 90217",
     ["90217"], "1475.50"),
    ("Please pay 6019 -- sorry, typo, I meant 6091. Card on file is fine.", ["6091"], None),
    ("take 1500 for SI-51302 and I'm keeping the rest until you send the 6 missing fittings", ["SI-51302"], "1500.00"),
    ("today we pay invoice 8807 but only 2.100 dollar, not 2.350, the cable price is too high", ["8807"], "2100.00"),
    ("pay 3302 but 800 only, 1 unit missing", ["3302"], "800.00"),
    ("Invoice SI-50877 bills 250 ft of 3/4 inch PEX but our PO was for 1/2 inch.", ["SI-50877"], None),
])
def test_invoices_and_amounts(text: str, invoices: list[str], amount: str | None) -> None:
    found = read(text)
    assert (found["invoices"], found["amount"]) == (invoices, amount)


def test_an_international_phone_number_and_a_packing_slip_are_no_invoices() -> None:
    assert read("could someone from credit call me regarding our account? +49 89 1234 5678")["invoices"] == []
    assert read("invoice SI-50412: only 36 arrived, packing slip PS 88213 confirms 36")["invoices"] == ["SI-50412"]


def test_an_invoice_left_as_scheduled_is_not_canceled() -> None:
    found = read("Please stop the scheduled drafts for 81107 and 81112; leave SI-50331 as scheduled.")
    assert (found["intent"], found["invoices"]) == ("cancel_scheduled", ["81107", "81112"])


@pytest.mark.parametrize(("text", "selector"), [
    ("how much is late right now", "overdue"),
    ("can you send me a copy of three and four", "3,4"),
    ("We'll transfer the outstanding amount on the 4th of January", "all"),
    ("what is the outstanding amount", None),  # a balance question chooses nothing
])
def test_the_selector(text: str, selector: str | None) -> None:
    assert read(text)["selector"] == selector


@pytest.mark.parametrize(("text", "reason"), [
    ("We've paid this twice. INV-63301, ACH on 10/28 and again 11/02.", "Disputed charge"),
    ("invoice 2026-0471 was debited twice, 612,00 € on 02/12 and again on 03/12", "Disputed charge"),
    ("the late fee on 3391, we paid that one on time. take it off please", "Disputed charge"),
    ("Invoice 71150 is for PO 4500021877, which we cancelled on 11/30 before anything shipped.", "Disputed charge"),
    ("on your invoice 40288 you charged 19% VAT, but reverse charge applies", "Disputed charge"),
    ("why is invoice 2218 960 dollar? We agree 8 dollar per piece, please fix it", "Pricing error"),
    ("Invoice 88102: the motor was billed at full price, but it was a warranty replacement", "Other"),
    ("Your driver dropped the whole order in the rain. Invoice 61208, not paying it", "Damaged goods"),
    ("Could the oldest invoice be broken into two payments?", None),
    ("Pay 4411 and 4412. NOT 4410, that one's garbage.", None),
])
def test_the_reason(text: str, reason: str | None) -> None:
    assert read(text)["reason"] == reason


@pytest.mark.parametrize(("text", "found"), [
    ("We'd like to pay invoice 60112 net of credit memo CM-104002 ($215.00). Net amount $1,087.50 - please charge "
     "the bank account on file.", {"amount": "1087.50"}),  # "- please charge" describes no sum as a charge
    ("please debit our account today for invoices 7731 and 7735. Invoice 7733 we will settle separately by bank "
     "transfer.", {"invoices": ["7731", "7735"]}),
    ("paying invoice 1090 today at OUR price, 20 cases, $1,100. not $1,240.", {"amount": "1100.00"}),
    ("pay number two off that list, the one for the nine hundred something", {"amount": None, "selector": "2"}),
    ("Short pay on INV-61180: remitting $2,310.00 against $2,565.00. The volume discount was not applied.",
     {"amount": "2310.00"}),
    ("how much do we owe as of the end of last month", {"date": "2026-11-30"}),
    ("Please schedule $7,500 against the overdue invoices for the last day of the month.", {"date": "2026-12-31"}),
    ("Please stop the direct debit planned for 15.01. for invoice 80112", {"date": "2027-01-15"}),
    ("Remove the scheduled charge of $1,500 on Monday.", {"reason": None, "intent": "cancel_scheduled"}),
])
def test_more_slots_from_the_tuning_batches(text: str, found: dict[str, object]) -> None:
    read_as = read(text)
    assert {key: read_as[key] for key in found} == found


@pytest.mark.parametrize(("text", "invoices"), [
    ("Please process payment for invoice INV-20418 ($2,316.40) today. Invoices INV-20377 and INV-20391 should be set "
     "aside for now - our warehouse is still checking the counts.", ["20418"]),
    ("Check for 78802 ($1,408.00) was mailed yesterday. 78817 and 78830 are still with our buyer for approval.",
     ["78802"]),
    ("Our check run is Thursday. 61120 and 61135 are in it. 61140 hasn't been approved by the owner yet.",
     ["61120", "61135"]),
    ("pay 4402 and 4405, 4403 ill mail a check", ["4402", "4405"]),  # a comma lists what is paid
    # a dispute names the invoices it says are wrong, not those it pays
    ("We will not pay 55120 until it is corrected. 55102 and 55117 are fine and go out in our normal run.",
     ["55120"]),
    ("you billed 7781 AND 7790 for the same load. 7790 is a duplicate, I'm paying one not both", ["7790"]),
    ("invoices 1043 and 1044 are wrong, we never ordered", ["1043", "1044"]),
    ("yeah I'm calling about invoice five one two two oh you billed us a fuel surcharge we never agreed to",
     ["51220"]),  # "oh" ending digits said one by one
])
def test_invoices_set_aside_and_disputed(text: str, invoices: list[str]) -> None:
    assert read(text)["invoices"] == invoices


@pytest.mark.parametrize(("text", "found"), [
    ("sched 6610 for NYE", {"date": "2026-12-31"}),
    ("Many thanks, all clear.", {"intent": "thanks"}),
    ("Please pay invoice 30377 in the amount of $2,118.40 (billed $2,356.90, less $238.50 for 3 damaged cartons).",
     {"amount": "2118.40", "reason": "Damaged goods"}),
    ("We received the wrong colour (RAL 7016 instead of RAL 9005). We will not pay invoice 33102 until it is "
     "replaced.", {"reason": "Other"}),  # "colour" is not corrected to a regex fragment
    ("Pay everything that's overdue except 3318, that one is being disputed with your sales rep.", {"reason": None}),
    ("pay 5512 $300 only. 2 cs dmgd", {"amount": "300.00", "reason": "Damaged goods"}),
    ("yeah go ahead and pay number too and three on that list you sent", {"selector": "2,3"}),
    ("take the late fee off. we have never been late one time in 6 years", {"selector": None}),
    ("Hello, payment will follow after the holidays.\nBest regards, Marco Bianchi", {"month": None}),
])
def test_the_second_round_of_slots(text: str, found: dict[str, object]) -> None:
    read_as = read(text)
    assert {key: read_as[key] for key in found} == found


def test_paying_now_or_scheduling_for_today_is_no_question() -> None:
    found = read("Hi, please charge 104043 today with the card. 104039 and 104042 are still with our buyer for "
                 "approval. Thanks, Anna")
    assert (found["intent"], found["invoices"], found["date"], found.get("clarify")) == \
        ("pay", ["104043"], "2026-12-07", None)


@pytest.mark.parametrize("text", ["1043 too", "and 1044 as well", "1043 also"])
def test_an_invoice_added_with_too_is_an_answer_not_a_dispute(text: str) -> None:
    assert read(text)["intent"] == "unknown"  # the dialogue adds it to what is being done (a waiting quote)
