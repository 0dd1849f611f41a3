"""Webhook intake: every request is kept raw; a verified event is claimed and applied exactly once.

The signature is checked first (no database work for a forgery). A verified event is then applied and
stored in ONE transaction: its row carries the event id under UNIQUE(processor, event_id), so a
redelivery — or two workers holding the same event at once — fails at commit and rolls back whole.
Every other path stores the raw request on its own (refused, duplicate, or failed while applying, for
the processor to redeliver), so no request is ever lost, and the common case costs one transaction.
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


def _store(
    uow: UnitOfWork, processor: str, headers: dict[str, str], body: str, outcome: str, *, valid: bool,
    event_type: str = "",
) -> None:
    with uow:
        uow.session.add(WebhookEvent(processor=processor, headers=headers, body=body, valid=valid,
                                     event_type=event_type, outcome=outcome[:300]))
        uow.commit()


def receive(
    uow: UnitOfWork, adapter: PaymentProcessor, headers: Mapping[str, str], body: bytes, actor: Actor
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
            outcome = apply_event_in(uow, event, actor)
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
