"""The dialogue, end to end through `bot.engine.handle` on SQLite and PostgreSQL: every flow a customer uses,
money moving only after an exact quote is confirmed, and once only."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

from sqlalchemy import func, select, update

from bot.engine import handle
from bot.turns import Inbound, Reply
from core.bootstrap import Services
from core.conversations.models import Conversation, ConversationTurn
from core.dunning.models import DunningNotice, PaymentPromise
from core.kernel.audit import Actor
from core.kernel.db import Database
from core.kernel.models import AuditEvent
from core.ledger.models import Contact, Customer, Document, Payment
from core.outbox.models import OutboxMessage
from core.payments.adapters.sandbox import SandboxProcessor
from core.payments.models import PaymentLine, PaymentMethod, PaymentQuote
from core.payments.webhooks import receive
from tests.books import TEST_ACTOR, customer, invoice, load

NOW = dt.datetime(2026, 11, 22, 15, 0, tzinfo=dt.UTC)  # a Sunday
PHONE = "+15105550123"
SECRET = "whsec_dialogue_test"


# -- helpers (test_identity and the chat CLI test use them too) -----------------------------------------------


@dataclass
class Chat:
    """A customer typing to the bot; each message gets its own provider id, as Twilio and Telegram give."""

    services: Services
    channel: str = "sms"
    sender: str = PHONE
    now: dt.datetime = NOW
    sent: int = 0
    last: list[Reply] = field(default_factory=list)

    def send(self, text: str, provider_id: str | None = None, **fields: object) -> list[Reply]:
        self.sent += 1
        inbound = Inbound(self.channel, self.sender, text, provider_id or f"{self.sender}-{self.sent}",
                          **fields)  # type: ignore[arg-type]
        self.last = handle(self.services, inbound, now=self.now)
        return self.last

    def say(self, text: str, **fields: object) -> str:
        return "\n".join(reply.text for reply in self.send(text, **fields))

    def press(self, label_start: str) -> str:
        """Press the button of the last answer whose label starts so."""
        button = next(b for r in self.last for b in r.buttons if b.label.startswith(label_start))
        return self.say(button.payload)

    def later(self, **delta: float) -> Chat:
        self.now += dt.timedelta(**delta)
        return self

    def state(self) -> str:
        with self.services.db.uow() as uow:
            return str(uow.session.scalar(select(Conversation.state).where(
                Conversation.channel == self.channel, Conversation.external_id == self.sender)))

    def conversation_id(self) -> int:
        with self.services.db.uow() as uow:
            return int(uow.session.scalar(select(Conversation.id).where(
                Conversation.channel == self.channel, Conversation.external_id == self.sender)) or 0)


def use_sandbox(services: Services) -> SandboxProcessor:
    processor = SandboxProcessor(services.db, [SECRET], card_delay=0, ach_delay=0, return_delay=0)
    services.processors["sandbox"] = processor
    return processor


def settle(services: Services) -> int:
    """Deliver the sandbox's due webhooks to our own intake, as its HTTP posts would."""
    processor = services.processors["sandbox"]
    assert isinstance(processor, SandboxProcessor)

    def post(body: bytes, headers: dict[str, str]) -> int:
        receive(services.db.uow(), processor, headers, body, Actor("sandbox", "webhook"), services.branding)
        return 200

    return processor.deliver_due(post)


def add_card(db: Database, token: str = "tok_visa", brand: str = "visa", last4: str = "4242",
             code: str = "ACME") -> int:
    with db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == code))
        method = PaymentMethod(customer_id=customer_id, processor="sandbox", token=token, kind="card", brand=brand,
                               last4=last4, exp_month=12, exp_year=2034, active=True)
        uow.session.add(method)
        uow.commit()
        return method.id


def count(db: Database, model: type, *where: object) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def sms_reminder(db: Database) -> None:
    """Today's stage-3 reminder by SMS for Acme's overdue INV-1043 and INV-1044 ($650.00), as dunning keeps it."""
    with db.uow() as uow:
        ids = {number: id_ for number, id_ in uow.session.execute(select(Document.number, Document.id))}
        customer_id = uow.session.scalar(select(Customer.id))
        uow.session.add(DunningNotice(customer_id=customer_id, run_date=NOW.date(), stage=3, channel="sms",
                                      balance_minor=65000, currency="USD", days_over_terms=52,
                                      invoice_ids=[ids["INV-1043"], ids["INV-1044"]]))
        uow.commit()


