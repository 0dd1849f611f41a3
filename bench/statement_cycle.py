"""The statement cycle's creation stage, end to end: every snapshot committed for a book of N customers.

    .venv/bin/python -m bench.statement_cycle                        # 10,000 customers × 10 open items, both
    .venv/bin/python -m bench.statement_cycle --backend sqlite --customers 2000

For each backend: a fresh database (a temporary SQLite file; `aragent_bench_stmt_<pid>` on the PostgreSQL
server, dropped afterwards), migrated with our migrations and bulk-loaded like bench/aging.py does. Each
customer has `--items` open invoices spread over the aging buckets, two invoices paid in the last two
months (so most statements show activity), and now and then an open credit memo or a deposit. Their class
charges 1.5% a month past 10 days' grace for two customers in three, so most of them get a finance charge.

Timed: core.statements.run_statements from the call to its return, every chunk committed; then a rerun of
the same date (everything skipped). Target: the first run under 60 s on both backends.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import psycopg
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from bench.aging import Book, load_postgres, load_sqlite, postgres_database, sqlite_database
from core.documents.files import LocalFileStore
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.db import Database
from core.kernel.migrate import upgrade
from core.ledger.models import Document
from core.statements.cycle import run_statements
from core.statements.models import Statement

STATEMENT_DATE = dt.date(2026, 11, 30)
TARGET_SECONDS = 60.0
SEED = 20261130
ACTOR = Actor("bench", "bench")
CLASSES = [(1, "STD", "Standard", False), (2, "KEY", "Key accounts", True), (3, "GOV", "Public sector", False)]
# Days past due of the open invoices: most current or recent, a tail past 90 days.
DAYS_PAST_DUE = [(-30, 0), (-30, 0), (-30, 0), (1, 30), (1, 30), (31, 60), (61, 90), (91, 400)]

console = Console(width=None if sys.stdout.isatty() else 110)


def build_book(customers: int, items: int, seed: int = SEED) -> tuple[Book, list[tuple]]:
    """The book in bench/aging.py's tables, and a billing contact per customer (its own table)."""
    rng, book = random.Random(seed), Book()
    book.tables["customer_classes"] = list(CLASSES)
    contacts = []
    day = {n: STATEMENT_DATE - dt.timedelta(days=n) for n in range(-60, 800)}
    for cid in range(1, customers + 1):
        terms = rng.choice((30, 30, 45, 60))
        book.add("customers", f"C{cid:06d}", f"Customer {cid}", rng.choice((1, 1, 2)), terms, "USD", "UTC",
                 "email;print", rng.random() < 0.01)
        contacts.append((cid, cid, f"Customer {cid} billing", f"ap{cid}@example.com", True))
        for n in range(items):
            past = rng.randint(*rng.choice(DAYS_PAST_DUE))
            amount = 5_000 + rng.randint(0, 500_000)
            book.add("documents", cid, "invoice", f"INV-{cid}-{n}", day[past + terms], day[past], "USD",
                     amount, amount, False, False)
        for n in range(2):  # paid in the last two months: activity on most statements
            paid_on = day[rng.randint(0, 60)]
            amount = 5_000 + rng.randint(0, 200_000)
            doc_id = book.add("documents", cid, "invoice", f"PAID-{cid}-{n}", paid_on - dt.timedelta(days=20),
                              paid_on + dt.timedelta(days=terms - 20), "USD", amount, 0, False, False)
            payment = book.add("payments", cid, "USD", amount, 0, "succeeded", "ach", "bench", "bench", paid_on)
            book.add("allocations", payment, None, doc_id, amount, 0, paid_on)
        if rng.random() < 0.05:
            amount = 1_000 + rng.randint(0, 20_000)
            book.add("documents", cid, "credit", f"CM-{cid}", day[20], day[20], "USD", amount, amount, False, False)
        if rng.random() < 0.03:
            amount = 1_000 + rng.randint(0, 50_000)
            book.add("payments", cid, "USD", amount, amount, "succeeded", "ach", "bench", "bench", day[5])
    return book, contacts


FINANCE_CHARGE_TERMS = ("UPDATE customer_classes SET finance_charge_monthly_rate = 1.5, "
                        "finance_charge_grace_days = 10, finance_charge_minimum = 2 WHERE id = 1")
