"""The outbox reviewed by stage, on both backends: a dunning message's stage is its template's, the filter finds
exactly those, and the counts per stage add up to the messages of a status."""

from __future__ import annotations

from sqlalchemy import select

from core.bootstrap import Services
from core.ledger.models import Customer
from core.outbox import OutboxFilter, find_messages, queue, stage_counts
from tests.books import TEST_ACTOR, customer

MESSAGES = (  # template, reason, status
    ("dunning.stage1.email", "dunning", "pending"),
    ("dunning.stage2.email", "dunning", "pending"),
    ("dunning.stage2", "dunning", "pending"),  # as older producers wrote it, without the channel
    ("dunning.stage3.sms", "dunning", "pending"),
    ("statement.email", "statement", "pending"),
    ("payment_receipt.email", "payment_receipt", "approved"),
    ("payment_notice.email", "payment_failed", "approved"),
    ("chat.reply", "chat_reply", "approved"),
    ("something.new", "", "pending"),
)


def queued(services: Services) -> dict[str, int]:
    customer(services.db)
    with services.db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
        ids = {template: queue(uow.session, TEST_ACTOR, channel="email", recipient="ap@acme.example", template=template,
                               reason=reason, customer_id=customer_id, approved=status == "approved").id
               for template, reason, status in MESSAGES}
        uow.commit()
    return ids


def test_messages_are_found_and_counted_by_stage(services: Services) -> None:
    ids = queued(services)

    second = find_messages(services.db.uow(), OutboxFilter(status="pending", stage="dunning-2"))
    assert sorted(m.id for m in second) == sorted([ids["dunning.stage2.email"], ids["dunning.stage2"]])
    assert {m.stage.label for m in second} == {"Dunning 2"}
    every = {m.template: m.stage.label for m in find_messages(services.db.uow(), OutboxFilter(status=None))}
    assert every == {"dunning.stage1.email": "Dunning 1", "dunning.stage2.email": "Dunning 2",
                     "dunning.stage2": "Dunning 2", "dunning.stage3.sms": "Dunning 3", "statement.email": "Statement",
                     "payment_receipt.email": "Receipt", "payment_notice.email": "Payment notice",
                     "chat.reply": "Chat reply", "something.new": "Other"}
    pending = OutboxFilter(status="pending", stage="dunning-2")  # the counts are of every stage
    assert stage_counts(services.db.uow(), pending) == {"dunning-1": 1, "dunning-2": 2, "dunning-3": 1,
                                                        "statement": 1, "other": 1}
    assert stage_counts(services.db.uow(), OutboxFilter(status=None, customer_code="NOBODY")) == {}
    receipts = find_messages(services.db.uow(), OutboxFilter(status=None, reasons=("payment_receipt", "statement")))
    assert sorted(m.id for m in receipts) == sorted([ids["payment_receipt.email"], ids["statement.email"]])
    unknown = find_messages(services.db.uow(), OutboxFilter(status="pending", stage="no-such-stage"))
    assert len(unknown) == 6  # an unknown stage narrows nothing
