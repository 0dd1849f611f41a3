"""The dispatcher: sends the outbox's approved messages through one `Sender` per channel.

Each message is claimed in a short transaction, sent outside any transaction, and its outcome recorded in
another: a provider that is down costs an attempt, never the message. A temporary failure leaves the
message approved, due again after a backoff that doubles per attempt; a permanent refusal, or the last
attempt, fails it. What the message's states are, and who else moves them, is in `core.outbox.lifecycle`.

Before a claim spends an attempt, the rules for pushed messages may hold the message back: a recipient who
opted out of the channel since it was queued cancels it; outside its customer's quiet hours, or beyond its
channel's rate limit in this pass, it waits (`core.outbox.policies`). A provider's "retry after" waits too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from typing import Literal, Protocol, cast

import structlog
from sqlalchemy import ColumnElement, CursorResult, func, or_, select, update
from sqlalchemy.orm import Session

from core.documents.files import FileInfo, FileStore
from core.documents.models import StoredFile
from core.kernel import audit
from core.kernel.config import Settings
from core.kernel.db import Database, as_utc
from core.outbox.models import OutboxMessage
from core.outbox.policies import Cancel, Pacer, Postpone, hold_back, rate_limits, statement_to_attach

log = structlog.get_logger("aragent.outbox")

# A claim is a lease: a dispatcher that dies mid-send leaves the message due again after this long. It must
# outlast the slowest single send (SMTP timeouts are seconds), or a slow send would be claimed and sent twice.
CLAIM_LEASE = dt.timedelta(minutes=15)
MAX_BACKOFF = dt.timedelta(hours=6)
DISPATCHER = audit.Actor("dispatcher", "outbox")
Outcome = Literal["sent", "failed", "deferred", "postponed", "canceled"]


# ── What a sender sees ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class OutgoingMessage:
    """One message as a sender needs it: plain values, attachments loaded from the file store."""

    id: int
    channel: str
    recipient: str
    subject: str
    body_text: str
    body_html: str | None
    attachments: tuple[Attachment, ...] = ()


class DeliveryError(Exception):
    """A send that did not happen. `permanent`: retrying cannot help (the address is refused).

    `retry_after`: the provider asked us to wait that many seconds (Telegram's 429): the message is due
    again then, and the try does not count as a failed attempt.
    """

    def __init__(self, reason: str, *, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.permanent, self.retry_after = reason, permanent, retry_after


class _Unsendable(DeliveryError):
    """The message could not be put together (an attachment is gone, the statement will not render): the
    provider was never asked, so its channel goes on."""


class Sender(Protocol):
    def send(self, message: OutgoingMessage) -> str:
        """Deliver the message and return the provider's id for it, or raise `DeliveryError`."""
        ...


# ── One pass ──────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class DispatchSummary:
    sent: int = 0
    failed: int = 0  # for good: a permanent refusal, or the last attempt
    deferred: int = 0  # a temporary failure: tried again after the backoff
    held: int = 0  # approved, for a channel without a sender yet (print, telegram, sms …)
    postponed: int = 0  # not tried, no attempt spent: quiet hours, a rate limit, the provider's retry_after
    canceled: int = 0  # the recipient opted out of the channel after the message was queued

    def counted(self, outcome: Outcome) -> DispatchSummary:
        return replace(self, **{outcome: getattr(self, outcome) + 1})


# A statement's PDF from the library, rendered and stored on first use: the statements context gives it
# (`core.statements.pdf.ensure_statement_pdf`), so the outbox sends a statement it never has to know how to draw.
StatementPdf = Callable[[Database, FileStore, int], tuple[FileInfo, bytes]]


@dataclass(frozen=True)
class _Claim:
    message: OutgoingMessage  # attachments not yet loaded
    attempts: int
    files: tuple[tuple[str, str, str], ...]  # filename, content type, storage key
    missing_files: tuple[int, ...]
    statement_pdf: int | None  # the statement whose PDF goes with it, to be rendered on first use


def dispatch(db: Database, files: FileStore, senders: Mapping[str, Sender], *, settings: Settings,
             statement_pdf: StatementPdf, now: dt.datetime | None = None, limit: int = 100,
             only: Collection[int] | None = None) -> DispatchSummary:
    """One pass: look at up to `limit` approved messages that are due, for the channels that have a sender,
    and send those the rules do not hold back. `only`: these message ids and no others (a clerk's "send now").
    `statement_pdf` gives the PDF of a statement a message carries (a dunning notice names the latest one).

    A temporary failure pauses its channel for the rest of the pass: when the provider is down, the other
    messages keep their attempts for the next pass instead of each spending one on the same outage.
    """
    moment = as_utc(now) if now is not None else dt.datetime.now(dt.UTC)
    summary = DispatchSummary(held=_held(db, senders))
    channels, pacer = set(senders), Pacer(rate_limits(settings))
    for _ in range(limit):
        claim = _claim_next(db, channels, moment, settings, pacer, only)
        if claim is None:
            break
        if isinstance(claim, str):  # held back: "postponed" or "canceled"
            summary = summary.counted(claim)
            continue
        outcome = _attempt(db, files, claim, senders[claim.message.channel], statement_pdf)
        if isinstance(outcome, DeliveryError) and not outcome.permanent and not isinstance(outcome, _Unsendable):
            channels.discard(claim.message.channel)
        summary = _record(db, claim, outcome, moment, settings, summary)
    return summary



def _claim_next(db: Database, channels: Collection[str], moment: dt.datetime, settings: Settings,
                pacer: Pacer, only: Collection[int] | None = None) -> _Claim | Outcome | None:
    """Take the oldest due message: one attempt, leased from now, so the lease covers just its own send.

    A message the rules hold back is put out of the way instead, with no attempt spent: "postponed" or
    "canceled" says which.
    """
    if not channels:
        return None
    with db.uow() as uow:
        # SKIP LOCKED: a second dispatcher takes another message instead of waiting to send this one again.
        # SQLite ignores FOR UPDATE; its BEGIN IMMEDIATE (core.kernel.db) already serializes claimers.
        query = (select(OutboxMessage).where(*_due(channels, moment)).order_by(OutboxMessage.id).limit(1)
                 .with_for_update(skip_locked=True))
        if only is not None:
            query = query.where(OutboxMessage.id.in_(list(only)))
        message = uow.session.scalar(query)
        if message is None:
            return None
        rule = hold_back(uow.session, message, moment, settings.quiet_hours, pacer)
        if rule is None:
            message.attempts += 1
            message.next_attempt_at = moment + CLAIM_LEASE
        claim = _claimed(uow.session, message) if rule is None else _held_back(uow.session, message, rule)
        uow.commit()
        return claim


def _due(channels: Collection[str], moment: dt.datetime) -> tuple[ColumnElement[bool], ...]:
    return (OutboxMessage.status == "approved", OutboxMessage.channel.in_(list(channels)),
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= moment))


