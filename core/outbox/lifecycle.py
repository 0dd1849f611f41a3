"""The outbox: every outbound message is a row first, then a dispatcher sends it.

    pending ──approve──▶ approved ──send──▶ sent
       │                  │  ▲  │
       │                  │  │  └── refused for good, or the last attempt failed ──▶ failed
       │                  │  └──────────────────────── retry ──────────────────────────┘
       └───── cancel ─────┴──▶ canceled

A temporary failure leaves the message approved, due again after a backoff that doubles per attempt.

A producer calls `queue` inside its own transaction, so the message exists exactly when the change that
caused it does. Staff approve, cancel and retry (`approve`, `cancel`, `retry`). The dispatcher
(`core.outbox.sending`) sends approved messages and records what happened.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.documents.models import StoredFile
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork, as_utc
from core.kernel.errors import Conflict, Invalid, NotFound
from core.ledger.models import DELIVERY_METHODS, Customer
from core.outbox.models import OUTBOX_STATUSES, OutboxMessage

# Sending is the dispatcher's; its names are importable from here too, where they lived until it moved out.
from core.outbox.sending import DeliveryError as DeliveryError
from core.outbox.sending import DispatchSummary as DispatchSummary
from core.outbox.sending import OutgoingMessage as OutgoingMessage
from core.outbox.sending import Sender as Sender
from core.outbox.sending import backoff as backoff
from core.outbox.sending import dispatch as dispatch
from core.outbox.sending import update_delivery_log

E164 = re.compile(r"\+[1-9]\d{6,14}")


# ── Recipients ────────────────────────────────────────────────────────────────────────────────────────


def fax_address(number_e164: str, gateway_domain: str) -> str:
    """The email-to-fax gateway's address for a fax number: +15105550100 → 15105550100@fax.example.net."""
    domain = gateway_domain.strip().lower()
    if not domain or "@" in domain or "." not in domain:
        raise Invalid(f"no usable fax gateway domain ({gateway_domain!r}); set ARAGENT_FAX_GATEWAY_DOMAIN",
                      "fax_gateway_domain")
    if not E164.fullmatch(number_e164):
        raise Invalid(f"fax number {number_e164!r} is not in E.164 form (e.g. +15105550100)", "recipient")
    return f"{number_e164[1:]}@{domain}"


# ── Queueing ──────────────────────────────────────────────────────────────────────────────────────────


def queue(
    session: Session, actor: Actor, *, channel: str, recipient: str, template: str, subject: str = "",
    body_text: str = "", body_html: str | None = None, attachments: Sequence[int] = (), reason: str = "",
    customer_id: int | None = None, statement_id: int | None = None, dedupe_key: str | None = None,
    approved: bool = False, respect_quiet_hours: bool = False,
) -> OutboxMessage:
    """Write a message in the caller's transaction; it commits or rolls back with the caller's change.

    A `dedupe_key` already queued returns that message instead of a second one (a rerun, a retried job).
    `respect_quiet_hours`: pushed to the customer unasked (a dunning notice), so it goes out only within the
    quiet-hours window of the customer's timezone.
    """
    recipient = checked_recipient(channel, recipient)
    if dedupe_key is not None and (existing := _by_dedupe_key(session, dedupe_key)) is not None:
        return existing
    _check_attachments(session, attachments)
    message = OutboxMessage(
        channel=channel, recipient=recipient, template=template, subject=subject, body_text=body_text,
        body_html=body_html, attachments=list(attachments), reason=reason, customer_id=customer_id,
        statement_id=statement_id, dedupe_key=dedupe_key, created_by=actor.name,
        status="approved" if approved else "pending", respect_quiet_hours=respect_quiet_hours,
    )
    if dedupe_key is None:
        session.add(message)
        session.flush()
        return message
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        # A concurrent transaction queued the same key first (PostgreSQL made us wait for it): use its row.
        existing = _by_dedupe_key(session, dedupe_key)
        if existing is None:
            raise
        return existing
    return message


@dataclass(frozen=True)
class Draft:
    """A message no other change causes (a chat reply pushed later, a statement asked for on the phone)."""

    channel: str
    recipient: str
    template: str
    subject: str = ""
    body_text: str = ""
    reason: str = ""
    customer_id: int | None = None
    statement_id: int | None = None
    dedupe_key: str | None = None
    approved: bool = False


def queue_drafts(uow: UnitOfWork, actor: Actor, drafts: Sequence[Draft]) -> list[int]:
    """Queue the drafts together in a transaction of their own; the ids of their messages (for a dedupe key
    already queued, that message's)."""
    with uow:
        ids = [queue(uow.session, actor, **asdict(draft)).id for draft in drafts]
        uow.commit()
        return ids


def checked_recipient(channel: str, recipient: str) -> str:
    if channel not in DELIVERY_METHODS:
        raise Invalid(f"unknown channel {channel!r}; expected one of {', '.join(DELIVERY_METHODS)}", "channel")
    recipient = recipient.strip()
    if not recipient:
        raise Invalid(f"a {channel} message needs a recipient", "recipient")
    if channel == "email" and "@" not in recipient:
        raise Invalid(f"not an email address: {recipient!r}", "recipient")
    if channel in ("fax", "sms") and not E164.fullmatch(recipient):
        raise Invalid(f"{channel} number {recipient!r} is not in E.164 form (e.g. +15105550100)", "recipient")
    return recipient


def _by_dedupe_key(session: Session, key: str) -> OutboxMessage | None:
    return session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))


def _check_attachments(session: Session, file_ids: Sequence[int]) -> None:
    if not file_ids:
        return
    found = set(session.scalars(select(StoredFile.id).where(StoredFile.id.in_(file_ids))))
    if missing := [i for i in file_ids if i not in found]:
        raise Invalid(f"attachment file(s) {', '.join(map(str, missing))} not in the document library",
                      "attachments")


