"""`aragent books check` and `aragent books age`, as a cron job and an operator run them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from core.bootstrap import Services


def test_a_clean_book_checks_clean_and_ages(run, services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "invoices.csv"
    (tmp_path / "customers.csv").write_text("code,name\nBOOKS,Books Ltd\n", encoding="utf-8")
    path.write_text("number,customer,date,amount\nB-1,BOOKS,2026-09-01,100.00\n", encoding="utf-8")
    assert run("import", "customers", str(tmp_path / "customers.csv")).exit_code == 0
    assert run("import", "invoices", str(path)).exit_code == 0
    checked = run("books", "check")
    assert (checked.exit_code, checked.output) == (0, "0 of 1 balances: no drift\n")
    aged = run("books", "age", "--as-of", "2026-11-22")
    assert aged.output == "balances aged as of 2026-11-22: 1 moved bucket\n"
    aging = json.loads(run("aging", "--as-of", "2026-11-22", "--json").output)
    assert [(a["customer"], a["31-60"]) for a in aging] == [("BOOKS", "100.00")]  # due 2026-10-01


def test_drift_is_printed_per_customer_fails_the_check_and_is_fixed(run, services: Services,  # type: ignore[no-untyped-def]
                                                                     tmp_path: Path) -> None:
    (tmp_path / "customers.csv").write_text("code,name\nDRIFT,Drift Ltd\n", encoding="utf-8")
    (tmp_path / "invoices.csv").write_text("number,customer,date,amount\nD-1,DRIFT,2026-09-01,100.00\n", "utf-8")
    run("import", "customers", str(tmp_path / "customers.csv"))
    run("import", "invoices", str(tmp_path / "invoices.csv"))
    with services.db.engine.begin() as conn:
        conn.execute(text("UPDATE customer_balances SET credit_minor = 500"))
    checked = run("books", "check")
    assert checked.exit_code == 1
    assert checked.output.splitlines() == ["DRIFT USD: credits $5.00 (ledger: $0.00)",
                                           "1 of 1 balances: drift from the ledger"]
    as_json = json.loads(run("books", "check", "--json").output)
    assert as_json["drifts"] == [{"customer": "DRIFT", "currency": "USD",
                                  "differences": [{"figure": "credit_minor", "kept": "500", "ledger": "0"}]}]
    fixed = run("books", "check", "--fix")
    assert (fixed.exit_code, fixed.output.splitlines()[-1]) == (0, "1 of 1 balances: fixed")
    assert run("books", "check").exit_code == 0
    with services.db.engine.connect() as conn:
        action, subject, details = conn.execute(text(
            "SELECT action, subject, details FROM audit_events WHERE action = 'books.balance_fixed'")).one()
    assert (action, subject) == ("books.balance_fixed", "balance:DRIFT:USD")
    details = json.loads(details) if isinstance(details, str) else details
    assert details["differences"] == [["credit_minor", "500", "0"]]
