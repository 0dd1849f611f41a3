"""Company search on both backends: what the text holds first (exact, then leading, then anywhere), then names that
read like it, marked as such; phone digits as before; the primary contact's phone on each row."""

from __future__ import annotations

import datetime as dt

import pytest

from core.ledger.customer_search import SIMILAR_LIMIT
from core.staff.console_reads import PAGE_SIZE, find_companies
from tests.books import customer, load

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def book(db):  # type: ignore[no-untyped-def]
    customer(db, "HARB", name="Harbor Supply Inc.", phone="+1 312 555 0100")
    customer(db, "HFR", name="Harbour Freight LLC", phone="+44 20 7946 0958")
    customer(db, "ACME", name="Acme Plumbing Co.", email="ap@acme.example")
    customer(db, "ACMEX", name="Northside Acme Rentals")
    customer(db, "BOLT", name="Bolt Electric")
    return db


def found(db, q: str) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    return [(row.code, row.similar) for row in find_companies(db.uow(), q, TODAY).rows]


def test_a_misspelt_name_finds_the_company_after_what_the_text_holds(book) -> None:
    assert found(book, "harbour") == [("HFR", False), ("HARB", True)]
    assert found(book, "harbor") == [("HARB", False), ("HFR", True)]
    assert found(book, "accme") == [("ACME", True), ("ACMEX", True)]
    assert found(book, "bolt electrc") == [("BOLT", True)]


def test_exact_and_leading_matches_rank_before_a_match_inside_the_name(book) -> None:
    assert found(book, "acme") == [("ACME", False), ("ACMEX", False)]  # the code is "acme": first
    assert found(book, "acme p") == [("ACME", False)]
    assert found(book, "rentals") == [("ACMEX", False)]


def test_phone_digits_and_emails_find_as_before_and_bring_no_similar_names(book) -> None:
    assert found(book, "(312) 555-0100") == [("HARB", False)]
    assert found(book, "020 7946") == [("HFR", False)]  # its start, as dialled in the UK (a middle alone: no)
    assert found(book, "0958") == [("HFR", False)]
    assert found(book, "AP@ACME.EX") == [("ACME", False)]
    assert found(book, "zz") == [] and found(book, "1234") == []


def test_each_row_carries_the_primary_contacts_phone(book) -> None:
    rows = {row.code: row.phone for row in find_companies(book.uow(), "", TODAY).rows}
    assert rows["HARB"] == "+13125550100" and rows["HFR"] == "+442079460958" and rows["BOLT"] is None


def test_similar_names_are_bounded_and_paged_after_the_matches(db) -> None:  # type: ignore[no-untyped-def]
    load(db, "customers", [{"code": f"H{n:03d}", "name": f"Harbor Supply {n:03d}"} for n in range(SIMILAR_LIMIT + 30)]
         + [{"code": f"B{n:03d}", "name": f"Harbour Depot {n:03d}"} for n in range(30)])
    first = find_companies(db.uow(), "harbour", TODAY)
    assert first.total == 30 + SIMILAR_LIMIT and first.pages == 2
    assert [r.code for r in first.rows[:30]] == [f"B{n:03d}" for n in range(30)]
    assert all(r.similar for r in first.rows[30:]) and len(first.rows) == PAGE_SIZE
    second = find_companies(db.uow(), "harbour", TODAY, page=2)
    assert len(second.rows) == 30 + SIMILAR_LIMIT - PAGE_SIZE and all(r.similar for r in second.rows)