def _held_back(session: Session, m: OutboxMessage, rule: Postpone | Cancel) -> Outcome:
    if isinstance(rule, Postpone):
        m.next_attempt_at, m.last_error = rule.until, rule.note or m.last_error
        return "postponed"
    audit.record(session, DISPATCHER, "outbox.canceled", customer_id=m.customer_id, subject=f"outbox:{m.id}",
                 status_from=m.status, status_to="canceled", channel=m.channel, reason=rule.reason)
    m.status, m.last_error, m.next_attempt_at = "canceled", rule.reason, None
    update_delivery_log(session, [m.id], "canceled")
    return "canceled"


def _claimed(session: Session, m: OutboxMessage) -> _Claim:
    stored = {f.id: f for f in session.scalars(select(StoredFile).where(StoredFile.id.in_(m.attachments)))
              } if m.attachments else {}
    return _Claim(
        message=OutgoingMessage(m.id, m.channel, m.recipient, m.subject, m.body_text, m.body_html),
        attempts=m.attempts,
        files=tuple((stored[i].filename, stored[i].content_type, stored[i].storage_key)
                    for i in m.attachments if i in stored),
        missing_files=tuple(i for i in m.attachments if i not in stored),
        statement_pdf=statement_to_attach(session, m),
    )


def _held(db: Database, senders: Mapping[str, Sender]) -> int:
    with db.uow() as uow:
        query = select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "approved",
                                                            OutboxMessage.channel.not_in(list(senders)))
        return uow.session.scalar(query) or 0


def _attempt(db: Database, files: FileStore, claim: _Claim, sender: Sender,
             statement_pdf: StatementPdf) -> str | DeliveryError:
    """The provider id, or why it was not sent. Any surprise is a temporary failure: the message stays."""
    message = _put_together(db, files, claim, statement_pdf)
    if isinstance(message, DeliveryError):
        return message
    try:
        return sender.send(message)
    except DeliveryError as error:
        return error
    except Exception as exc:
        log.exception("sender raised unexpectedly; the message will be retried", outbox_id=claim.message.id)
        return DeliveryError(f"{type(exc).__name__}: {exc}")


