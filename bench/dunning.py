"""The dunning run on 100,000 customers / 1,000,000 documents on PostgreSQL, beside the bare candidate query.

    .venv/bin/python -m bench.dunning                                  # full size
    .venv/bin/python -m bench.dunning --customers 5000 --invoices 50000 --repeat 1

The book is bench.aging's (same seed, COPY-loaded into a fresh database migrated with our migrations), with
what dunning looks at added: one customer in three is in class KEY, which allows automatic statements; 85% of
customers have a billing email (one in twenty of those opted out), 10% chose SMS only (not a channel of the
default policy), 5% gave nothing; a statement dated 2026-10-31 for every customer (the notice names it); a
third of the partly paid invoices were short-paid with a dispute reason; 1% of customers have an invoice in
a scheduled payment and 1% an open promise to pay. About a quarter of the customers get a message.

Each round starts from an empty outbox and no notices (TRUNCATE, then ANALYZE) and times:

- **run_dunning**: `core.dunning.run_dunning` end to end, from the call to its return: the ledger pass, the
  chunks' reads, every text rendered, every outbox message and notice row written and committed;
- **candidates, ours / bare / bare ledger**: `core.ledger.book.dunning_candidates` through Database.uow() (read
  off the kept balances), the hand-written SQL of the same read, and the bare SQL of the ledger aggregate (what
  the query was before the balances were kept; both bench.aging's) on a raw psycopg cursor, in the same round;
- **cancel_paid_dunning**: the outbox job's sweep over the messages just queued (none of them paid).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from rich.console import Console
from rich.table import Table

from bench.aging import (
    AS_OF,
    BARE_CANDIDATES,
    BARE_KEPT_CANDIDATES,
    COLUMNS,
    Book,
    BookBuilder,
    bare_params,
    bare_sql,
    cpu_check,
    load_postgres,
    postgres_database,
    prepare,
    stopwatch,
)
from core.bootstrap import Services, bootstrap
from core.dunning.run import cancel_paid_dunning, run_dunning
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.ledger.book import dunning_candidates

ACTOR = Actor("bench", "scheduler")
TARGET_SECONDS = 15.0
CLASSES = [(1, "STD", "Standard", False), (2, "KEY", "Key accounts", True), (3, "GOV", "Public sector", False)]
console = Console(width=None if sys.stdout.isatty() else 130)


def dunning_book(customers: int, documents: int) -> Book:
    """bench.aging's book, with contacts and delivery choices: 85% email, 10% SMS only, 5% nothing."""
    book = BookBuilder(customers, documents).build()
    book.tables["customer_classes"] = list(CLASSES)
    COLUMNS["contacts"] = ("id", "customer_id", "name", "email", "phone", "is_primary", "email_opt_out",
                           "sms_opt_out", "email_verified", "phone_verified")
    book.tables["contacts"] = []
    rows = []
    for row in book.tables["customers"]:
        cid = row[0]
        kind = cid % 20
        delivery = "email" if kind < 17 else "sms" if kind < 19 else ""
        class_id = 2 if cid % 3 == 0 else 1 if row[3] == 2 else row[3]
        rows.append((*row[:3], class_id, *row[4:7], delivery, row[8]))
        if delivery:
            email = f"ap@c{cid:07d}.example" if delivery == "email" else None
            phone = f"+1510555{cid % 10000:04d}"
            book.add("contacts", cid, "billing", email, phone, True, cid % 97 == 0, False, False, False)
    book.tables["customers"] = rows
    return book


EXTRAS = """
INSERT INTO statement_runs (id, statement_date, status, customers, created, skipped, finance_charges, started_at)
VALUES (1, DATE '2026-10-31', 'complete', 0, 0, 0, 0, now());
INSERT INTO statements (run_id, customer_id, statement_date, currency, balance_minor, snapshot, template_version)
SELECT 1, id, DATE '2026-10-31', currency, 0, '{}', 'bench' FROM customers;
UPDATE allocations SET short_reason = 'Damaged goods'
WHERE id % 3 = 0 AND invoice_id IN (SELECT id FROM documents WHERE open_minor > 0 AND open_minor < amount_minor);
INSERT INTO payments (customer_id, currency, amount_minor, unapplied_minor, status, method_kind, channel,
                      initiated_by, received_on, scheduled_for)
SELECT customer_id, currency, open_minor, 0, 'scheduled', 'card', 'bench', 'bench', DATE '2026-11-25',
       DATE '2026-11-25'
FROM (SELECT DISTINCT ON (customer_id) customer_id, currency, open_minor, id FROM documents
      WHERE open_minor > 0 AND kind = 'invoice' AND customer_id % 100 = 7 ORDER BY customer_id, due_date) AS oldest;
INSERT INTO invoice_holds (invoice_id, payment_id)
SELECT d.id, p.id FROM payments p
JOIN LATERAL (SELECT id FROM documents WHERE customer_id = p.customer_id AND open_minor > 0 AND kind = 'invoice'
              ORDER BY due_date LIMIT 1) d ON true
WHERE p.status = 'scheduled' AND p.channel = 'bench';
INSERT INTO payment_promises (customer_id, promised_for, currency, grace_days, status, channel, created_by,
                              invoice_ids)
SELECT id, DATE '2026-11-28', currency, 3, 'open', 'telegram', 'bench', '[]' FROM customers WHERE id % 100 = 13;
"""


