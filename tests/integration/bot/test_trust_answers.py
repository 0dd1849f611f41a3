"""Issue 15, items 8 and 9: what the bot says about the account is true today, and everyday questions get an answer.

Stale and wrong states (8): a past statement's amount is told beside the balance today, in the chat and in the
phone line's texted statement; the invoice list tells a scheduled payment from one being processed; a promise
keeps the invoices it names and their amount. Everyday questions (9): who the assistant is, thanks, the finance
charge, where to mail a check or send a wire, a copy of an invoice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import select

from bot import texts
from channels.twilio_voice_account import send_statement
from core.dunning.models import PaymentPromise
from core.kernel.config import BankRemit
from core.ledger.models import Document
from core.outbox.models import OutboxMessage
from core.statements.cycle import run_statements
from tests.books import TEST_ACTOR, load
from tests.integration.bot.test_dialogue import NOW, PHONE, Chat, open_minor, payments, settle

OCT_31 = dt.date(2026, 10, 31)


def _october_statement(chat: Chat, finance_charges: bool = False) -> None:
    """Oct 31: INV-1043 $250 and INV-1044 $400 are on it (INV-1042 is dated Nov 15): $650.00."""
    services = chat.services
    run_statements(services.db, services.settings, services.files, statement_date=OCT_31,
                   finance_charges_on=OCT_31 if finance_charges else None, actor=TEST_ACTOR)


def _pay(chat: Chat, what: str) -> None:
    assert "Please confirm" in chat.say(what)
    chat.say("yes")


# -- 8. a past statement beside the balance today ---------------------------------------------------------------


def test_the_statement_after_a_payment_says_the_balance_today_beside_its_own(chat: Chat) -> None:
    _october_statement(chat)
    _pay(chat, "pay 1043")
    settle(chat.services)
    assert open_minor(chat.services.db, "INV-1043") == 0

    [reply] = chat.send("statement")

    assert reply.text.startswith("Your statement of Oct 31, 2026 showed $650.00; your balance today is $1,400.00.")
    assert reply.document_file_id is not None


def test_a_payment_still_being_processed_is_named_beside_the_balance(chat: Chat) -> None:
    _october_statement(chat)
    _pay(chat, "pay 1044")
    assert payments(chat.services.db) == [(40000, "pending", "sms")]

    answer = chat.say("send my statement")

    assert ("Your statement of Oct 31, 2026 showed $650.00; your balance today is $1,650.00, $400.00 of it in a "
            "payment being processed.") in answer


def test_the_statement_texted_from_the_phone_line_says_the_balance_today(chat: Chat) -> None:
    _october_statement(chat)
    _pay(chat, "pay 1043 and 1044")
    settle(chat.services)

    said = send_statement(chat.services, "ACME", "sms", caller=PHONE, call_sid="CA-after-paying", today=NOW.date())

    assert "on its way by text message" in said
    with chat.services.db.uow() as uow:
        body = uow.session.scalars(select(OutboxMessage.body_text).where(OutboxMessage.channel == "sms")).one()
    assert "Your statement of Oct 31, 2026 showed $650.00; your balance today is $1,000.00." in body
    assert "is ready. Amount due" not in body


def test_the_invoice_list_tells_a_scheduled_payment_from_one_being_processed(chat: Chat) -> None:
    _pay(chat, "pay 1044 on friday")
    _pay(chat, "pay 1043")
    assert sorted(status for _, status, _ in payments(chat.services.db)) == ["pending", "scheduled"]

    listed = chat.say("invoices")

    assert "INV-1044 — $400.00, 22 days overdue (scheduled for Fri, Nov 27, 2026)" in listed
    assert "INV-1043 — $250.00, 52 days overdue (payment being processed)" in listed
    assert "on its way" not in listed


def test_a_late_schedule_is_warned_of_in_one_sentence() -> None:
    today, due = dt.date(2026, 11, 22), dt.date(2026, 12, 1)
    warn = texts.late_payment_warning

    assert warn([("104108", due)], dt.date(2026, 12, 15), today=today, finance_charge=True) == (
        "104108 is due Dec 1; paying on Dec 15 is 14 days late and may add a finance charge.")
    assert warn([("104108", due)], dt.date(2026, 12, 2), today=today, finance_charge=False) == (
        "104108 is due Dec 1; paying on Dec 2 is 1 day late.")
    assert warn([("1043", dt.date(2026, 10, 1)), ("1044", due)], dt.date(2026, 12, 3), today=today,
                finance_charge=True) == ("Paying on Dec 3 is late for 1043 (due Oct 1), 1044 (due Dec 1): up to "
                                         "63 days and may add a finance charge.")
    assert warn([("104108", due)], due, today=today, finance_charge=True) is None


def test_a_promise_for_an_invoice_keeps_the_invoice_and_its_open_amount(chat: Chat) -> None:
    answer = chat.say("I'll pay 1044 on the 15th")

    assert "you'll pay INV-1044 ($400.00) by Tue, Dec 15, 2026" in answer
    with chat.services.db.uow() as uow:
        promise = uow.session.scalars(select(PaymentPromise)).one()
        invoice_id = uow.session.scalar(select(Document.id).where(Document.number == "INV-1044"))
        assert (promise.invoice_ids, promise.amount_minor, promise.promised_for) == (
            [invoice_id], 40000, dt.date(2026, 12, 15))


def test_a_promise_asked_for_its_date_keeps_its_invoices_and_the_amount_said(chat: Chat) -> None:
    assert "By which date" in chat.say("we will pay $100 on 1043 and 1044")  # an amount for two: as said
    answer = chat.say("friday")

    assert "you'll pay $100.00 on INV-1043 and INV-1044 by Fri, Nov 27, 2026" in answer
    with chat.services.db.uow() as uow:
        promise = uow.session.scalars(select(PaymentPromise)).one()
        assert (len(promise.invoice_ids), promise.amount_minor) == (2, 10000)


def test_a_new_request_naming_an_invoice_is_not_taken_for_the_promise_date_asked(chat: Chat) -> None:
    assert "By which date" in chat.say("can I pay the rest next month")
    answer = chat.say("schedule 1044 for 12/21 wait no 12/22")

    assert "you'll pay" not in answer and "Dec 22" in answer and "1044" in answer
    with chat.services.db.uow() as uow:
        assert uow.session.scalars(select(PaymentPromise)).all() == []


def test_the_date_asked_for_is_shown_by_a_day_ahead_of_today(chat: Chat) -> None:
    question = chat.say("can I pay the rest next month")

    aheads = [chat.now.date() + dt.timedelta(days=days) for days in (7, 8, 9)]  # the seller's day, a zone away
    assert any(f"For example FRIDAY or {f'{ahead:%b}'.upper()} {ahead.day}." in question for ahead in aheads)


def test_a_whole_promise_sent_while_a_date_is_asked_is_noted_with_what_it_names(chat: Chat) -> None:
    assert "By which date" in chat.say("can I pay the rest next month")
    answer = chat.say("Payment notice: we are releasing payment for invoice 1043 on Friday. Net amount $240.00 "
                      "(invoice $250.00 less credit $10.00).")

    assert "you'll pay $240.00 on INV-1043 by Fri" in answer
    with chat.services.db.uow() as uow:
        promise = uow.session.scalars(select(PaymentPromise)).one()
        assert (len(promise.invoice_ids), promise.amount_minor) == (1, 24000)


def test_a_promise_for_an_invoice_not_open_notes_nothing_and_shows_the_open_ones(chat: Chat) -> None:
    answer = chat.say("I'll pay 9999 on friday")

    assert answer.startswith("I can't find invoice 9999 among your open invoices, so I haven't noted a promise.")
    assert "1. INV-1043" in answer
    with chat.services.db.uow() as uow:
        assert uow.session.scalars(select(PaymentPromise)).all() == []


# -- 9. everyday questions ---------------------------------------------------------------------------------------


def test_who_the_assistant_is_and_thanks(chat: Chat) -> None:
    who = chat.say("r u a bot?")
    assert who.startswith("I'm the automated assistant of Northwind Supply Co. (not a person)")
    assert "Say AGENT to reach a person." in who and chat.state() == "idle"
    assert chat.say("thx") == texts.YOURE_WELCOME


def test_a_finance_charge_is_explained_with_its_rate_grace_and_the_latest_charge(chat: Chat) -> None:
    assert not load(chat.services.db, "classes", [{"code": "AUTO", "allow_auto_statement": "true",
                                                   "finance_charge_monthly_rate": "1.5",
                                                   "finance_charge_grace_days": "10"}]).rejected
    assert chat.say("why do I have a finance charge?").startswith("There is no finance charge on your account. "
                                                                  "Finance charge: 1.5% a month on amounts more than "
                                                                  "10 days past due, assessed once a month.")
    _october_statement(chat, finance_charges=True)  # INV-1043 was 30 days past due: 1.5% of $250.00

    answer = chat.say("why do I have a finance charge?")

    assert answer.startswith("Your latest finance charge is FC-ACME-20261031, $3.75 assessed Sat, Oct 31, 2026 "
                             "for October 2026 on what was past due; not paid yet. Finance charge: 1.5% a month on "
                             "amounts more than 10 days past due, assessed once a month.")
    assert open_minor(chat.services.db, "FC-ACME-20261031") == 375


def test_an_account_not_charged_hears_so(chat: Chat) -> None:
    assert chat.say("how are finance charges calculated") == "There is no finance charge on your account."


def test_where_to_mail_a_check_and_where_to_wire(chat: Chat) -> None:
    answer = chat.say("where do I mail a check?")
    assert "Please mail checks, payable to Northwind Supply Co., to:\n1200 Harbor Way\nOakland, CA 94607" in answer
    assert "customer number ACME" in answer and "routing" not in answer

    chat.services.settings = replace(chat.services.settings, remit_to=("Lockbox 4411", "Dallas, TX 75284"),
                                     remit_bank=BankRemit("First Bank", "Northwind Supply Co.", "021000021",
                                                          "000123456789"))
    answer = chat.say("what are your wire instructions")

    assert "to:\nLockbox 4411\nDallas, TX 75284" in answer
    assert ("For ACH or a wire: to Northwind Supply Co., First Bank, routing (ABA) 021000021, account "
            "000123456789; reference ACME.") in answer


def test_a_copy_of_an_invoice_comes_as_its_pdf_paid_or_not(chat: Chat) -> None:
    [copy] = chat.send("send me a copy of invoice 1044")
    assert copy.document_file_id is not None and copy.link is not None and "/d/" in copy.link
    assert copy.text.startswith("Here is INV-1044 of Oct 1, 2026: $400.00, due Sat, Oct 31, 2026; $400.00 open.")

    _pay(chat, "pay 1043")
    settle(chat.services)
    [paid] = chat.send("can I get a copy of inv 1043")
    assert paid.document_file_id is not None and "; paid in full." in paid.text


def test_a_copy_of_an_invoice_not_on_the_account_gets_the_open_list(chat: Chat) -> None:
    answer = chat.say("send me a copy of invoice 9999")

    assert answer.startswith("I can't find invoice 9999 on your account. Your open invoices:")
    assert chat.last[0].document_file_id is None and chat.state() == "list_shown"
