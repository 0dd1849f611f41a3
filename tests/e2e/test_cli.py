"""The `aragent` command line, as finance staff and cron jobs run it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_reports_rejected_lines_and_loads_the_rest(run, tmp_path: Path) -> None:
    customers = write(tmp_path / "customers.csv", "code,name,email,phone,delivery\n"
                      "ACME,Acme Corp,ap@acme.example,312 555 0142,email;sms\n"
                      "BETA,,ap@beta.example,,\n"
                      "GAMMA,Gamma LLC,not-an-email,,\n")
    result = run("import", "customers", str(customers))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "loaded 1, updated 0, rejected 2",
        "line 3: name: required",
        "line 4: email: not an email address: 'not-an-email'",
    ]
    invoices = write(tmp_path / "invoices.csv", "number,customer,date,amount,extra\n"
                     "1001,ACME,2026-10-01,1200.50,ignored\n"
                     "1002,ACME,2026-13-01,10,\n"
                     "1003,ACME,2026-10-01,-5,\n"
                     "1004,NOPE,2026-10-01,5,\n")
    out = json.loads(run("import", "invoices", str(invoices), "--json").output)
    assert out["loaded"] == 1 and [r["line"] for r in out["rejected"]] == [3, 4, 5]
    assert "must not be negative" in out["rejected"][1]["reason"]
    assert "unknown customer 'NOPE'" in out["rejected"][2]["reason"]
    rerun = run("import", "invoices", str(invoices))
    assert rerun.output.startswith("loaded 0, updated 1, rejected 3")


def test_aging_json_and_api_key_commands(run, tmp_path: Path) -> None:
    write(tmp_path / "c.csv", "code,name\nACME,Acme\n")
    write(tmp_path / "i.csv", "number,customer,date,amount\n1,ACME,2026-08-01,100\n2,ACME,2026-11-01,50\n")
    run("import", "customers", str(tmp_path / "c.csv"))
    run("import", "invoices", str(tmp_path / "i.csv"))
    [row] = json.loads(run("aging", "--as-of", "2026-11-22", "--json").output)
    assert (row["customer"], row["balance"], row["61-90"], row["current"]) == ("ACME", "150.00", "100.00", "50.00")
    key = run("api-keys", "create", "erp").output.strip()
    assert key.startswith("ark_") and len(key) > 30
    assert run("api-keys", "create", "erp").exit_code == 1  # one name, one key
    assert "erp" in run("api-keys", "list").output and key not in run("api-keys", "list").output
    assert run("api-keys", "revoke", "erp").output.strip() == "revoked erp"


def test_demo_data_builds_a_full_book_once(run) -> None:
    assert "60 customers" in run("demo-data", "--today", "2026-11-22").output
    refused = run("demo-data")
    assert refused.exit_code == 1 and "--force" in refused.output
    rows = json.loads(run("aging", "--as-of", "2026-11-22", "--json").output)
    assert len(rows) >= 50
    for bucket in ("current", "1-30", "31-60", "61-90", "90+", "credits"):
        assert sum(float(r[bucket]) for r in rows) > 0, bucket  # every bucket is populated


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_demo(data: Path, port: int) -> tuple[subprocess.Popen[str], str]:
    """`aragent serve --demo` in a process of its own, and its banner (up to the list of channels)."""
    env = {**os.environ, "ARAGENT_DATA_DIR": str(data), "ARAGENT_LOG_FORMAT": "json"}
    for name in ("ARAGENT_DATABASE_URL", "ARAGENT_SMTP_HOST", "ARAGENT_TELEGRAM_TOKEN", "ARAGENT_TWILIO_AUTH_TOKEN"):
        env.pop(name, None)
    proc = subprocess.Popen([sys.executable, "-m", "channels.cli.main", "serve", "--demo", "--port", str(port)],
                            env=env, stderr=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
    banner = ""
    deadline = time.monotonic() + 60
    while "email " not in banner and time.monotonic() < deadline and proc.poll() is None:
        banner += proc.stderr.readline()  # type: ignore[union-attr]
    return proc, banner


def test_serve_demo_starts_a_working_app(tmp_path: Path) -> None:
    """The README's main command: an empty data folder becomes a served demo book."""
    port = _free_port()
    proc, banner = _serve_demo(tmp_path / "data", port)
    try:
        key = re.search(r"API key: +(ark_\S+)", banner)
        assert key, banner
        assert f"curl -H 'X-API-Key: {key.group(1)}'" in banner  # the example works when copied
        assert "chat --customer C1001" in banner and "(shown once)" in banner
        assert "Telegram   off: set ARAGENT_TELEGRAM_TOKEN" in banner
        assert "email      off: set ARAGENT_SMTP_HOST" in banner
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/health", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        def call(path: str, body: dict | None = None, **headers: str) -> dict:
            request = urllib.request.Request(
                f"{base}{path}", data=json.dumps(body).encode() if body is not None else None,
                headers={"X-API-Key": key.group(1), "Content-Type": "application/json", **headers})
            return json.loads(urllib.request.urlopen(request, timeout=10).read())

        assert call("/api/customers/C1001")["balances"]
        assert (tmp_path / "data" / "aragent.db").exists()
        # Pay one invoice with a sandbox card; the sandbox settles it by a signed webhook to this server.
        invoice = next(i for i in call("/api/customers/C1001/invoices") if i["type"] == "invoice"
                       and not i["discount_until"])
        method = call("/api/customers/C1001/methods", {"processor": "sandbox", "token": "tok_visa", "kind": "card",
                                                       "brand": "visa", "last4": "4242"})
        paid = call("/api/payments", {"customer": "C1001", "amount": invoice["open_amount"], "method_id": method["id"],
                                      "invoices": [{"number": invoice["number"]}]}, **{"Idempotency-Key": "t-1"})
        assert paid["status"] == "pending"
        for _ in range(100):
            numbers = [i["number"] for i in call("/api/customers/C1001/invoices", None)]
            if invoice["number"] not in numbers:
                break
            time.sleep(0.2)
        assert invoice["number"] not in numbers, "the sandbox's webhook never settled the payment"
    finally:
        proc.terminate()
        proc.wait(10)
    again, banner = _serve_demo(tmp_path / "data", port)  # a restart: the same key, no second admin password
    try:
        assert f"API key:       {key.group(1)}" in banner, banner
        assert "(shown once)" not in banner and "users password admin" in banner
    finally:
        again.terminate()
        again.wait(10)
        proc.wait(timeout=10)


def test_a_row_loaded_with_a_warning_is_said_and_the_import_succeeds(run, tmp_path: Path) -> None:
    customers = write(tmp_path / "customers.csv", "code,name,delivery\nNOMAIL,No Mail Ltd,email\n")
    result = run("import", "customers", str(customers))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "loaded 1, updated 0, rejected 0, 1 warning(s)"
    assert result.output.splitlines()[1].startswith("line 2: warning: delivery: email delivery needs an email address")
    invoices = write(tmp_path / "invoices.csv", "number,customer,date,amount\nNM-1,NOMAIL,2026-10-01,300.00\n")
    assert run("import", "invoices", str(invoices)).exit_code == 0  # its debt is in the book
