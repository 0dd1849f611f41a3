"""System → Payment Methods' read (core.payments.all_methods) on both backends: every customer's methods by company
ID, found by ID or (misspelt) name, by status, paged, each with its last use; a method deactivated from it is no
longer offered for payments."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pytest

from core import payments
from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.ledger.rules import AllocationRequest
from core.payments import MethodFilter, SavedMethod, all_methods
from core.payments.initiation import initiate_payment
from core.payments.method_list import PAGE_SIZE
from tests.books import TEST_ACTOR, customer, invoice

TODAY = dt.date(2026, 11, 22)


def save(db, code: str, token: str, brand: str = "visa", last4: str = "4242",  # type: ignore[no-untyped-def]
         kind: Literal["card", "ach"] = "card") -> int:
    saved = SavedMethod(token, kind, brand, last4, 12, 2030) if kind == "card" else SavedMethod(token, kind, "", last4)
    authorization = payments.AchAuthorization("written", "form on file") if kind == "ach" else None
    return payments.add_method(db.uow(), customer_code=code, saved=saved, processor="sandbox", actor=TEST_ACTOR,
                               authorization=authorization).id


@pytest.fixture
def book(db):  # type: ignore[no-untyped-def]
    customer(db, "C2001", name="Harbor Supply Inc.")
    customer(db, "C2002", name="Acme Plumbing Co.")
    customer(db, "C2003", name="Bolt Electric")
    invoice(db, "INV-1", "250.00", "2026-10-01", customer="C2002")
    save(db, "C2001", "tok_h_visa")
    save(db, "C2001", "tok_h_ach", kind="ach", last4="6789")
    save(db, "C2002", "tok_a_mc", brand="mastercard", last4="4444")
    save(db, "C2003", "tok_b_visa", last4="1881")
    return db


def listed(db, **wanted: str) -> list[tuple[str, str, bool]]:  # type: ignore[no-untyped-def]
    found = all_methods(db.uow(), MethodFilter(**wanted))
    return [(row.company_code, row.method.label, row.method.active) for row in found.rows]


def test_every_customers_methods_by_company_id(book) -> None:
    assert listed(book) == [("C2001", "Visa •4242", True), ("C2001", "Bank account •6789", True),
                            ("C2002", "Mastercard •4444", True), ("C2003", "Visa •1881", True)]
    row = all_methods(book.uow(), MethodFilter(company="c2002")).rows[0]
    assert (row.company_name, row.method.kind, row.last_use) == ("Acme Plumbing Co.", "card", None)


def test_found_by_company_id_or_name_misspelt_too(book) -> None:
    assert [c for c, _, _ in listed(book, company="C2003")] == ["C2003"]
    assert listed(book, company="C20") == []  # the Company ID filter is one company, exactly
    assert [c for c, _, _ in listed(book, search="c200")] == ["C2001", "C2001", "C2002", "C2003"]
    assert [c for c, _, _ in listed(book, search="harbour")] == ["C2001", "C2001"]
    assert [c for c, _, _ in listed(book, search="accme")] == ["C2002"]
    assert listed(book, search="harbour", company="C2002") == []


def test_deactivated_ones_are_listed_by_status_and_no_longer_offered(book) -> None:
    rows = all_methods(book.uow(), MethodFilter(company="C2001")).rows
    visa = next(r.method for r in rows if r.method.kind == "card")
    payments.deactivate_method(book.uow(), "C2001", visa.id, TEST_ACTOR)
    assert listed(book, status="inactive") == [("C2001", "Visa •4242", False)]
    assert ("C2001", "Visa •4242", True) not in listed(book, status="active")
    assert [m.label for m in payments.methods_on_file(book.uow(), "C2001").active] == ["Bank account •6789"]
    payments.reactivate_method(book.uow(), "C2001", visa.id, TEST_ACTOR)
    assert visa.id in [m.id for m in payments.methods_on_file(book.uow(), "C2001").active]
    with pytest.raises(Invalid, match="status"):
        listed(book, status="deleted")


def test_each_method_shows_its_latest_payment(book) -> None:
    method_id = all_methods(book.uow(), MethodFilter(company="C2002")).rows[0].method.id
    initiate_payment(book.uow(), customer_code="C2002", amount=Money.of("250.00", "USD"),
                     requests=[AllocationRequest("INV-1")], method_id=method_id, pay_on=TODAY + dt.timedelta(days=3),
                     today=TODAY, processor="sandbox", reasons=("Other",), actor=TEST_ACTOR)
    use = all_methods(book.uow(), MethodFilter(company="C2002")).rows[0].last_use
    assert use is not None and use.status == "scheduled"
    assert all(row.last_use is None for row in all_methods(book.uow(), MethodFilter(company="C2001")).rows)


def test_a_page_is_a_hundred_methods(db) -> None:  # type: ignore[no-untyped-def]
    customer(db, "C3000", name="Many Cards Ltd")
    for n in range(PAGE_SIZE + 5):
        save(db, "C3000", f"tok_many_{n}", last4=f"{n:04d}")
    first = all_methods(db.uow(), MethodFilter(), page=1)
    second = all_methods(db.uow(), MethodFilter(), page=2)
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (PAGE_SIZE + 5, 2, PAGE_SIZE, 5)
    assert {r.method.id for r in first.rows}.isdisjoint(r.method.id for r in second.rows)
    assert all_methods(db.uow(), MethodFilter(), page=9).page == 2
