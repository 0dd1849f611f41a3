"""Webhook intake: store the raw request first, verify it, then claim and apply the event exactly once.

Claiming sets the stored row's event id under UNIQUE(processor, event_id) in the same transaction
that applies the event, so a redelivery — or two workers holding the same event at once — applies
it once; if applying fails, nothing is claimed and the processor's redelivery gets another try.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from core.audit import Actor
from core.db import UnitOfWork
from core.errors import ARError
from core.model import WebhookEvent
from core.payments import apply_event_in
from core.processor import PaymentProcessor

KEPT_HEADERS = ("content-type", "user-agent", "stripe-signature", "sandbox-signature")


@dataclass(frozen=True)
class Intake:
    accepted: bool  # False: the request is not provably from the processor
    duplicate: bool
    outcome: str


def _store_raw(uow: UnitOfWork, processor: str, headers: Mapping[str, str], body: bytes) -> int:
    kept = {k.lower(): v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
    with uow:
        row = WebhookEvent(processor=processor, headers=kept, body=body.decode("utf-8", errors="replace"))
        uow.session.add(row)
        uow.commit()
        return row.id


def _note(uow: UnitOfWork, row_id: int, outcome: str, *, valid: bool, event_type: str = "") -> None:
    with uow:
        row = uow.session.get(WebhookEvent, row_id)
        assert row is not None
        row.valid, row.outcome, row.event_type = valid, outcome[:300], event_type
        uow.commit()


def receive(
    uow: UnitOfWork, adapter: PaymentProcessor, headers: Mapping[str, str], body: bytes, actor: Actor
) -> Intake:
    row_id = _store_raw(uow, adapter.name, headers, body)
    try:
        event = adapter.parse_webhook(headers, body)
    except ARError as refused:
        _note(uow, row_id, f"refused: {refused}", valid=False)
        return Intake(False, False, f"refused: {refused}")
    try:
        with uow:
            row = uow.session.get(WebhookEvent, row_id)
            assert row is not None
            row.event_id, row.event_type, row.valid = event.event_id, event.raw_type or event.kind, True
            uow.session.flush()  # the claim: a second row with this event id fails here
            outcome = apply_event_in(uow, event, actor)
            row.processed, row.outcome = True, outcome[:300]
            uow.commit()
    except IntegrityError:
        outcome = f"duplicate: event {event.event_id} was already received"
        _note(uow, row_id, outcome, valid=True, event_type=event.raw_type or event.kind)
        return Intake(True, True, outcome)
    return Intake(True, False, outcome)