def acme_book(db: Database) -> None:
    """Acme: INV-1043 $250 (52 days overdue), INV-1044 $400 (22 days), INV-1042 $1,000 current with 2%/10 days."""
    assert not load(db, "classes", [{"code": "AUTO", "allow_auto_statement": "true"}]).rejected
    customer(db, "ACME", name="Acme Corp", phone="+1 510 555 0123", **{"class": "AUTO", "delivery": "sms;email"})
    invoice(db, "INV-1042", "1000.00", "2026-11-15", discount_percent="2", discount_days="10")
    invoice(db, "INV-1043", "250.00", "2026-09-01")
    invoice(db, "INV-1044", "400.00", "2026-10-01")


def open_minor(db: Database, number: str) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(Document.open_minor).where(Document.number == number)) or 0)


def payments(db: Database) -> list[tuple[int, str, str | None]]:
    """(amount in cents, status, channel) of every payment, oldest first."""
    with db.uow() as uow:
        rows = uow.session.scalars(select(Payment).order_by(Payment.id))
        return [(p.amount_minor, p.status, p.channel) for p in rows]


# -- account answers ------------------------------------------------------------------------------------------


def test_balance_names_what_is_due_past_due_and_the_oldest(chat: Chat) -> None:
    answer = chat.say("what do I owe?")
    assert "$1,650.00" in answer and "Past due: $650.00" in answer
    assert "INV-1043, is 52 days overdue" in answer


def test_balance_in_two_currencies_tells_a_credit_apart(chat: Chat) -> None:
    invoice(chat.services.db, "CAD-1", "100.00", "2026-11-01", currency="CAD")
    invoice(chat.services.db, "CAD-CM", "300.00", "2026-11-10", type="credit", currency="CAD")
    invoice(chat.services.db, "CM-7", "50.00", "2026-11-20", type="credit")

    answer = chat.say("balance")

    assert answer.startswith("You have a credit of CA$200.00 on your account. Your balance is $1,600.00. "
                             "Past due: $650.00; the oldest, INV-1043, is 52 days overdue.")
    assert [b.label for b in chat.last[0].buttons] == ["Pay overdue", "Invoices"]


def test_with_nothing_open_the_balance_says_so(chat: Chat) -> None:
    with chat.services.db.uow() as uow:
        uow.session.execute(update(Document).values(voided=True))
        uow.commit()

    assert chat.say("balance") == "You have no balance — nothing is due. Thank you!"


def test_a_list_of_one_invoice_offers_pay_1(chat: Chat) -> None:
    with chat.services.db.uow() as uow:
        uow.session.execute(update(Document).where(Document.number != "INV-1043").values(voided=True))
        uow.commit()
    listed = chat.say("invoices")
    assert "1. INV-1043" in listed and "Say PAY 1 to pay it." in listed and "second" not in listed


def test_after_the_list_pay_2_and_the_second_one_mean_the_second_invoice(chat: Chat) -> None:
    listed = chat.say("show my invoices")
    assert listed.index("1. INV-1043") < listed.index("2. INV-1044") < listed.index("3. INV-1042")
    assert "INV-1044: $400.00" in chat.say("the second one")
    chat.say("no")
    chat.say("invoices")
    quote = chat.say("pay 2")
    assert "INV-1044: $400.00" in quote and "Total: $400.00" in quote and "Visa •4242" in quote
    assert "Paid" not in quote and payments(chat.services.db) == []  # nothing moves before YES


# -- paying ---------------------------------------------------------------------------------------------------


def test_pay_one_invoice_with_its_early_payment_discount(chat: Chat) -> None:
    quote = chat.say("pay INV-1042")
    assert "INV-1042: $980.00 (after a $20.00 early-payment discount)" in quote
    assert "Date: today (Sun, Nov 22)" in quote
    assert "on its way" in chat.say("YES")
    assert payments(chat.services.db) == [(98000, "pending", "sms")]
    settle(chat.services)
    assert open_minor(chat.services.db, "INV-1042") == 0
    assert payments(chat.services.db)[0][1] == "succeeded"


def test_pay_several_invoices_named_in_one_message(chat: Chat) -> None:
    quote = chat.say("pay 1043 and 1044")
    assert "INV-1043: $250.00" in quote and "INV-1044: $400.00" in quote and "Total: $650.00" in quote
    chat.press("Yes")
    settle(chat.services)
    assert payments(chat.services.db) == [(65000, "succeeded", "sms")]
    assert (open_minor(chat.services.db, "INV-1043"), open_minor(chat.services.db, "INV-1044")) == (0, 0)


