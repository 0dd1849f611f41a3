"""`aragent dunning ...` as a cron job and finance staff run it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

KEYS = ["customer", "stage", "balance", "days_over_terms", "channel", "status", "reason"]


@pytest.fixture
def book(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = {
        "classes": "code,allow_auto_statement\nAUTO,true\n",
        "customers": "code,name,class,email\nACME,Acme Corp,AUTO,ap@acme.example\nBETA,Beta LLC,,ap@beta.example\n",
        "invoices": "number,customer,date,amount,type\n"
                    "1001,ACME,2026-09-01,1000.00,invoice\n"
                    "1002,ACME,2026-11-15,250.50,invoice\n"
                    "CM-7,ACME,2026-11-01,50.00,credit\n"
                    "2001,BETA,2026-10-01,99.99,invoice\n",
    }
    for kind, text in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        assert run("import", kind, str(path)).exit_code == 0


def test_run_json_is_the_documented_shape_and_a_rerun_queues_nothing(run, book) -> None:  # type: ignore[no-untyped-def]
    result = run("dunning", "run", "--as-of", "2026-11-22", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert all(list(row) == KEYS for row in rows)
    assert rows == [
        {"customer": "ACME", "stage": 3, "balance": "1200.50", "days_over_terms": 52, "channel": "email",
         "status": "queued", "reason": "first notice"},
        {"customer": "BETA", "stage": 2, "balance": "99.99", "days_over_terms": 22, "channel": None,
         "status": "skipped", "reason": "class does not allow automatic statements"},
    ]
    again = json.loads(run("dunning", "run", "--as-of", "2026-11-22", "--customer", "ACME", "--json").output)
    assert [(r["customer"], r["status"], r["reason"]) for r in again] == [
        ("ACME", "skipped", "already queued for 2026-11-22")]
    listed = json.loads(run("outbox", "list", "--json").output)
    assert [(m["customer"], m["reason"], m["status"]) for m in listed] == [("ACME", "dunning", "pending")]


def test_the_plain_summary_the_stages_and_an_unknown_customer(run, book) -> None:  # type: ignore[no-untyped-def]
    summary = run("dunning", "run", "--as-of", "2026-11-22")
    assert summary.output.splitlines()[0] == "evaluated 2, queued 1 (stage 3: 1), skipped 1"
    assert "class does not allow automatic statements" in summary.output
    stages = run("dunning", "stages", "--class", "AUTO")
    assert stages.exit_code == 0 and "built-in seed default" in stages.output and "dunning.stage3" in stages.output
    unknown = run("dunning", "run", "--customer", "NOPE")
    assert unknown.exit_code == 1 and "customer NOPE not found" in unknown.output


def test_templates_are_listed_shown_set_and_reset(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    name = "dunning.stage1.sms.txt"
    good = tmp_path / "good.txt"
    good.write_text("{{ seller }}: {{ amount_due }} due. Reply PAY.", encoding="utf-8")
    broken = tmp_path / "broken.txt"
    broken.write_text("{{ amount_due ", encoding="utf-8")
    refused = run("dunning", "templates", "set", name, str(broken))
    assert refused.exit_code == 1 and "does not compile: line 1" in refused.output
    assert run("dunning", "templates", "set", name, str(good)).output.strip() == f"{name}: override saved"
    assert run("dunning", "templates", "show", name).output.strip() == good.read_text(encoding="utf-8")
    assert "override" in next(line for line in run("dunning", "templates", "list").output.splitlines() if name in line)
    assert "the file is in force" in run("dunning", "templates", "reset", name).output
    assert "{{ seller }}: reminder" in run("dunning", "templates", "show", name).output  # the file again


def test_staff_set_a_class_stages_from_the_command_line(run, book) -> None:  # type: ignore[no-untyped-def]
    changed = run("dunning", "stages", "set", "--class", "AUTO", "--stage", "1:any:email,sms",
                  "--stage", "2:15:sms,email:every=10", "--stage", "3:30:email,fax:auto:name=Last call")
    assert changed.exit_code == 0, changed.output
    assert "class AUTO" in changed.output and "email, fax" in changed.output and "Last call" in changed.output
    assert "10 days" in run("dunning", "stages", "--class", "AUTO").output

    refused = run("dunning", "stages", "set", "--class", "AUTO", "--stage", "1:any:print")
    assert refused.exit_code == 1 and "dunning does not go by 'print'" in refused.output
    malformed = run("dunning", "stages", "set", "--stage", "one:any:email")
    assert malformed.exit_code == 2 and "expected N:DAYS:CHANNELS" in malformed.output
    assert "sms" in run("dunning", "stages", "--class", "AUTO").output  # nothing changed by the refusals

    reset = run("dunning", "stages", "reset", "--class", "AUTO")
    assert reset.exit_code == 0 and "own stages dropped" in reset.output and "built-in seed default" in reset.output
