"""Phone calls that reached the IVR: who called, which customer they proved to be, and where a transfer to a
person stands. The console's screen pop reads the live ones.

    in-ivr ──asks for an agent──▶ queued ──<Dial>──▶ ringing ──answered──▶ in-progress ──▶ completed
                                    └───────────────────┴─────────────────────┴──────▶ busy | no-answer
                                                                                          | failed | canceled

A status only moves forward: a late or repeated callback changes nothing, except that who answered and when
is kept even when it arrives after the end. Callers are waiting until an agent answers (queued, ringing).
A call left queued or ringing for hours (its end never reported) is no longer shown as live.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from core.conversations.chats import utc
from core.conversations.models import PhoneCall
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.ledger.book import aging_report
from core.ledger.models import Customer

RANK = {"in-ivr": 0, "queued": 1, "ringing": 2, "in-progress": 3,
        "completed": 4, "busy": 4, "no-answer": 4, "failed": 4, "canceled": 4}
LIVE = ("queued", "ringing", "in-progress")
WAITING = ("queued", "ringing")
STALE_AFTER = dt.timedelta(hours=2)


@dataclass(frozen=True)
class CallView:
    id: int
    call_sid: str
    from_number: str
    status: str
    wants_agent: bool
    started_at: dt.datetime
    updated_at: dt.datetime
    customer_code: str | None = None
    customer_name: str | None = None
    balance: Money | None = None
    answered_by: str | None = None
    answered_at: dt.datetime | None = None

    @property
    def live(self) -> bool:
        return self.status in LIVE

    @property
    def waiting(self) -> bool:
        return self.status in WAITING


def _call(uow: UnitOfWork, call_sid: str, from_number: str, now: dt.datetime) -> PhoneCall:
    """The call's row, written on its first callback; two callbacks at once write it once."""
    query = select(PhoneCall).where(PhoneCall.call_sid == call_sid)
    found = uow.session.scalar(query.with_for_update())
    if found is not None:
        return found
    try:
        with uow.session.begin_nested():
            found = PhoneCall(call_sid=call_sid, from_number=from_number[:32], status="in-ivr", created_at=now,
                              updated_at=now)
            uow.session.add(found)
    except IntegrityError:
        found = uow.session.scalar(query.with_for_update())
        assert found is not None
    return found


def record(uow: UnitOfWork, call_sid: str, *, from_number: str = "", customer_code: str | None = None,
           status: str | None = None, wants_agent: bool = False, answered_by: str | None = None,
           answered_at: dt.datetime | None = None, now: dt.datetime | None = None) -> str:
    """Note what a callback told about the call; returns its status afterwards (never moved backwards).
    `answered_by`/`answered_at` go with status "in-progress": the agent's line and the moment it picked up
    (`now` when not given); the first answer reported is kept."""
    if not call_sid:
        raise Invalid("a call needs its CallSid", "call_sid")
    if status is not None and status not in RANK:
        raise Invalid(f"unknown call status {status!r}", "status")
    moment = now or dt.datetime.now(dt.UTC)
    with uow:
        call = _call(uow, call_sid, from_number, moment)
        if customer_code and (customer_id := _customer_id(uow, customer_code)) is not None:
            call.customer_id = customer_id
        call.wants_agent = call.wants_agent or wants_agent
        if status is not None:
            _advance(call, status, moment, answered_by, answered_at)
        call.updated_at = moment
        flag_modified(call, "updated_at")  # written as given, even when equal: not the column's onupdate clock
        uow.commit()
        return call.status


def _advance(call: PhoneCall, status: str, moment: dt.datetime, answered_by: str | None,
             answered_at: dt.datetime | None) -> None:
    if RANK[status] > RANK.get(call.status, 0):
        call.status = status
        call.ended_at = moment if RANK[status] == RANK["completed"] else None
    if status == "in-progress" and call.answered_at is None:  # news of the answer may come after the end
        call.answered_by, call.answered_at = (answered_by or "")[:120] or None, answered_at or moment


def _customer_id(uow: UnitOfWork, code: str) -> int | None:
    return uow.session.scalar(select(Customer.id).where(Customer.code == code))


def live_calls(uow: UnitOfWork, now: dt.datetime | None = None) -> list[CallView]:
    """Calls waiting for or talking to an agent, the longest waiting first."""
    moment = now or dt.datetime.now(dt.UTC)
    query = (select(PhoneCall).where(PhoneCall.status.in_(LIVE), PhoneCall.updated_at >= moment - STALE_AFTER)
             .order_by(PhoneCall.created_at, PhoneCall.id))
    return _views(uow, query, moment.date())


def recent_calls(uow: UnitOfWork, since: dt.datetime, limit: int = 100) -> list[CallView]:
    """Calls since a moment, newest first (the live ones included)."""
    query = select(PhoneCall).where(PhoneCall.created_at >= since).order_by(PhoneCall.id.desc()).limit(limit)
    return _views(uow, query, since.date())


def _views(uow: UnitOfWork, query, as_of: dt.date) -> list[CallView]:  # type: ignore[no-untyped-def]
    with uow:
        calls = list(uow.session.scalars(query))
        ids = {c.customer_id for c in calls if c.customer_id is not None}
        customers = {c.id: c for c in uow.session.scalars(select(Customer).where(Customer.id.in_(ids)))} if ids else {}
        balances = {(a.customer_code, a.currency): a.balance for a in aging_report(uow.session, as_of, ids)} \
            if ids else {}
        return [_view(call, customers.get(call.customer_id or 0), balances) for call in calls]


def _view(call: PhoneCall, customer: Customer | None, balances: dict[tuple[str, str], Money]) -> CallView:
    balance = None
    if customer is not None:
        balance = balances.get((customer.code, customer.currency), Money.zero(customer.currency))
    return CallView(call.id, call.call_sid, call.from_number, call.status, call.wants_agent, utc(call.created_at),
                    utc(call.updated_at), customer.code if customer else None, customer.name if customer else None,
                    balance, call.answered_by, utc(call.answered_at) if call.answered_at else None)