def test_pay_all_overdue_leaves_the_current_invoice_open(chat: Chat) -> None:
    quote = chat.say("pay all overdue")
    assert "Total: $650.00" in quote and "INV-1042" not in quote
    chat.say("yes")
    settle(chat.services)
    assert open_minor(chat.services.db, "INV-1042") == 100000
    assert open_minor(chat.services.db, "INV-1043") == open_minor(chat.services.db, "INV-1044") == 0


def test_a_short_payment_asks_for_a_reason_from_the_configured_ones(chat: Chat) -> None:
    question = chat.say("pay $300 on 1044")
    assert "reason" in question.lower()
    labels = [b.label for r in chat.last for b in r.buttons]
    assert labels == list(chat.services.settings.short_pay_reasons)
    quote = chat.press("Damaged goods")
    assert "INV-1044: $300.00 of $400.00 open — short paid: Damaged goods" in quote
    chat.say("yes")
    with chat.services.db.uow() as uow:
        line = uow.session.scalars(select(PaymentLine)).one()
        assert (line.amount_minor, line.short_reason, line.short_comment) == (30000, "Damaged goods", None)


def test_short_pay_for_other_asks_for_a_comment(chat: Chat) -> None:
    chat.say("pay 300 dollars on INV-1044")
    assert "few words" in chat.say("Other")
    quote = chat.say("two cases never arrived")
    assert "short paid: Other (two cases never arrived)" in quote
    chat.say("yes")
    with chat.services.db.uow() as uow:
        line = uow.session.scalars(select(PaymentLine)).one()
        assert (line.short_reason, line.short_comment) == ("Other", "two cases never arrived")


def test_an_amount_without_an_invoice_is_a_question_not_a_guess(chat: Chat) -> None:
    question = chat.say("pay $250")
    assert "Which invoices" in question and chat.state() == "ask_invoice"
    assert count(chat.services.db, PaymentQuote) == 0
    quote = chat.say("1")
    assert "INV-1043: $250.00" in quote and "Total: $250.00" in quote


def test_one_amount_for_several_invoices_asks_which_one_it_is_for(chat: Chat) -> None:
    question = chat.say("pay $300 on 1043 and 1044")
    assert "Which invoice should the $300.00 go to?" in question
    assert "reason" in chat.say("2").lower()  # $300 of INV-1044's $400: short, so why?


def test_schedule_quotes_the_discount_as_of_that_date_and_cancel_releases_it(chat: Chat) -> None:
    quote = chat.say("pay 1042 on tuesday")
    assert "Please confirm this scheduled payment" in quote and "Date: Tue, Nov 24, 2026" in quote
    assert "$980.00" in quote  # still within the 10 days
    assert "Scheduled" in chat.say("yes")
    assert payments(chat.services.db) == [(98000, "scheduled", "sms")]
    cancel = chat.say("cancel my scheduled payment")
    assert "$980.00" in cancel and "Nov 24" in cancel
    assert "I'll leave it" in chat.say("no")
    assert payments(chat.services.db) == [(98000, "scheduled", "sms")]
    chat.say("cancel my scheduled payment")
    assert "will not be made" in chat.say("yes")
    assert payments(chat.services.db) == [(98000, "canceled", "sms")]
    late = chat.say("pay 1042 on dec 5")
    assert "Total: $1,000.00" in late  # the discount window closed on Nov 25


def test_deposit_on_account(chat: Chat) -> None:
    quote = chat.say("put $300 on account")
    assert "On account (a deposit): $300.00" in quote
    chat.say("yes")
    settle(chat.services)
    with chat.services.db.uow() as uow:
        payment = uow.session.scalars(select(Payment)).one()
        assert (payment.amount_minor, payment.unapplied_minor, payment.status) == (30000, 30000, "succeeded")


def test_several_methods_and_none_used_yet_ask_which_one(chat: Chat) -> None:
    add_card(chat.services.db, "tok_mastercard", "mastercard", "4444")
    question = chat.say("pay 1043")
    assert "Which card" in question
    assert "Mastercard •4444" in chat.press("Mastercard")
    chat.say("yes")
    chat.say("pay 1044")  # the method used last is the default now
    assert "Method: Mastercard •4444" in chat.last[0].text


