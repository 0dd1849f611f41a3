"""The statement snapshot's JSON: what the cycle stores is what the PDF renders, field for field."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from core.statements.snapshots import ActivityLine, CustomerInfo, SellerInfo, SnapshotItem, StatementSnapshot

D = dt.date

SELLER = SellerInfo(
    name="Northwind Supply", address=("1 Harbour Way", "Oakland, CA 94607"), phone="+15105550100",
    email="ar@northwind.example", remit_to=("PO Box 77", "Oakland, CA 94604"), color="#1f6feb",
    logo_sha256="ab" * 32, telegram_bot="northwind_ar_bot",
)
CUSTOMER = CustomerInfo(
    code="ACME", name="Acme Ltd", address=("9 Main St", "Springfield, IL 62701", "CA"), class_code="TRADE",
    terms_days=30, delivery=("email", "fax"), email="ap@acme.example", fax="+12175550199",
    phone="+12175550100", timezone="America/Chicago",
)
INVOICE = SnapshotItem("invoice", "INV-7", D(2026, 9, 1), D(2026, 10, 1), "PO-9", 120_000, 80_000, 60, "31-60")
CHARGE = SnapshotItem("finance_charge", "FC-ACME-20261130", D(2026, 11, 30), D(2026, 12, 30), None, 1_200, 1_200,
                      0, "current")
MEMO = SnapshotItem("credit", "CM-3", D(2026, 11, 2), None, None, 5_000, 2_500, 0, "credit")
ON_ACCOUNT = SnapshotItem("payment", "Cheque 1042", D(2026, 11, 20), None, None, 10_000, 3_000, 0, "credit")

FULL = StatementSnapshot(
    statement_date=D(2026, 11, 30), currency="USD", seller=SELLER, customer=CUSTOMER,
    items=(INVOICE, CHARGE), credits=(MEMO, ON_ACCOUNT), finance_charges=(CHARGE,),
    aging_minor={"current": 1_200, "1-30": 0, "31-60": 80_000, "61-90": 0, "90+": 0},
    activity=(ActivityLine(D(2026, 11, 5), "CM-1", "credit_applied", 4_000),
              ActivityLine(D(2026, 11, 20), "Cheque 1042", "payment", 10_000)),
    previous_statement_date=D(2026, 10, 31), notes=("Account on hold", "Open items in EUR are not on this statement."),
)


def stored(snapshot: StatementSnapshot) -> dict[str, Any]:
    """The snapshot as it comes back from the database's JSON column."""
    return json.loads(json.dumps(snapshot.to_json()))


def as_asdict_had_it(value: Any) -> Any:
    """The JSON `dataclasses.asdict` used to give, the format every stored snapshot is in."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return as_asdict_had_it(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {k: as_asdict_had_it(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_asdict_had_it(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def test_a_snapshot_with_every_field_filled_comes_back_from_json_unchanged():
    assert StatementSnapshot.from_json(stored(FULL)) == FULL


def test_a_first_statement_without_logo_activity_or_notes_comes_back_unchanged():
    bare = dataclasses.replace(
        FULL, seller=dataclasses.replace(SELLER, logo_sha256=None, telegram_bot=""),
        customer=dataclasses.replace(CUSTOMER, email=None, fax=None, phone=None, delivery=()),
        items=(), finance_charges=(), activity=(), previous_statement_date=None, notes=(),
    )
    assert StatementSnapshot.from_json(stored(bare)) == bare


def test_the_json_is_exactly_what_statements_were_stored_as_before():
    # Same keys, same order, same values: stored snapshots and new ones read and render alike.
    assert json.dumps(FULL.to_json()) == json.dumps(as_asdict_had_it(FULL))


def test_changing_the_json_leaves_the_snapshot_alone():
    data = FULL.to_json()
    data["aging_minor"]["current"] = 0
    data["items"][0]["open_minor"] = 0
    assert FULL.aging_minor["current"] == 1_200
    assert FULL.items[0].open_minor == 80_000
