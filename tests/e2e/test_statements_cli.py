"""`aragent statements run|list` as a cron job and finance staff run them, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest


@pytest.fixture
def book(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = {
        "classes": "code,finance_charge_monthly_rate,finance_charge_grace_days\nFIN,1.5,10\n",
        "customers": "code,name,class,email\nACME,Acme Corp,FIN,ap@acme.example\nBETA,Beta LLC,,\nIDLE,Idle Inc,,\n",
        "invoices": "number,customer,date,amount,type\n"
                    "1001,ACME,2026-08-01,1000.00,invoice\n"
                    "1002,ACME,2026-11-15,250.50,invoice\n"
                    "CM-7,ACME,2026-11-01,50.00,credit\n"
                    "2001,BETA,2026-11-20,99.99,invoice\n",
    }
    for kind, text in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        assert run("import", kind, str(path)).exit_code == 0


def test_run_json_is_the_documented_shape(run, book) -> None:  # type: ignore[no-untyped-def]
    result = run("statements", "run", "--as-of", "2026-11-30", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "statement_date": "2026-11-30",
        "created": 2,
        "skipped": 0,
        "statements": [
            # 1000.00 + 250.50 - 50.00 + 15.00 of finance charge on the 1001 invoice, 91 days past due
            {"customer": "ACME", "balance": "1215.50", "document": "ST-ACME-20261130"},
            {"customer": "BETA", "balance": "99.99", "document": "ST-BETA-20261130"},
        ],
    }
    again = json.loads(run("statements", "run", "--as-of", "2026-11-30", "--json").output)
    assert again == {"statement_date": "2026-11-30", "created": 0, "skipped": 2, "statements": []}


def test_run_without_finance_charges_and_the_plain_summary(run, book) -> None:  # type: ignore[no-untyped-def]
    result = run("statements", "run", "--as-of", "2026-11-30", "--no-finance-charges")
    assert result.output.strip() == ("statements for 2026-11-30: created 2, skipped 0 (already made); "
                                     "no finance charges assessed")
    [acme] = [s for s in json.loads(run("statements", "list", "--json").output) if s["customer"] == "ACME"]
    assert acme["balance"] == "1200.50"
    clash = run("statements", "run", "--finance-charges-on", "2026-11-30", "--no-finance-charges")
    assert clash.exit_code == 2 and "exclude each other" in clash.output
    refused = run("statements", "run", "--as-of", "2026-11-30")  # the run assessed none: no charges now either
    assert refused.exit_code == 1 and "assessed finance charges on no date" in refused.output


def test_the_statement_date_defaults_by_the_cutoff_hour(run, book) -> None:  # type: ignore[no-untyped-def]
    # A cutoff of 24: every hour is before it, so the statements carry yesterday's date.
    result = run("statements", "run", "--json", ARAGENT_STATEMENT_CUTOFF_HOUR="24")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    assert json.loads(result.output)["statement_date"] == yesterday.isoformat()


def test_list_shows_the_latest_date_or_one_customer_history(run, book) -> None:  # type: ignore[no-untyped-def]
    assert run("statements", "list").output.strip() == "no statements"
    run("statements", "run", "--as-of", "2026-10-31", "--finance-charges-on", "2026-10-25")
    run("statements", "run", "--as-of", "2026-11-30", "--json")
    latest = json.loads(run("statements", "list", "--json").output)
    assert [(s["document"], s["statement_date"], s["rendered"]) for s in latest] == [
        ("ST-ACME-20261130", "2026-11-30", False), ("ST-BETA-20261130", "2026-11-30", False),
    ]
    history = json.loads(run("statements", "list", "--customer", "ACME", "--json").output)
    assert [s["document"] for s in history] == ["ST-ACME-20261130", "ST-ACME-20261031"]
    table = run("statements", "list", "--date", "2026-10-31").output
    assert "ST-ACME-20261031" in table and "Acme Corp" in table and "BETA" not in table
    unknown = run("statements", "list", "--customer", "NOPE")
    assert unknown.exit_code == 1 and "customer NOPE not found" in unknown.output


def test_a_second_run_in_the_month_charges_nobody_again_and_says_so(run, book) -> None:  # type: ignore[no-untyped-def]
    first = run("statements", "run", "--as-of", "2026-11-25").output.strip()
    second = run("statements", "run", "--as-of", "2026-11-30").output.strip()
    assert first.endswith("; 1 finance charges assessed on 2026-11-25")
    assert second == ("statements for 2026-11-30: created 2, skipped 0 (already made); 0 finance charges assessed "
                      "on 2026-11-30, none again for 1 customer already charged for 2026-11 (once a period)")
    [acme] = [s for s in json.loads(run("statements", "list", "--json").output) if s["customer"] == "ACME"]
    assert acme["balance"] == "1215.50"  # the one charge of 15.00, as on the first run's statement
