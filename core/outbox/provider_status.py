"""What a messaging provider reports about a message it took (queued, sent, delivered, failed …) after the
dispatcher handed it over. A status only moves forward: a late, repeated or out-of-order report changes
nothing, and what happened comes back for the channel to log.
"""

from __future__ import annotations

from sqlalchemy import select

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.outbox.models import OutboxMessage
from core.outbox.sending import update_delivery_log

PROGRESS = {"accepted": 0, "scheduled": 0, "queued": 1, "sending": 2, "sent": 3, "delivered": 4, "read": 5}
FAILURES = {"failed", "undelivered", "canceled"}
STATUS_EVENT = "outbox.provider_status"


def moves_forward(current: str | None, new: str) -> bool:
    """queued < sending < sent < delivered (< read); failed and undelivered end it, and win over anything but
    delivered; an unknown status moves nothing."""
    if current in FAILURES or current in ("delivered", "read") and new != "read":
        return False
    if new in FAILURES:
        return True
    return new in PROGRESS and PROGRESS[new] > PROGRESS.get(current or "", -1)


def record_provider_status(uow: UnitOfWork, provider: Actor, provider_id: str, status: str,
                           error_code: str | None) -> str:
    """Move the `provider.channel` outbox message the provider knows as `provider_id` to `status` (its
    provider_status); a report that does not move it forward changes nothing. A failure after the message was
    sent marks it failed in the outbox and the delivery log. Returns what happened, for the log."""
    with uow:
        message = uow.session.scalar(select(OutboxMessage).where(OutboxMessage.provider_id == provider_id,
                                                                 OutboxMessage.channel == provider.channel)
                                     .with_for_update())
        if message is None:
            return "unknown message"
        previous = message.provider_status
        if not moves_forward(previous, status):
            return f"ignored: {status} after {previous}"
        message.provider_status = status
        audit.record(uow.session, provider, STATUS_EVENT, customer_id=message.customer_id,
                     subject=f"outbox:{message.id}", status=status, error_code=error_code, previous=previous)
        if status in FAILURES and message.status == "sent":
            message.status = "failed"
            message.last_error = f"{provider.name} reports {status} (error {error_code or '-'})"
            update_delivery_log(uow.session, [message.id], "failed")
        uow.commit()
        return f"{previous or 'none'} → {status}"
