"""What a supervisor reviews in the outbox: messages by status, channel, reason and customer, one message in
full, and "send now" (approve, then one dispatch pass for just those messages).

The states and the staff actions themselves are `core.outbox.lifecycle`'s; sending is `core.outbox.sending`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from sqlalchemy import Select, func, select

from core.documents.files import FileStore
from core.documents.models import StoredFile
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.db import Database, UnitOfWork, as_utc
from core.kernel.errors import NotFound
from core.ledger.models import Customer
from core.outbox.lifecycle import approve
from core.outbox.models import OutboxMessage
from core.outbox.sending import DispatchSummary, Sender, StatementPdf, dispatch
from core.outbox.stages import Stage, in_stage, stage_named, stage_of


@dataclass(frozen=True)
class OutboxFilter:
    status: str | None = "pending"  # None: every status
    channel: str | None = None
    reason: str | None = None
    customer_code: str | None = None
    stage: str | None = None  # a `core.outbox.stages` key: dunning-2, statement, receipt …
    reasons: tuple[str, ...] = ()  # any of these reasons


@dataclass(frozen=True)
class MessageRow:
    id: int
    status: str
    channel: str
    recipient: str
    customer_code: str | None
    customer_name: str | None
    reason: str
    subject: str
    attempts: int
    last_error: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    template: str = ""

    @property
    def stage(self) -> Stage:
        return stage_of(self.template)


@dataclass(frozen=True)
class MessageDetail:
    row: MessageRow
    template: str
    body_text: str
    body_html: str | None
    attachments: tuple[tuple[int, str], ...]  # (file id, filename)
    created_by: str
    next_attempt_at: dt.datetime | None
    provider_id: str | None
    provider_status: str | None


def _rows() -> Select:
    return (select(OutboxMessage, Customer.code, Customer.name)
            .outerjoin(Customer, Customer.id == OutboxMessage.customer_id))


def _row(m: OutboxMessage, code: str | None, name: str | None) -> MessageRow:
    return MessageRow(m.id, m.status, m.channel, m.recipient, code, name, m.reason, m.subject, m.attempts,
                      m.last_error, as_utc(m.created_at), as_utc(m.sent_at), m.template)


def _filtered(query: Select, wanted: OutboxFilter) -> Select:
    for column, value in ((OutboxMessage.status, wanted.status), (OutboxMessage.channel, wanted.channel),
                          (OutboxMessage.reason, wanted.reason), (Customer.code, wanted.customer_code)):
        if value:
            query = query.where(column == value)
    if stage := stage_named(wanted.stage):
        query = query.where(in_stage(stage))
    if wanted.reasons:
        query = query.where(OutboxMessage.reason.in_(wanted.reasons))
    return query


def find_messages(uow: UnitOfWork, wanted: OutboxFilter, *, limit: int = 200) -> list[MessageRow]:
    """Newest first, as filtered."""
    with uow:
        query = _filtered(_rows(), wanted).order_by(OutboxMessage.id.desc()).limit(limit)
        return [_row(*found) for found in uow.session.execute(query)]


def status_counts(uow: UnitOfWork) -> dict[str, int]:
    with uow:
        query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        return {status: count for status, count in uow.session.execute(query)}


def stage_counts(uow: UnitOfWork, wanted: OutboxFilter) -> dict[str, int]:
    """How many messages each stage has among those `wanted` picks, whatever stage it asks for; by stage key."""
    query = _filtered(select(OutboxMessage.template, func.count())
                      .outerjoin(Customer, Customer.id == OutboxMessage.customer_id)
                      .group_by(OutboxMessage.template), replace(wanted, stage=None))
    counts: dict[str, int] = {}
    with uow:
        for template, n in uow.session.execute(query):
            key = stage_of(template).key
            counts[key] = counts.get(key, 0) + n
    return counts


def known_reasons(uow: UnitOfWork) -> list[str]:
    with uow:
        query = select(OutboxMessage.reason).where(OutboxMessage.reason != "").distinct()
        return sorted(uow.session.scalars(query))


def message_detail(uow: UnitOfWork, message_id: int) -> MessageDetail:
    with uow:
        found = uow.session.execute(_rows().where(OutboxMessage.id == message_id)).first()
        if found is None:
            raise NotFound("outbox message", message_id)
        m = found[0]
        files = dict(uow.session.execute(select(StoredFile.id, StoredFile.filename)
                                         .where(StoredFile.id.in_(m.attachments or []))).all())
        return MessageDetail(_row(*found), m.template, m.body_text, m.body_html,
                             tuple((i, files.get(i, f"file {i} (missing)")) for i in m.attachments or []),
                             m.created_by, as_utc(m.next_attempt_at), m.provider_id, m.provider_status)


def send_now(db: Database, files: FileStore, senders: Mapping[str, Sender], settings: Settings, actor: Actor,
             ids: Collection[int], statement_pdf: StatementPdf) -> DispatchSummary:
    """Approve the pending ones among `ids`, then one dispatch pass for exactly these messages. The caller
    sweeps paid dunning first, as before every pass (`core.dunning.cancel_paid_dunning`)."""
    pending = [m.id for m in find_by_ids(db.uow(), ids) if m.status == "pending"]
    if pending:
        approve(db.uow(), actor, pending)
    return dispatch(db, files, senders, settings=settings, statement_pdf=statement_pdf, only=set(ids),
                    limit=len(ids))


def find_by_ids(uow: UnitOfWork, ids: Collection[int]) -> list[MessageRow]:
    with uow:
        return [_row(*found) for found in uow.session.execute(_rows().where(OutboxMessage.id.in_(list(ids))))]
