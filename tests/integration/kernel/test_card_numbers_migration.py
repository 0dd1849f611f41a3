"""Revision 0011 blanks card numbers written before every flush blanked them, and says so in the audit log."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select, text

from core.kernel import CARD_NUMBER_REMOVED
from core.kernel.migrate import alembic_config, upgrade
from core.kernel.models import AuditEvent
from core.ledger.models import Customer, CustomerClass
from tests.books import customer

CARD = "4111 1111 1111 1111"


def test_the_migration_blanks_card_numbers_already_stored(db) -> None:
    customer(db, "OLD")
    with db.uow() as uow:
        uow.session.add(CustomerClass(code="LONG", name="Plain"))
        uow.commit()
    command.downgrade(alembic_config(db.url), "0010")
    try:
        with db.engine.begin() as conn:  # as rows written before the scrub could hold them: straight SQL
            conn.execute(text("UPDATE customers SET address_line2 = :v WHERE code = 'OLD'"),
                         {"v": f"Attn AP, card {CARD}, ref 20261206"})
            conn.execute(text("UPDATE customer_classes SET name = :v WHERE code = 'LONG'"),
                         {"v": "x" * 186 + "4222222222222"})
            conn.execute(text("INSERT INTO audit_events (occurred_at, actor, channel, action, subject, details)"
                              " VALUES (CURRENT_TIMESTAMP, 'test', 'cli', 'note', '', :v)"),
                         {"v": f'{{"said": ["paid with {CARD}"], "amount": "12.00"}}'})
    finally:
        upgrade(db.url)
    with db.uow() as uow:
        s = uow.session
        assert s.scalar(select(Customer.address_line2).where(Customer.code == "OLD")) == (
            f"Attn AP, card {CARD_NUMBER_REMOVED}, ref 20261206")  # the words and the short reference kept
        assert s.scalar(select(CustomerClass.name).where(CustomerClass.code == "LONG")) == (
            "x" * 186 + CARD_NUMBER_REMOVED)[:200]
        assert s.scalar(select(AuditEvent.details).where(AuditEvent.action == "note")) == {
            "said": [f"paid with {CARD_NUMBER_REMOVED}"], "amount": "12.00"}
        told = s.scalars(select(AuditEvent).where(AuditEvent.action == "card_numbers.blanked")).one()
        assert told.actor == "system:migration 0011"
        assert told.details["values_blanked"] == {
            "customers.address_line2": 1, "customer_classes.name": 1, "audit_events.details": 1}
