"""Notices a payment's outcome owes the customer (failed, canceled, returned, refunded, disputed), written
to the outbox in the same transaction as the status change, approved: they go out without review.

The channel is the customer's first delivery method that has an address (email, then SMS, then Telegram
when the customer chose none of them), by the outbox's rule (`core.outbox.recipients`); a customer with no
address at all gets an audit line instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.documents import pay_link
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.errors import Invalid
from core.ledger.models import Customer, Document, Payment
from core.outbox import lifecycle as outbox
from core.outbox.messages import render
from core.outbox.recipients import first_reachable
from core.payments.declines import decline_words
from core.payments.models import PaymentLine

HEADLINES = {
    "failed": "did not go through", "canceled": "was canceled", "returned": "was returned by your bank",
    "refunded": "was refunded", "disputed": "is disputed",
}
CHANNELS = ("email", "sms", "telegram")


@dataclass(frozen=True)
class Branding:
    """How a notice signs off: the seller's name and phone, and its Telegram bot ("" when there is none); and what
    the notices of a declined scheduled charge need from the settings: the retry days (core.payments.retries) and a
    fresh "Pay online" link for a customer code (None: the notices carry none)."""

    seller_name: str
    seller_phone: str
    telegram_bot: str
    retry_days: tuple[int, ...] = ()
    pay_url: Callable[[str], str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, settings: Settings) -> Branding:
        return cls(settings.seller_name, settings.seller_phone, settings.telegram_bot, settings.retry_schedule_days,
                   lambda code: pay_link(settings, code))


def queue_payment_notice(session: Session, payment: Payment, status: str, reason: str | None, actor: Actor,
                         branding: Branding, *, retry_on: dt.date | None = None, tries: int = 0) -> None:
    """Queue the notice `status` owes the payment's customer, signed as `branding` says; or audit why none goes.

    A scheduled charge's decline (core.payments.retries) says when it is tried again (`retry_on`), or that after
    `tries` attempts it will not be (the final notice, one per payment), and carries a "Pay online" link."""
    customer = session.get(Customer, payment.customer_id)
    assert customer is not None
    found = first_reachable(customer, CHANNELS)
    if isinstance(found, str):
        audit.record(session, actor, "notification.skipped", customer_id=customer.id, subject=f"payment:{payment.id}",
                     template=f"payment_{status}", reason=found)
        return
    channel, recipient = found
    invoices = list(session.scalars(select(Document.number).join(PaymentLine, PaymentLine.invoice_id == Document.id)
                                    .where(PaymentLine.payment_id == payment.id).order_by(Document.number)))
    context = dict(seller=branding.seller_name, customer_name=customer.name, reference=f"P-{payment.id}",
                   amount=payment.amount.format(), method="", headline=HEADLINES[status],
                   reason=decline_words(reason) if reason else "",
                   invoices=invoices if status != "disputed" else [], telegram_bot=branding.telegram_bot,
                   phone=branding.seller_phone, retry_on=retry_on.strftime("%b %-d, %Y") if retry_on else "",
                   tries=tries, pay_url="")
    retried = retry_on is not None or tries > 0
    if retried and branding.pay_url is not None and channel in ("email", "sms"):
        context["pay_url"] = branding.pay_url(customer.code)
    subject = render("payment_notice.email.subject.txt", **context) if channel == "email" else ""
    outbox.queue(session, actor, channel=channel, recipient=recipient, template=f"payment_notice.{channel}",
                 subject=subject, body_text=render(f"payment_notice.{channel}.txt", **context),
                 reason=f"payment_{status}", customer_id=customer.id,
                 dedupe_key=f"payment:{payment.id}:{status}{':final' if tries else ''}", approved=True)


def queue_ach_authorization_notice(session: Session, customer: Customer, method_label: str, actor: Actor,
                                   branding: Branding) -> str:
    """The written notice that confirms a debit authorized on a phone call (NACHA TEL: a recording, or a written
    notice the customer receives before the first debit settles). Email only: it has to be a writing the
    customer keeps. The reference recorded with the authorization: "notice #<outbox id> to <address>"."""
    found = first_reachable(customer, ("email",))
    if isinstance(found, str):
        raise Invalid(f"authorization: a written notice needs the customer's email address ({found}); record the "
                      "call's recording instead", "authorization")
    channel, recipient = found
    context = dict(seller=branding.seller_name, customer_name=customer.name, method=method_label,
                   phone=branding.seller_phone, agent=actor.name.removeprefix("user:"))
    message = outbox.queue(session, actor, channel=channel, recipient=recipient,
                           template="ach_authorization.email",
                           subject=render("ach_authorization.email.subject.txt", **context),
                           body_text=render("ach_authorization.email.txt", **context), reason="ach_authorization",
                           customer_id=customer.id, approved=True)
    return f"notice #{message.id} to {recipient}"
