"""What the latest dunning notice asked a customer to pay, so that a reply of "PAY" means those invoices."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.dunning.models import DunningNotice
from core.kernel.db import UnitOfWork
from core.ledger.models import Document


def dunned_invoices(uow: UnitOfWork, customer_id: int, since: dt.date) -> list[str]:
    """The invoice numbers of the customer's latest notice run on or after `since`, oldest due first."""
    with uow:
        notice = uow.session.scalar(
            select(DunningNotice).where(DunningNotice.customer_id == customer_id, DunningNotice.run_date >= since)
            .order_by(DunningNotice.run_date.desc(), DunningNotice.id.desc()).limit(1))
        if notice is None or not notice.invoice_ids:
            return []
        ids = [int(i) for i in notice.invoice_ids]
        return list(uow.session.scalars(select(Document.number).where(Document.id.in_(ids))
                                        .order_by(Document.due_date, Document.number)))
