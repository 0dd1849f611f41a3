"""Slots read with well-kept libraries: Babel for amounts in the customer's locale, text2num for numbers and
ordinals in words, dateparser looking forward for payments and back for history; invoices the customer says not
to pay are left out, and a reference resolves against the ledger with or without the ERP's prefix.

Every case is read on one fixed day, Sunday 6 December 2026: never the wall clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dialogue_reads import matching
from bot.nlu_slots import locale_for
from bot.understanding import Parsed, parse, to_json

SUNDAY = dt.date(2026, 12, 6)


def read(text: str, locale: str = "en_US") -> Parsed:
    return parse(text, today=SUNDAY, locale=locale)


@pytest.mark.parametrize(("text", "invoices", "excluded"), [
    ("don't pay 1042 yet, just 1043", ("1043",), ("1042",)),
    ("no I meant pay 1043, not 1042", ("1043",), ("1042",)),
    ("Correction to my earlier message: pay INV-7304, not INV-7340.", ("7304",), ("7340",)),
    ("Pay 8821 and 8830. Do not include 8825, that one is on hold.", ("8821", "8830"), ("8825",)),
    ("don't pay 1042 or 1043 yet, just 1044", ("1044",), ("1042", "1043")),
    ("pay invoice 2261 in full. we are NOT paying 2265 yet", ("2261",), ("2265",)),
    ("put 800 on account and don't you dare apply it to 71005", (), ("71005",)),
    ("Please pay 9134; leave 9135 alone, it's under review.", ("9134",), ("9135",)),
])
def test_an_invoice_the_customer_says_not_to_pay_is_left_out(text: str, invoices: tuple[str, ...],
                                                              excluded: tuple[str, ...]) -> None:
    got = read(text)
    assert (got.invoices, got.excluded) == (invoices, excluded)
    assert to_json(got)["invoices"] == list(invoices)


def test_everything_except_one_is_all_without_it() -> None:
    got = read("pay everything except 1042")
    assert (got.selector, got.invoices, got.excluded) == ("all", (), ("1042",))


@pytest.mark.parametrize("text", ["I'm not paying 1050 until someone explains the freight",
                                  "Not paying a dime on 5590 until someone explains this freight charge"])
def test_a_refusal_about_one_invoice_is_a_dispute_that_keeps_it(text: str) -> None:
    got = read(text)
    assert got.invoices and not got.excluded


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["pay", "not", "1042", "1043", "don't", "except", "inv", "#1044", "and", ",",
                                 "just", "skip", "meant", "we", "are", "paying"]), max_size=12))
def test_an_excluded_invoice_is_never_among_the_invoices(words: list[str]) -> None:
    got = read(" ".join(words))
    assert not set(got.invoices) & set(got.excluded)


@pytest.mark.parametrize(("text", "locale", "amount", "currency"), [
    ("1.234,50 EUR", "en_US", "1234.50", "EUR"),
    ("pay 1.234,50 EUR on 1042", "en_US", "1234.50", "EUR"),
    ("pay €1.234,50 on 1042", "de_DE", "1234.50", "EUR"),
    ("deposit 1.500 EUR", "de_DE", "1500.00", "EUR"),  # a German's thousands dot
    ("deposit 1.500 usd", "en_US", "1500.00", "USD"),  # a currency named after three decimals: thousands
    ("the payment of 3.200 dollars will be done friday", "en_US", "3200.00", None),
    ("deposit 1,50", "en_US", "1.50", None),  # a decimal comma, the other convention
    ("deposit 1234.50", "de_DE", "1234.50", None),  # a decimal point, the other convention
    ("pay $1,200.50 on 1042", "en_US", "1200.50", None),
    ("Pay invoice #58213 in full, $2,318.40. Reference PO 77120.", "en_US", "2318.40", None),
])
def test_amounts_are_read_by_babel_in_the_customers_locale(text: str, locale: str, amount: str,
                                                           currency: str | None) -> None:
    got = read(text, locale)
    assert (got.amount, got.currency) == (Decimal(amount), currency)


@pytest.mark.parametrize(("text", "locale"), [
    ("deposit 1.500", "en_US"),  # $1.50, or 1,500 the European way?
    ("deposit 1,500 eur", "de_DE"),  # 1,500 with three decimals, or an American's 1500?
    ("pay $1,50", "en_US"),  # US order with a decimal comma: $150? $1,500?
    ("pay $10.5555", "en_US"),
])
def test_a_number_read_two_ways_or_over_precise_is_no_amount(text: str, locale: str) -> None:
    assert read(text, locale).amount is None


@pytest.mark.parametrize(("text", "amount"), [
    ("remitting $3,740.00 instead of $4,100.00, unit price billed at $18.00 vs. $16.50 quoted", "3740.00"),
    ("pay the $500 balance", "500.00"),
    ("What is the $47.12 service charge on INV-2026-0502?", None),
    ("Please pay #3319 less the $212.75 credit", None),
    ("Pay invoice 7715 at $1,020.00 rather than $1,200.00 - 6 of the 36 units were missing", "1020.00"),
    ("Please explain the 1.5% monthly service charge", None),
    ("price on 8812 is wrong u said $40 a unit", None),
    ("The rate on DR-55604 is $14.20/ft; our contract says $12.75.", None),
    ("Why is our balance showing $6,200?", None),
    ("load 800 onto the account as credit pls", "800.00"),
    ("will send 800 on the 5th, rest later", "800.00"),
])
def test_an_amount_named_but_not_paid_is_not_the_amount(text: str, amount: str | None) -> None:
    assert read(text).amount == (None if amount is None else Decimal(amount))


def test_an_invoice_number_and_a_day_said_in_words() -> None:
    got = read("invoice twenty two thirty one for the twenty second")
    assert (got.invoices, got.date) == (("2231",), dt.date(2026, 12, 22))


@pytest.mark.parametrize(("text", "invoices"), [
    ("can you send me a copy of invoice eighty eight twenty two", ("8822",)),
    ("uh can you pay invoice seventy three oh four on friday", ("7304",)),
    ("pay invoice one oh four two three three and one oh four two three four", ("104233", "104234")),
    ("pay invoice two thousand twenty six dash oh three one one", ("2026-0311",)),
    ("no not sixty one thirty one i said pay sixty one thirty three", ("6133",)),
    ("forty two fifty", ("4250",)),
])
def test_invoice_numbers_read_out_in_pairs_or_digits(text: str, invoices: tuple[str, ...]) -> None:
    assert read(text).invoices == invoices


@pytest.mark.parametrize(("text", "amount"), [
    ("pay twelve hundred dollars on 1042", "1200.00"),
    ("pay two thousand five hundred dollars", "2500.00"),
    ("pay a hundred and fifty dollars", "150.00"),
    ("pay two grand", "2000.00"),
    ("five hundred euros on account", "500.00"),
    ("pay one fifty dollars", "150.00"),  # said as prices are said: hundreds, then tens (LABELS.md)
    ("we got two hundred cases, billed for three hundred", None),  # counting goods
])
def test_money_in_words_is_read_by_text2num(text: str, amount: str | None) -> None:
    assert read(text).amount == (None if amount is None else Decimal(amount))


@pytest.mark.parametrize(("text", "date", "selector"), [
    ("schedule 1042 for the fifteenth", dt.date(2026, 12, 15), None),  # never "corrected" to "fifteen"
    ("pay 1042 on the thirty-first", dt.date(2026, 12, 31), None),
    ("pay on the fifth", dt.date(2027, 1, 5), None),
    ("i want to pay the oldest invoice on the eleventh of december", dt.date(2026, 12, 11), "oldest"),
    ("pay december fifth", dt.date(2027, 12, 5), None),
    ("pay the fifth one", None, "5"),  # a position
    ("pay the first and third", None, "1,3"),
    ("k pay 1st and 3rd", None, "1,3"),
    ("pay number two and number three", None, "2,3"),
    ("sched #1 and #3 for wed", dt.date(2026, 12, 9), "1,3"),
    ("please pay items 1 and 3 from the list you texted over. Item 2 we need to check first.", None, "1,3"),
    ("Line 3 on invoice 9134 arrived cracked", None, None),  # a line of the invoice, not of a list
    ("number three", None, "3"),
    ("give me a second", None, None),
])
def test_ordinals_in_words_are_days_unless_they_are_positions(text: str, date: dt.date | None,
                                                              selector: str | None) -> None:
    got = read(text)
    assert (got.date, got.selector) == (date, selector)


@pytest.mark.parametrize(("text", "locale", "date"), [
    ("pay 1042 on 18/12/2026", "en_US", dt.date(2026, 12, 18)),  # 18 cannot be a month
    ("pay on 18/12", "en_US", dt.date(2026, 12, 18)),
    ("pay 1042 on 18.12.2026", "en_US", dt.date(2026, 12, 18)),
    ("pay on 10/12", "en_US", dt.date(2027, 10, 12)),  # an American's October 12, the next one
    ("pay on 10/12", "en_GB", dt.date(2026, 12, 10)),  # a Briton's 10 December
    ("charge it on 15/12 please (our system uses day/month)", "en_US", dt.date(2026, 12, 15)),
])
def test_a_date_in_digits_is_day_first_when_it_must_be_or_the_customer_writes_so(text: str, locale: str,
                                                                                  date: dt.date) -> None:
    assert read(text, locale).date == date


@pytest.mark.parametrize(("text", "date"), [
    ("we'll get you paid by friday", dt.date(2026, 12, 11)),  # a promise: the coming Friday
    ("we'll have it sent by monday", dt.date(2026, 12, 7)),
    ("would it be alright if we paid by the 25th", dt.date(2026, 12, 25)),
    ("schedule 1042 for the 1st", dt.date(2027, 1, 1)),
    ("did the check I mailed on friday arrive", dt.date(2026, 12, 4)),  # done: the last Friday
    ("can I get a receipt for the payment on the 1st", dt.date(2026, 12, 1)),
    ("what was our balance as of November 30?", dt.date(2026, 11, 30)),  # the nearer one
    ("a statement of account as of December 31", dt.date(2026, 12, 31)),
    ("we'll pay by Friday the 11th", dt.date(2026, 12, 11)),  # the weekday names the date after it
    ("ill have it to u by xmas eve", dt.date(2026, 12, 24)),
    ("Set the ACH debit for invoice 7822 to run on the 5th of next month.", dt.date(2027, 1, 5)),
    ("I'm covering for our bookkeeper this week. Please pay invoice 40233 on the 15th.", dt.date(2026, 12, 15)),
    ("We mailed the check for #61219 on 10/30.", dt.date(2026, 10, 30)),
    ("did the payment from the first clear", dt.date(2026, 12, 1)),
])
def test_dates_look_forward_for_payments_and_promises_and_back_for_what_is_done(text: str, date: dt.date) -> None:
    assert read(text).date == date


@pytest.mark.parametrize("text", [
    "need a quote for 3/4 inch ball valves", 'Two of the 1/2" hose assemblies arrived split',
    "The 3/4 in. ball valves were returned", "The Amex on file expires 12/26; I need to load the new card",
    "merry christmas",
])
def test_a_size_or_a_card_expiry_is_not_a_date(text: str) -> None:
    assert read(text).date is None


@pytest.mark.parametrize(("text", "invoices"), [
    ("pay INV-2026-0311", ("2026-0311",)),
    ("pay 2026-0311 please", ("2026-0311",)),
    ("pay CM-104002", ("CM-104002",)),
    ("INV-4471 bills 48 units at $22.10", ("4471",)),
    ("Please update our address to 4410 Industrial Pkwy, Dayton OH 45414.", ()),
    ("Our vendor master shows PO Box 8812.", ()),
    ("our customer ID is RH-4410", ()),
    ("Do you have 40 units of SKU 88120 in stock?", ()),
    ("We've changed banks. New ACH routing 071000013, account ending 4408.", ()),
    ("hi its jess w/ bloom florals, cust #7731", ()),
    ("It bills 12 cartons, but only 10 arrived. Please pay 5108.", ("5108",)),
])
def test_references_are_kept_as_written_and_other_numbers_are_not_invoices(text: str,
                                                                           invoices: tuple[str, ...]) -> None:
    assert read(text).invoices == invoices


@dataclass(frozen=True)
class Document:
    number: str


LEDGER = [Document("INV-2026-0311"), Document("INV-1042"), Document("INV-001043"), Document("CM-104002")]


@pytest.mark.parametrize(("reference", "numbers"), [
    ("2026-0311", ["INV-2026-0311"]),  # the parser keeps the year, drops the generic prefix
    ("INV-2026-0311", ["INV-2026-0311"]),
    ("1042", ["INV-1042"]),
    ("#1042", ["INV-1042"]),
    ("1043", ["INV-001043"]),
    ("CM-104002", ["CM-104002"]),
    ("0311", []),  # a part of a reference names nothing
    ("2027-0311", []),
])
def test_a_reference_names_the_ledgers_document_with_or_without_its_prefix(reference: str,
                                                                            numbers: list[str]) -> None:
    assert [d.number for d in matching(LEDGER, reference)] == numbers


def test_a_reference_two_documents_fit_names_both_so_the_dialogue_asks() -> None:
    ledger = [Document("INV-1042"), Document("CM-1042")]
    assert [d.number for d in matching(ledger, "1042")] == ["INV-1042", "CM-1042"]
    assert [d.number for d in matching(ledger, "CM-1042")] == ["CM-1042"]


@pytest.mark.parametrize(("timezone", "country", "locale"), [
    ("Europe/Berlin", "US", "de_DE"), ("Europe/London", "US", "en_GB"), ("America/New_York", "DE", "en_US"),
    ("UTC", "US", "en_US"), ("UTC", "DE", "de_DE"), (None, "US", "en_US"), ("Nowhere/Else", "QQ", "en_US"),
])
def test_the_customers_locale_comes_from_their_time_zone_else_the_sellers_country(
        timezone: str | None, country: str, locale: str) -> None:
    assert locale_for(timezone, country) == locale


@pytest.mark.parametrize(("text", "selector"), [
    ("Schedule the entire open balance for the 28th via ACH.", "all"),
    ("we only got eight of the twelve boxes so i'm not paying the whole thing", None),
    ("Apply $5,000.00 to the past-due invoices, oldest first.", "overdue"),
    ("pay the past dew ones with my visa", "overdue"),
    ("List every invoice currently past terms.", "overdue"),
    ("how much do i need to pay to get caught up", "overdue"),
    ("we'll pay when we pay. end of month at the earliest.", None),
])
def test_selectors_read_as_the_customer_means_them(text: str, selector: str | None) -> None:
    assert read(text).selector == selector


def test_the_parse_contract_is_unchanged() -> None:
    got = to_json(read("don't pay 1042 yet, just 1043 on friday"))
    assert set(got) <= {"intent", "invoices", "selector", "amount", "date", "month", "reason", "confidence",
                        "clarify"}
    assert (got["invoices"], got["date"]) == (["1043"], "2026-12-11")


@pytest.mark.parametrize(("text", "today", "slots"), [
    # A dispute records invoices, amount and reason; the day of an earlier payment is for staff, in the words.
    ("i paid invoice 1043 three weeks ago and you keep sending me reminders", "2026-12-07",
     {"invoices": ["1043"], "date": None}),
    ("I PAID 6650 WEEKS AGO. CHECK YOUR RECORDS.", "2026-12-07", {"invoices": ["6650"], "date": None}),
    # "today" on a payment is today; a second part ("and the rest on friday") is not the date of this one.
    ("pay 4410 today", "2026-12-07", {"intent": "pay", "date": "2026-12-07"}),
    ("Pay invoice 30415 for $1,200 now and the balance of it on the 20th.", "2026-12-07",
     {"intent": "pay", "amount": "1200.00", "date": "2026-12-07"}),  # "now" is today (LABELS.md)
    # A date said of something else: a list sent, an audit, opening hours.
    ("Please pay the second and third invoices from the list you sent on Tuesday.", "2026-12-07",
     {"selector": "2,3", "date": None}),
    ("Could you send our October statement? Our accountant visits on the 20th.", "2026-11-11",
     {"month": "2026-10", "date": None}),
    # Amounts: a payment asked about by its sum; two prices compared are no amount; dollars and cents in words.
    ("did my 500 from monday go thru", "2026-12-07", {"amount": "500.00"}),
    ("You charged $52 a unit on 4410. We agreed on $47. Fix it.", "2026-12-07", {"amount": None}),
    ("pay two thousand three hundred dollars and fifty cents on seventy seven oh two", "2026-12-07",
     {"invoices": ["7702"], "amount": "2300.50"}),
    ("cancel the $2,000 payment on the 22nd", "2026-12-14", {"amount": None, "date": "2026-12-22"}),
    # Invoices set aside beside others, corrected, or not invoices at all.
    ("Pay 88120 and 88123 now; 88121 is on hold pending a credit memo.", "2026-12-07",
     {"invoices": ["88120", "88123"]}),
    ("pay 6019 no wait 6091", "2026-12-07", {"invoices": ["6091"]}),
    ("pay 3310 on friday and don't touch 3314", "2026-12-07", {"invoices": ["3310"]}),
    ("pay invoice 6640 using the card that expires twelve twenty seven", "2026-12-07", {"invoices": ["6640"]}),
    # Selectors: positions after the verb, "all of em", "past due" said of an invoice named.
    ("charge my card for 2 and 3 and leave the rest", "2026-12-07", {"selector": "2,3"}),
    ("schedule all of em for next fri", "2026-12-07", {"selector": "all"}),
    ("We know INV-2026-1190 is past due. The wire will go out tomorrow.", "2026-12-07", {"selector": None}),
])
def test_slots_are_the_ones_the_bot_acts_on(text: str, today: str, slots: dict[str, object]) -> None:
    got = to_json(parse(text, today=dt.date.fromisoformat(today)))
    assert {key: got[key] for key in slots} == slots
