"""Money in dispute (core.ledger.disputes), on SQLite and PostgreSQL: the one rule of what of an invoice is held out,
as the chat's open debits read it; opening, listing and resolving disputes, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.kernel.audit import Actor
from core.kernel.db import Database
from core.kernel.errors import Conflict, Invalid, NotFound
from core.kernel.models import AuditEvent
from core.kernel.money import Money
from core.ledger import disputes, open_debits, open_dispute, resolve_dispute
from core.ledger.disputes import DisputeView, in_dispute
from core.ledger.models import Dispute
from core.ledger.posting import record_payment
from core.ledger.rules import AllocationRequest
from tests.books import TEST_ACTOR, customer, invoice

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.UTC)
DISPUTE_REASONS = ("Damaged goods", "Short shipment")
SHORT_PAY_REASONS = ("Damaged goods", "Short shipment", "Returned goods")
CHAT = Actor("contact:7", "sms")
STAFF = Actor("user:ana", "console")


def book(db: Database) -> None:
    customer(db, "ACME")
    for number, amount in (("INV-1", "400.00"), ("INV-2", "300.00"), ("INV-3", "200.00"), ("INV-4", "100.00")):
        invoice(db, number, amount, "2026-09-01")


def dispute(db: Database, invoice_number: str | None, amount: str | None = None, words: str = "wrong") -> DisputeView:
    with db.uow() as uow:
        made = open_dispute(uow.session, CHAT, customer_code="ACME", invoice=invoice_number,
                            amount=None if amount is None else Money.of(amount, "USD"), reason="Short shipment",
                            words=words, channel="sms", now=NOW)
        uow.commit()
        return made


def held(db: Database) -> dict[str, str]:
    return {d.number: str(d.disputed.amount) for d in open_debits(db.uow(), "ACME", TODAY, DISPUTE_REASONS)
            if d.disputed.is_positive()}


def test_the_rule() -> None:
    assert in_dispute(40000, withheld=True, claimed_minor=0) == 40000  # withheld with a dispute reason: all of it
    assert in_dispute(40000, withheld=False, claimed_minor=15000) == 15000
    assert in_dispute(10000, withheld=False, claimed_minor=15000) == 10000  # never more than is open
    assert in_dispute(0, withheld=True, claimed_minor=15000) == 0
    assert in_dispute(40000, withheld=False, claimed_minor=0) == 0


def test_what_is_held_comes_from_open_disputes_and_dispute_reasons_alike(db: Database) -> None:
    book(db)
    whole, part = dispute(db, "INV-1"), dispute(db, "INV-2", "120.00")
    assert (whole.amount, whole.held, part.held) == (Money.of("400", "USD"), Money.of("400", "USD"),
                                                     Money.of("120", "USD"))
    for number, reason in (("INV-3", "Damaged goods"), ("INV-4", "Returned goods")):
        paid = Money.of("50.00", "USD")
        record_payment(db.uow(), customer_code="ACME", amount=paid, received_on=TODAY - dt.timedelta(days=2),
                       requests=[AllocationRequest(number, paid, reason)], reasons=SHORT_PAY_REASONS,
                       actor=TEST_ACTOR)
    assert held(db) == {"INV-1": "400.00", "INV-2": "120.00", "INV-3": "150.00"}  # Returned goods: no dispute
    debits = {d.number: d for d in open_debits(db.uow(), "ACME", TODAY, DISPUTE_REASONS)}
    assert [n for n, d in debits.items() if d.in_bulk] == ["INV-4"]

    resolve_dispute(db.uow(), part.id, STAFF, note="credit issued", now=NOW + dt.timedelta(hours=2))
    assert held(db) == {"INV-1": "400.00", "INV-3": "150.00"}


def test_an_account_dispute_holds_nothing_and_bad_ones_are_refused(db: Database) -> None:
    book(db)
    made = dispute(db, None, "75.00", words="card 4111 1111 1111 1111 was charged twice")
    assert (made.invoice, made.amount, made.held) == (None, Money.of("75", "USD"), None)
    assert held(db) == {}
    with db.uow() as uow:
        assert uow.session.scalars(select(Dispute.words)).one() == "card [card number removed] was charged twice"
    with pytest.raises(Invalid):
        dispute(db, "INV-1", "0")
    with pytest.raises(NotFound):
        dispute(db, "INV-99")


def test_listing_and_resolving_once_audited(db: Database) -> None:
    book(db)
    first, second = dispute(db, "INV-1"), dispute(db, "INV-2", "10.00")
    assert [d.reference for d in disputes(db.uow())] == [f"D-{first.id}", f"D-{second.id}"]
    done = resolve_dispute(db.uow(), first.id, STAFF, note="  goods reshipped ", now=NOW + dt.timedelta(days=1))
    assert (done.status, done.resolved_by, done.resolution, done.held) == ("resolved", "user:ana", "goods reshipped",
                                                                          Money.of("0", "USD"))
    assert [d.id for d in disputes(db.uow())] == [second.id]
    assert [d.id for d in disputes(db.uow(), status="resolved")] == [first.id]
    assert len(disputes(db.uow(), status="all", customer_code="ACME")) == 2
    with pytest.raises(Conflict):
        resolve_dispute(db.uow(), first.id, STAFF, note="", now=NOW)
    with pytest.raises(NotFound):
        resolve_dispute(db.uow(), 999, STAFF, note="", now=NOW)
    with db.uow() as uow:
        events = [(e.action, e.actor, e.subject) for e in uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("dispute.%")).order_by(AuditEvent.id))]
    assert events == [("dispute.opened", "contact:7", f"dispute:{first.id}"),
                      ("dispute.opened", "contact:7", f"dispute:{second.id}"),
                      ("dispute.resolved", "user:ana", f"dispute:{first.id}")]
