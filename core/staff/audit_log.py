"""The audit log as staff read it: newest first, narrowed by who, what, which customer, when and how."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from core.kernel.db import UnitOfWork, as_utc
from core.kernel.models import AuditEvent
from core.ledger.models import Customer

PAGE_SIZE = 100


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""  # part of the actor's name: `alice` finds `user:alice`
    action: str = ""  # a prefix: `outbox.` finds every outbox action
    customer_code: str = ""
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive
    channel: str = ""


@dataclass(frozen=True)
class AuditRow:
    id: int
    occurred_at: dt.datetime
    actor: str
    channel: str
    action: str
    customer_code: str | None
    subject: str
    details: dict[str, Any]
    customer_name: str | None = None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    page: int
    has_more: bool


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def _filtered(query: Select, wanted: AuditFilter) -> Select:
    if wanted.actor.strip():
        query = query.where(func.lower(AuditEvent.actor).contains(wanted.actor.strip().lower(), autoescape=True))
    if wanted.action.strip():
        query = query.where(AuditEvent.action.startswith(wanted.action.strip(), autoescape=True))
    if wanted.customer_code.strip():
        query = query.where(func.upper(Customer.code) == wanted.customer_code.strip().upper())
    if wanted.channel:
        query = query.where(AuditEvent.channel == wanted.channel)
    if wanted.since:
        query = query.where(AuditEvent.occurred_at >= _start(wanted.since))
    if wanted.until:
        query = query.where(AuditEvent.occurred_at < _start(wanted.until + dt.timedelta(days=1)))
    return query


def search_audit(uow: UnitOfWork, wanted: AuditFilter, page: int = 1) -> AuditPage:
    """One page of events, newest first; `has_more` when an older page follows."""
    page = max(page, 1)
    query = (select(AuditEvent, Customer.code, Customer.name).outerjoin(Customer, Customer.id == AuditEvent.customer_id)
             .order_by(AuditEvent.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1))
    with uow:
        found = uow.session.execute(_filtered(query, wanted)).all()
        rows = [AuditRow(e.id, as_utc(e.occurred_at), e.actor, e.channel, e.action, code, e.subject, e.details or {},
                         name) for e, code, name in found[:PAGE_SIZE]]
    return AuditPage(rows, page, len(found) > PAGE_SIZE)


def audit_channels(uow: UnitOfWork) -> list[str]:
    with uow:
        return sorted(uow.session.scalars(select(AuditEvent.channel).distinct()))
