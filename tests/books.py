"""Small helpers that put a book in place through the same import path the ERP uses."""

from __future__ import annotations

import csv
import io

from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.db import Database
from core.ledger.erp import ImportReport, csv_rows, run_import
from core.payments import Branding

TEST_ACTOR = Actor("test", "cli")
# How payment notices sign off in tests: the default seller; its pay links signed with a secret of its own (not one
# made in ./data, the default data folder).
TEST_BRANDING = Branding.of(Settings(link_secret="test-link-secret"))


def to_csv(rows: list[dict[str, str]]) -> bytes:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def load(db: Database, kind: str, rows: list[dict[str, str]]) -> ImportReport:
    return run_import(db.uow(), kind, csv_rows(to_csv(rows)), TEST_ACTOR)


def customer(db: Database, code: str = "ACME", **fields: str) -> None:
    row = {"code": code, "name": f"{code} Ltd", "terms_days": "30", "email": f"ap@{code.lower()}.example"}
    report = load(db, "customers", [{**row, **fields}])
    assert not report.rejected, report.rejected


def invoice(db: Database, number: str, amount: str, date: str, customer: str = "ACME", **fields: str) -> None:
    report = load(db, "invoices", [{"number": number, "customer": customer, "date": date, "amount": amount, **fields}])
    assert not report.rejected, report.rejected
