"""A contact found by the start or the end of their phone number, through the indexed keys (core.ledger.phone_keys),
on SQLite and PostgreSQL; revision 0016 fills the keys for contacts saved before it."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select, text

from core.kernel.db import Database
from core.kernel.migrate import alembic_config, upgrade
from core.ledger.customer_search import search_customers
from core.ledger.models import Contact, Customer
from core.ledger.phone_keys import phone_keys
from tests.books import customer


def _codes(db: Database, typed: str) -> list[str]:
    with db.uow() as uow:
        ids = search_customers(uow.session, typed).matching
        return [uow.session.get(Customer, i).code for i in ids]  # type: ignore[union-attr]


def test_keys_of_a_number() -> None:
    assert phone_keys("+15105550100") == ("5105550100", "00105550151")
    assert phone_keys("+442079460958") == ("2079460958", "859064970244")
    assert phone_keys(None) == (None, None) and phone_keys("") == (None, None)


def test_a_phone_is_found_by_its_start_or_its_end_typed_any_way(db: Database) -> None:
    customer(db, "WEST", phone="+1 510 555 0100")
    customer(db, "EAST", phone="+1 617 555 0199")
    customer(db, "NINE", phone="+1 989 555 9999")
    for typed, found in (("510-555", ["WEST"]), ("(510) 555-0100", ["WEST"]), ("555-0100", ["WEST"]),
                         ("0100", ["WEST"]), ("+1 510 555 0100", ["WEST"]), ("617", ["EAST"]),
                         ("9999", ["NINE"]), ("999", ["NINE"]), ("0510 555", ["WEST"]),
                         ("5550", [])):  # a middle alone: neither a start nor an end
        assert _codes(db, typed) == found, typed


def test_a_changed_number_changes_its_keys(db: Database) -> None:
    customer(db, "MOVE", phone="+1 510 555 0100")
    with db.uow() as uow:
        contact = uow.session.scalars(select(Contact).join(Customer).where(Customer.code == "MOVE")).one()
        contact.phone = "+13125550142"
        uow.commit()
    assert _codes(db, "312 555") == ["MOVE"] and _codes(db, "510 555") == []


def test_revision_0016_fills_the_keys_of_contacts_saved_before_it(db: Database) -> None:
    customer(db, "OLD", phone="+1 510 555 0100")
    command.downgrade(alembic_config(db.url), "0015")
    try:
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO contacts (customer_id, name, phone, is_primary, email_opt_out, sms_opt_out,"
                              " email_verified, phone_verified, created_at, updated_at)"
                              " SELECT id, 'Second', '+13125550142', false, false, false, false, false,"
                              " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM customers WHERE code = 'OLD'"))
    finally:
        upgrade(db.url)
    assert _codes(db, "312-555") == ["OLD"] and _codes(db, "0100") == ["OLD"]
