"""The unit of work blanks card numbers in free-text columns on every flush (core.kernel.card_numbers)."""

from __future__ import annotations

from sqlalchemy import select

from core.kernel import CARD_NUMBER_REMOVED
from core.ledger.models import CustomerClass


def test_a_blank_longer_than_the_number_still_fits_a_full_column(db):
    """A 13-digit number becomes a longer note; a 200-character name keeps within String(200) on PostgreSQL too."""
    name = "x" * 186 + "4222222222222"  # 199 characters, a 13-digit Visa number at the end
    with db.uow() as uow:
        uow.session.add(CustomerClass(code="LONG", name=name))
        uow.commit()
    with db.uow() as uow:
        stored = uow.session.scalar(select(CustomerClass.name).where(CustomerClass.code == "LONG"))
    assert stored == ("x" * 186 + CARD_NUMBER_REMOVED)[:200]


def test_an_edit_of_a_loaded_row_is_scrubbed_too(db):
    with db.uow() as uow:
        uow.session.add(CustomerClass(code="EDIT", name="Plain"))
        uow.commit()
    with db.uow() as uow:
        row = uow.session.scalar(select(CustomerClass).where(CustomerClass.code == "EDIT"))
        row.name = "Plain, card 5555-5555-5555-4444"
        uow.commit()
    with db.uow() as uow:
        assert uow.session.scalar(select(CustomerClass.name).where(CustomerClass.code == "EDIT")) == (
            f"Plain, card {CARD_NUMBER_REMOVED}")
