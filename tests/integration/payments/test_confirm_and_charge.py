"""Confirm the exact total, then charge (core.payments.quotes) on both backends: a chat quote is executed once,
exactly as offered, with the claim, the re-pricing and the payment in one transaction and no database lock held
while the processor answers; the console's and the phone line's confirmed totals go through the same step."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import event, func, select, update

from core import payments
from core.bootstrap import Services
from core.conversations import open_conversation
from core.kernel import Actor
from core.kernel.models import AuditEvent
from core.ledger import AllocationRequest
from core.ledger.models import Document, InvoiceHold, Payment
from core.payments import Confirmed, PriceChanged, QuoteOutcome, SandboxProcessor
from core.payments.models import PaymentQuote
from core.payments.processor import ChargeRequest, ChargeResult
from tests.integration.payments.test_payments import REASONS, TODAY, payments_book, usd

NOW = dt.datetime(2026, 11, 22, 15, 0, tzinfo=dt.UTC)
CHAT = Actor("conversation:test", "sms")


class WatchedSandbox(SandboxProcessor):
    """The sandbox, noting how many database connections are in use whenever it is asked to charge."""

    def __init__(self, services: Services) -> None:
        super().__init__(services.db, ["whsec_t"], card_delay=0, ach_delay=0, return_delay=0)
        self.engine = services.db.engine
        self.in_use_at_charge: list[int] = []

    def charge(self, request: ChargeRequest) -> ChargeResult:
        self.in_use_at_charge.append(self.engine.pool.checkedout())  # type: ignore[attr-defined]
        return super().charge(request)


@pytest.fixture
def sandbox(services: Services) -> WatchedSandbox:
    return WatchedSandbox(services)


@pytest.fixture
def card(services: Services) -> int:
    return payments_book(services.db)  # ACME: INV-1 1000.00 (2% for 10 days from Nov 15), INV-2 250.00, a Visa


def chat_id(services: Services) -> int:
    return open_conversation(services.db.uow(), "sms", "+15105550123").id


def offer(services: Services, conversation_id: int, method_id: int, *numbers: str) -> payments.QuoteView:
    _, kept = payments.offer_payment(
        services.db.uow(), conversation_id=conversation_id, customer_code="ACME", kind="pay",
        requests=[AllocationRequest(n) for n in numbers], pay_on=TODAY, reasons=REASONS, method_id=method_id,
        now=NOW, actor=CHAT, words=lambda quote: f"Pay {quote.total.amount}? Reply YES or NO.")
    return kept


def yes(services: Services, sandbox: WatchedSandbox, conversation_id: int, quote_id: int,
        now: dt.datetime = NOW) -> QuoteOutcome:
    return payments.confirm_quote(services.db.uow, sandbox, conversation_id=conversation_id, quote_id=quote_id,
                                  now=now, today=TODAY, reasons=REASONS, actor=CHAT, branding=services.branding)


def counted(services: Services, model: type, *where: object) -> int:
    with services.db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def quote_status(services: Services, quote_id: int) -> str:
    with services.db.uow() as uow:
        return str(uow.session.scalar(select(PaymentQuote.status).where(PaymentQuote.id == quote_id)))


def test_yes_pays_once_in_one_transaction_and_holds_no_lock_while_the_processor_answers(
        services: Services, sandbox: WatchedSandbox, card: int) -> None:
    conversation = chat_id(services)
    quote = offer(services, conversation, card, "INV-1", "INV-2")
    assert (quote.text, quote.total) == ("Pay 1230.00? Reply YES or NO.", usd("1230.00"))  # INV-1 with its discount
    begun: Counter[str] = Counter()
    event.listen(services.db.engine, "begin", lambda _conn: begun.update(["charged" if sandbox.in_use_at_charge
                                                                            else "before the charge"]))

    done = yes(services, sandbox, conversation, quote.id)

    assert done.answer == "done" and done.payment is not None
    assert (done.payment.status, done.payment.amount, done.payment.method) == ("pending", usd("1230.00"), "Visa •4242")
    assert sandbox.in_use_at_charge == [0]  # every transaction had ended when the processor was called
    assert begun["before the charge"] == 1  # claim, re-price, the payment and its holds: one transaction
    again = yes(services, sandbox, conversation, quote.id)
    assert (again.answer, again.quote and again.quote.payment_id) == ("executed", done.payment.payment_id)
    assert len(sandbox.in_use_at_charge) == 1 and counted(services, Payment) == 1
    actions = [a for a in _audited(services) if a.startswith("quote.")]
    assert actions == ["quote.offered", "quote.executed"]


def _audited(services: Services) -> list[str]:
    with services.db.uow() as uow:
        return list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_balance_changed_since_the_quote_pays_nothing(services: Services, sandbox: WatchedSandbox,
                                                       card: int) -> None:
    conversation = chat_id(services)
    quote = offer(services, conversation, card, "INV-2")
    with services.db.uow() as uow:  # a partial payment posted in the ERP meanwhile
        uow.session.execute(update(Document).where(Document.number == "INV-2").values(open_minor=20000))
        uow.commit()

    changed = yes(services, sandbox, conversation, quote.id)

    assert changed.answer == "changed" and changed.payment is None
    assert counted(services, Payment) == 0 and counted(services, InvoiceHold) == 0 and sandbox.in_use_at_charge == []
    assert quote_status(services, quote.id) == "failed" and "quote.failed" in _audited(services)


def test_a_refusal_inside_the_payment_leaves_nothing_behind_but_the_failed_quote(
        services: Services, sandbox: WatchedSandbox, card: int) -> None:
    conversation = chat_id(services)
    quote = offer(services, conversation, card, "INV-2")
    payments.deactivate_method(services.db.uow(), "ACME", card, Actor("user:agent", "console"))

    refused = yes(services, sandbox, conversation, quote.id)

    assert refused.answer == "refused" and "deactivated" in refused.reason
    assert counted(services, Payment) == 0 and counted(services, InvoiceHold) == 0  # undone to the savepoint
    assert quote_status(services, quote.id) == "failed"
    assert yes(services, sandbox, conversation, quote.id).answer == "failed"


def test_a_late_yes_finds_the_quote_expired_and_another_chat_finds_none(
        services: Services, sandbox: WatchedSandbox, card: int) -> None:
    conversation = chat_id(services)
    quote = offer(services, conversation, card, "INV-2")
    other = open_conversation(services.db.uow(), "telegram", "42").id

    assert yes(services, sandbox, other, quote.id).answer == "unknown"
    late = yes(services, sandbox, conversation, quote.id, now=NOW + dt.timedelta(minutes=10))
    assert late.answer == "expired" and quote_status(services, quote.id) == "expired"
    assert counted(services, Payment) == 0


def test_no_cancels_an_open_quote_once(services: Services, sandbox: WatchedSandbox, card: int) -> None:
    conversation = chat_id(services)
    quote = offer(services, conversation, card, "INV-2")

    declined = payments.decline_quote(services.db.uow(), conversation_id=conversation, quote_id=quote.id)

    assert declined is not None and declined.total == usd("250.00")
    assert payments.decline_quote(services.db.uow(), conversation_id=conversation, quote_id=quote.id) is None
    assert yes(services, sandbox, conversation, quote.id).answer == "canceled"


def test_a_scheduled_payment_is_canceled_through_its_quote(services: Services, sandbox: WatchedSandbox,
                                                           card: int) -> None:
    later = TODAY + dt.timedelta(days=3)
    made = payments.pay_confirmed(
        services.db.uow, sandbox, Confirmed((AllocationRequest("INV-2"),), usd("250.00"), card, later),
        customer_code="ACME", today=TODAY, reasons=REASONS, actor=CHAT, branding=services.branding)
    assert made.status == "scheduled" and sandbox.in_use_at_charge == []
    conversation = chat_id(services)
    [scheduled] = payments.scheduled_payments(services.db.uow(), "ACME")
    quote = payments.offer_cancel(
        services.db.uow(), conversation_id=conversation, customer_code="ACME", payment_id=scheduled.id,
        amount=scheduled.amount, on=scheduled.on, invoices=scheduled.invoices, text="Cancel it?", now=NOW, actor=CHAT)

    done = yes(services, sandbox, conversation, quote.id)

    assert done.answer == "done" and done.payment is None
    assert payments.scheduled_payments(services.db.uow(), "ACME") == [] and counted(services, InvoiceHold) == 0


def test_the_console_and_the_phone_pay_the_confirmed_total_or_nothing(services: Services, sandbox: WatchedSandbox,
                                                                      card: int) -> None:
    def pay(total: str, lines: tuple[tuple[str, int], ...] | None = None) -> payments.PaymentMade:
        confirmed = Confirmed((AllocationRequest("INV-1"), AllocationRequest("INV-2")), usd(total), card, TODAY,
                              lines=lines)
        return payments.pay_confirmed(services.db.uow, sandbox, confirmed, customer_code="ACME", today=TODAY,
                                      reasons=REASONS, actor=Actor("user:agent", "console"),
                                      branding=services.branding)

    with pytest.raises(PriceChanged, match="the total is now 1230.00 USD, not the 1250.00 USD you confirmed"):
        pay("1250.00")  # the review missed the discount
    with pytest.raises(PriceChanged, match="amounts are not the ones you confirmed"):
        pay("1230.00", (("INV-1", 100000), ("INV-2", 23000)))  # the same total, other amounts
    assert counted(services, Payment) == 0 and sandbox.in_use_at_charge == []

    made = pay("1230.00", (("INV-1", 98000), ("INV-2", 25000)))

    assert (made.status, made.amount, made.method) == ("pending", usd("1230.00"), "Visa •4242")
    assert sandbox.in_use_at_charge == [0]