ADDRESSES = ("UPDATE customers SET address_line1 = id || ' Harbor Way', city = 'Oakland', region = 'CA', "
             "postal_code = '94607', country = 'US'")
CONTACTS = ("INSERT INTO contacts (id, customer_id, name, email, is_primary, email_opt_out, sms_opt_out, "
            "email_verified, phone_verified) VALUES ({}, false, false, false, false)")


def finish_postgres(url: str, contacts: list[tuple]) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(FINANCE_CHARGE_TERMS)
        conn.execute(ADDRESSES)
        conn.cursor().executemany(CONTACTS.format("%s, %s, %s, %s, %s"), contacts)
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


def finish_sqlite(path: Path, contacts: list[tuple]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute(FINANCE_CHARGE_TERMS)
        conn.execute(ADDRESSES)
        conn.executemany(CONTACTS.format("?, ?, ?, ?, ?"), contacts)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    finally:
        conn.close()


def measure_cycle(url: str, customers: int = 10_000, items: int = 10, chunk: int = 500) -> dict:
    """Load a book of `customers` × `items` open invoices into a fresh database and time the cycle on it.

    `url`: a PostgreSQL server (a scratch database is made on it and dropped), or `sqlite://` for a
    temporary SQLite file.
    """
    started = time.perf_counter()
    book, contacts = build_book(customers, items)
    with ExitStack() as stack:
        if url.startswith("sqlite"):
            path = stack.enter_context(sqlite_database(None, keep=False))
            database_url = f"sqlite:///{path}"
            upgrade(database_url)
            load_sqlite(path, book)
            finish_sqlite(path, contacts)
        else:
            database_url = stack.enter_context(postgres_database(url, prefix="aragent_bench_stmt"))
            upgrade(database_url)
            load_postgres(database_url, book)
            finish_postgres(database_url, contacts)
        loaded = time.perf_counter() - started
        return {"customers": customers, "items": items, "load_seconds": round(loaded, 1),
                **_timed_cycle(database_url, chunk)}


def _timed_cycle(database_url: str, chunk: int) -> dict:
    db = Database(database_url)
    files = LocalFileStore(Path(tempfile.mkdtemp(prefix="aragent_bench_files_")))
    settings = Settings(database_url=database_url)

    def cycle() -> tuple[float, int]:
        start = time.perf_counter()
        summary = run_statements(db, settings, files, statement_date=STATEMENT_DATE,
                                 finance_charges_on=STATEMENT_DATE, actor=ACTOR, chunk=chunk)
        return time.perf_counter() - start, summary.created

    try:
        first, created = cycle()
        rerun, _ = cycle()
        with db.uow() as uow:
            stated = uow.session.scalar(select(func.count()).select_from(Statement))
            charges = uow.session.scalar(select(func.count()).where(Document.kind == "finance_charge"))
        return {"backend": db.engine.dialect.name, "seconds": round(first, 2), "created": created,
                "statements": stated, "finance_charges": charges, "rerun_seconds": round(rerun, 2),
                "per_second": round(created / first)}
    finally:
        db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.statement_cycle", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("postgresql", "sqlite", "both"), default="both")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=10, help="open invoices per customer")
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    urls = {"sqlite": "sqlite://", "postgresql": args.pg_url}
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    table = Table("backend", "customers", "load s", "cycle s", "statements/s", "statements", "finance charges",
                  "rerun s", "target", title=f"statement cycle for {STATEMENT_DATE}, chunk {args.chunk}")
    met = True
    for backend in backends:
        figures = measure_cycle(urls[backend], args.customers, args.items, args.chunk)
        ok = figures["seconds"] < TARGET_SECONDS and figures["statements"] == args.customers
        met = met and ok
        table.add_row(backend, f"{args.customers:,} × {args.items}", f"{figures['load_seconds']}",
                      f"{figures['seconds']:.2f}", f"{figures['per_second']:,}", f"{figures['statements']:,}",
                      f"{figures['finance_charges']:,}", f"{figures['rerun_seconds']:.2f}",
                      "[green]yes[/green]" if ok else "[red]no[/red]")
    console.print(table)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
