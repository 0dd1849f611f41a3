"""What the latest dunning notice asked a customer to pay, so that a reply of "PAY" means those invoices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from core.dunning.models import DunningNotice
from core.kernel.db import UnitOfWork
from core.ledger.models import Document


@dataclass(frozen=True)
class Reminder:
    """A dunning notice as a reply to it reads it: when it went, how, and the invoices it named."""

    run_date: dt.date
    channel: str
    stage: int
    invoices: tuple[str, ...]  # by number, oldest due first


def latest_reminder(uow: UnitOfWork, customer_id: int, since: dt.date) -> Reminder | None:
    """The customer's latest notice run on or after `since` that named invoices; None when there is none."""
    with uow:
        notice = uow.session.scalar(
            select(DunningNotice).where(DunningNotice.customer_id == customer_id, DunningNotice.run_date >= since)
            .order_by(DunningNotice.run_date.desc(), DunningNotice.id.desc()).limit(1))
        if notice is None or not notice.invoice_ids:
            return None
        ids = [int(i) for i in notice.invoice_ids]
        numbers = uow.session.scalars(select(Document.number).where(Document.id.in_(ids))
                                      .order_by(Document.due_date, Document.number))
        return Reminder(notice.run_date, notice.channel, notice.stage, tuple(numbers))


def dunned_invoices(uow: UnitOfWork, customer_id: int, since: dt.date) -> list[str]:
    """The invoice numbers the customer's latest notice run on or after `since` named, oldest due first."""
    found = latest_reminder(uow, customer_id, since)
    return list(found.invoices) if found else []