def test_no_method_on_file_gets_the_processors_one_time_page(services: Services) -> None:
    sandbox = use_sandbox(services)
    acme_book(services.db)
    chat = Chat(services)
    answer = chat.send("pay 1043")[0]
    assert answer.link is not None and "/sandbox/methods/new?link=" in answer.link
    # The processor that signed the link checks it, on the chat's clock, not the wall's.
    grant = sandbox.read_method_link(answer.link.split("link=")[1], chat.now)
    assert grant.customer_code == "ACME"
    assert count(services.db, PaymentQuote) == 0


def test_after_a_dunning_message_pay_means_what_it_asked_for(chat: Chat) -> None:
    db = chat.services.db
    sms_reminder(db)
    quote = chat.say("PAY")
    assert "Total: $650.00" in quote and "INV-1042" not in quote


# -- exactly once ----------------------------------------------------------------------------------------------


def test_a_second_yes_and_a_repeated_delivery_pay_once(chat: Chat) -> None:
    chat.say("pay 1044")
    first = chat.send("yes", provider_id="SM-yes")
    again = chat.send("yes", provider_id="SM-yes")  # Twilio retries the same MessageSid
    assert "on its way" in first[0].text and again == []
    assert "already done" in chat.say("YES")
    assert len(payments(chat.services.db)) == 1
    with chat.services.db.uow() as uow:
        [quote] = uow.session.scalars(select(PaymentQuote)).all()
        assert (quote.status, quote.total_minor) == ("executed", 40000)
        channels = set(uow.session.scalars(select(AuditEvent.channel).where(AuditEvent.action == "payment.pending")))
        executed = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "quote.executed")).one()
        assert channels == {"sms"} and executed.details["conversation_id"] == quote.conversation_id


def test_the_yes_button_of_an_executed_quote_pays_nothing_more(chat: Chat) -> None:
    chat.say("pay 1044")
    yes = chat.last[0].buttons[0].payload
    chat.say(yes)
    assert "already done" in chat.say(yes)
    assert len(payments(chat.services.db)) == 1


def test_an_expired_quote_is_refused_and_a_fresh_one_offered(chat: Chat) -> None:
    chat.say("pay 1044")
    answer = chat.later(minutes=11).say("yes")
    assert "expired" in answer and "Total: $400.00" in answer
    assert payments(chat.services.db) == []
    with chat.services.db.uow() as uow:
        statuses = uow.session.scalars(select(PaymentQuote.status).order_by(PaymentQuote.id)).all()
    assert statuses == ["expired", "open"]
    chat.say("yes")
    assert len(payments(chat.services.db)) == 1


