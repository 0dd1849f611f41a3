"""Notices a payment's outcome owes the customer (failed, canceled, returned, refunded, disputed), written
to the outbox in the same transaction as the status change, approved: they go out without review.

The channel is the customer's first delivery method that has an address (email, then SMS, then Telegram
when the customer chose none of them); a customer with no address at all gets an audit line instead.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.ledger.models import Contact, Customer, Document, Payment
from core.outbox import lifecycle as outbox
from core.outbox.messages import render
from core.payments.models import PaymentLine

HEADLINES = {
    "failed": "did not go through", "canceled": "was canceled", "returned": "was returned by your bank",
    "refunded": "was refunded", "disputed": "is disputed",
}
CHANNELS = ("email", "sms", "telegram")

# The seller's name and phone for the texts. Set by the composition root (core.bootstrap) so that the many
# paths that settle a payment (webhooks, reconcile, the charge's own answer) need not carry the settings.
_branding = Settings()


def use_settings(settings: Settings) -> None:
    global _branding
    _branding = settings


def _address(contacts: list[Contact], channel: str) -> str | None:
    for contact in sorted(contacts, key=lambda c: (not c.is_primary, c.id)):
        if channel == "email" and contact.email and not contact.email_opt_out:
            return contact.email
        if channel == "sms" and contact.phone and not contact.sms_opt_out:
            return contact.phone
        if channel == "telegram" and contact.telegram_user_id:
            return str(contact.telegram_user_id)
    return None


def queue_payment_notice(session: Session, payment: Payment, status: str, reason: str | None, actor: Actor) -> None:
    settings = _branding
    customer = session.get(Customer, payment.customer_id)
    assert customer is not None
    preferred = [m for m in customer.delivery_methods if m in CHANNELS] + list(CHANNELS)
    channel, recipient = next(((c, a) for c in preferred if (a := _address(customer.contacts, c))), (None, None))
    if channel is None or recipient is None:
        audit.record(session, actor, "notification.skipped", customer_id=customer.id, subject=f"payment:{payment.id}",
                     template=f"payment_{status}", reason="no email, mobile number or Telegram chat on file")
        return
    invoices = list(session.scalars(select(Document.number).join(PaymentLine, PaymentLine.invoice_id == Document.id)
                                    .where(PaymentLine.payment_id == payment.id).order_by(Document.number)))
    context = dict(seller=settings.seller_name, customer_name=customer.name, reference=f"P-{payment.id}",
                   amount=payment.amount.format(), method="", headline=HEADLINES[status], reason=reason or "",
                   invoices=invoices if status != "disputed" else [], telegram_bot=settings.telegram_bot,
                   phone=settings.seller_phone)
    subject = render("payment_notice.email.subject.txt", **context) if channel == "email" else ""
    outbox.queue(session, actor, channel=channel, recipient=recipient, template=f"payment_notice.{channel}",
                 subject=subject, body_text=render(f"payment_notice.{channel}.txt", **context),
                 reason=f"payment_{status}", customer_id=customer.id, dedupe_key=f"payment:{payment.id}:{status}",
                 approved=True)
