"""Trust in the chat's confirmations (issue 15, items 1, 12 and 13), as scripted conversations through
`bot.engine.handle` on SQLite and PostgreSQL: money moves only on an explicit YES to the quote waiting;
corrections replace the quote with a new exact one; "the other one", "that one" and "september's" are read
against what the conversation just showed; and every reply about money names the invoices and what remains."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from channels.twilio_sms import sms_text
from core.bootstrap import Services
from core.ledger.models import Document, Payment
from core.payments.models import PaymentQuote
from tests.books import TEST_ACTOR
from tests.integration.bot.test_dialogue import (
    Chat,
    acme_book,
    add_card,
    open_minor,
    payments,
    sms_reminder,
    use_sandbox,
)


def quote_statuses(chat: Chat) -> list[str]:
    with chat.services.db.uow() as uow:
        return list(uow.session.scalars(select(PaymentQuote.status).order_by(PaymentQuote.id)))


def void(chat: Chat, number: str) -> None:
    with chat.services.db.uow() as uow:
        uow.session.execute(update(Document).where(Document.number == number).values(voided=True))
        uow.commit()


# -- 1. only an explicit yes, or the quote's own button, moves money --------------------------------------------


def test_an_emoji_or_a_vague_answer_only_asks_again_for_an_explicit_yes(chat: Chat) -> None:
    chat.say("pay 1044")
    for vague in ("👍", "ok thanks", "sure?", "ok", "1", "✅"):
        answer = chat.say(vague)
        assert answer == "Reply YES to pay $400.00 with Visa •4242, or NO to cancel.", vague
        assert chat.state() == "confirm_quote"
    assert payments(chat.services.db) == [] and quote_statuses(chat) == ["open"]

    assert "on its way" in chat.say("Yes!")
    assert payments(chat.services.db) == [(40000, "pending", "sms")] and quote_statuses(chat) == ["executed"]


@pytest.mark.parametrize("word", ["y", "yep", "go ahead", "pay it", "Confirm.", "yes please", "Ja, bitte", "oui merci",
                                  "Sí, por favor"])
def test_each_explicit_yes_word_pays_once(chat: Chat, word: str) -> None:
    chat.say("pay 1043")
    assert "on its way" in chat.say(word)
    assert "already done" in chat.say("YES")  # YES twice: nothing more
    assert payments(chat.services.db) == [(25000, "pending", "sms")]


def test_the_button_of_a_replaced_quote_pays_nothing_and_the_current_quote_still_waits(chat: Chat) -> None:
    chat.say("pay 1044")
    old_yes, old_no = (button.payload for button in chat.last[0].buttons)
    assert "Total: $250.00" in chat.say("pay 1043 instead")
    assert "closed" in chat.say(old_no) and chat.state() == "confirm_quote"  # its NO leaves the new quote waiting

    answer = chat.say(old_yes)

    assert "replaced" in answer and "nothing was paid" in answer
    assert "Reply YES to pay $250.00 with Visa •4242, or NO to cancel." in answer
    assert payments(chat.services.db) == [] and quote_statuses(chat) == ["canceled", "open"]
    assert "on its way" in chat.say("yes")  # the quote shown last is still the one waiting
    assert payments(chat.services.db) == [(25000, "pending", "sms")]


def test_the_button_of_an_expired_quote_says_it_is_gone(chat: Chat) -> None:
    chat.say("pay 1044")
    old_yes = chat.last[0].buttons[0].payload
    assert "expired" in chat.later(minutes=11).say("yes")  # a fresh quote is offered
    answer = chat.say(old_yes)
    assert "expired" in answer and "nothing was paid" in answer and "$400.00" in answer
    assert payments(chat.services.db) == [] and quote_statuses(chat) == ["expired", "open"]


def test_the_quote_asks_for_yes_or_no_once_on_sms(chat: Chat) -> None:
    [quote] = chat.send("pay 1043 and 1044")
    assert sms_text(quote, chat.services).count("Reply YES") == 1
    assert [b.label for b in quote.buttons] == ["Yes, pay $650.00", "No"]


# -- 12. corrections and context ------------------------------------------------------------------------------


def test_no_i_meant_1043_declines_the_quote_and_offers_the_new_one_at_once(chat: Chat) -> None:
    chat.say("pay 1044")
    answer = chat.say("no, I meant 1043")
    assert "nothing was paid for INV-1044" in answer
    assert "INV-1043: $250.00" in answer and "Total: $250.00" in answer and "INV-1044:" not in answer
    assert len(chat.last) == 1 and chat.state() == "confirm_quote"
    assert quote_statuses(chat) == ["canceled", "open"]
    chat.say("yes")
    assert payments(chat.services.db) == [(25000, "pending", "sms")]
    assert open_minor(chat.services.db, "INV-1044") == 40000


def test_actually_just_do_1043_for_now_is_a_new_quote(chat: Chat) -> None:
    chat.say("pay 1043 and 1044")
    answer = chat.say("actually just do 1043 for now")
    assert "Total: $250.00" in answer and quote_statuses(chat) == ["canceled", "open"]
    chat.say("go ahead")
    assert payments(chat.services.db) == [(25000, "pending", "sms")]


def test_1043_too_adds_it_to_the_quote(chat: Chat) -> None:
    chat.say("pay 1044")
    answer = chat.say("1043 too")
    assert "INV-1044: $400.00" in answer and "INV-1043: $250.00" in answer and "Total: $650.00" in answer
    chat.say("yes")
    assert payments(chat.services.db) == [(65000, "pending", "sms")]


def test_dont_pay_anything_today_cancels_the_waiting_quote(chat: Chat) -> None:
    chat.say("pay 1044")
    answer = chat.say("hmm no wait, don't pay anything today")
    assert "nothing was paid" in answer and "INV-1044" in answer and "scheduled" not in answer
    assert quote_statuses(chat) == ["canceled"] and chat.state() == "idle"
    assert "nothing waiting" in chat.say("yes")
    assert payments(chat.services.db) == []


def test_and_the_other_one_after_paying_quotes_the_one_left(chat: Chat) -> None:
    void(chat, "INV-1042")
    chat.say("invoices")
    chat.say("pay 1043")
    chat.say("yes")
    quote = chat.say("and the other one?")
    assert "INV-1044: $400.00" in quote and "Total: $400.00" in quote
    chat.say("yes")
    assert payments(chat.services.db) == [(25000, "pending", "sms"), (40000, "pending", "sms")]


def test_the_other_one_after_a_reminder_is_the_other_invoice_it_named(chat: Chat) -> None:
    sms_reminder(chat.services.db)
    chat.say("pay 1043")
    chat.say("yes")
    quote = chat.say("and the other one?")
    assert "INV-1044: $400.00" in quote and "INV-1042" not in quote  # the reminder named 1043 and 1044 only


def test_the_other_one_with_two_left_asks_which_listing_them(chat: Chat) -> None:
    chat.say("invoices")
    chat.say("pay 1043")
    chat.say("yes")
    question = chat.say("and the other one?")
    assert "INV-1044 — $400.00" in question and "INV-1042 — $1,000.00" in question and "INV-1043" not in question
    assert chat.state() == "ask_invoice" and quote_statuses(chat) == ["executed"]
    assert "Total: $400.00" in chat.say("1")


def test_no_the_other_one_replaces_the_quote(chat: Chat) -> None:
    void(chat, "INV-1042")
    chat.say("invoices")
    chat.say("pay 1044")
    answer = chat.say("no, the other one")
    assert "nothing was paid for INV-1044" in answer and "Total: $250.00" in answer
    assert quote_statuses(chat) == ["canceled", "open"]


def test_that_one_is_the_invoice_just_named(chat: Chat) -> None:
    chat.say("pay 1044")
    chat.say("no")
    quote = chat.say("ok pay that one")
    assert "INV-1044: $400.00" in quote and "Total: $400.00" in quote


def test_and_septembers_after_octobers_statement(chat: Chat) -> None:
    from core.statements.cycle import run_statements

    services = chat.services
    for day in (dt.date(2026, 9, 30), dt.date(2026, 10, 31)):
        run_statements(services.db, services.settings, services.files, statement_date=day, finance_charges_on=None,
                       actor=TEST_ACTOR)
    assert "Oct 31, 2026" in chat.say("october statement")
    [september] = chat.send("and september's?")
    assert "Sep 30, 2026" in september.text and september.document_file_id is not None


# -- 13. every money reply names the invoices and what remains ------------------------------------------------


def test_the_paid_reply_names_the_invoices_the_method_and_what_is_still_open(chat: Chat) -> None:
    chat.say("pay 1043 and 1044")
    done = chat.say("yes")
    assert done.startswith("Thank you! Your payment of $650.00 for INV-1043 and INV-1044 with Visa •4242 is on its "
                           "way (payment P-")
    assert "Still open on your account: $1,000.00." in done
    assert payments(chat.services.db) == [(65000, "pending", "sms")]


def test_the_scheduled_reply_names_the_invoice_and_what_is_still_open(chat: Chat) -> None:
    chat.say("pay 1042 on tuesday")
    done = chat.say("yes")
    assert done.startswith("Scheduled: $980.00 for INV-1042 with Visa •4242 on Tue, Nov 24, 2026 (payment P-")
    assert "Still open on your account: $650.00." in done
    cancel = chat.say("cancel scheduled")
    assert "INV-1042" in cancel
    assert "for INV-1042" in chat.say("yes")
    assert payments(chat.services.db) == [(98000, "canceled", "sms")]


def test_the_failed_reply_names_the_invoices_left_open(services: Services) -> None:
    use_sandbox(services)
    acme_book(services.db)
    add_card(services.db, "tok_card_declined", last4="0002")
    chat = Chat(services)
    chat.say("pay 1044")
    failed = chat.say("yes")
    assert "$400.00 for INV-1044 with Visa •0002 did not go through" in failed and "Nothing was charged" in failed
    assert payments(services.db) == [(40000, "failed", "sms")] and open_minor(services.db, "INV-1044") == 40000


def test_another_card_named_while_a_quote_waits_requotes_the_same_payment(chat: Chat) -> None:
    mastercard = add_card(chat.services.db, token="tok_mc", brand="mastercard", last4="4444")
    assert "Which card" in chat.say("pay INV-1044")  # two cards, none used yet: asked
    assert "Visa •4242" in chat.say("4242")
    switched = chat.say("use the mastercard instead")
    assert "nothing was paid" in switched and "INV-1044: $400.00" in switched and "Mastercard •4444" in switched
    chat.say("yes")
    with chat.services.db.uow() as uow:
        (payment,) = uow.session.scalars(select(Payment))
        assert (payment.amount_minor, payment.method_id) == (40_000, mastercard)


def test_a_yes_to_a_smaller_sum_requotes_it_and_pays_only_on_the_next_yes(chat: Chat) -> None:
    chat.say("pay 1043 and 1044")
    answer = chat.say("yes but only $100 for now")  # a yes to another sum: the old quote is not paid
    assert "nothing was paid on that quote" in answer and "Which invoice should the $100.00 go to?" in answer
    assert quote_statuses(chat) == ["canceled"] and payments(chat.services.db) == []
    assert "What is the reason for paying less?" in chat.say("1044")
    answer = chat.say("damaged goods")
    assert "Total: $100.00" in answer and chat.state() == "confirm_quote"
    chat.say("yes")
    assert payments(chat.services.db) == [(10000, "pending", "sms")]
    assert "INV-1044" in chat.last[0].text and "$100.00" in chat.last[0].text


def test_a_yes_to_another_day_quotes_the_same_invoice_scheduled_then(chat: Chat) -> None:
    chat.say("pay 1044")
    answer = chat.say("ok but make it the 28th")
    assert "nothing was paid on that quote" in answer and "Please confirm this scheduled payment" in answer
    assert "INV-1044: $400.00" in answer and "Date: Sat, Nov 28, 2026" in answer
    assert quote_statuses(chat) == ["canceled", "open"] and payments(chat.services.db) == []


def test_a_no_naming_another_day_quotes_that_day_and_pays_nothing_yet(chat: Chat) -> None:
    chat.say("pay 1043")
    answer = chat.say("NO. The 28th.")
    assert "nothing was paid on that quote" in answer and "Date: Sat, Nov 28, 2026" in answer
    assert "INV-1043: $250.00" in answer and payments(chat.services.db) == []
    assert quote_statuses(chat) == ["canceled", "open"]


def test_a_new_day_said_after_the_payment_was_made_confirms_nothing(chat: Chat) -> None:
    chat.say("pay 1043")
    assert "on its way" in chat.say("yes")
    assert chat.say("NO. The 28th.") == "There is nothing waiting for your confirmation. Say PAY to start a payment."
    assert payments(chat.services.db) == [(25000, "pending", "sms")]