def add_extras(url: str) -> None:
    with psycopg.connect(url) as conn:
        for statement in EXTRAS.split(";"):
            if statement.strip():
                conn.execute(statement)  # type: ignore[arg-type]
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


def reset(url: str) -> None:
    """An empty outbox and no notices: every round queues the same messages from scratch."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE dunning_notices, statement_deliveries, print_batch_items, outbox_messages CASCADE")
        conn.execute("ANALYZE outbox_messages")
        conn.execute("ANALYZE dunning_notices")


def timed(run: Callable[[], Any]) -> tuple[Any, float]:
    gc.collect()
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def one_round(services: Services, url: str, cursor: Any) -> dict[str, tuple[Any, float]]:
    reset(url)
    figures = {"run_dunning": timed(lambda: run_dunning(services, AS_OF, ACTOR))}
    figures["cancel_paid_dunning"] = timed(lambda: cancel_paid_dunning(services.db, ACTOR, today=AS_OF))

    def ours() -> list:
        with services.db.uow() as uow:
            return dunning_candidates(uow.session, AS_OF)

    def bare(sql: str) -> Callable[[], list]:
        def run() -> list:
            cursor.execute(bare_sql(sql, True), bare_params(AS_OF, True))
            return cursor.fetchall()

        return run

    ours(), bare(BARE_KEPT_CANDIDATES)(), bare(BARE_CANDIDATES)()  # warm
    figures["candidates, ours"] = timed(ours)
    figures["candidates, bare"] = timed(bare(BARE_KEPT_CANDIDATES))
    figures["candidates, bare ledger"] = timed(bare(BARE_CANDIDATES))
    return figures


def report(rounds: list[dict[str, tuple[Any, float]]]) -> bool:
    results = rounds[-1]["run_dunning"][0]
    queued = sum(r.status == "queued" for r in results)
    reasons: dict[str, int] = {}
    for r in results:
        key = "queued" if r.status == "queued" else r.reason.split(";")[0].split(":")[0][:60]
        reasons[key] = reasons.get(key, 0) + 1
    console.print(f"evaluated {len(results):,}, queued {queued:,}, canceled by the sweep "
                  f"{rounds[-1]['cancel_paid_dunning'][0]}")
    for reason, n in sorted(reasons.items(), key=lambda item: -item[1]):
        console.print(f"  {n:>7,}  {reason}")
    table = Table(title=f"as of {AS_OF}, seconds over {len(rounds)} round(s)",
                  caption=f"target: run_dunning under {TARGET_SECONDS:.0f} s on PostgreSQL")
    for column in ("step", "min", "median", "max"):
        table.add_column(column, justify="left" if column == "step" else "right")
    for step in rounds[0]:
        seconds = [r[step][1] for r in rounds]
        table.add_row(step, f"{min(seconds):.3f}", f"{statistics.median(seconds):.3f}", f"{max(seconds):.3f}")
    console.print(table)
    return statistics.median(r["run_dunning"][1] for r in rounds) < TARGET_SECONDS


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.dunning", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000, help="documents, mostly invoices")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="the server to create a fresh aragent_dunning_<pid> database on")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds")
    parser.add_argument("--keep", action="store_true", help="keep the database for a look afterwards")
    return parser.parse_args(argv)


def build_and_load(args: argparse.Namespace, url: str) -> None:
    """The book lives only in here: gone before anything is timed."""
    with stopwatch("build the book"):
        book = dunning_book(args.customers, args.invoices)
    console.print("  " + ", ".join(f"{book.count(t):,} {t}" for t in book.tables))
    def load() -> None:
        load_postgres(url, book)
        add_extras(url)

    prepare("PostgreSQL", url, load)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with postgres_database(args.pg_url, args.keep, prefix="aragent_dunning") as url:
        build_and_load(args, url)
        gc.collect()
        console.print(f"CPU check {cpu_check() * 1000:.0f} ms")
        services = bootstrap(Settings(data_dir=Path(tempfile.mkdtemp(prefix="aragent_dunning_")), database_url=url))
        try:
            with psycopg.connect(url) as conn:
                rounds = [one_round(services, url, conn.cursor()) for _ in range(args.repeat)]
        finally:
            services.close()
    return 0 if report(rounds) else 1


if __name__ == "__main__":
    sys.exit(main())