def test_two_yeses_racing_from_two_deliveries_pay_once(chat: Chat) -> None:
    chat.say("pay 1044")
    answers: list[list[Reply]] = []
    threads = [threading.Thread(target=lambda n=n: answers.append(chat.send("yes", provider_id=f"race-{n}")))
               for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = [a[0].text for a in answers]
    assert len(payments(chat.services.db)) == 1
    assert sum("already done" in t for t in texts) == 1 and sum("on its way" in t for t in texts) == 1


def test_a_bare_2_answers_no_to_a_quote_but_picks_from_a_list(chat: Chat) -> None:
    chat.say("pay 1044")
    assert "nothing was paid" in chat.say("2")
    chat.say("pay")
    assert "Total: $1,630.00" in chat.say("ALL")  # INV-1042 with its $20.00 discount


def test_no_cancels_the_quote(chat: Chat) -> None:
    chat.say("pay 1044")
    assert "nothing was paid" in chat.say("no")
    assert "nothing waiting" in chat.say("yes")
    assert payments(chat.services.db) == []


# -- statement, promise, dispute, agent ------------------------------------------------------------------------


def test_statement_for_a_month_comes_as_its_pdf(chat: Chat) -> None:
    from core.statements.cycle import run_statements

    services = chat.services
    run_statements(services.db, services.settings, services.files, statement_date=dt.date(2026, 10, 31),
                   finance_charges_on=None, actor=TEST_ACTOR)
    [reply] = chat.send("october statement")
    assert reply.document_file_id is not None and "Oct 31, 2026" in reply.text
    assert reply.link is not None and "/d/" in reply.link  # SMS carries a signed link instead of the file
    assert "don't have a statement for September 2026" in chat.say("september statement")


def test_a_promise_to_pay_is_recorded_and_dunning_holds_off(chat: Chat) -> None:
    from core.dunning.run import run_dunning

    answer = chat.say("I'll pay on Friday")
    assert "Fri, Nov 27, 2026" in answer
    with chat.services.db.uow() as uow:
        promise = uow.session.scalars(select(PaymentPromise)).one()
        assert (promise.promised_for, promise.status, promise.channel) == (dt.date(2026, 11, 27), "open", "sms")
    [result] = run_dunning(chat.services, NOW.date(), TEST_ACTOR)
    assert result.status == "skipped" and "promise" in (result.reason or "")


def test_money_said_already_sent_is_noted_on_its_way_not_refused_as_a_past_promise(chat: Chat) -> None:
    from core.dunning.run import run_dunning

    answer = chat.say("we mailed the check for 1042 on monday")  # said on Sunday, Nov 22
    assert "went out on Mon, Nov 16, 2026" in answer and "in the past" not in answer
    with chat.services.db.uow() as uow:
        promise = uow.session.scalars(select(PaymentPromise)).one()
        assert (promise.promised_for, promise.status) == (NOW.date(), "open")
        assert "said sent on 2026-11-16" in (promise.note or "")
    [result] = run_dunning(chat.services, NOW.date(), TEST_ACTOR)
    assert result.status == "skipped" and "promise" in (result.reason or "")


def test_a_dispute_is_recorded_and_staff_are_told(chat: Chat) -> None:
    answer = chat.say("I dispute invoice 1042, the price is wrong")
    assert "A person will get back to you" in answer
    with chat.services.db.uow() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "dispute.opened")).one()
        message = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.reason == "dispute")).one()
        assert event.details["invoice"] == "INV-1042" and event.channel == "sms"
        assert message.recipient == chat.services.settings.seller_email and "ACME" in message.body_text


def test_handoff_to_an_agent_keeps_the_bot_quiet_until_bot(chat: Chat) -> None:
    assert "Type BOT" in chat.say("I want to talk to a person")
    assert chat.state() == "agent"
    assert "has your messages" in chat.say("hello? what do I owe")  # acknowledged once (issue 15.7)
    assert chat.send("anyone?") == []
    assert "back with the assistant" in chat.say("BOT")
    assert "$1,650.00" in chat.say("balance")
    assert count(chat.services.db, AuditEvent, AuditEvent.action == "conversation.handoff") == 1


def test_history_receipt_and_methods(chat: Chat) -> None:
    chat.say("pay 1043")
    chat.say("yes")
    settle(chat.services)
    assert "$250.00 by Visa •4242, succeeded (INV-1043)" in chat.say("payment history")
    [receipt] = chat.send("send me the receipt")
    assert receipt.document_file_id is not None and "P-" in receipt.text
    assert "Visa •4242 (used last)" in chat.say("what cards do you have on file")
    [link] = chat.send("add a card")
    assert link.link is not None and "never here" in link.text


# -- safety -----------------------------------------------------------------------------------------------------


def test_stop_and_start_record_the_sms_opt_out_at_once(chat: Chat) -> None:
    assert "unsubscribed" in chat.say("STOP")
    with chat.services.db.uow() as uow:
        assert uow.session.scalars(select(Contact.sms_opt_out)).one() is True
    assert chat.send("balance") == []  # no texts to a number that said STOP
    assert "subscribed again" in chat.say("START")
    with chat.services.db.uow() as uow:
        assert uow.session.scalars(select(Contact.sms_opt_out)).one() is False


def test_too_many_messages_a_minute_get_one_slow_down_and_nothing_done(chat: Chat) -> None:
    for _ in range(20):
        chat.send("help")
    assert "faster than I can answer" in chat.say("pay 1044")
    assert chat.send("pay 1044") == []
    assert count(chat.services.db, PaymentQuote) == 0
    assert "Total: $400.00" in chat.later(minutes=2).say("pay 1044")


def test_a_card_number_typed_in_chat_never_reaches_the_transcript(chat: Chat) -> None:
    answer = chat.say("here is my card 4242 4242 4242 4242 exp 12/30")
    assert "never send card" in answer
    with chat.services.db.uow() as uow:
        texts = uow.session.scalars(select(ConversationTurn.text)).all()
    assert not any("4242 4242" in text or "4242424242424242" in text for text in texts)
    assert any("[number removed]" in text for text in texts)
