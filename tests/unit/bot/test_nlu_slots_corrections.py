"""Slots of the kinds the 2026-12-13 tuning batches missed: weekdays counted from another day ("the friday after
next", "the first monday of january", "the tuesday after MLK day"), days said in words before their month, sums
taken back or said roughly, invoices said to be fine beside the wrong one, addresses in prose, and reasons that
name two causes."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.understanding import parse, to_json

MONDAY = dt.date(2026, 12, 7)


def read(text: str, today: dt.date = MONDAY) -> dict[str, object]:
    return to_json(parse(text, today=today))


@pytest.mark.parametrize(("text", "date"), [
    ("schedule 1043 the friday after next", "2026-12-18"),  # the coming Friday is the 11th
    ("can you take 1043 a week from monday", "2026-12-21"),  # said on a Monday: the coming Monday, and a week on
    ("charge 1043 the first monday of january", "2027-01-04"),
    ("charge it on the second tuesday of next month", "2027-01-12"),
    ("charge 1043 on the last friday of the month", "2026-12-25"),
    ("charge 1043 the Tuesday after MLK Day", "2027-01-19"),  # MLK Day 2027 is Monday the 18th
    ("we will pay the monday after christmas", "2026-12-28"),
    ("we will pay 1043 on fifteen January", "2027-01-15"),
    ("yeah we'll get the check out by thanksgiving for 8120", "2027-11-25"),  # after a word of dates: the day
    ("schedule nine one one five for the twenty third no wait the twenty ninth because of the holiday", "2026-12-29"),
    ("Run the oldest one on the 15th and NOT a day earlier. Last time you charged early", "2026-12-15"),
    ("The owner signed checks today. Check #20331 for 28810 goes in the mail tomorrow.", "2026-12-08"),
])
def test_the_date_meant(text: str, date: str | None) -> None:
    assert read(text)["date"] == date


@pytest.mark.parametrize(("text", "date"), [
    ("did my payment go thru last night", "2026-12-06"),
    ("I need the receipt of payment I made today morning, for the accountant", "2026-12-07"),
    ("we paid 1043 on the first monday of november, where is my receipt", "2026-11-02"),
])
def test_the_day_of_a_payment_asked_about(text: str, date: str) -> None:
    assert read(text)["date"] == date


def test_a_count_of_invoices_before_a_month_is_no_day() -> None:
    assert read("pay the two january invoices")["date"] is None


@pytest.mark.parametrize(("text", "amount", "invoices"), [
    ("pay 600 on 9102. no wait make it 650, forgot the freight", "650.00", ["9102"]),
    ("ill send like 1500 friday and the rest after new years", "1500.00", []),
    ("pay 8433 minus the 2 cases you shorted me. thats $1,150 not $1,310. charge it now", "1150.00", ["8433"]),
    ("We are paying invoice 55410 today but only $2,305.00 of the $2,530.00 billed.", "2305.00", ["55410"]),
    ("just clear the whole balance, the $2,917.60 or whatever it is", None, []),
    ("put 8115 thru tomorrow morning", None, ["8115"]),
    ("put 1500 on the 5th of jan for the oldest one", "1500.00", []),
])
def test_the_sum_and_the_invoices(text: str, amount: str | None, invoices: list[str]) -> None:
    got = read(text)
    assert (got["amount"], got["invoices"]) == (amount, invoices)


@pytest.mark.parametrize(("text", "invoices"), [
    ("pay invoice six zero one nine no wait i mean six zero nine one", ["6091"]),
    ("Check request #5520 was voided, please apply a payment of $3,418.07 to invoice 31562 today", ["31562"]),
    ("Where do we mail the check for invoice 58812? The invoice shows a PO Box in Dallas, TX 75265", ["58812"]),
    ("Invoices 55001 and 55020: 55001 is correct, but 55020 is for a delivery to Lindenallee 7, 50968 Köln, which "
     "is not our site.", ["55020"]),
    ("we paid 1042 already, 1043 is paid too so stop", ["1042", "1043"]),
    ("Thanks for the reminder. Both are approved and will go out in our Friday ACH batch.\n\n-----Original "
     "Message-----\nFrom: Accounts Receivable\nSent: Tuesday, December 1, 2026 9:14 AM\nSubject: Past due\n\n"
     "INV-60301 and INV-60322 are past due.", ["60301", "60322"]),
])
def test_the_invoices_meant(text: str, invoices: list[str]) -> None:
    assert read(text)["invoices"] == invoices


def test_a_phone_said_digit_by_digit_is_no_invoice() -> None:
    assert read("can somebody call me back at uh five five five oh one nine two thanks")["invoices"] == []


@pytest.mark.parametrize(("text", "selector"), [
    ("pay 2 n 3", "2,3"),
    ("pay whatever is late today so we are current", "overdue"),
    ("Please process payment for everything currently open on our account", "all"),
    ("We cannot pay the whole balance one time (8.500 dollar). Can we divide in 3 months, please?", "all"),
    ("i cant pay all of this at once, are you kidding me. break it up into payments or something", None),
])
def test_the_selector(text: str, selector: str | None) -> None:
    assert read(text)["selector"] == selector


@pytest.mark.parametrize(("text", "reason"), [
    ("Re INV-60355: we ordered the gloves in size M and you shipped size L. They are no use to us.", "Other"),
    ("don't you dare charge me for the 3/4\" fittings, they were the wrong size and went back the same day",
     "Returned goods"),  # sent back: the return is why
    ("Pay 3344 short $120, you shipped us 3 fewer cases than we ordered.", "Short shipment"),
    ("The invoice 5602 has a charge for transport but we take the goods ourself from your warehouse",
     "Disputed charge"),
    ("Invoice 40877 you put tax, but we are export company, no tax for us. Is wrong 186,40 dollar.",
     "Disputed charge"),
])
def test_the_reason(text: str, reason: str) -> None:
    assert read(text)["reason"] == reason


@pytest.mark.parametrize(("text", "intent"), [
    ("pmt rcvd?", "history"),
    ("fine, turn the texts back on. at least then i know what you THINK i owe", "start"),
    ("To which bank account I must send the transfer?", "remit_to"),
    ("Our bank needs the beneficiary bank name, SWIFT and account number before we can release the wire for "
     "INV-60560. Could you send your wire instructions?", "remit_to"),
    ("appreciate it 👍", "thanks"),
])
def test_the_intent(text: str, intent: str) -> None:
    assert read(text)["intent"] == intent


@pytest.mark.parametrize(("text", "amount", "invoices"), [
    ("pay 5102 1460 only. 2 cs crushed (180 off)", "1460.00", ["5102"]),
    ("The goods of invoice 5562 arrive broken, 3 box. Please charge only 2100 for this invoice.", "2100.00", ["5562"]),
    ("I want to pay the invoice 7 3 0 4 but uh take off the hundred and twenty for the stuff we sent back so it "
     "comes to fourteen eighty", "1480.00", ["7304"]),
    ("Please schedule payment of 9012 for the 10th of next month.", None, ["9012"]),
    ("Future-date payment of 58831 to the end of the month.", None, ["58831"]),
    ("put 8870 on the card 18/12", None, ["8870"]),
    ("we want to make a payment of 1500 for the oldest invoice", "1500.00", []),
    ("yeah hi I wanna pay invoice number for one seven seven please on the card we got on file", None, ["4177"]),
    ("could we do like three payments on the big ones eleven eighty seven and eleven ninety", None, ["1187", "1190"]),
])
def test_the_sum_paid_and_the_invoice_named(text: str, amount: str | None, invoices: list[str]) -> None:
    got = read(text)
    assert (got["amount"], got["invoices"]) == (amount, invoices)


@pytest.mark.parametrize(("text", "amount", "invoices"), [
    ("did the 1800 go thru yesterday", "1800.00", []),
    ("rcpt for the 1250 from tues pls", "1250.00", []),
    ("did last fridays 600 clear", "600.00", []),
    ("did the payment for 1043 go through", None, ["1043"]),  # the payment of an invoice, named by the invoice
])
def test_a_payment_asked_about_by_its_sum(text: str, amount: str | None, invoices: list[str]) -> None:
    got = read(text, dt.date(2026, 12, 9))
    assert (got["amount"], got["invoices"]) == (amount, invoices)


@pytest.mark.parametrize(("text", "month"), [
    ("cant do anything this month. next month for sure", "2027-01"),
    ("This month is very difficult for us. We pay the invoice 39014 next month, sure.", "2027-01"),
])
def test_the_month_a_promise_can_pay_in(text: str, month: str) -> None:
    assert read(text)["month"] == month


@pytest.mark.parametrize(("text", "date"), [
    ("Please cancel the direct debit planned for 04/01/2027 for invoice 77120.", "2027-01-04"),  # a European's words
    ("pay 1043 asap", "2026-12-07"),
    ("we will pay by year end", "2026-12-31"),
])
def test_dates_said_the_european_way_or_in_other_words(text: str, date: str) -> None:
    assert read(text)["date"] == date


def test_invoices_said_wrong_side_by_side_are_all_disputed() -> None:
    assert read("1185 1190 and 1204 are not ours. we closed that location in august. take them off")["invoices"] == \
        ["1185", "1190", "1204"]


def test_these_are_paid_points_at_the_reminder_quoted_below() -> None:
    got = read("These are already paid. Our check 5512 went out November 20th. Please update your records.\n\n"
               "-----Original Message-----\nFrom: AR\nSent: Monday, November 30, 2026\nSubject: Reminder\n\n"
               "Invoices 4418 and 4420 are past due.")
    assert (got["intent"], got["invoices"]) == ("dispute", ["4418", "4420"])


@pytest.mark.parametrize(("text", "expected"), [
    ("We have a question: the amount of 1.050,00 € we paid on 08/01, has it arrived?",
     {"intent": "history", "amount": "1050.00", "date": "2027-01-08"}),
    ("Please schedule INV-44690 for the Friday before Christmas, ACH on file.", {"date": "2026-12-18"}),
    ("I'm gonna pay forty four ninety today but only eleven eighty seven and forty cents because uh two of the boxes "
     "were busted", {"date": "2026-12-10", "amount": "1187.40"}),
    ("Invoice 6088 is double, same like 6085. Please cancel 6088", {"invoices": ["6088"], "reason": "Disputed charge"}),
    ("Please charge $1,240.00 against INV-44702 today. Correction: the approved amount is $1,204.00, not $1,240.00.",
     {"amount": "1204.00"}),
    ("INV-44415: 4 of the 20 units arrived with crushed corners. We are short paying by $212.40. Please debit "
     "$1,587.60 from the ACH on file today.", {"amount": "1587.60"}),
    ("Invoice 7201: the goods were delivered in RAL 7016 instead of RAL 7035 as ordered. We cannot accept them.",
     {"invoices": ["7201"], "reason": "Other"}),
    ("The goods of invoice 6050 we send back to you last month because is wrong model.", {"reason": "Returned goods"}),
    ("Following up on your reminder: INV-51890 and INV-51902 will be paid by check on Friday, total $3,118.40. "
     "INV-51911 is still waiting on the owner's approval.", {"invoices": ["51890", "51902"]}),
    ("Pay invoice SI-50331 and SI-50340 in full. SI-50338 stays scheduled.", {"invoices": ["SI-50331", "SI-50340"]}),
    ("pay invoice fifty five ninety but only six hundred fifty because some of it came damaged",
     {"reason": "Damaged goods"}),
])
def test_what_the_2026_12_14_tuning_batch_missed(text: str, expected: dict[str, object]) -> None:
    got = read(text, dt.date(2026, 12, 10))
    assert {key: got.get(key) for key in expected} == expected


def test_two_prices_side_by_side_are_never_read_as_a_payment() -> None:
    got = read("2388 says $19 a bag, we agreed $16 on the phone with Tony")
    assert got["intent"] == "dispute" or "dispute" in (got.get("clarify") or [])


@pytest.mark.parametrize(("text", "expected"), [
    ("Please schedule the following for 01/15/2027 via ACH:\n\n- INV 22871 - $980.00\n- INV 22890 - $1,402.10\n"
     "- INV 22914 - $366.00\nTotal: $2,748.10", {"amount": "2748.10"}),  # a dash between a reference and a sum lists
    ("Hello, please collect invoice 2026-0412 today - 1.234,56 € by SEPA direct debit", {"amount": "1234.56"}),
    ("Please collect the following invoices from our account today:\n\nInvoice      Date          Amount\n"
     "2026-1187    14.10.2026    1.120,00 €\n2026-1203    28.10.2026      845,50 €\nTotal                      "
     "1.965,50 €", {"invoices": ["2026-1187", "2026-1203"], "amount": "1965.50", "date": "2026-12-10"}),
    ("can u take 1500 on the 20th for inv 18820", {"invoices": ["18820"], "amount": "1500.00"}),
    ("please I want to pay the invoice 30512 today with my card which finish with 0045", {"invoices": ["30512"]}),
    ("we already paid that invoice eight one four four zero I have the confirmation number it's uh four four seven "
     "two nine nine", {"invoices": ["81440"]}),
    ("invoice 77104 is wrong. De Vries Horeca B.V., Keizersgracht 210, 1016 DZ Amsterdam", {"invoices": ["77104"]}),
    ("invoice 33901 is wrong. Huber Elektro GmbH, Linzer Str. 40, 4020 Linz", {"invoices": ["33901"]}),
    ("Is it possible to pay our open balance in three instalments (January, February, March)?", {"selector": "all"}),
    ("The goods is broken when arrive, 6 box of 20. Invoice 85521. We send back already.",
     {"reason": "Returned goods"}),
    ("Please charge SI-50331 at $1,862.00. Four cartons came in crushed (photos filed under RMA-2290).",
     {"reason": "Damaged goods"}),  # an RMA number beside the damage: nothing sent back yet
    ("We are not receive the goods for invoice 77801, only the paper come. Why you charge us?",
     {"reason": "Short shipment"}),
    ("Hello, we see two SEPA debits of 1.045,80 € each for Rechnung 66210. One of them must be returned to our "
     "account please.", {"reason": "Disputed charge"}),
    ("Per my last email, the owner is out until Monday 12/14. I'll have him release payment for 40817 as soon as "
     "he's back - you should see it by Wednesday 12/16 at the latest.", {"date": "2026-12-16"}),
    ("Please debit 1.980,00 € for invoice 70013 as soon as possible", {"date": "2026-12-10"}),
    ("You'll get paid when MY customer pays ME. Probably mid January.", {"month": None}),
    ("For our VAT return I need copies of all invoices issued in October", {"selector": None, "month": "2026-10"}),
])
def test_what_the_2026_12_15_letters_batch_missed(text: str, expected: dict[str, object]) -> None:
    got = read(text, dt.date(2026, 12, 10))
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "intent"), [
    ("Possible to pay with the card American Express?", "methods"),
    ("REMITTANCE ADVICE\nPayer: Coastal Linen Services LLC\nPayment method: ACH\nPayment date: 12/09/2026\n\n"
     "Invoice No.   Gross\n71402         1,118.00\n71455           842.60\nTotal paid    1,960.60", "promise"),
])
def test_questions_and_advices_that_move_no_money(text: str, intent: str) -> None:
    got = read(text, dt.date(2026, 12, 10))
    assert got["intent"] == intent or intent in (got.get("clarify") or [])


def test_the_week_of_a_day_is_a_span() -> None:
    assert read("we pay the week of january 4")["date"] is None


@pytest.mark.parametrize(("text", "date"), [
    ("We will pay invoice 31002 on the 2nd of January - sorry, the 4th, the 2nd is a Saturday.", "2027-01-04"),
    ("Hello, kindly charge 1.180,00 € on invoice 40518 now. Invoice 40519 we will transfer ourselves next week.",
     "2026-12-10"),  # next week is the day of their own payment of the other invoice
])
def test_the_day_meant_among_others(text: str, date: str) -> None:
    assert read(text, dt.date(2026, 12, 10))["date"] == date


@pytest.mark.parametrize(("text", "expected"), [
    ("put 6120 on next tuesday pls", {"invoices": ["6120"], "amount": None}),
    ("Please charge $2,401.00 for invoice 40115 today. That is net of the 2% prompt-payment discount in our terms, "
     "which was not taken off the invoice.", {"reason": "Pricing error"}),
    ("Please schedule 70440 for Jan 8. Apologies, I meant Jan 15 - the 8th is before their payroll deposit.",
     {"date": "2027-01-15"}),
    ("5801 was NEVER DELIVERED. not one box. and you're billing me for it?", {"reason": "Short shipment"}),
    ("we sent that whole order back 3 weeks ago because it was the wrong size and 5870 is STILL on our account.",
     {"reason": "Returned goods"}),
    ("u sent the black ones, we ordered white. not paying 6640 for something we cant use", {"reason": "Other"}),
    ("will pay 9001 on 28", {"date": "2026-12-28"}),
    ("We want pay the invoice 7400 in 4 times, it is big amount for us now.", {"intent": "plan"}),
    ("Invoice 66602 - the 3 pallets were returned to your warehouse (returns note R-4471). We will not pay this "
     "invoice.", {"invoices": ["66602"]}),
    ("Please process the following today on the ACH account ending 0932:\n\nINV-77412    PO 4410-22    $2,318.60\n"
     "INV-77420    PO 4410-22    $  412.00\n                            ---------\nTotal                       "
     "$2,730.60\n\nFor matching: 77412 is dated 11/24 and 77420 is dated 11/30.",
     {"amount": "2730.60", "date": "2026-12-10"}),
    ("can i pay whats left on the account on the 20th? cash is tight til then", {"selector": "all"}),
    ("Attached is our remittance advice. ACH #88120 was released on 12/06 for the following:\n46201 - $415.50\n"
     "46207 - $1,090.00\nTotal $1,505.50", {"invoices": ["46201", "46207"], "date": "2026-12-06"}),
    ("invoice 46344 charges us for 12 bags, but the delivery ticket (DT 30918) was signed for 10.",
     {"invoices": ["46344"]}),
    ("We are short-paying INV-46830 by $120.00, as item 4471-B was quoted at $24.00/ea and billed at $30.00/ea. "
     "Please charge $1,380.00 to the card on file today.", {"invoices": ["46830"], "amount": "1380.00"}),
    ("I want know if you receive my transfer from 2 of december, 2100 dollars",
     {"amount": "2100.00", "date": "2026-12-02"}),
    ("I send the money for all invoices late on friday, promise", {"selector": "overdue"}),
])
def test_what_the_2026_12_16_tuning_batches_missed(text: str, expected: dict[str, object]) -> None:
    got = read(text, dt.date(2026, 12, 10))
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("uh yeah twenty five hundred dollars", {"intent": "unknown", "amount": "2500.00"}),  # an answer, no yes to a quote
    ("yes please", {"intent": "confirm"}),
    ("i already paid you people TWICE for 7781, both came out of our checking. refund the second one",
     {"reason": "Disputed charge"}),
    ("we've been waiting 3 weeks for the credit on 5561 that you PROMISED. until it shows up nothing gets paid.",
     {"intent": "dispute"}),
    ("um we can't pay the whole thing right now is there any way we could uh split it into like three payments",
     {"intent": "plan", "selector": "all"}),
    ("Could you explain the line 'Service charge 1.5%' on invoice 27700?", {"intent": "finance_charge"}),
    ("We'll pay what's left on the account by the end of the month. The funds arrive on the 26th.",
     {"date": "2026-12-31"}),
    ("Please process 66019 ($540.00) and 66020 ($1,212.30) from the checking account today.", {"amount": None}),
])
def test_what_the_2026_12_17_tuning_batch_missed(text: str, expected: dict[str, object]) -> None:
    got = read(text, dt.date(2026, 12, 10))
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Hi, can you please debit the open invoices per SEPA direct debit on 20.12.2026?", {"selector": "all"}),
    ("Dear team, where must we send the money to? We need your IBAN and BIC, our bank does not make ACH.",
     {"intent": "remit_to"}),
    ("Is possible to divide the actual total in 3 parts? january, february, march.", {"selector": "all"}),
    ("Sorry, this month we are little late. I will pay the rest on the 20, when my customers pay me",
     {"date": "2026-12-20", "month": None}),
    ("REMITTANCE ADVICE\nPayment date: 30/11/2026\n\nInvoice 2026-3310            1.245,00\nInvoice 2026-3318"
     "              890,50\nCredit note CM-2026-0091      -120,00\nTotal paid EUR               2.015,50",
     {"amount": "2015.50"}),
    ("Please schedule payment of the following for December 20:\n- SI-50812   $1,104.00\n- SI-50840   $  386.25\n\n"
     "Charge the ACH account ending 4471.", {"amount": None}),  # each invoice's own total, none said paid
    ("We are paying invoice 41130 today but short by $212.00: 4 cartons arrived crushed (photos sent to your driver "
     "on 11/12). Please charge $1,488.00 to the Visa on file.", {"amount": "1488.00", "date": "2026-12-10"}),
    ("9240: you shipped the wrong model AGAIN. I shipped it back yesterday and I'm not paying for it",
     {"reason": "Returned goods"}),
    ("uh yeah the invoice forty five fifty one has the wrong price on the pipe we agreed eight dollars a foot and it "
     "says nine fifty", {"amount": None}),
    ("receipt 2340 pls", {"invoices": ["2340"]}),
    ("Please pay invoice 31144 but only 900 dollar, because 3 pieces was broken when arrive. The other 260 dollar we "
     "not pay.", {"amount": "900.00"}),
])
def test_what_the_2026_12_17_letters_batch_missed(text: str, expected: dict[str, object]) -> None:
    got = read(text, dt.date(2026, 12, 10))
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("pay u 500 tmrw rest next wk", {"intent": "promise", "amount": "500.00", "date": "2026-12-11"}),
    ("5 texts today. FIVE. I'll pay 8440 friday, now STOP", {"intent": "promise", "date": "2026-12-11"}),
])
def test_their_own_payment_told_in_a_few_words(text: str, expected: dict[str, object]) -> None:
    got = read(text, dt.date(2026, 12, 10))
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("pay 1043 on 5/1", {"date": "2027-05-01"}),  # month first, as an American writes it
    ("Pay 31204 today but deduct the 2 cases that were short on delivery (2 x $42.50). Remitting $1,215.00.",
     {"date": "2026-12-10", "amount": "1215.00"}),
    ("all caught up by the 31st, promise", {"selector": "overdue", "date": "2026-12-31"}),
    ("Invoice 31190 includes a $65.00 restocking fee for the return under RMA-2207. Restocking was waived per your "
     "rep Carlos. Please remove and reissue.", {"reason": "Disputed charge"}),
])
def test_what_the_last_round_found(text: str, expected: dict[str, object]) -> None:
    got = read(text, dt.date(2026, 12, 10))
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("i got charged twice on the 22nd, $1,140 each time. fix it", {"amount": "1140.00"}),
    ("Invoice 66871 includes sales tax of $212.40; we are a tax exempt non-profit. Please reissue without tax.",
     {"amount": None, "reason": "Disputed charge"}),
    ("uh yeah the payment thats set up for the twentieth can you stop that one",
     {"intent": "cancel_scheduled", "date": "2026-12-20"}),
    ("chk 2201 mailed thurs for inv 5512, $980", {"date": "2026-12-10"}),
    ("You received our transfer of 1 350 dollar from Wednesday? I want to be sure.", {"amount": "1350.00"}),
    ("Can you send me copies of 3 and 4 from that list? Our auditor wants backup for the 2026 file.",
     {"invoices": [], "selector": "3,4"}),
    ("can we split the remaining balance into monthly payments, like 3 months?", {"selector": "all"}),
    ("how much do we supposedly owe you now. and it better not include 7781 again", {"invoices": []}),
    ("We got 40 units but 12 were the wrong size and went straight back with your driver. Not paying for the 12.",
     {"reason": "Returned goods"}),
    ("Hello, is it possible to be charged automatically on the due date? Direct debit for every invoice?",
     {"intent": "schedule", "selector": None}),
    ("Merci, bien recu.", {"intent": "thanks"}),
])
def test_what_the_2026_12_18_tuning_batches_missed(text: str, expected: dict[str, object]) -> None:
    got = read(text, dt.date(2026, 12, 11))
    assert {key: got.get(key) for key in expected} == expected


FRIDAY = dt.date(2026, 12, 11)


@pytest.mark.parametrize(("text", "expected"), [
    # the oldest few: that many, oldest first
    ("pay the two oldest", {"intent": "pay", "selector": "oldest:2"}),
    ("pay the 3 oldest invoices", {"selector": "oldest:3"}),
    ("Schedule the oldest two for Thursday.", {"selector": "oldest:2", "date": "2026-12-17"}),
    ("pay the oldest", {"selector": "oldest"}),
    # "the rest" as the whole ask is what is left; beside a part paid now it is the later part
    ("pay the rest", {"intent": "pay", "selector": "all"}),
    ("schedule the remainder for the 20th", {"intent": "schedule", "selector": "all", "date": "2026-12-20"}),
    ("I will pay the rest next month", {"selector": "all", "month": "2027-01"}),
    ("pay 500 today and the rest friday", {"intent": "pay", "selector": None, "amount": "500.00"}),
    ("pay 1043 now and the rest next month", {"invoices": ["1043"], "selector": None}),
    ("we will send the rest of the order payment next week", {"selector": None}),
    # "I'm paying": their own payment, unless the seller is asked to take it
    ("I'm paying 1043 today", {"intent": "promise", "date": "2026-12-11"}),
    ("we're paying 2210 friday", {"intent": "promise", "date": "2026-12-18"}),
    ("I'm paying 1043 with the card on file", {"intent": "pay"}),
    # looking back
    ("did you get the payment from last friday", {"intent": "history", "date": "2026-12-04"}),
    ("receipt for the ACH on the 11th", {"intent": "receipt", "date": "2026-12-11"}),
    # a dot for thousands after a dollar sign
    ("pay $1.250 on 1043", {"amount": "1250.00"}),
    ("pay $1.25 on 1043", {"amount": "1.25"}),
    # tax objected to as a whole: the charge is disputed, no sum
    ("you charged $45 sales tax on 1043, we are exempt", {"intent": "dispute", "amount": None,
                                                          "reason": "Disputed charge"}),
    ("you billed us $120 in tax on 1043, we are tax exempt", {"amount": None}),
    ("pay 1043 $1,080 tax included", {"amount": "1080.00"}),
    # a cancellation keeps its invoice when it was paid another way
    ("cancel the scheduled payment for 1043, we paid it by check", {"intent": "cancel_scheduled",
                                                                     "invoices": ["1043"]}),
    # any day after a day is no one day
    ("we will pay 1043 after the 15th", {"intent": "promise", "date": None}),
    ("we will pay 1043 after friday", {"date": None}),
    ("we pay the day after christmas", {"date": "2026-12-26"}),
    ("we will pay after xmas like the 28th", {"date": "2026-12-28"}),
])
def test_the_cases_settled_on_2026_12_17(text: str, expected: dict[str, object]) -> None:
    got = read(text, FRIDAY)
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "today", "expected"), [
    # a net sum is what is paid, whatever adds up beside it
    ("Payment notice: we are releasing payment for invoice 84410 net of CM-84022 on our next payment run, Thursday "
     "1/28. Net amount $1,087.50 (invoice $1,240.00 less credit $152.50).", "2027-01-21", {"amount": "1087.50"}),
    ("we released a wire today for invoice 88140. Gross $3,600.00, credit $412.50, net amount $3,187.50.",
     "2027-01-21", {"amount": "3187.50"}),
    # the billed total and a discount beside the sum paid are named, not paid; "after discount" is paid
    ("Please take payment today on invoice 58830 but only $1,450.00 of the $1,530.00 billed - the $80.00 "
     "early-order discount we were promised wasn't taken off.", "2026-12-21", {"amount": "1450.00"}),
    ("pay $1,176 after discount on 1043", "2026-12-21", {"amount": "1176.00"}),
    ("pay 1043 $1,080 plus tax", "2026-12-21", {"amount": "1080.00"}),
    # sums said as prices are said
    ("i want to pay invoice five one seven seven zero but only seven fifty because two heaters came in dented",
     "2026-12-21", {"invoices": ["51770"], "amount": "750.00"}),
    ("same amount four twenty five ninety, charged twice on invoice 62331", "2026-12-21", {"amount": "425.90"}),
    ("invoice nine one four four oh we got billed twice for it i see two charges of three hundred twelve dollars "
     "fifty on my card", "2026-12-21",
     {"intent": "dispute", "amount": "312.50"}),
    ("gonna mail a check monday for like 1200", "2026-12-14", {"invoices": [], "amount": "1200.00"}),
    ("call me about seven thirty", "2026-12-14", {"amount": None}),
    # numbers that are no invoices
    ("can sum1 call me back bout my acct. 555 0192", "2026-12-14", {"intent": "agent", "invoices": []}),
    ("For our 1099 and year-end records could you send a list of all payments we made in December?", "2027-01-05",
     {"invoices": []}),
    ("We are tax exempt (certificate on file, cert # TX-88213). Invoice 5531 includes sales tax, please reissue.",
     "2026-12-14", {"invoices": ["5531"]}),
    ("We would like to make a prepayment of $5,000.00 to our account (cust. no. 20488).", "2026-12-14",
     {"intent": "deposit", "invoices": []}),
    ("Rechnung 80377: nur 46 geliefert (Lieferschein 7712). Please credit the 4 missing Kartons = 148,00 €.",
     "2026-12-14", {"invoices": ["80377"]}),
    # digits said one by one with "oh oh"
    ("invoice eight two oh oh seven isn't ours we never ordered those", "2026-12-14", {"invoices": ["82007"]}),
    # a weekday with "next week"
    ("we pay friday next week", "2027-01-27", {"date": "2027-02-05"}),
    ("we will pay next week on friday", "2027-01-27", {"date": "2027-02-05"}),
    ("we pay friday", "2027-01-27", {"date": "2027-01-29"}),
    # why that day, said after it
    ("could you take the payment on martin luther king day for invoice 81104 that's when we're back in the office",
     "2026-12-21", {"date": "2027-01-18"}),
    # a cancellation: its invoice though paid another way, and no day of that other payment
    ("Please cancel the scheduled payment of $2,750.00 against invoice 33019 set for 12/18. Our treasury will send "
     "a wire instead.", "2026-12-14", {"intent": "cancel_scheduled", "invoices": ["33019"], "date": "2026-12-18"}),
    ("Kindly remove the pending autopay draft for invoice 91420. This invoice was paid by check #4471 on Dec 11.",
     "2026-12-14", {"invoices": ["91420"], "date": None}),
    # a deposit names no invoice set aside; a plan "for what we owe" chooses none
    ("Place $1,500 on deposit ahead of the spring orders. This is a prepayment only — please don't apply it to the "
     "open invoices (4471 is being handled separately).", "2026-12-14", {"intent": "deposit", "invoices": []}),
    ("Is possible to pay what we owe in some parts, like every month a little?", "2026-12-14",
     {"intent": "plan", "selector": None}),
    ("can i split whats left into like 4 payments", "2026-12-14", {"intent": "plan", "selector": "all"}),
    ("For our year-end close could you send a breakdown of the open balance by invoice?", "2026-12-14",
     {"intent": "invoices", "selector": None}),
    ("The bank transfer for invoices 10772 and 10785 will be done on 15/01. Invoice 10790 is still in approval.",
     "2026-12-14", {"invoices": ["10772", "10785"], "date": "2027-01-15"}),
    # reasons
    ("We were overbilled $1,140.00 on INV-2026-0388 for the six pallets never delivered. Please credit.",
     "2026-12-14", {"reason": "Short shipment", "amount": "1140.00"}),
    ("For invoice 33870 the goods never arrive to us, nothing. Why you want money for this?", "2026-12-14",
     {"reason": "Short shipment"}),
    ("Take it out on the 1st, not a day earlier, or I'll dispute the charge with my bank.", "2026-12-14",
     {"reason": None}),
    # intents
    ("Why am I being charged a late fee on 84100? Explain.", "2026-12-14", {"intent": "finance_charge"}),
    ("Hi,\n\nGot the statement, thank you — that's everything I needed.\n\nBest,\nMonica", "2026-12-14",
     {"intent": "thanks"}),
    ("yeah we'll get you caught up by the end of the year", "2026-12-14", {"intent": "promise", "selector": "overdue"}),
    ("Hi,\n\nNo, please don't process that — the owner wants to review it first.\n\nThanks,\nLaura\n\n"
     "On Jan 18, 2027, AR Assistant wrote:\n> Shall I charge $2,480.00 to the Visa ending 4242 for invoice 50219?",
     "2027-01-19", {"intent": "deny", "invoices": []}),
    ("Unbelievable. Christmas Eve and I'm getting a billing bot. Merry Christmas to you too.", "2026-12-14",
     {"intent": "unknown", "date": None}),
    ("FRIDAY. I already told the last bot FRIDAY.", "2026-12-07", {"date": "2026-12-11"}),
    ("Hello AR team,\n\nHope you're well. Following up on our call — please schedule invoices 3391 and 3402 to be "
     "drafted from our checking on Tuesday, December 1.\n\nWarm regards,\nPatricia Nolan", "2026-11-27",
     {"intent": "schedule", "invoices": ["3391", "3402"], "date": "2026-12-01"}),
])
def test_what_the_2026_12_19_tuning_batches_missed(text: str, today: str, expected: dict[str, object]) -> None:
    got = read(text, dt.date.fromisoformat(today))
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # an invoice said to be wrong beside one paid, with its total in brackets, is left out
    ("please pay invoice 2026-1187 today, 1.234,50 EUR. The invoice 2026-1190 (3.870,00 EUR) is not correct.",
     {"intent": "pay", "invoices": ["2026-1187"]}),
    # one payment left as it is beside the one cancelled
    ("please cancel the scheduled payment for 1/22 on invoice 60318, we pay it by wire. Leave the 1/29 one for "
     "60342 as is.", {"intent": "cancel_scheduled", "invoices": ["60318"]}),
    # a deposit beside invoices paid separately names none
    ("We'd like to put $5,000.00 on account as a prepayment. 33410 and 33425 will be paid separately on their due "
     "dates.", {"intent": "deposit", "invoices": [], "amount": "5000.00"}),
    ("send me every single invoice you say is open", {"intent": "invoices", "selector": "all"}),
    ("Please email a year-end statement dated 12/31/2026 to our CPA. Our auditor arrives on the 25th.",
     {"intent": "statement", "date": "2026-12-31"}),
    ("can you tell me which invoices are open on our account and how much each one is for", {"intent": "invoices"}),
    ("We will remit $8,904.22 for invoices 7781, 7782 and 7790 on December 18. 7785 remains on hold pending a "
     "credit for the short shipment.", {"intent": "promise", "invoices": ["7781", "7782", "7790"],
                                        "date": "2026-12-18"}),
])
def test_what_the_check_batches_missed(text: str, expected: dict[str, object]) -> None:
    got = read(text, dt.date(2026, 12, 14))
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Please charge the Visa on file $1,862.00 against invoice 62015 (billed $2,018.40). Two cartons arrived "
     "crushed. Deduction taken: $156.40. PO 3319.", {"amount": "1862.00", "reason": "Damaged goods"}),
    ("Pay 3308 but only $600. The other $145 is for the cases your driver DROPPED.", {"amount": "600.00"}),
    ("Please debit Rechnung 44190 today but only 1.180,00 €. The price per piece was agreed at 8 euro, not 9,50 euro.",
     {"amount": "1180.00"}),
    ("I'll pay when I get paid, not a day before. Our own customer owes US forty grand.",
     {"intent": "promise", "amount": None}),
    ("Our payment run is on Friday 15/01. Invoices 74410 and 74432 are included, total EUR 1.906,20.\n"
     "Regards, Accounts, Keller & Söhne AG, 8005 Zürich", {"invoices": ["74410", "74432"], "date": "2027-01-15"}),
    ("Please email a receipt for the payment made on 12/14 against invoice 70125. Our ref: voucher 88412.",
     {"invoices": ["70125"]}),
    ("ill drop a check at ur counter wed for the 3 hunnit", {"amount": "300.00", "date": "2026-12-16"}),
    ("will pay by yr end", {"date": "2026-12-31"}),
    ("Our payment for you is ready in our system for day 25. We pay with our bank, you don't need to take it.",
     {"intent": "promise", "date": "2026-12-25"}),
    ("can somebody call me back bout 3305 at 555 0192", {"intent": "agent", "invoices": ["3305"]}),
    ("Please debit the complete open amount now from our SEPA account.", {"selector": "all"}),
    ("Pay the whole damn balance today with the Amex", {"selector": "all"}),
    ("8901 is ours, fine. 8915 and 8922 are NOT. We never ordered any of that junk.",
     {"intent": "dispute", "invoices": ["8915", "8922"]}),
    ("invoice 12877 is not right. we pick up all our orders at your dock.", {"intent": "dispute",
                                                                            "invoices": ["12877"]}),
    ("The invoice 3590 is not correct, you make us pay 2 times the transport.", {"reason": "Disputed charge"}),
    ("the parts on invoice 66041 were the wrong ones, we ordered the three quarter inch fittings, not paying that one",
     {"reason": "Other"}),
    ("uh we'll get you the rest uh by the end of the month okay", {"selector": "all", "date": "2026-12-31"}),
    ("Charge the card for the overdue ones on the 20th when payroll clears. NOT before.", {"date": "2026-12-20"}),
    ("Please cancel the scheduled payment for invoice 58213 set for 12/01. We settled it by check on 11/20, so the "
     "card should not be charged.", {"intent": "cancel_scheduled", "reason": None}),
    ("What are these Mahngebühren (reminder fees) of 15,00 € on invoice 71208?", {"intent": "finance_charge"}),
    ("Confirmed, please proceed as quoted. Thank you for turning this around so quickly.", {"intent": "confirm"}),
    ("ok thx happy tgiving", {"intent": "thanks"}),
    ("Thank you very much for your help, and merry Christmas for you and your family.", {"intent": "thanks"}),
    ("We will be sending a prepayment of $12,500.00. Please hold it on our account, not against invoices 82001 or "
     "82015, which we are paying separately.", {"intent": "deposit", "invoices": [], "amount": "12500.00"}),
])
def test_what_the_2026_12_20_tuning_batches_missed(text: str, expected: dict[str, object]) -> None:
    got = read(text, dt.date(2026, 12, 14))
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "today", "date"), [
    # the words before the next date are said of it: "payroll hits" is friday's, not monday's
    ("we'll pay sixty six oh one on monday uh payroll hits friday so monday is good", "2026-12-03", "2026-12-07"),
    ("ya ill get u paid by next fri payroll hits thurs", "2026-11-09", "2026-11-13"),
    # the event's day is the one meant when the payment is said to come "then"
    ("Payroll hits friday so I'll send like a grand then", "2026-11-16", "2026-11-20"),
    # why that day, said after it
    ("I'll have the money for you the twenty eighth after we close out the month", "2026-12-03", "2026-12-28"),
    ("banks closed today for MLK, ill send the wire for 4493 tomorrow", "2027-01-18", "2027-01-19"),
    ("Our office is closed 12/24 through 1/4. We will release payment for all overdue invoices on January 5.",
     "2026-12-16", "2027-01-05"),
])
def test_the_day_an_event_is_said_of(text: str, today: str, date: str) -> None:
    assert read(text, dt.date.fromisoformat(today))["date"] == date


@pytest.mark.parametrize(("text", "today", "expected"), [
    # an invoice's or a delivery's own day beside the payment's
    ("Please schedule payment of invoice 55730 dated 10/28/2026 (delivered 11/02) for Friday 11/20.", "2026-11-16",
     {"date": "2026-11-20"}),
    ("Payment for invoices 33810 and 33812 (invoice dates 11/02 and 11/06, received 11/09) has been approved in our "
     "check run for Thursday 12/10.", "2026-11-16", {"date": "2026-12-10"}),
    ("Invoice 70220 dated 01/12, delivered 04/12, due 31/12. We will pay on 04/01 after our year closing.",
     "2026-12-16", {"date": "2027-01-04"}),
    ("Hello, for facture 4410 dated 02/11 we transfer EUR 980,00 today from our side.", "2026-11-10",
     {"date": "2026-11-10"}),
    # a later day said "instead", a day taken back after a question mark, a day said not to be it
    ("the check was supposed to go out on the 10th but our signer is out, so it will be mailed on the 14th instead.",
     "2026-12-07", {"date": "2026-12-14"}),
    ("Can you charge factura 2291 on 23/12? No, sorry, 22/12 is better.", "2026-12-16", {"date": "2026-12-22"}),
    ("Send me a receipt for the payment I made today. I need it TODAY, not next week.", "2027-01-20",
     {"date": "2027-01-20"}),
    ("we'll pay invoices three three one one and three three one two on new year's eve our fiscal year closes then",
     "2026-12-16", {"date": "2026-12-31"}),
    ("Pay invoices 2 and 4 of your list on 29/01, total EUR 1.912,30.", "2027-01-20",
     {"intent": "schedule", "date": "2027-01-29"}),
    ("Transfer done yesterday, value date 27/01: EUR 2.745,00 for Rechnungen 61501, 61502 and 61509 (Avis nr. 4471).",
     "2027-01-28", {"invoices": ["61501", "61502", "61509"], "date": "2027-01-27"}),
    ("Could we have until 12/02 for factura 9102? Our client pays us on the 10th.", "2027-01-20",
     {"date": "2027-02-12"}),
    # a remittance table in German: each invoice before its total
    ("Zahlungsavis: Überweisung vom 13/01/2027\nRechnung 93001 EUR 1.402,50\nRechnung 93007 EUR 318,00\n"
     "gesamt EUR 1.720,50", "2027-01-14", {"intent": "promise", "invoices": ["93001", "93007"], "amount": "1720.50",
                                           "date": "2027-01-13"}),
    ("We pay 1.250 EUR on account of Rechnung 88104 on 15/01, the remaining part in February.", "2027-01-05",
     {"amount": "1250.00", "date": "2027-01-15"}),
    # invoices fine, paid another way, contested, POs
    ("Invoice 70945 should be credited in full, the goods were returned (wrong model shipped). 70951 on the same PO "
     "is correct.", "2026-12-07", {"invoices": ["70945"]}),
    ("Please send copies of invoices 90310, 90322 and 90347 with the matching POs 5512, 5519 and 5530.", "2026-12-07",
     {"invoices": ["90310", "90322", "90347"]}),
    ("Please schedule invoices 55601 and 55618 for Tuesday, December 1. Invoice 55622 was already paid by check, so "
     "please leave it off.", "2026-11-20", {"invoices": ["55601", "55618"]}),
    ("Please pay now FA-3310 and FA-3318. FA-3322 is fine but we pay it by bank transfer ourselves next month.",
     "2026-12-07", {"invoices": ["FA-3310", "FA-3318"]}),
    ("Please pay the whole open amount today with the card, except fattura 6620 which we dispute separately.",
     "2026-12-07", {"invoices": [], "selector": "all"}),
    ("can u do 3 paymnts on the hole thing", "2026-12-07", {"intent": "plan", "selector": "all"}),
    ("Please make the payment of the two most old invoices now.", "2026-12-07", {"selector": "oldest:2"}),
    ("We will pay the 4 invoices what are late on 5 February.", "2026-12-07", {"selector": "overdue"}),
    # sums of a fee or a tax, a payment's sum in brackets after its check
    ("INV-58830 includes $112.40 of sales tax, but we are a tax-exempt nonprofit.", "2026-12-07", {"amount": None}),
    ("you charged us $185 for 'expedited shipping' that we NEVER asked for on INV-39001. not paying it.", "2026-12-07",
     {"amount": None}),
    ("We keep receiving reminders for INV-66120, but it was paid in full on October 23 by check #4418 ($2,205.00).",
     "2026-12-07", {"intent": "dispute", "amount": None}),
    ("We want pay in advance 800 dollar for next delivery, not for the old invoices", "2026-12-07",
     {"intent": "deposit", "amount": "800.00"}),
    # reasons
    ("You OVERBILLED us $860 on invoice 52277 for the ten boxes of 3/4 inch fittings that never got delivered.",
     "2026-12-07", {"reason": "Short shipment"}),
    ("Fattura 91520: you sent M8 screws, we ordered M10. We kept them, but the price must be lower. Please revise.",
     "2026-12-07", {"reason": "Other"}),
    ("We paid the invoice 60029 two times, one with check and one with card. The invoice 60022 is ok.", "2026-12-07",
     {"invoices": ["60029"], "reason": "Disputed charge"}),
])
def test_what_the_2026_12_21_tuning_batches_missed(text: str, today: str, expected: dict[str, object]) -> None:
    got = read(text, dt.date.fromisoformat(today))
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "today", "expected"), [
    # a sum said paid beats the invoice's total; a sum repeated, and a volume, are no payment
    ("Re: INV 51903 (total $3,150.00). We will pay $2,880.00 now and deduct $270.00 for 6 cartons received crushed. "
     "Please run the $2,880.00 against the card on file.", "2026-12-07", {"amount": "2880.00"}),
    ("FYI we released a wire today for invoice 83307. Invoice total $4,200.00; we paid $3,960.00 and withheld "
     "$240.00 for 8 units short on delivery.", "2026-12-09", {"intent": "promise", "amount": "3960.00"}),
    ("Please enroll our account in autopay for all future invoices. Our monthly volume runs around $18,000.",
     "2026-12-07", {"intent": "schedule", "amount": None}),
    ("Run $2,000 on Thursday, not a day sooner.", "2026-12-07", {"amount": "2000.00"}),
    ("Please take a deposit of USD 2.500 on our account next Monday.", "2026-12-07", {"amount": "2500.00"}),
    ("hi um i want to put uh two and a half grand on the account like as a credit not for any invoice", "2026-12-07",
     {"intent": "deposit", "amount": "2500.00"}),
    ("Please you make the charge of 3 thousand dollars for invoice 61408 on the next Tuesday.", "2026-12-07",
     {"amount": "3000.00"}),
    ("on invoice 66001 there is tax 8% = 312 dollars, but we are company with exemption. This tax we do not pay.",
     "2026-12-07", {"amount": None}),
    ("on invoice 62210 you charged 19% VAT (EUR 836,00) but we are an EU company under reverse charge.",
     "2026-12-07", {"amount": None}),
    ("Please charge our card for invoice 47720, but for $2,145.00 rather than the billed $2,385.00. Two chairs "
     "($120.00 each) arrived cracked. We'll expect a credit note for the $240.00.", "2026-12-07",
     {"amount": "2145.00"}),
    ("Could you schedule the following payment for the end of the month, please?\n\n  Invoice 41108 -- $3,050.00",
     "2026-12-07", {"amount": "3050.00"}),
    # numbers that are no invoices
    ("Please pay the two oldest open invoices using the Mastercard ending 0092. Our PO numbers for those are 55120 "
     "and 55134.", "2026-12-07", {"invoices": [], "selector": "oldest:2"}),
    ("We are paying the remaining $1,115.30 on SI-61820 through our own payables system. - Robert Chen, AP, ext 3302",
     "2026-12-07", {"invoices": ["SI-61820"]}),
    ("Payment advice: on 12/11/2026 we transferred EUR 5.312,40 for invoices 55820 and 55847. Zahlungsavis Nr. "
     "4471-2026.", "2026-12-14", {"invoices": ["55820", "55847"]}),
    ("can you confirm receipt of our wire dated 11/27 for $12,400.00 covering invoices 6621 and 6634? Reference on "
     "our side WT-558201.", "2026-12-07", {"invoices": ["6621", "6634"]}),
    # selectors
    ("cant do the whole 6 grand at once can we split it in like 3", "2026-12-07", {"intent": "plan",
                                                                                  "selector": "all"}),
    ("how much am i behind rn", "2026-12-07", {"selector": "overdue"}),
    ("Which invoices of me are passed the due date?", "2026-12-07", {"selector": "overdue"}),
    ("Which invoices from us are not paid still and are late?", "2026-12-07", {"selector": "overdue"}),
    # days
    ("Hallo, we pay the open amount on 29/01 in our own SEPA run, please do not debit.", "2027-01-20",
     {"intent": "promise", "date": "2027-01-29"}),
    ("The payment you have scheduled for invoice 55930 on December 10 needs to move to December 17.", "2026-12-07",
     {"date": "2026-12-17"}),
    ("Our owner is travelling until the 20th. Would it be ok if we pay the outstanding amount by December 23?",
     "2026-12-10", {"date": "2026-12-23"}),
    ("Stop harassing me. The check for eighteen hundred went out Monday. It's in the mail.", "2026-11-16",
     {"date": "2026-11-09"}),
    ("um can you tell me what payments we made in uh december no wait november", "2027-01-05",
     {"month": "2026-11"}),
    ("We will pay all open invoices on 23/12 before the Christmas holidays.", "2026-12-14", {"date": "2026-12-23"}),
    ("we need 3/4 in fittings on 1043", "2026-12-07", {"date": None}),
    # reasons
    ("You overbilled us $1,140 on 24061 for six pallets that NEVER SHOWED UP.", "2026-12-07",
     {"reason": "Short shipment"}),
    ("9931 dup, already pd", "2026-12-07", {"intent": "dispute", "reason": "Disputed charge"}),
    ("Please put our account on automatic payments so we stop missing due dates.", "2026-12-07", {"reason": None}),
    ("Ridiculous. 51102 has the wrong model, we ordered the X200 not the X150. I won't pay for something we didn't "
     "order.", "2026-12-07", {"reason": "Other"}),
    ("there's a $125 expedite fee on 84520. We never requested expedited shipping and nobody quoted us that fee.",
     "2026-12-07", {"reason": "Disputed charge"}),
    # intents
    ("Please use the routing and account number below for all future payments from us.\nRouting: 011000015",
     "2026-12-07", {"intent": "add_method"}),
    ("Hi there,\n\nHope you had a good weekend. I'm catching up on the books for Alvarez Family Bakery and wanted to "
     "get the October statement so I can reconcile. Could you send it?\n\nThanks so much,\nRosa", "2026-12-07",
     {"intent": "statement", "month": "2026-10"}),
    ("Please disregard my previous message. We do NOT want 9902 paid yet - only 9904.", "2026-12-07",
     {"invoices": ["9904"]}),  # 9902 not wanted paid: left out (LABELS.md)
])
def test_what_the_2026_12_22_tuning_batches_missed(text: str, today: str, expected: dict[str, object]) -> None:
    got = read(text, dt.date.fromisoformat(today))
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("yes go ahead with the $7,179.42", {"intent": "confirm", "amount": None}),  # the quote has the sum
    ("is it ok if we pay 1043 until the 20", {"intent": "promise", "date": "2026-12-20"}),  # "until" as "by"
    ("we will pay sometime in January", {"date": None, "month": "2027-01"}),
    ("we can send about 2.700 € next week", {"amount": "2700.00", "date": "2026-12-14"}),
])
def test_the_cases_settled_on_2026_12_23(text: str, expected: dict[str, object]) -> None:
    got = read(text)
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a question before paying is no payment, however sure the model is
    ("Hi, please explain the position 'Verpackung' 38,00 € on Rechnung 66291 before we pay it. Thank you.",
     {"intent": "invoices"}),
    ("Before we approve INV-71890, can you explain the 'environmental surcharge' of $48.50 on line 5?",
     {"intent": "invoices"}),
    # an opt-out beside an invoice said paid is a dispute of it; without an invoice, an opt-out
    ("STOP TEXTING ME. I PAID 48011 LAST WEEK", {"intent": "dispute", "invoices": ["48011"]}),
    ("i paid this already, stop texting me", {"intent": "stop"}),
    # what was paid is no sum in dispute
    ("Your statement again lists invoice 33560 as open. We paid it in full, $2,980.00, by ACH on November 2.",
     {"intent": "dispute", "amount": None}),
    ("Invoice 61140: goods arrived broken, 3 of 10 pieces. Please make a credit of 486,00 € before we pay.",
     {"amount": "486.00"}),
    ("We have a credit of $300 from the returned pallet. Please pay 6650 less that credit: $1,640.00.",
     {"amount": "1640.00"}),
    ("charge me 750 now on 42210 ill do the rest on the 8th", {"intent": "pay", "amount": "750.00"}),
    ("Your invoice 20377 charges transport 145,00 € but our agreement is delivery free house. We will not pay it.",
     {"amount": None}),
    # reasons
    ("Invoice 82011: you billed 50 pieces, we received 44. Overbilled by 312,60 €.", {"reason": "Short shipment"}),
    ("The color of tiles is wrong, we order grey and come white. Invoice 3305, we keep them but we cannot pay full "
     "price.", {"reason": "Other"}),
    # numbers that are no invoices, and days
    ("Please you can call me back? My number is 0172 555 0192. Is about the invoice 7034.", {"invoices": ["7034"]}),
    ("Please send copies of invoices 7731, 7748 and 7762. The POs were 2026-1145, 2026-1151 and 2026-1160.",
     {"invoices": ["7731", "7748", "7762"]}),
    ("Please schedule invoice 55019 (correction: 55091) for payment on January 29.", {"invoices": ["55091"]}),
    ("Please debit invoice 46630 on 24/12 — sorry, on 23/12, our office is closed on Christmas Eve.",
     {"date": "2026-12-23"}),
    ("um i want to schedule the oldest invoice for uh christmas eve no wait you guys are probably closed make it the "
     "twenty eighth", {"date": "2026-12-28"}),
    ("we have transferred EUR 980,00 on 03/11 for facture 4410 and facture 4417.", {"date": "2026-11-03"}),
    ("Your November statement shows a finance charge of $48.22 on invoice 71154. Please explain how it was "
     "calculated; our records show the invoice was within terms until 11/10.", {"date": None}),
    ("Could you let me know our current balance as of today? I'm preparing the January aging report.",
     {"month": None}),
    ("the open amount we cannot pay at once after the holidays. Could you set up a payment plan over three months?",
     {"intent": "plan", "selector": "all"}),
    ("Which invoices of us are already late?", {"selector": "overdue"}),
    ("ach info?", {"intent": "remit_to"}),
    ("so i'm not gonna pay six six three oh until you guys send me the proof of delivery", {"intent": "dispute"}),
])
def test_what_the_2026_12_23_tuning_batches_missed(text: str, expected: dict[str, object]) -> None:
    got = read(text)
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # invoices set aside in a letter, in more words
    ("Please cancel the scheduled debit of $3,410.00 for invoice 70215 set for 12/01. We paid it by wire. The debit "
     "scheduled for invoice 70230 on 12/15 should remain as is.", {"invoices": ["70215"]}),
    ("Please cancel the payment you have scheduled for invoice 40218 on January 8. The one for 40225 on the 22nd can "
     "stay as it is.", {"invoices": ["40218"]}),
    ("We can cover invoice 9507 in full now ($3,200.00) and will settle 9511 and 9514 in January. Please charge 9507 "
     "to the card on file.", {"invoices": ["9507"]}),
    ("our check for invoices 66310 and 66318 went in the mail yesterday. Invoice 66325 we're still reviewing.",
     {"invoices": ["66310", "66318"]}),
    ("We were charged sales tax on invoice 50771, but we're tax-exempt. The other two invoices, 50762 and 50780, look "
     "fine.", {"invoices": ["50771"]}),
    ("I want make the payment for the invoice 30815 and 30822 now. The 30830 please not, we still check it.",
     {"invoices": ["30815", "30822"]}),
    ("please take the total of 2.350 dollars for the invoice 61190 today. The invoice 61177 we pay in next month.",
     {"invoices": ["61190"]}),
    # no sum in a deadline or a balance said with its figure
    ("Is it alright if we pay invoice 77104 by the end of the month? Our director has to sign anything over $5,000.",
     {"amount": None}),
    ("please settle the whole open amount now by SEPA debit; according to our books it is 4.812,30 €.",
     {"selector": "all", "amount": None}),
    ("please debit the invoice 41240 over 1.834,20 € on 06/11.", {"amount": "1834.20"}),
    # days of other things
    ("Please turn off autopay on our account effective immediately. The last autopay debit on 12/15 was fine.",
     {"intent": "cancel_scheduled", "date": None}),
    ("Which invoices of us are still open and not paid? I need the list by every invoice.", {"selector": None}),
    ("Please revoke our SEPA direct-debit mandate; from now on we pay all Rechnungen ourselves by transfer.",
     {"intent": "cancel_scheduled"}),
])
def test_what_the_2026_12_24_tuning_batch_missed(text: str, expected: dict[str, object]) -> None:
    got = read(text)
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("okay so pay invoice uh sixty nine seventy no sorry sixty nine seventy five uh and the amount is um six fifty one",
     {"invoices": ["6975"], "amount": "651.00"}),
    ("We have received facture 9931 for goods we never ordered, it is not ours.\nMerci, Luc Moreau, Moreau Traiteur, "
     "3 place du Marché, 33000 Bordeaux", {"invoices": ["9931"]}),
])
def test_a_sum_after_the_amount_is_and_a_french_postcode(text: str, expected: dict[str, object]) -> None:
    got = read(text)
    assert {key: got.get(key) for key in expected} == expected


@pytest.mark.parametrize(("text", "today", "expected"), [
    # a round sum sent or taken is no invoice; "pay 1500" still names one
    ("can u take 1500 on friday", MONDAY, {"invoices": [], "amount": "1500.00", "date": "2026-12-11"}),
    ("can u take 1500 on the 1st for 3390", MONDAY, {"invoices": ["3390"], "amount": "1500.00"}),
    ("pay 1500 today", MONDAY, {"invoices": ["1500"], "amount": None}),
    ("um pay one point five k toward the oldest bill", MONDAY, {"amount": "1500.00", "selector": "oldest"}),
    ("sched 900 for 12/31 on 7705", MONDAY, {"amount": "900.00", "invoices": ["7705"]}),
    ("schedule the open invoices for friday", MONDAY, {"selector": "all", "date": "2026-12-11"}),
    # later by a span: a schedule whose day is asked; not a due date's span
    ("pay 7120 in 3 days", MONDAY, {"intent": "schedule", "date": None}),
    ("pay 4410, it was due in 30 days", MONDAY, {"intent": "pay"}),
    ("pay 500 now and the rest in 2 weeks", MONDAY, {"intent": "pay", "amount": "500.00"}),
    # a day and month read month first half a year off, when day first is near
    ("Is it okay when we pay invoice 92011 until 08/01/2027?", dt.date(2026, 12, 14), {"date": "2027-01-08"}),
    ("pay 1043 on 1/8", dt.date(2026, 12, 14), {"date": "2027-01-08"}),
    ("schedule 1043 for 2/1", dt.date(2026, 12, 14), {"date": "2027-02-01"}),
])
def test_what_the_2026_12_25_round_settled(text: str, today: dt.date, expected: dict[str, object]) -> None:
    got = read(text, today)
    assert {key: got.get(key) for key in expected} == expected
