"""The audit trail: every money and method change says who did it, through which channel, to whom."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from core.kernel.models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who is acting: `cli:root`, `api:erp-sync`, `user:alice`, `scheduler`, `contact:42`."""

    name: str
    channel: str

    @classmethod
    def system(cls, channel: str = "system") -> Actor:
        return cls(name=channel, channel=channel)


def record(
    session: Session, actor: Actor, action: str, *, customer_id: int | None, subject: str, **details: Any
) -> None:
    session.add(
        AuditEvent(
            actor=actor.name,
            channel=actor.channel,
            action=action,
            customer_id=customer_id,
            subject=subject,
            details=details,
        )
    )