# ── Staff actions ─────────────────────────────────────────────────────────────────────────────────────


def approve(uow: UnitOfWork, actor: Actor, ids: Iterable[int]) -> list[int]:
    """Pending → approved. Returns the ids that changed; an already approved message is left as it is."""
    return _move(uow, actor, ids, to="approved", allowed_from=("pending",), action="outbox.approved")


def approve_pending(uow: UnitOfWork, actor: Actor, *, channel: str | None = None,
                    reason: str | None = None) -> list[int]:
    """Approve every pending message (of one channel, for one reason): the batch release after a review."""
    query = select(OutboxMessage).where(OutboxMessage.status == "pending").order_by(OutboxMessage.id)
    if channel is not None:
        query = query.where(OutboxMessage.channel == _known(channel, DELIVERY_METHODS, "channel"))
    if reason is not None:
        query = query.where(OutboxMessage.reason == reason)
    with uow:
        # Locked as read: a message canceled meanwhile drops out of the batch instead of failing it.
        messages = list(uow.session.scalars(query.with_for_update()))
        moved = _transition(uow.session, actor, messages, to="approved", allowed_from=("pending",),
                            action="outbox.approved")
        uow.commit()
        return moved


def cancel(uow: UnitOfWork, actor: Actor, ids: Iterable[int], reason: str) -> list[int]:
    """Pending or approved → canceled; a sent or failed message cannot be taken back."""
    return _move(uow, actor, ids, to="canceled", allowed_from=("pending", "approved"), action="outbox.canceled",
                 reason=reason)


def retry(uow: UnitOfWork, actor: Actor, ids: Iterable[int]) -> list[int]:
    """Failed → approved, with a fresh set of attempts, due at once."""

    def fresh(message: OutboxMessage) -> None:
        message.attempts, message.next_attempt_at = 0, None

    return _move(uow, actor, ids, to="approved", allowed_from=("failed",), action="outbox.retried", then=fresh)


def _move(
    uow: UnitOfWork, actor: Actor, ids: Iterable[int], *, to: str, allowed_from: tuple[str, ...], action: str,
    then: Callable[[OutboxMessage], None] | None = None, **details: str,
) -> list[int]:
    wanted = sorted(set(ids))
    if not wanted:
        raise Invalid("give at least one message id", "ids")
    with uow:
        moved = _transition(uow.session, actor, _lock(uow.session, wanted), to=to, allowed_from=allowed_from,
                            action=action, then=then, **details)
        uow.commit()
        return moved


def _transition(
    session: Session, actor: Actor, messages: list[OutboxMessage], *, to: str, allowed_from: tuple[str, ...],
    action: str, then: Callable[[OutboxMessage], None] | None = None, **details: str,
) -> list[int]:
    """All or nothing: one message in the wrong state refuses the whole request before anything changes.
    Asking again for the state a message is already in changes nothing (a repeated command is harmless)."""
    moving = [m for m in messages if m.status != to]
    for message in moving:
        if message.status not in allowed_from:
            raise Conflict(f"message {message.id} is {message.status}; only a {' or '.join(allowed_from)} "
                           f"message can be {action.split('.')[1]}")
    for message in moving:
        audit.record(session, actor, action, customer_id=message.customer_id, subject=f"outbox:{message.id}",
                     status_from=message.status, status_to=to, channel=message.channel, **details)
        message.status = to
        if then is not None:
            then(message)
    update_delivery_log(session, [m.id for m in moving], to)
    return [m.id for m in moving]


def _lock(session: Session, ids: list[int]) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id).with_for_update()
    messages = list(session.scalars(query))
    if missing := sorted(set(ids) - {m.id for m in messages}):
        raise NotFound("outbox message", ", ".join(map(str, missing)))
    return messages


def _known(value: str, allowed: Sequence[str], name: str) -> str:
    if value not in allowed:
        raise Invalid(f"unknown {name} {value!r}; expected one of {', '.join(allowed)}", name)
    return value


# ── Reading ───────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class MessageView:
    id: int
    channel: str
    recipient: str
    customer: str | None
    template: str
    reason: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str | None
    provider_id: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None


def list_messages(uow: UnitOfWork, *, status: str | None = None, channel: str | None = None,
                  customer_code: str | None = None, limit: int = 100) -> list[MessageView]:
    """The newest messages first, filtered as asked."""
    query = (select(OutboxMessage, Customer.code).outerjoin(Customer, Customer.id == OutboxMessage.customer_id)
             .order_by(OutboxMessage.id.desc()).limit(limit))
    if status is not None:
        query = query.where(OutboxMessage.status == _known(status, OUTBOX_STATUSES, "status"))
    if channel is not None:
        query = query.where(OutboxMessage.channel == _known(channel, DELIVERY_METHODS, "channel"))
    with uow:
        if customer_code is not None:
            customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == customer_code))
            if customer_id is None:
                raise NotFound("customer", customer_code)
            query = query.where(OutboxMessage.customer_id == customer_id)
        return [_view(message, code) for message, code in uow.session.execute(query)]


def _view(m: OutboxMessage, customer_code: str | None) -> MessageView:
    return MessageView(
        id=m.id, channel=m.channel, recipient=m.recipient, customer=customer_code, template=m.template,
        reason=m.reason, subject=m.subject, status=m.status, attempts=m.attempts,
        next_attempt_at=as_utc(m.next_attempt_at), last_error=m.last_error, provider_id=m.provider_id,
        created_at=as_utc(m.created_at), sent_at=as_utc(m.sent_at),
    )
