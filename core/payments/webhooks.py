"""Webhook intake: every request is kept raw; a verified event is claimed and applied exactly once.

The signature is checked first (no database work for a forgery). A verified event is then applied and
stored in ONE transaction: its row carries the event id under UNIQUE(processor, event_id), so a
redelivery — or two workers holding the same event at once — fails at commit and rolls back whole.
Every other path stores the raw request on its own (refused, duplicate, or failed while applying, for
the processor to redeliver), so no request is ever lost, and the common case costs one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from core.kernel.audit import Actor
from core.kernel.db import Database, UnitOfWork
from core.kernel.errors import ARError
from core.payments.models import WebhookEvent
from core.payments.notices import Branding
from core.payments.processor import PaymentProcessor, ProcessorEvent
from core.payments.settlement import apply_event_in, apply_events_in

KEPT_HEADERS = ("content-type", "user-agent", "stripe-signature", "sandbox-signature")


@dataclass(frozen=True)
class Intake:
    accepted: bool  # False: the request is not provably from the processor
    duplicate: bool
    outcome: str
    failed: bool = False  # applying it raised: the raw request is kept, and the processor should redeliver


def _store(
    uow: UnitOfWork, processor: str, headers: dict[str, str], body: str, outcome: str, *, valid: bool,
    event_type: str = "",
) -> None:
    with uow:
        uow.session.add(WebhookEvent(processor=processor, headers=headers, body=body, valid=valid,
                                     event_type=event_type, outcome=outcome[:300]))
        uow.commit()


def record_bare(db: Database, processor: str, body: bytes) -> None:
    """One raw, verified request kept and nothing else: the floor `bench/webhooks.py` measures `receive` against."""
    with db.engine.begin() as conn:
        conn.execute(insert(WebhookEvent).values(processor=processor, headers={}, valid=True,
                                                 body=body.decode("utf-8", errors="replace")))


def receive(
    uow: UnitOfWork, adapter: PaymentProcessor, headers: Mapping[str, str], body: bytes, actor: Actor,
    branding: Branding,
) -> Intake:
    kept = {k.lower(): v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
    text = body.decode("utf-8", errors="replace")
    try:
        event = adapter.parse_webhook(headers, body)
    except ARError as refused:
        _store(uow, adapter.name, kept, text, f"refused: {refused}", valid=False)
        return Intake(False, False, f"refused: {refused}")
    event_type = event.raw_type or event.kind
    try:
        with uow, uow.session.no_autoflush:
            outcome = apply_event_in(uow, event, actor, branding)
            # The claim: written with the effects it claims, so a second copy of the event (a redelivery, or
            # another worker at the same moment) fails on UNIQUE(processor, event_id) and all of it rolls back.
            uow.session.add(WebhookEvent(processor=adapter.name, headers=kept, body=text, event_id=event.event_id,
                                         event_type=event_type, valid=True, processed=True, outcome=outcome[:300]))
            uow.commit()
    except IntegrityError:
        outcome = f"duplicate: event {event.event_id} was already received"
        _store(uow, adapter.name, kept, text, outcome, valid=True, event_type=event_type)
        return Intake(True, True, outcome)
    except Exception as exc:
        _store(uow, adapter.name, kept, text, f"error while applying: {exc}", valid=True, event_type=event_type)
        raise
    return Intake(True, False, outcome)


@dataclass(frozen=True)
class WebhookRequest:
    adapter: PaymentProcessor
    headers: Mapping[str, str]
    body: bytes


@dataclass
class _Arrival:
    """One request of a batch as it goes through intake."""

    index: int
    processor: str
    kept: dict[str, str]
    text: str
    event: ProcessorEvent | None = None
    intake: Intake | None = None


def _arrive(index: int, request: WebhookRequest) -> _Arrival:
    kept = {k.lower(): v for k, v in request.headers.items() if k.lower() in KEPT_HEADERS}
    arrival = _Arrival(index, request.adapter.name, kept, request.body.decode("utf-8", errors="replace"))
    try:
        arrival.event = request.adapter.parse_webhook(request.headers, request.body)
    except ARError as refused:
        arrival.intake = Intake(False, False, f"refused: {refused}")
    return arrival


def _claim(uow: UnitOfWork, arrivals: list[_Arrival]) -> dict[tuple[str, str], int]:
    """Insert the verified events' rows; those already there (stored, or being stored by another worker,
    which this waits for) are skipped. Returns the row id of each event this batch claimed."""
    insert = postgresql_insert if uow.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    rows = [dict(processor=a.processor, event_id=a.event.event_id, event_type=a.event.raw_type or a.event.kind,
                 headers=a.kept, body=a.text, valid=True, processed=True, outcome="claimed",
                 received_at=dt.datetime.now(dt.UTC)) for a in arrivals if a.event is not None]
    rows.sort(key=lambda row: (row["processor"], row["event_id"]))  # one order for all: no deadlock between workers
    statement = (insert(WebhookEvent).values(rows)
                 .on_conflict_do_nothing(index_elements=["processor", "event_id"])
                 .returning(WebhookEvent.id, WebhookEvent.processor, WebhookEvent.event_id))
    return {(processor, str(event_id)): row_id for row_id, processor, event_id in uow.session.execute(statement)}


def receive_batch(uow: UnitOfWork, requests: Sequence[WebhookRequest], branding: Branding) -> list[Intake]:
    """Intake for several requests in ONE transaction: each verified event claimed and applied at most
    once, every other request stored raw. Should the batch fail, each request is taken alone instead, so
    one bad event costs the others nothing. `branding` signs the notices the events owe customers."""
    arrivals = [_arrive(i, r) for i, r in enumerate(requests)]
    first: dict[tuple[str, str], _Arrival] = {}
    for arrival in arrivals:
        if arrival.event is not None:
            first.setdefault((arrival.processor, arrival.event.event_id), arrival)
    try:
        with uow, uow.session.no_autoflush:
            claimed = _claim(uow, list(first.values())) if first else {}
            _apply_claimed(uow, [first[key] for key in claimed], claimed, branding)
            _store_the_rest(uow, arrivals)
            uow.commit()
    except Exception:
        return [_receive_alone(uow, r, branding) for r in requests]
    return [a.intake for a in arrivals if a.intake is not None]


def _receive_alone(uow: UnitOfWork, request: WebhookRequest, branding: Branding) -> Intake:
    try:
        return receive(uow, request.adapter, request.headers, request.body, _actor(request.adapter.name), branding)
    except Exception as exc:  # kept raw by `receive`; the processor will redeliver it
        return Intake(True, False, f"error while applying: {exc}", failed=True)


def _actor(processor: str) -> Actor:
    return Actor(f"processor:{processor}", "webhook")


def _apply_claimed(uow: UnitOfWork, claimed: list[_Arrival], row_ids: dict[tuple[str, str], int],
                   branding: Branding) -> None:
    by_processor: dict[str, list[_Arrival]] = {}
    for arrival in claimed:
        by_processor.setdefault(arrival.processor, []).append(arrival)
    updates = []
    for processor, group in by_processor.items():
        events = [a.event for a in group if a.event is not None]
        for arrival, outcome in zip(group, apply_events_in(uow, events, _actor(processor), branding), strict=True):
            arrival.intake = Intake(True, False, outcome)
            assert arrival.event is not None
            updates.append({"id": row_ids[(processor, arrival.event.event_id)], "outcome": outcome[:300]})
    if updates:
        uow.session.flush()
        uow.session.execute(update(WebhookEvent), updates)


def _store_the_rest(uow: UnitOfWork, arrivals: list[_Arrival]) -> None:
    """Refused requests and duplicates, kept raw: no request is ever lost."""
    rest = []
    for arrival in arrivals:
        if arrival.intake is None:  # verified but not claimed: a redelivery, or a second copy in this batch
            assert arrival.event is not None
            arrival.intake = Intake(True, True, f"duplicate: event {arrival.event.event_id} was already received")
        if arrival.event is None or arrival.intake.duplicate:
            rest.append(WebhookEvent(
                processor=arrival.processor, headers=arrival.kept, body=arrival.text, valid=arrival.event is not None,
                event_type=(arrival.event.raw_type or arrival.event.kind) if arrival.event else "",
                outcome=arrival.intake.outcome[:300]))
    uow.session.add_all(rest)
