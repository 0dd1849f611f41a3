"""The agent console's customer page for a customer with 500 open invoices, on PostgreSQL: server time.

    .venv/bin/python -m bench.console                        # 2,000 customers × 10 invoices + one with 500
    .venv/bin/python -m bench.console --repeat 200 --customers 10000

A fresh PostgreSQL database (`aragent_bench_console_<pid>`, dropped afterwards) is migrated with our own
migrations and loaded directly (the book is the setting, not what is measured): `--customers` customers with
a billing contact and `--invoices` invoices each (a third paid), and customer BIG with 500 open invoices in
every aging bucket, 200 paid ones, 3 credit memos, 20 invoices held by a pending payment and a few comments.
Then the real app (`create_app`) runs in process behind Litestar's TestClient: an agent signs in, and after
warm-up each page is requested `--repeat` times, turn about. Server time is the `ms=` of the app's request log
(its outermost middleware: routing, guard and session check, the reads, rendering); the client time beside it
adds the test client's own overhead; CPU is this process's CPU time for the request (app and client, not
PostgreSQL's): what the page costs when the machine is not shared. Exit status 1 when a page's server p95
is 150 ms or more. The load average is printed beside the figures: on a busy machine they are its.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path
from time import perf_counter, process_time
from typing import Any

from litestar.testing import TestClient
from rich.console import Console
from rich.table import Table
from sqlalchemy import insert, text
from structlog.testing import capture_logs

from bench.aging import postgres_database
from channels.web.app import create_app
from core.bootstrap import bootstrap
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.db import Database
from core.kernel.migrate import upgrade
from core.ledger.models import Contact, Customer, CustomerClass, Document, InvoiceComment, InvoiceHold, Payment
from core.ledger.phone_keys import phone_keys
from core.staff import users as staff

P95_TARGET_MS = 150.0
PASSWORD = "bench console password"
TODAY = dt.date.today()
PAGES = {
    "open invoices (500)": "/console/customers/BIG/invoices",
    "open invoices, 90+ by amount": "/console/customers/BIG/invoices?bucket=90%2B&sort=amount&dir=desc",
    "overview": "/console/customers/BIG",
    "companies, search by phone": "/console/companies?q=510-555-0042",
}
console = Console(width=None if sys.stdout.isatty() else 130)


def _invoice(rng: random.Random, number: str, customer_id: int, paid: bool, age: int) -> dict[str, object]:
    amount = rng.randint(5_000, 900_000)
    doc_date = TODAY - dt.timedelta(days=age)
    return {"customer_id": customer_id, "kind": "invoice", "number": number, "doc_date": doc_date,
            "due_date": doc_date + dt.timedelta(days=30), "currency": "USD", "amount_minor": amount,
            "open_minor": 0 if paid else amount, "po": f"PO-{rng.randint(10_000, 99_999)}"}


def load_book(db: Database, customers: int, invoices: int, seed: int = 11) -> None:
    """Customers C00000…, each with a contact and invoices; BIG with 500 open ones, some held, some commented."""
    rng = random.Random(seed)
    with db.engine.begin() as conn:
        class_id = conn.execute(insert(CustomerClass).values(code="TRADE", name="Trade", allow_auto_statement=True)
                                .returning(CustomerClass.id)).scalar_one()
        people: list[dict[str, Any]] = [
            {"code": f"C{i:05d}", "name": f"Customer {i:05d} Supply", "class_id": class_id, "delivery": "email"}
            for i in range(customers)
        ]
        people.append({"code": "BIG", "name": "Bigtop Distribution Inc.", "class_id": class_id, "delivery": "email"})
        conn.execute(insert(Customer), people)
        ids: dict[str, int] = {code: cid for code, cid in conn.execute(text("SELECT code, id FROM customers"))}
        conn.execute(insert(Contact), [{"customer_id": ids[p["code"]], "name": "Billing", "is_primary": True,
                                        "email": f"ap{n}@example.com", "phone": f"+1510555{n:04d}",
                                        **dict(zip(("phone_national", "phone_tail"), phone_keys(f"+1510555{n:04d}"),
                                                   strict=True))}
                                       for n, p in enumerate(people)])
        docs = [_invoice(rng, f"{code}-{k}", cid, rng.random() < 0.33, rng.randint(0, 150))
                for code, cid in ids.items() if code != "BIG" for k in range(invoices)]
        big = ids["BIG"]
        docs += [_invoice(rng, f"BIG-{k:04d}", big, False, rng.randint(0, 160)) for k in range(500)]
        docs += [_invoice(rng, f"BIG-P{k:04d}", big, True, rng.randint(30, 400)) for k in range(200)]
        docs += [{**_invoice(rng, f"BIG-CM{k}", big, False, 20), "kind": "credit"} for k in range(3)]
        conn.execute(insert(Document), docs)
        held = conn.execute(text("SELECT id FROM documents WHERE number LIKE 'BIG-00%' ORDER BY number LIMIT 20"))
        held_ids = [row[0] for row in held]
        payment = conn.execute(insert(Payment).values(customer_id=big, currency="USD", amount_minor=100_000,
                                                      status="pending", received_on=TODAY, processor="sandbox")
                               .returning(Payment.id)).scalar_one()
        conn.execute(insert(InvoiceHold), [{"invoice_id": i, "payment_id": payment} for i in held_ids])
        conn.execute(insert(InvoiceComment), [{"document_id": i, "author": "user:bench", "body": "Called about it"}
                                              for i in held_ids[:5]])
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(url: str, repeat: int, warmup: int) -> dict[str, tuple[list[float], list[float], list[float]]]:
    services = bootstrap(Settings(data_dir=Path(tempfile.mkdtemp(prefix="aragent_bench_console_")),
                                  database_url=url, public_url="http://testserver.local"))
    staff.add_user(services.db.uow(), "bench", PASSWORD, "agent", Actor("bench", "cli"))
    timings: dict[str, tuple[list[float], list[float], list[float]]] = {name: ([], [], []) for name in PAGES}
    try:
        with TestClient(create_app(services)) as client:
            client.get("/console/login")
            signed = client.post("/console/login", data={"username": "bench", "password": PASSWORD,
                                                         "_csrf_token": client.cookies.get("aragent_csrf", "")})
            assert signed.status_code == 200 and "/console/companies" in str(signed.url), "sign-in failed"
            for turn in range(warmup + repeat):
                for name, path in PAGES.items():
                    with capture_logs() as logs:
                        started, cpu = perf_counter(), process_time()
                        response = client.get(path)
                        client_ms, cpu_ms = (perf_counter() - started) * 1000, (process_time() - cpu) * 1000
                    assert response.status_code == 200, f"{path}: {response.status_code}"
                    if turn >= warmup:
                        server_ms = next(float(e["ms"]) for e in logs if e.get("event") == "request")
                        timings[name][0].append(server_ms)
                        timings[name][1].append(client_ms)
                        timings[name][2].append(cpu_ms)
            rows = client.get(PAGES["open invoices (500)"]).text.count('name="invoice"')
            assert rows == 480, f"expected 480 selectable invoices (500 less 20 held), saw {rows}"
    finally:
        services.close()
    return timings


def report(timings: dict[str, tuple[list[float], list[float], list[float]]]) -> bool:
    table = Table(title=f"Console pages, customer with 500 open invoices (ms, {len(next(iter(timings.values()))[0])} "
                        "requests each)")
    for column in ("page", "server p50", "server p95", "server max", "client p50", "client p95", "CPU p50", "CPU p95"):
        table.add_column(column, justify="left" if column == "page" else "right")
    ok = True
    for name, (server, client, cpu) in timings.items():
        p95 = _percentile(server, 0.95)
        ok = ok and p95 < P95_TARGET_MS
        table.add_row(name, f"{statistics.median(server):.1f}", f"{p95:.1f}", f"{max(server):.1f}",
                      f"{statistics.median(client):.1f}", f"{_percentile(client, 0.95):.1f}",
                      f"{statistics.median(cpu):.1f}", f"{_percentile(cpu, 0.95):.1f}")
    console.print(table)
    console.print(f"load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    console.print(f"target: server p95 under {P95_TARGET_MS:.0f} ms: {'met' if ok else 'NOT met'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=10, help="invoices per ordinary customer")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    with postgres_database(args.pg_url, args.keep, prefix="aragent_bench_console") as url:
        upgrade(url)
        started = perf_counter()
        load_book(Database(url), args.customers, args.invoices)
        console.print(f"book: {args.customers} customers × {args.invoices} invoices, BIG with 500 open; "
                      f"loaded in {perf_counter() - started:.1f} s")
        ok = report(measure(url, args.repeat, args.warmup))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
