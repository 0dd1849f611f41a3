"""Taking back dunning messages that are no longer owed: the customer paid after the message was queued.

The scheduler's outbox job calls `cancel_paid_dunning` before each dispatch, so a message still waiting
(pending review, or approved but held for the quiet hours) never asks for money already paid. A message is
canceled when every invoice its notice asks for is paid (or is now in a scheduled or pending payment, or wholly
claimed by an open dispute), or when the customer's balance in the notice's currency is no longer above zero.
A message for a customer staff put on hold since, or whose invoices are all on hold, is taken back too
(`core.dunning.held_off`). Each cancel goes through `core.outbox.cancel`, which audits it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import structlog
from sqlalchemy import exists, or_, select

from core.dunning.held_off import held_off
from core.dunning.models import DunningNotice
from core.dunning.reads import among
from core.kernel.audit import Actor
from core.kernel.db import Database
from core.kernel.errors import Conflict
from core.ledger.book import aging_report, dunning_candidates
from core.ledger.disputes import claimed_in_open_disputes
from core.ledger.models import Customer, Document, InvoiceHold
from core.ledger.plans import in_current_plan
from core.outbox import lifecycle as outbox
from core.outbox.models import OutboxMessage

log = structlog.get_logger("aragent.dunning")
CHUNK = 2000
MAX_IDS = 20_000
WHOLE_BOOK_FROM = 2000  # customers with messages waiting
PAID = "paid: every invoice the notice asks for is paid or in a payment"
SETTLED = "paid: the customer's balance is no longer above zero"
DISPUTED = "in dispute: every invoice the notice asks for is paid, in a payment or wholly in dispute"
HELD_OFF = "held off: every invoice the notice asks for is on hold"


def _waiting(db: Database) -> list[tuple[int, int, str, str, list[int]]]:
    """Unsent dunning messages: (outbox id, customer id, customer code, currency, invoice ids asked for)."""
    query = (select(DunningNotice.outbox_id, DunningNotice.customer_id, Customer.code, DunningNotice.currency,
                    DunningNotice.invoice_ids)
             .join(OutboxMessage, OutboxMessage.id == DunningNotice.outbox_id)
             .join(Customer, Customer.id == DunningNotice.customer_id)
             .where(OutboxMessage.status.in_(("pending", "approved")), OutboxMessage.reason == "dunning")
             .order_by(DunningNotice.outbox_id))
    with db.uow() as uow:
        return [(row[0], row[1], row[2], row[3], list(row[4] or [])) for row in uow.session.execute(query)]


def _still_owed(db: Database, invoice_ids: set[int]) -> tuple[set[int], set[int]]:
    """The invoices still open and not in a scheduled or pending payment; and those of them not wholly claimed by
    open disputes (what a notice may still ask for)."""
    held = or_(exists().where(InvoiceHold.invoice_id == Document.id), in_current_plan(Document.id))
    ids, owed, asked = sorted(invoice_ids), set[int](), set[int]()
    with db.uow() as uow:
        for start in range(0, len(ids), MAX_IDS):  # SQLite takes at most 32,766 parameters
            query = select(Document.id, claimed_in_open_disputes(Document.id) < Document.open_minor).where(
                among(uow.session, Document.id, ids[start:start + MAX_IDS]), Document.open_minor > 0,
                Document.voided.is_(False), ~held)
            for document_id, not_all_disputed in uow.session.execute(query):
                owed.add(document_id)
                if not_all_disputed:
                    asked.add(document_id)
    return owed, asked


def _owing(db: Database, customer_ids: list[int], today: dt.date) -> set[tuple[str, str]]:
    """(customer code, currency) of the customers' balances above zero. For many customers one pass over the
    whole book (the dunning candidates) is cheaper than an aging report scoped to each chunk of them."""
    with db.uow() as uow:
        if len(customer_ids) > WHOLE_BOOK_FROM:
            return {(c.customer_code, c.currency) for c in dunning_candidates(uow.session, today)}
        return {(a.customer_code, a.currency) for a in aging_report(uow.session, today, customer_ids)
                if a.balance_minor > 0}


def _cancel(db: Database, actor: Actor, ids: list[int], reason: str) -> int:
    if not ids:
        return 0
    try:
        return len(outbox.cancel(db.uow(), actor, ids, reason))
    except Conflict:
        # One of them was sent (or canceled by staff) since we looked: take the rest back one by one.
        done = 0
        for message_id in ids:
            try:
                done += len(outbox.cancel(db.uow(), actor, [message_id], reason))
            except Conflict as exc:
                log.info("dunning.cancel_skipped", outbox_id=message_id, reason=str(exc))
        return done


def cancel_paid_dunning(db: Database, actor: Actor, *, today: dt.date | None = None) -> int:
    """Cancel the unsent dunning messages whose debt is paid; returns how many were canceled."""
    today = today or dt.date.today()
    waiting = _waiting(db)
    if not waiting:
        return 0
    owing = _owing(db, sorted({row[1] for row in waiting}), today)
    with db.uow() as uow:
        held = held_off(uow.session, None, today)  # holds in force are few: the whole book's at once
    by_reason: dict[str, list[int]] = defaultdict(list)
    for start in range(0, len(waiting), CHUNK):
        chunk = waiting[start:start + CHUNK]
        owed, asked = _still_owed(db, {i for *_, ids in chunk for i in ids})
        for outbox_id, customer_id, code, currency, ids in chunk:
            if (code, currency) not in owing:
                by_reason[SETTLED].append(outbox_id)
            elif not owed.intersection(ids):
                by_reason[PAID].append(outbox_id)
            elif not asked.intersection(ids):
                by_reason[DISPUTED].append(outbox_id)
            elif customer_id in held.customers:
                by_reason[held.customers[customer_id]].append(outbox_id)
            elif not asked.intersection(ids) - held.invoices.keys():
                by_reason[HELD_OFF].append(outbox_id)
    return sum(_cancel(db, actor, ids, reason) for reason, ids in by_reason.items())
