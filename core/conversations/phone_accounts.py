"""What the phone line reads about a caller's account: who is calling, the aging, what is past due and not yet
in a payment, the latest statement and where to send it. Plain values in and out; `channels.twilio_voice_account`
turns them into sentences.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from core.kernel.db import UnitOfWork
from core.ledger.book import Aging, aging_report, open_items
from core.ledger.models import Contact, Customer, Document, InvoiceHold
from core.ledger.posting import customer_by_code
from core.outbox import address_for, reach_of
from core.statements.models import Statement
from core.statements.snapshots import StatementSnapshot


def customer_by_phone(uow: UnitOfWork, phone: str) -> str | None:
    """The code of the customer whose contact has this number; None when none or several do."""
    if not phone:
        return None
    with uow:
        codes = set(uow.session.scalars(select(Customer.code).join(Contact, Contact.customer_id == Customer.id)
                                        .where(Contact.phone == phone)))
    return codes.pop() if len(codes) == 1 else None


def _alnum(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text).upper()


def customer_by_account_and_zip(uow: UnitOfWork, entered: str, zip_entered: str) -> str | None:
    """The customer whose account number and billing ZIP code both match; None tells nothing about which
    of the two did not. A number may be keyed without its letters: 1040 for C1040; a ZIP+4 on file matches
    its first five digits."""
    key, digits, postal = _alnum(entered), re.sub(r"\D", "", entered), _alnum(zip_entered)
    if not key or not postal:
        return None
    query = select(Customer.code, Customer.postal_code).where(
        or_(func.upper(Customer.code) == key, *([Customer.code.like(f"%{digits}")] if digits else [])))
    with uow:
        rows = uow.session.execute(query.limit(50)).all()
    with_zip = [code for code, on_file in rows
                if on_file and (_alnum(on_file) == postal or (len(postal) == 5 and _alnum(on_file)[:5] == postal))]
    exact = [code for code in with_zip if _alnum(code) == key]  # the full number keyed wins over digits alone
    found = set(exact or [code for code in with_zip if re.sub(r"\D", "", code) == digits])
    return found.pop() if len(found) == 1 else None


def aging(uow: UnitOfWork, customer_code: str, today: dt.date) -> list[Aging]:
    """The customer's aging per currency on `today`; empty when nothing is open."""
    with uow:
        return aging_report(uow.session, today, [customer_by_code(uow, customer_code).id])


def past_due_unheld(uow: UnitOfWork, customer_code: str, today: dt.date) -> list[str]:
    """The numbers of the past-due debits not already in a scheduled or pending payment, oldest due first."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        held = set(uow.session.scalars(select(Document.number).join(InvoiceHold, InvoiceHold.invoice_id == Document.id)
                                       .where(Document.customer_id == customer.id)))
        items = open_items(uow.session, customer.id, today)
    return [i.number for i in items if i.kind != "credit" and i.days_past_due > 0 and i.number not in held]


@dataclass(frozen=True)
class StatementToSend:
    customer_id: int
    statement_id: int
    snapshot: StatementSnapshot
    recipient: str | None  # None: no usable address on file for the channel


def latest_statement(uow: UnitOfWork, customer_code: str, channel: str, caller: str) -> StatementToSend | None:
    """The customer's latest statement and who gets it by `channel` (email or sms); None when there is none."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        statement = uow.session.scalar(select(Statement).where(Statement.customer_id == customer.id)
                                       .order_by(Statement.statement_date.desc()).limit(1))
        if statement is None:
            return None
        # By SMS the caller's own number, when it is one the statement may go to.
        recipient, _ = address_for(channel, reach_of(customer), preferred_phone=caller)
        return StatementToSend(customer.id, statement.id, StatementSnapshot.from_json(statement.snapshot), recipient)