def _put_together(db: Database, files: FileStore, claim: _Claim,
                  statement_pdf: StatementPdf) -> OutgoingMessage | _Unsendable:
    """The message with its attachments loaded; a statement's PDF is rendered and kept on first use."""
    if claim.missing_files:
        return _Unsendable(f"attachment file(s) {list(claim.missing_files)} no longer exist", permanent=True)
    try:
        loaded = [Attachment(name, kind, files.get(key)) for name, kind, key in claim.files]
        if claim.statement_pdf is not None:
            info, pdf = statement_pdf(db, files, claim.statement_pdf)
            loaded.append(Attachment(info.filename, "application/pdf", pdf))
    except Exception as exc:
        log.exception("message could not be put together; it will be retried", outbox_id=claim.message.id)
        return _Unsendable(f"{type(exc).__name__}: {exc}")
    return replace(claim.message, attachments=tuple(loaded))


# ── Recording the outcome ─────────────────────────────────────────────────────────────────────────────


def _record(db: Database, claim: _Claim, outcome: str | DeliveryError, moment: dt.datetime, settings: Settings,
            summary: DispatchSummary) -> DispatchSummary:
    message_id = claim.message.id
    if isinstance(outcome, DeliveryError):
        log.warning("outbox message not sent", outbox_id=message_id, channel=claim.message.channel,
                    attempts=claim.attempts, permanent=outcome.permanent, error=outcome.reason)
    with db.uow() as uow:
        if isinstance(outcome, str):
            _record_sent(uow.session, message_id, outcome, moment)
            summary = summary.counted("sent")
        elif outcome.permanent:
            _record_failure(uow.session, claim, outcome.reason, status="failed", next_attempt_at=None)
            summary = summary.counted("failed")
        elif outcome.retry_after is not None:
            wait = min(dt.timedelta(seconds=max(outcome.retry_after, 0)), MAX_BACKOFF)
            _record_wait(uow.session, claim, outcome.reason, moment + wait)
            summary = summary.counted("postponed")
        elif claim.attempts >= settings.outbox_max_attempts:
            _record_failure(uow.session, claim, outcome.reason, status="failed", next_attempt_at=None)
            summary = summary.counted("failed")
        else:
            retry_at = moment + backoff(claim.attempts, settings.outbox_backoff_seconds)
            _record_failure(uow.session, claim, outcome.reason, status="approved", next_attempt_at=retry_at)
            summary = summary.counted("deferred")
        uow.commit()
    return summary


def backoff(attempts: int, base_seconds: int) -> dt.timedelta:
    """The wait after the n-th failed attempt: base, 2×base, 4×base … at most six hours."""
    return min(dt.timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _record_sent(session: Session, message_id: int, provider_id: str, moment: dt.datetime) -> None:
    # It went out, so it is sent, even if a clerk canceled it while it was on the wire: the record tells
    # what the customer received. A second copy (a lease that ran out) keeps the first record.
    session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status != "sent")
        .values(status="sent", provider_id=provider_id[:200], sent_at=moment,
                next_attempt_at=None, last_error=None)
    )
    update_delivery_log(session, [message_id], "sent")


def _record_failure(session: Session, claim: _Claim, reason: str, *, status: str,
                    next_attempt_at: dt.datetime | None) -> None:
    # Only the holder of the latest claim records a failure: a canceled message stays canceled, and a claim
    # that outlived its lease leaves the message to whoever claimed it next.
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == claim.message.id, OutboxMessage.status == "approved",
               OutboxMessage.attempts == claim.attempts)
        .values(status=status, last_error=reason[:500], next_attempt_at=next_attempt_at)
    )
    if status == "failed" and cast(CursorResult, result).rowcount:
        update_delivery_log(session, [claim.message.id], "failed")


def _record_wait(session: Session, claim: _Claim, reason: str, due_at: dt.datetime) -> None:
    # The provider asked us to wait: its refusal gives the attempt back, so waiting never fails a message.
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == claim.message.id, OutboxMessage.status == "approved",
               OutboxMessage.attempts == claim.attempts)
        .values(attempts=claim.attempts - 1, last_error=reason[:500], next_attempt_at=due_at)
    )


def update_delivery_log(session: Session, outbox_ids: Collection[int], status: str) -> None:
    """Keep a statement's delivery log line in step with the message that delivers it.

    Here rather than in `core.outbox.lifecycle`, whose staff actions call it too: lifecycle imports this module.
    """
    # Imported here: the statements context sits above the outbox (the one exception the layers contract names).
    from core.statements.models import StatementDelivery

    if outbox_ids:
        line_status = "queued" if status == "approved" else status
        session.execute(update(StatementDelivery).where(StatementDelivery.outbox_id.in_(outbox_ids))
                        .values(status=line_status))
