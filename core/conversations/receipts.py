"""A receipt for every payment a customer made through us, sent back where the payment was made, once.

After the processor's event settles a payment as succeeded, the next outbox pass renders its receipt and queues it:

    paid in a chat     Telegram: to that chat, the PDF attached     SMS: to that number, a short text and a link
    paid on the phone  an SMS to the caller's number when it is one of the customer's usable numbers, else as below
    console, API, CLI  the customer's first reachable channel, in their delivery order (email first by default)

A payment recorded outside us (an ERP import, the demo's history) gets none: it went through no processor here. The
outbox's dedupe key (`payment:<id>:receipt`) makes each receipt go once, whichever pass or process queues it; a
payment that succeeded more than `RECEIPT_WINDOW` ago is history, not news, and is left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from core.conversations.models import Conversation
from core.documents.letterhead import seller_info
from core.documents.links import document_link
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.models import AuditEvent
from core.kernel.money import Money
from core.kernel.runtime import Runtime
from core.ledger.balances import CurrencyBalance, balance_today
from core.ledger.models import Customer, Document, Payment
from core.outbox.lifecycle import queue
from core.outbox.messages import render
from core.outbox.models import OutboxMessage
from core.outbox.recipients import address_for, first_reachable, reach_of
from core.payments.history import method_label
from core.payments.models import PaymentLine, PaymentMethod
from core.payments.notices import Branding
from core.payments.receipts import render_receipt

RECEIPT_WINDOW = dt.timedelta(days=7)
CHANNELS = ("email", "sms", "telegram")  # where a receipt can go; fax and print are for statements


@dataclass(frozen=True)
class Route:
    channel: str
    recipient: str


def dedupe_key(payment_id: int) -> str:
    return f"payment:{payment_id}:receipt"


def send_receipts(runtime: Runtime, branding: Branding, today: dt.date, actor: Actor, *, limit: int = 200) -> int:
    """Render and queue the receipt of every payment that succeeded lately and has none queued; how many went."""
    due = _due(runtime.db.uow(), today, limit)
    if not due:
        return 0
    queued, seller = 0, seller_info(runtime.settings, runtime.files)
    for payment_id, customer_id in due:
        stored = render_receipt(runtime.db.uow(), runtime.files, payment_id, seller)
        balances = balance_today(runtime.db.uow(), customer_id, today)
        with runtime.db.uow() as uow:
            if _queue_receipt(uow, runtime, branding, payment_id, stored.id, balances, actor):
                queued += 1
            uow.commit()
    return queued


def _due(uow: UnitOfWork, today: dt.date, limit: int) -> list[tuple[int, int]]:
    """Succeeded lately, through a processor, and neither queued nor skipped with a reason yet."""
    with uow:
        rows = uow.session.execute(
            select(Payment.id, Payment.customer_id).where(Payment.status == "succeeded", Payment.processor.is_not(None),
                                                          Payment.received_on >= today - RECEIPT_WINDOW)
            .order_by(Payment.id))
        recent = {payment_id: customer_id for payment_id, customer_id in rows}
        if not recent:
            return []
        queued = set(uow.session.scalars(select(OutboxMessage.dedupe_key).where(
            OutboxMessage.dedupe_key.in_([dedupe_key(i) for i in recent]))))
        skipped = set(uow.session.scalars(select(AuditEvent.subject).where(
            AuditEvent.action == "receipt.skipped", AuditEvent.subject.in_([f"payment:{i}" for i in recent]))))
        return [(i, customer) for i, customer in recent.items()
                if dedupe_key(i) not in queued and f"payment:{i}" not in skipped][:limit]


def route(uow: UnitOfWork, payment: Payment, customer: Customer) -> Route | str:
    """Where the receipt of `payment` goes, or why it cannot go anywhere."""
    origin, _, ref = payment.initiated_by.partition(":")
    number = ref if origin == "caller" else None  # paid on the phone: the caller's number
    if origin == "conversation" and ref.isdigit() and (chat := uow.session.get(Conversation, int(ref))) is not None:
        if chat.channel == "telegram":
            return Route("telegram", chat.external_id)
        number = chat.external_id if chat.channel == "sms" else None
    # The number it was paid from, when it is one of the customer's usable (not STOPped) numbers.
    if number and address_for("sms", reach_of(customer), preferred_phone=number)[0] == number:
        return Route("sms", number)
    found = first_reachable(customer, CHANNELS)
    return found if isinstance(found, str) else Route(*found)


def _queue_receipt(uow: UnitOfWork, runtime: Runtime, branding: Branding, payment_id: int, file_id: int,
                   balances: list[CurrencyBalance], actor: Actor) -> bool:
    session = uow.session
    payment = session.get(Payment, payment_id)
    assert payment is not None
    customer = session.get(Customer, payment.customer_id)
    assert customer is not None
    found = route(uow, payment, customer)
    if isinstance(found, str):
        # The audit line is also the sweep's memory: a payment skipped with a reason is not tried again.
        audit.record(session, actor, "receipt.skipped", customer_id=customer.id, subject=f"payment:{payment.id}",
                     reason=found)
        return False
    method = session.get(PaymentMethod, payment.method_id) if payment.method_id else None
    invoices = list(session.scalars(select(Document.number).join(PaymentLine, PaymentLine.invoice_id == Document.id)
                                    .where(PaymentLine.payment_id == payment.id).order_by(Document.number)))
    balance = next((b for b in balances if b.currency == payment.currency), None)
    context = dict(
        seller=branding.seller_name, phone=branding.seller_phone, customer_name=customer.name,
        reference=f"P-{payment.id}", amount=payment.amount.format(), method=method_label(payment.method_kind, method),
        received_on=f"{payment.received_on:%b} {payment.received_on.day}, {payment.received_on:%Y}", invoices=invoices,
        balance=Money.from_minor(balance.balance_minor, balance.currency).format() if balance else "",
        link=document_link(runtime.settings, file_id) if found.channel == "sms" else "",
    )
    subject = render("payment_receipt.email.subject.txt", **context) if found.channel == "email" else ""
    queue(session, actor, channel=found.channel, recipient=found.recipient, template=f"payment_receipt.{found.channel}",
          subject=subject, body_text=render(f"payment_receipt.{found.channel}.txt", **context),
          attachments=[] if found.channel == "sms" else [file_id], reason="payment_receipt", customer_id=customer.id,
          dedupe_key=dedupe_key(payment.id), approved=True)
    audit.record(session, actor, "receipt.queued", customer_id=customer.id, subject=f"payment:{payment.id}",
                 channel=found.channel, file_id=file_id)
    return True
