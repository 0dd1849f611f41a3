"""A sandbox charge's scripted life: when each of its webhooks falls due, the status each leaves behind, what a
charge answers, and how the sandbox's event JSON reads back as a `ProcessorEvent`."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast, get_args

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core.kernel.errors import Invalid
from core.payments.adapters.sandbox_models import SandboxCharge
from core.payments.processor import ChargeRequest, ChargeResult, ChargeStatus, EventKind, ProcessorEvent

# Event types in the order a charge's timeline can produce them; the status each one leaves behind.
EVENT_STATUS = {"payment.succeeded": "succeeded", "payment.failed": "failed", "payment.returned": "returned"}
FAILURE_REASONS: dict[str, str] = {
    "declined": "card_declined", "insufficient_funds": "insufficient_funds", "returned": "ach_returned",
}
KNOWN_KINDS = frozenset(get_args(EventKind))

def as_utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands DateTime(timezone=True) back naive; everything we store is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)




def timeline(charge: SandboxCharge) -> list[tuple[dt.datetime, str]]:
    """When each of the charge's webhooks falls due, in order, as its test token scripted."""
    settle = as_utc(charge.settle_at)
    if charge.outcome in ("declined", "insufficient_funds"):
        return [(settle, "payment.failed")]
    steps = [(settle, "payment.succeeded")]
    if charge.outcome == "returned" and charge.return_at is not None:
        steps.append((as_utc(charge.return_at), "payment.returned"))
    return steps


def advance(charge: SandboxCharge, now: dt.datetime) -> None:
    """Move the status along the timeline; a refund is a later act by the merchant and is not undone."""
    if charge.status == "refunded":
        return
    for at, kind in timeline(charge):
        if at <= now:
            charge.status = EVENT_STATUS[kind]
            charge.failure_reason = FAILURE_REASONS.get(charge.outcome) if kind != "payment.succeeded" else None


def due_filter(now: dt.datetime) -> Any:
    first_due = and_(SandboxCharge.events_sent == 0, SandboxCharge.settle_at <= now)
    return_due = and_(SandboxCharge.events_sent == 1, SandboxCharge.return_at.is_not(None),
                      SandboxCharge.return_at <= now)
    return or_(first_due, return_due)


def charge_by_key(session: Session, key: str) -> SandboxCharge | None:
    return session.scalars(select(SandboxCharge).where(SandboxCharge.idempotency_key == key)).first()


def replay(charge: SandboxCharge, request: ChargeRequest) -> ChargeResult:
    same = (charge.token, charge.amount_minor, charge.currency) == (
        request.method_token, request.amount.minor, request.amount.currency)
    if not same:
        raise Invalid(f"idempotency key {request.idempotency_key!r} was used for a different charge",
                      field="idempotency_key")
    return result_of(charge)


def result_of(charge: SandboxCharge) -> ChargeResult:
    # The port has no `returned`/`refunded`: a return undoes the money (failed); a refund is a later act
    # on a charge that did succeed.
    status = {"returned": "failed", "refunded": "succeeded"}.get(charge.status, charge.status)
    return ChargeResult(charge.id, cast(ChargeStatus, status), charge.failure_reason)


def to_event(payload: dict[str, Any]) -> ProcessorEvent:
    obj = payload["data"]["object"]
    raw_type = str(payload["type"])
    created = payload["created"]
    if not isinstance(created, int) or not isinstance(obj, dict):
        raise ValueError("created must be unix seconds and data.object an object")
    metadata = obj.get("metadata") or {}
    return ProcessorEvent(
        event_id=str(payload["id"]),
        kind=cast(EventKind, raw_type if raw_type in KNOWN_KINDS else "other"),
        processor_payment_id=obj.get("id"),
        occurred_at=dt.datetime.fromtimestamp(created, dt.UTC),
        failure_reason=obj.get("failure_reason"),
        reference=metadata.get("payment_id"),
        raw_type=raw_type,
    )
