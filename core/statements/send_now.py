"""Send one document of a customer's library now: through the outbox, approved, on one of the customer's channels.

The channels offered are the customer's delivery methods that have an address (`core.outbox.recipients`, as
statement delivery reads them); print goes by the mail batch, not from here. A statement goes the way statement
delivery sends it (`core.statements.delivery`); an invoice PDF or a receipt is attached (or linked, by SMS) to a
short covering note. The dispatcher's next pass sends it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.documents.links import document_link
from core.documents.models import StoredFile
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid, NotFound
from core.kernel.runtime import Runtime
from core.ledger.models import Customer, Document
from core.ledger.posting import customer_by_code
from core.outbox import address_for, reach_of
from core.outbox import lifecycle as outbox
from core.outbox.models import OutboxMessage
from core.statements.delivery import DeliverySelection, deliver_statements
from core.statements.models import Statement

SEND_CHANNELS = ("email", "sms", "telegram", "fax")
KIND_LABELS = {"invoice_pdf": "invoice", "receipt": "payment receipt", "statement": "statement"}


@dataclass(frozen=True)
class ChannelChoice:
    channel: str
    recipient: str | None
    why_not: str = ""  # set when the channel cannot be used now


@dataclass(frozen=True)
class SendOptions:
    code: str  # the customer's
    name: str
    channels: list[ChannelChoice]


@dataclass(frozen=True)
class Queued:
    message_id: int
    channel: str
    recipient: str
    status: str


def send_options(uow: UnitOfWork, customer_code: str) -> SendOptions:
    """The customer's channels a document can go on now, each with its address or why not."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        reach = reach_of(customer)
        choices = [ChannelChoice(m, *address_for(m, reach)) for m in customer.delivery_methods if m in SEND_CHANNELS]
        return SendOptions(customer.code, customer.name, choices)


def send_file(services: Runtime, customer_code: str, file_id: int, channel: str, actor: Actor) -> Queued:
    """Queue one stored file (invoice PDF, receipt, rendered statement) to the customer, approved."""
    with services.db.uow() as uow:
        customer = customer_by_code(uow, customer_code)
        stored = uow.session.get(StoredFile, file_id)
        if stored is None or stored.customer_id != customer.id:
            raise NotFound("document", f"{file_id} of customer {customer_code}")
        statement_id = uow.session.scalar(select(Statement.id).where(Statement.file_id == file_id))
    if statement_id is not None:
        return send_statement(services, customer_code, statement_id, channel, actor)
    with services.db.uow() as uow:
        customer = customer_by_code(uow, customer_code)
        stored = uow.session.get(StoredFile, file_id)
        assert stored is not None  # read a moment ago; files are never deleted
        recipient = _usable_recipient(customer, channel)
        subject, body = _texts(services.settings, customer, _label(uow, stored), file_id, channel)
        message = outbox.queue(
            uow.session, actor, channel=channel, recipient=recipient, template=f"document.{channel}",
            subject=subject, body_text=body, attachments=[] if channel == "sms" else [file_id], reason="document",
            customer_id=customer.id, approved=True,
        )
        audit.record(uow.session, actor, "document.sent", customer_id=customer.id, subject=f"file:{file_id}",
                     channel=channel, outbox_id=message.id)
        uow.commit()
        return Queued(message.id, channel, recipient, message.status)


def send_statement(services: Runtime, customer_code: str, statement_id: int, channel: str,
                   actor: Actor) -> Queued:
    """Queue one statement (rendered first if need be) as statement delivery would, approved."""
    with services.db.uow() as uow:
        customer = customer_by_code(uow, customer_code)
        statement = uow.session.get(Statement, statement_id)
        if statement is None or statement.customer_id != customer.id:
            raise NotFound("statement", f"{statement_id} of customer {customer_code}")
        _usable_recipient(customer, channel)
    selection = DeliverySelection(methods=(channel,), statement_ids=(statement_id,), approve=True)
    line = next(iter(deliver_statements(services, selection, actor)), None)
    if line is None or line.outbox_id is None:
        raise Invalid(f"the statement cannot go by {channel}: {line.reason if line else 'not a delivery method'}")
    with services.db.uow() as uow:
        message = uow.session.get(OutboxMessage, line.outbox_id)
        assert message is not None  # just queued
        audit.record(uow.session, actor, "document.sent", customer_id=message.customer_id,
                     subject=f"statement:{statement_id}", channel=channel, outbox_id=message.id)
        uow.commit()
        return Queued(message.id, channel, message.recipient, message.status)


def _usable_recipient(customer: Customer, channel: str) -> str:
    if channel not in SEND_CHANNELS or channel not in customer.delivery_methods:
        raise Invalid(f"{channel} is not one of {customer.code}'s delivery methods "
                      f"({', '.join(customer.delivery_methods) or 'none'})", "channel")
    recipient, why_not = address_for(channel, reach_of(customer))
    if recipient is None:
        raise Invalid(f"cannot send by {channel}: {why_not}", "channel")
    return recipient


def _label(uow: UnitOfWork, stored: StoredFile) -> str:
    label = KIND_LABELS.get(stored.kind, "document")
    if stored.document_id is not None:
        number = uow.session.scalar(select(Document.number).where(Document.id == stored.document_id))
        return f"{label} {number}"
    return f"{label} ({stored.filename})"


def _texts(settings: Settings, customer: Customer, label: str, file_id: int, channel: str) -> tuple[str, str]:
    """The covering note: (subject, text)."""
    seller, contact = settings.seller_name, f"{settings.seller_phone} · {settings.seller_email}"
    subject = f"{seller}: your {label}"
    if channel == "sms":
        body = f"{seller}: your {label} is ready. View: {document_link(settings, file_id)} Reply STOP to opt out."
    elif channel == "telegram":
        body = f"Your {label} is attached."
    elif channel == "fax":
        body = f"FAX — {seller} Accounts Receivable\nTo: {customer.name} ({customer.code})\n" \
               f"Your {label}, attached.\nQuestions: {contact}"
    else:
        body = f"Dear {customer.name},\n\nAs requested, please find attached your {label}.\n\n" \
               f"Questions: {contact}\n{seller} Accounts Receivable"
    return subject, body
