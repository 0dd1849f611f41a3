"""The amount and the invoices a quote names are the ones the customer typed or saw, through `bot.engine.handle`:
a refused amount says what can be taken, an invoice number is never money, and a number picks only what was shown.
Each refusal is checked in the database too: no quote kept, no payment made."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from core.bootstrap import Services
from core.ledger.models import Document, Payment
from core.payments.models import PaymentQuote
from tests.books import invoice
from tests.integration.bot.test_dialogue import Chat, acme_book, add_card, count, payments, settle, use_sandbox


@pytest.fixture
def many(services: Services) -> Chat:
    """Ten open invoices, INV-1101 $101 (oldest) … INV-1110 $110: more than one page of the picker."""
    use_sandbox(services)
    acme_book(services.db)
    for number in ("INV-1042", "INV-1043", "INV-1044"):
        _void(services, number)
    for i in range(1, 11):
        invoice(services.db, f"INV-11{i:02d}", f"{100 + i}.00", f"2026-09-{i:02d}")
    add_card(services.db)
    return Chat(services)


def _void(services: Services, number: str) -> None:
    with services.db.uow() as uow:
        uow.session.execute(update(Document).where(Document.number == number).values(voided=True))
        uow.commit()


def _nothing_quoted_or_paid(chat: Chat) -> None:
    assert count(chat.services.db, PaymentQuote) == 0
    assert count(chat.services.db, Payment) == 0


# -- item 2: the amount typed is the amount quoted, or a refusal that says what can be taken -----------------


@pytest.mark.parametrize(("typed", "shown"), [("-5", "-$5.00"), ("0", "$0.00"), ("$0.00", "$0.00"),
                                              ("500", "$500.00")])
def test_a_negative_zero_or_too_large_amount_is_refused_with_the_range(chat: Chat, typed: str, shown: str) -> None:
    answer = chat.say(f"pay {typed} on 1044")
    assert f"I can't take {shown}." in answer
    assert "I can take between $0.01 and $400.00 on INV-1044." in answer
    assert "$400.00" not in answer.replace("and $400.00 on", "")  # no quote of the full amount
    assert chat.state() == "ask_amount"
    _nothing_quoted_or_paid(chat)


def test_after_a_refusal_the_amount_answered_is_the_one_quoted(chat: Chat) -> None:
    chat.say("pay -5 on 1044")
    assert "between $0.01 and $400.00" in chat.say("-10")  # the bare-number answer is refused the same way
    _nothing_quoted_or_paid(chat)
    assert "reason" in chat.say("150").lower()  # $150 of $400: a short pay, so why?
    quote = chat.press("Damaged goods")
    assert "INV-1044: $150.00 of $400.00 open" in quote and "Total: $150.00" in quote
    chat.say("yes")
    settle(chat.services)
    assert payments(chat.services.db) == [(15000, "succeeded", "sms")]


def test_a_negative_amount_over_several_invoices_is_refused_not_asked_about(chat: Chat) -> None:
    answer = chat.say("pay -5 on 1043 and 1044")
    assert "I can't take -$5.00" in answer and "Which invoice should" not in answer
    _nothing_quoted_or_paid(chat)


def test_more_than_open_but_within_the_discount_is_quoted_and_said(chat: Chat) -> None:
    quote = chat.say("pay 1000 on 1042")  # open $1,000.00; $980.00 pays it in full today
    assert "INV-1042 needs only $980.00, so that is what I'll take." in quote and "Total: $980.00" in quote


def test_a_zero_or_negative_deposit_is_refused_and_a_european_amount_is_taken(chat: Chat) -> None:
    assert "How much would you like to pay on account?" in chat.say("I want to make a deposit")
    refused = chat.say("-5")
    assert "I can't take -$5.00" in refused and "a deposit of $0.01 or more" in refused
    assert "$0.01 or more" in chat.say("0")
    _nothing_quoted_or_paid(chat)
    quote = chat.say("1.500,00")
    assert "On account (a deposit): $1,500.00" in quote and "Total: $1,500.00" in quote
    chat.say("yes")
    settle(chat.services)
    assert payments(chat.services.db) == [(150000, "succeeded", "sms")]


def test_a_european_deposit_in_one_message(chat: Chat) -> None:
    quote = chat.say("1.500,00 USD on account")
    assert "On account (a deposit): $1,500.00" in quote
    chat.say("yes")
    assert payments(chat.services.db)[0][0] == 150000


def test_an_amount_in_another_currency_is_not_taken_as_dollars(chat: Chat) -> None:
    answer = chat.say("1.234,50 EUR on account")
    assert "EUR" in answer and "USD" in answer and "$1,234.50" not in answer
    _nothing_quoted_or_paid(chat)


# -- item 3: a number after invoice/inv/# is a reference ------------------------------------------------------


def test_an_unknown_invoice_number_is_not_read_as_money_and_the_open_ones_are_offered(chat: Chat) -> None:
    answer = chat.say("pay invoice 99999999")
    assert "I can't find an open invoice 99999999 on your account." in answer
    assert "99,999,999" not in answer and "If you meant" not in answer
    assert "1. INV-1043 — $250.00" in answer and "3. INV-1042 — $1,000.00" in answer
    assert chat.state() == "ask_invoice"
    _nothing_quoted_or_paid(chat)
    quote = chat.say("1")
    assert "INV-1043: $250.00" in quote and "Total: $250.00" in quote


def test_inv_1042_n_1043_tmrw_schedules_both(chat: Chat) -> None:
    quote = chat.say("pls pay inv 1042 n 1043 tmrw")
    assert "Please confirm this scheduled payment" in quote and "Date: Mon, Nov 23, 2026" in quote
    assert "INV-1042: $980.00" in quote and "INV-1043: $250.00" in quote and "Total: $1,230.00" in quote
    assert "Scheduled" in chat.say("yes")
    assert payments(chat.services.db) == [(123000, "scheduled", "sms")]


def test_unknown_invoices_with_a_date_keep_the_date_for_the_one_picked(chat: Chat) -> None:
    answer = chat.say("pls pay inv 5042 n 5043 tmrw")
    assert "I can't find open invoices 5042 and 5043 on your account." in answer and "$5,04" not in answer
    _nothing_quoted_or_paid(chat)
    quote = chat.say("2")
    assert "INV-1044: $400.00" in quote and "Date: Mon, Nov 23, 2026" in quote


# -- item 4: positions mean only what was shown; a long list pages ---------------------------------------------


def test_the_picker_shows_a_page_and_a_hidden_invoice_cannot_be_picked_by_number(many: Chat) -> None:
    question = many.say("pay")
    assert "8. INV-1108 — $108.00" in question and "INV-1109" not in question and "MORE" in question
    buttons = [(b.label, b.payload) for r in many.last for b in r.buttons]
    assert buttons[:2] == [("1. INV-1101 — $101.00", "pick:1"), ("2. INV-1102 — $102.00", "pick:2")]
    assert [p for _, p in buttons[8:]] == ["pick:more", "pick:all", "pick:overdue"]
    assert all(not label[0].isdigit() for label, _ in buttons[8:])  # ALL, OVERDUE and MORE are words
    refused = many.say("9")
    assert "There is no 9 in the list" in refused and many.state() == "ask_invoice"
    _nothing_quoted_or_paid(many)


def test_more_shows_the_next_page_numbered_on_and_those_numbers_pick(many: Chat) -> None:
    many.say("pay")
    page = many.say("MORE")
    assert "9. INV-1109 — $109.00" in page and "10. INV-1110 — $110.00" in page and "1. INV-1101" not in page
    assert [b.payload for r in many.last for b in r.buttons][:2] == ["pick:9", "pick:10"]
    quote = many.say("9")
    assert "INV-1109: $109.00" in quote and "Total: $109.00" in quote
    many.say("no")
    many.say("pay")
    many.press("More")
    assert "INV-1110: $110.00" in many.press("10.")


def test_pay_2_and_3_selects_both(many: Chat) -> None:
    many.say("invoices")
    quote = many.say("pay 2 and 3")
    assert "INV-1102: $102.00" in quote and "INV-1103: $103.00" in quote and "Total: $205.00" in quote
    many.say("yes")
    settle(many.services)
    assert payments(many.services.db) == [(20500, "succeeded", "sms")]


def test_several_positions_answer_the_picker(many: Chat) -> None:
    many.say("pay")
    quote = many.say("1, 4 and 8")
    assert "Total: $313.00" in quote and "INV-1104: $104.00" in quote
    many.say("no")
    many.say("pay")
    refused = many.say("2 and 12")
    assert "There is no 12 in the list" in refused and many.state() == "ask_invoice"
    assert count(many.services.db, PaymentQuote, PaymentQuote.status == "open") == 0
    assert count(many.services.db, Payment) == 0
