"""Issue 15, items 5, 11 and 14, on SQLite and PostgreSQL: money in dispute is held out of what is asked for and paid
in bulk (chat, dunning, the phone line) until staff resolve it in the console; a reply to a reminder pays exactly
what the reminder named.

Acme (tests.integration.bot.test_dialogue.acme_book): INV-1043 $250 (52 days overdue), INV-1044 $400 (22 days),
INV-1042 $1,000 not yet due; today is Sun, Nov 22, 2026.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from channels.twilio_voice_account import balance_sentence, past_due_quote, pay_exactly
from channels.web.app import create_app
from core import staff
from core.conversations.models import Conversation
from core.dunning.models import DunningNotice
from core.dunning.run import cancel_paid_dunning, run_dunning
from core.kernel.audit import Actor
from core.kernel.models import AuditEvent
from core.kernel.money import Money
from core.ledger import resolve_dispute
from core.ledger.models import Dispute, Document, Payment
from core.ledger.posting import record_payment
from core.ledger.rules import AllocationRequest
from core.outbox.models import OutboxMessage
from core.payments.models import PaymentLine, PaymentMethod, PaymentQuote
from tests.books import TEST_ACTOR, invoice
from tests.integration.bot.test_dialogue import NOW, Chat, count, payments

TODAY = NOW.date()
PASSWORD = "correct horse battery"


def open_quote(chat: Chat) -> tuple[int, list[str]]:
    """The quote waiting for YES: its total in cents and the invoices it pays."""
    with chat.services.db.uow() as uow:
        quote = uow.session.scalars(select(PaymentQuote).where(PaymentQuote.status == "open")).one()
        return quote.total_minor, [line["number"] for line in quote.lines]


def disputes(chat: Chat) -> list[Dispute]:
    with chat.services.db.uow() as uow:
        found = list(uow.session.scalars(select(Dispute).order_by(Dispute.id)))
        uow.session.expunge_all()
        return found


def dun(chat: Chat, on: dt.date = TODAY) -> tuple[DunningNotice, OutboxMessage] | None:
    """Run dunning for Acme; its notice of the day and the message, if one was queued."""
    [result] = run_dunning(chat.services, on, TEST_ACTOR, customer_codes=["ACME"])
    if result.status != "queued":
        return None
    with chat.services.db.uow() as uow:
        notice = uow.session.scalars(select(DunningNotice).where(DunningNotice.run_date == on)).one()
        message = uow.session.get(OutboxMessage, notice.outbox_id)
        uow.session.expunge_all()
        assert message is not None
        return notice, message


def doc_ids(chat: Chat, *numbers: str) -> list[int]:
    with chat.services.db.uow() as uow:
        ids = {number: id_ for number, id_ in uow.session.execute(select(Document.number, Document.id))}
    return [ids[n] for n in numbers]


def short_pay(chat: Chat, number: str, amount: str, reason: str) -> None:
    paid = Money.of(amount, "USD")
    record_payment(chat.services.db.uow(), customer_code="ACME", amount=paid, received_on=TODAY - dt.timedelta(days=1),
                   requests=[AllocationRequest(number, paid, reason)],
                   reasons=chat.services.settings.short_pay_reasons, actor=TEST_ACTOR)


# -- 14. a dispute in chat holds the disputed amount -----------------------------------------------------------


def test_a_dispute_in_chat_is_a_row_that_holds_the_invoice_out_of_pay_all_and_dunning(chat: Chat) -> None:
    answer = chat.say("we only got half the order on 1043")
    [dispute] = disputes(chat)
    assert (dispute.document_id, dispute.amount_minor, dispute.currency, dispute.reason, dispute.status,
            dispute.channel) == (doc_ids(chat, "INV-1043")[0], 25000, "USD", "Short shipment", "open", "sms")
    assert dispute.words == "we only got half the order on 1043"
    assert dispute.opened_at.replace(tzinfo=dt.UTC) == NOW  # SQLite hands it back without its zone
    assert f"Reference: D-{dispute.id}." in answer and "$250.00 on INV-1043" in answer
    with chat.services.db.uow() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "dispute.opened")).one()
        email = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.reason == "dispute")).one()
        uow.session.expunge_all()
    assert event.subject == f"dispute:{dispute.id}" and event.details["invoice"] == "INV-1043"
    assert f"D-{dispute.id}" in email.subject and "$250.00 on INV-1043" in email.body_text

    chat.say("pay all")
    assert open_quote(chat) == (138000, ["INV-1044", "INV-1042"])  # 1044 in full, 1042 less its 2% discount
    chat.say("no")
    chat.say("pay overdue")
    assert open_quote(chat) == (40000, ["INV-1044"])
    chat.say("no")
    chat.say("pay 1043")  # named: the customer decides
    assert open_quote(chat) == (25000, ["INV-1043"])
    chat.say("no")

    found = dun(chat)
    assert found is not None
    notice, message = found
    assert notice.balance_minor == 140000 and notice.invoice_ids == doc_ids(chat, "INV-1044")
    assert "INV-1043  due" not in message.body_text and "INV-1044  due" in message.body_text
    assert "In dispute, not asked for until it is settled: INV-1043 $250.00." in message.body_text

    resolve_dispute(chat.services.db.uow(), dispute.id, Actor("user:ana", "console"), note="sent the rest",
                    now=NOW + dt.timedelta(days=1))
    found = dun(chat, TODAY + dt.timedelta(days=1))  # INV-1043 asked for again: stage 3 at once
    assert found is not None and found[0].invoice_ids == doc_ids(chat, "INV-1043", "INV-1044")
    assert found[0].balance_minor == 165000 and "INV-1043  due" in found[1].body_text
    assert "In dispute" not in found[1].body_text


def test_an_amount_said_holds_only_that_amount_and_pay_all_leaves_the_invoice_out(chat: Chat) -> None:
    answer = chat.say("$200 of 1044 is wrong")
    [dispute] = disputes(chat)
    assert (dispute.amount_minor, dispute.document_id) == (20000, doc_ids(chat, "INV-1044")[0])
    assert "$200.00 on INV-1044" in answer and "PAY ALL leaves INV-1044 out unless you name it" in answer
    chat.say("pay all")
    assert open_quote(chat) == (123000, ["INV-1043", "INV-1042"])
    chat.say("no")
    found = dun(chat)
    assert found is not None
    notice, message = found
    assert notice.balance_minor == 145000  # $1,650 less the $200 in dispute
    assert notice.invoice_ids == doc_ids(chat, "INV-1043", "INV-1044")  # the rest of 1044 is still asked for
    assert "INV-1044  due Oct 31, 2026  $200.00" in message.body_text
    assert "In dispute, not asked for until it is settled: INV-1044 $200.00." in message.body_text


def test_pay_all_with_everything_in_dispute_quotes_nothing_and_says_why(chat: Chat) -> None:
    chat.say("1043 and 1044 arrived damaged")
    assert [d.amount_minor for d in disputes(chat)] == [25000, 40000]
    answer = chat.say("pay overdue")
    assert "INV-1043 and INV-1044 are in dispute" in answer and "say PAY INV-1043" in answer
    assert count(chat.services.db, PaymentQuote) == 0


def test_a_reminder_still_waiting_is_taken_back_once_everything_it_asks_for_is_in_dispute(chat: Chat) -> None:
    found = dun(chat)
    assert found is not None
    chat.say("1043 is wrong")
    assert cancel_paid_dunning(chat.services.db, TEST_ACTOR, today=TODAY) == 0  # it still asks for INV-1044
    chat.say("1044 is wrong too")
    assert cancel_paid_dunning(chat.services.db, TEST_ACTOR, today=TODAY) == 1
    with chat.services.db.uow() as uow:
        message = uow.session.get(OutboxMessage, found[1].id)
        assert message is not None and message.status == "canceled"


# -- 5. withheld with a dispute reason --------------------------------------------------------------------------


def test_a_damaged_goods_short_pay_leaves_the_rest_out_of_pay_all_overdue_and_the_phone(chat: Chat) -> None:
    short_pay(chat, "INV-1043", "100.00", "Damaged goods")  # $150.00 withheld
    chat.say("pay all")
    assert open_quote(chat) == (138000, ["INV-1044", "INV-1042"])
    chat.say("no")
    chat.say("pay overdue")
    assert open_quote(chat) == (40000, ["INV-1044"])
    chat.say("no")

    assert balance_sentence(chat.services, "ACME", TODAY) == (
        "Your balance is $1,550.00, of which $400.00 is past due and $150.00 is in dispute.")
    quote = past_due_quote(chat.services, "ACME", TODAY)
    assert quote is not None and quote.total == Money.of("400.00", "USD")
    assert [line.number for line in quote.lines] == ["INV-1044"]
    with chat.services.db.uow() as uow:
        card = uow.session.scalars(select(PaymentMethod.id)).one()
    spoken = pay_exactly(chat.services, "ACME", quote.total, card, caller="+15105550123", call_sid="CA-disputes",
                         today=TODAY)
    assert spoken is not None and "$400.00" in spoken
    with chat.services.db.uow() as uow:
        paid = uow.session.execute(select(Payment.id, Payment.amount_minor).where(Payment.channel == "voice")).one()
        lines = uow.session.execute(select(Document.number, PaymentLine.amount_minor)
                                    .join(PaymentLine, PaymentLine.invoice_id == Document.id)
                                    .where(PaymentLine.payment_id == paid.id)).all()
    assert paid.amount_minor == 40000 and [tuple(line) for line in lines] == [("INV-1044", 40000)]


def test_returned_goods_is_not_a_dispute_reason_so_the_rest_is_still_asked_for(chat: Chat) -> None:
    short_pay(chat, "INV-1043", "100.00", "Returned goods")
    chat.say("pay overdue")
    assert open_quote(chat) == (55000, ["INV-1043", "INV-1044"])


# -- 11. "pay it" after a reminder pays what the reminder named --------------------------------------------------


def test_pay_it_after_a_reminder_pays_the_invoices_it_named_and_not_the_one_not_yet_due(chat: Chat) -> None:
    found = dun(chat)
    assert found is not None
    notice, message = found
    assert notice.invoice_ids == doc_ids(chat, "INV-1043", "INV-1044") and "INV-1042" not in message.body_text
    chat.say("pay it")
    assert open_quote(chat) == (65000, ["INV-1043", "INV-1044"])
    with chat.services.db.uow() as uow:
        context = uow.session.scalars(select(Conversation.context)).one()
    assert context["request"]["reminder"] == {"run_date": "2026-11-22", "channel": "email"}
    chat.say("yes")
    assert [amount for amount, _, _ in payments(chat.services.db)] == [65000]


def test_a_reminder_naming_a_now_disputed_invoice_pays_only_the_rest(chat: Chat) -> None:
    assert dun(chat) is not None
    chat.say("1043 is wrong, the price is too high")
    chat.say("pay it")
    assert open_quote(chat) == (40000, ["INV-1044"])


def test_the_reminder_names_the_open_invoices_when_none_is_overdue(chat: Chat) -> None:
    with chat.services.db.uow() as uow:
        for number in ("INV-1043", "INV-1044"):
            uow.session.execute(Document.__table__.update().where(Document.number == number).values(open_minor=0))
        uow.commit()
    invoice(chat.services.db, "INV-1050", "300.00", "2026-11-20")
    found = dun(chat)
    assert found is not None and found[0].invoice_ids == doc_ids(chat, "INV-1042", "INV-1050")


# -- the console: open disputes and Resolve ---------------------------------------------------------------------


@pytest.fixture
def console(chat: Chat) -> Iterator[TestClient]:
    staff.add_user(chat.services.db.uow(), "ana", PASSWORD, "agent", TEST_ACTOR)
    with TestClient(create_app(chat.services)) as client:
        client.get("/console/login")
        signed = client.post("/console/login", data={"username": "ana", "password": PASSWORD,
                                                     "_csrf_token": client.cookies.get("aragent_csrf")},
                             follow_redirects=False)
        assert signed.status_code == 303
        yield client


def test_the_console_lists_open_disputes_and_resolving_one_asks_for_the_amount_again(chat: Chat,
                                                                                     console: TestClient) -> None:
    chat.say("we only got half the order on 1043")
    [dispute] = disputes(chat)
    listed = console.get("/console/disputes")
    assert listed.status_code == 200 and f"D-{dispute.id}" in listed.text and "INV-1043" in listed.text
    assert "we only got half the order on 1043" in listed.text and 'href="/console/disputes"' in listed.text
    done = console.post(f"/console/disputes/{dispute.id}/resolve", follow_redirects=False,
                        data={"note": "credit CM-9 issued", "_csrf_token": console.cookies.get("aragent_csrf")})
    assert done.status_code == 303 and "resolved" in done.headers["location"]
    [resolved] = disputes(chat)
    assert (resolved.status, resolved.resolved_by, resolved.resolution) == ("resolved", "user:ana",
                                                                           "credit CM-9 issued")
    with chat.services.db.uow() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "dispute.resolved")).one()
        uow.session.expunge_all()
    assert (event.actor, event.channel, event.details["note"]) == ("user:ana", "console", "credit CM-9 issued")
    assert f"D-{dispute.id}" not in console.get("/console/disputes").text
    assert f"D-{dispute.id}" in console.get("/console/disputes?status=resolved").text
    again = console.post(f"/console/disputes/{dispute.id}/resolve", follow_redirects=False,
                         data={"note": "", "_csrf_token": console.cookies.get("aragent_csrf")})
    assert again.status_code == 303 and "already+resolved" in again.headers["location"]
    chat.say("pay overdue")
    assert open_quote(chat) == (65000, ["INV-1043", "INV-1044"])
