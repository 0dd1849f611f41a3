"""The aging report and the dunning candidates on a book of 1M documents: ours, and the bare SQL beside.

    .venv/bin/python -m bench.aging                                   # 100k customers, 1M documents
    .venv/bin/python -m bench.aging --customers 2000 --invoices 20000 --backend sqlite
    .venv/bin/python -m bench.aging --pg-database aragent_bench_keep --sqlite-path /tmp/bench.db --reuse

The schema comes from our migrations; the book is bulk-loaded (COPY on PostgreSQL, one executemany
transaction on SQLite) with the kept balances' triggers off, the balances built from the ledger after
(`core.ledger.balance_check.rebuild_balances`, as of the report's date), and analyzed. Each query then runs
once to warm up and `--repeat` times for the figures: ours through Database.uow() and core.ledger.book down to
Aging objects; the bare SQL of the same read (the kept balances) and the bare SQL of the ledger aggregate
(what the report was before the balances were kept), each on a raw DBAPI cursor down to fetchall(). All three
must give the same rows.

With --reuse, a database named by --pg-database or --sqlite-path that exists is used as it is (migrated to
head first): no build, no load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import math
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from core.kernel.db import Database, driver_url
from core.kernel.migrate import upgrade
from core.ledger import age_balances, check_balances
from core.ledger.balance_check import rebuild_balances
from core.ledger.balance_triggers import create_triggers, drop_triggers
from core.ledger.book import (
    Aging,
    DunningCandidate,
    aging_from_ledger,
    aging_report,
    candidates_from_ledger,
    dunning_candidates,
)

AS_OF = dt.date(2026, 11, 22)
SEED = 20261122
PG_TARGETS = {"aging": 0.3, "candidates": 0.2}
SQLITE_FACTOR = 1.5  # SQLite's targets: PostgreSQL's times this

# Wide enough for the table when the output goes to a file.
console = Console(width=None if sys.stdout.isatty() else 130)


# -- the book -------------------------------------------------------------------------------------------

COLUMNS = {
    "customer_classes": ("id", "code", "name", "allow_auto_statement"),
    "customers": (
        "id", "code", "name", "class_id", "terms_days", "currency", "timezone", "delivery", "on_hold",
    ),
    "documents": (
        "id", "customer_id", "kind", "number", "doc_date", "due_date", "currency", "amount_minor",
        "open_minor", "discount_forfeited", "voided",
    ),
    "payments": (
        "id", "customer_id", "currency", "amount_minor", "unapplied_minor", "status", "method_kind",
        "channel", "initiated_by", "received_on",
    ),
    "allocations": (
        "id", "payment_id", "credit_id", "invoice_id", "amount_minor", "discount_minor", "applied_on",
    ),
}
CLASSES = [
    (1, "STD", "Standard", False), (2, "KEY", "Key accounts", True), (3, "GOV", "Public sector", False),
]
CURRENCIES = {"USD": 0.90, "EUR": 0.05, "GBP": 0.03, "CAD": 0.02}
# Days past due of what is still open: most of it current or recent, a long tail past 90 days.
OPEN_BUCKETS = {(None, 0): 0.35, (1, 30): 0.25, (31, 60): 0.15, (61, 90): 0.10, (91, 540): 0.15}


@dataclass
class Book:
    tables: dict[str, list[tuple]] = field(default_factory=lambda: {name: [] for name in COLUMNS})

    def add(self, table: str, *values: Any) -> int:
        """Append a row whose id is its position; returns the id."""
        rows = self.tables[table]
        rows.append((len(rows) + 1, *values))
        return len(rows)

    def count(self, table: str) -> int:
        return len(self.tables[table])


class BookBuilder:
    """A seeded, consistent book: what is paid of a document is allocated from a payment or a credit memo."""

    def __init__(self, customers: int, documents: int, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.n_customers = customers
        self.n_documents = documents
        self.book = Book()
        self.terms: list[int] = [0]  # by customer id
        self.currency: list[str] = [""]
        # One date object per day keeps a million rows small and quick to build.
        self.days = {offset: AS_OF - dt.timedelta(days=offset) for offset in range(-120, 1200)}

    def build(self) -> Book:
        self.book.tables["customer_classes"] = list(CLASSES)
        for _ in range(self.n_customers):
            self._customer()
        while self.book.count("documents") < self.n_documents:
            self._document(self._pick_customer())
        for cid in range(1, self.n_customers + 1):
            self._money_on_account(cid)
        return self.book

    def _customer(self) -> None:
        rng = self.rng
        terms = rng.choice((15, 30, 30, 30, 45, 60))
        currency = rng.choices(list(CURRENCIES), list(CURRENCIES.values()))[0]
        cid = self.book.count("customers") + 1
        class_id = rng.choice((1, 1, 1, 2, 3))
        on_hold = rng.random() < 0.01
        self.book.add(
            "customers", f"C{cid:07d}", f"Customer {cid}", class_id, terms, currency, "UTC", "email", on_hold
        )
        self.terms.append(terms)
        self.currency.append(currency)

    def _pick_customer(self) -> int:
        # Skewed like a real book: low ids are the big accounts, the tail has a handful of documents each.
        return 1 + int(self.n_customers * self.rng.random() ** 1.6)

    def _document(self, cid: int) -> None:
        r = self.rng.random()
        currency = self.currency[cid]
        if self.rng.random() < 0.01:  # a second currency now and then: the reports split by currency
            currency = "EUR" if currency == "USD" else "USD"
        if r < 0.015:
            self._open_credit(cid, currency)
        elif r < 0.045:
            self._finance_charge(cid, currency)
        else:
            self._invoice(cid, currency)

    def _invoice(self, cid: int, currency: str) -> None:
        rng, terms = self.rng, self.terms[cid]
        amount = 1_000 + int(rng.lognormvariate(10.5, 1.0))
        r = rng.random()
        if r < 0.65:  # paid in full, now and then less a discount or a credit memo
            doc = self._add_doc(cid, currency, "invoice", rng.randint(-terms, 540), amount, 0)
            self._settle(doc, amount, full=True)
        elif r < 0.72:
            open_minor = int(amount * rng.uniform(0.1, 0.9))
            days_past = self._open_days_past(terms)
            doc = self._add_doc(cid, currency, "invoice", days_past, amount, open_minor, forfeited=True)
            self._settle(doc, amount - open_minor, full=False)
        else:
            days_past = self._open_days_past(terms)
            self._add_doc(cid, currency, "invoice", days_past, amount, amount, voided=r > 0.995)

    def _finance_charge(self, cid: int, currency: str) -> None:
        amount = self.rng.randint(500, 5_000)
        if self.rng.random() < 0.3:
            doc = self._add_doc(cid, currency, "finance_charge", self.rng.randint(0, 540), amount, 0)
            self._settle(doc, amount, full=True)
        else:
            self._add_doc(cid, currency, "finance_charge", self._open_days_past(0), amount, amount)

    def _open_credit(self, cid: int, currency: str) -> None:
        amount = 500 + int(self.rng.lognormvariate(9, 1.0))
        self._add_doc(cid, currency, "credit", self.rng.randint(0, 180), amount, amount)

    def _open_days_past(self, terms: int) -> int:
        (low, high), = self.rng.choices(list(OPEN_BUCKETS), list(OPEN_BUCKETS.values()))
        return self.rng.randint(-terms if low is None else low, high)

    def _add_doc(
        self, cid: int, currency: str, kind: str, days_past_due: int, amount: int, open_minor: int,
        forfeited: bool = False, voided: bool = False,
    ) -> tuple:
        terms = 0 if kind == "credit" else self.terms[cid]
        doc_id = self.book.count("documents") + 1
        prefix = {"invoice": "INV", "credit": "CM", "finance_charge": "FC"}[kind]
        self.book.add(
            "documents", cid, kind, f"{prefix}-{doc_id:08d}", self.days[days_past_due + terms],
            self.days[days_past_due], currency, amount, open_minor, forfeited, voided,
        )
        return self.book.tables["documents"][-1]

    def _settle(self, doc: tuple, paid: int, full: bool) -> None:
        """Pay `paid` of a document in one payment, now and then less a discount or a credit memo."""
        doc_id, cid, _, _, doc_date, due_date, currency = doc[:7]
        latest = min(AS_OF, due_date + dt.timedelta(days=30))
        paid_on = doc_date + dt.timedelta(days=self.rng.randint(0, (latest - doc_date).days))
        discount = paid * 2 // 100 if full and self.rng.random() < 0.1 else 0
        credit = paid // 5 if self.rng.random() < 0.03 else 0
        if credit:
            memo = self._add_doc(cid, currency, "credit", (AS_OF - paid_on).days, credit, 0)
            self.book.add("allocations", None, memo[0], doc_id, credit, 0, paid_on)
        cash = paid - discount - credit  # at least 78% of `paid`: never zero
        payment_id = self._payment(cid, currency, cash, 0, paid_on)
        self.book.add("allocations", payment_id, None, doc_id, cash, discount, paid_on)

    def _payment(
        self, cid: int, currency: str, amount: int, unapplied: int, day: dt.date, status: str = "succeeded"
    ) -> int:
        method, channel, by = "ach", "bench", "bench"
        return self.book.add("payments", cid, currency, amount, unapplied, status, method, channel, by, day)

    def _money_on_account(self, cid: int) -> None:
        """A deposit here and there, and a few failed payments that must not count."""
        r = self.rng.random()
        if r < 0.03:
            amount = 1_000 + int(self.rng.lognormvariate(10, 1.0))
            status = "succeeded" if r < 0.025 else "failed"
            self._payment(cid, self.currency[cid], amount, amount, self.days[self.rng.randint(0, 90)], status)


# -- loading --------------------------------------------------------------------------------------------


def load_postgres(url: str, book: Book) -> None:
    with psycopg.connect(url) as conn:
        # The kept balances' triggers stay quiet for a bulk load (a superuser's session); they are built after.
        conn.execute("SET session_replication_role = replica")
        for table, rows in book.tables.items():
            copy_sql = f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN"
            with conn.cursor() as cur, cur.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {max(len(rows), 1)})")
        conn.commit()
    keep_balances(url)
    with psycopg.connect(url, autocommit=True) as conn:
        # VACUUM too: it sets the visibility map that index-only scans rely on, as autovacuum would.
        conn.execute("VACUUM ANALYZE")


def keep_balances(url: str) -> None:
    """The kept balances built from the bulk-loaded ledger, as of the report's day."""
    engine = create_engine(driver_url(url))
    try:
        with stopwatch("build the kept balances"), engine.begin() as conn:
            rebuild_balances(conn, AS_OF)
    finally:
        engine.dispose()


def load_sqlite(path: Path, book: Book) -> None:
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as sa_conn:
        drop_triggers(sa_conn)  # quiet for a bulk load; the balances are built after
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA cache_size=-500000")  # 500 MB: index pages stay in memory while loading
        conn.execute("BEGIN")
        for table, rows in book.tables.items():
            columns = COLUMNS[table]
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
            conn.executemany(sql, _iso_dates(rows))
        conn.execute("COMMIT")
    finally:
        conn.close()
    with engine.begin() as sa_conn:
        create_triggers(sa_conn)
    engine.dispose()
    keep_balances(f"sqlite:///{path}")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("ANALYZE")
    finally:
        conn.close()


def _iso_dates(rows: list[tuple]) -> Iterator[tuple]:
    # Dates as SQLAlchemy stores them in SQLite: ISO text (the stdlib date adapter is deprecated).
    for row in rows:
        yield tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row)


# -- the bare SQL ---------------------------------------------------------------------------------------

# What one would write by hand for today's book: open documents and unapplied payments, one aggregate
# per customer and currency. No add-back parts: nothing can have been applied after today.
OPEN_ROWS = """
    SELECT customer_id, currency, kind <> 'credit' AS debit, due_date AS due, open_minor AS amount
    FROM documents
    WHERE open_minor > 0 AND NOT voided AND doc_date <= :as_of
    UNION ALL
    SELECT customer_id, currency, false, NULL, unapplied_minor
    FROM payments
    WHERE unapplied_minor > 0 AND status = 'succeeded' AND received_on <= :as_of
"""

BARE_AGING = f"""
WITH open_rows AS ({OPEN_ROWS}),
per_customer AS (
    SELECT customer_id, currency,
        CAST(sum(CASE WHEN debit AND due >= :as_of THEN amount ELSE 0 END) AS BIGINT) AS b0,
        CAST(sum(CASE WHEN debit AND due < :as_of AND due >= :d30 THEN amount ELSE 0 END) AS BIGINT) AS b1,
        CAST(sum(CASE WHEN debit AND due < :d30 AND due >= :d60 THEN amount ELSE 0 END) AS BIGINT) AS b2,
        CAST(sum(CASE WHEN debit AND due < :d60 AND due >= :d90 THEN amount ELSE 0 END) AS BIGINT) AS b3,
        CAST(sum(CASE WHEN debit AND due < :d90 THEN amount ELSE 0 END) AS BIGINT) AS b4,
        CAST(sum(CASE WHEN debit THEN 0 ELSE amount END) AS BIGINT) AS credit,
        min(CASE WHEN debit THEN due END) AS oldest_due
    FROM open_rows
    GROUP BY customer_id, currency
)
SELECT c.code, p.currency, p.b0, p.b1, p.b2, p.b3, p.b4, p.credit, p.oldest_due
FROM per_customer p JOIN customers c ON c.id = p.customer_id
ORDER BY c.code, p.currency
"""  # noqa: S608 - constant text, no input in it

BARE_CANDIDATES = f"""
WITH open_rows AS ({OPEN_ROWS}),
per_customer AS (
    SELECT customer_id, currency,
        CAST(sum(CASE WHEN debit THEN amount ELSE -amount END) AS BIGINT) AS balance,
        min(CASE WHEN debit THEN due END) AS oldest_due
    FROM open_rows
    GROUP BY customer_id, currency
)
SELECT c.code, p.currency, p.balance, p.oldest_due
FROM per_customer p JOIN customers c ON c.id = p.customer_id
WHERE p.balance > 0
ORDER BY c.code, p.currency
"""  # noqa: S608 - constant text, no input in it


# The same answers read off the kept balances (core.ledger.kept_balances), as one would by hand: the rows with
# anything open, in code order; for the candidates, those whose balance is above zero.
KEPT_BUCKETS = "current_minor, days_1_30_minor, days_31_60_minor, days_61_90_minor, days_over_90_minor"
BARE_KEPT_AGING = f"""
SELECT customer_code, currency, {KEPT_BUCKETS}, credit_minor + unapplied_minor, oldest_due
FROM customer_balances
WHERE current_minor <> 0 OR days_1_30_minor <> 0 OR days_31_60_minor <> 0 OR days_61_90_minor <> 0
   OR days_over_90_minor <> 0 OR credit_minor <> 0 OR unapplied_minor <> 0
ORDER BY customer_code, currency
"""  # noqa: S608 - constant text, no input in it

BARE_KEPT_CANDIDATES = f"""
SELECT customer_code, currency, balance, oldest_due FROM (
    SELECT customer_code, currency, oldest_due, {KEPT_BUCKETS.replace(", ", " + ")} - credit_minor - unapplied_minor
        AS balance
    FROM customer_balances
) AS kept
WHERE balance > 0
ORDER BY customer_code, currency
"""  # noqa: S608 - constant text, no input in it

# ours, the bare SQL of the same read, the bare SQL of the ledger aggregate
REPORTS: dict[str, tuple[Callable, str, str]] = {
    "aging": (aging_report, BARE_KEPT_AGING, BARE_AGING),
    "candidates": (dunning_candidates, BARE_KEPT_CANDIDATES, BARE_CANDIDATES),
}


def bare_sql(sql: str, postgres: bool) -> str:
    # Written with sqlite3's :name parameters; psycopg wants %(name)s.
    return re.sub(r":(\w+)", r"%(\1)s", sql) if postgres else sql


def bare_params(as_of: dt.date, postgres: bool) -> dict[str, object]:
    days = {"as_of": as_of, **{f"d{n}": as_of - dt.timedelta(days=n) for n in (30, 60, 90)}}
    return {name: day if postgres else day.isoformat() for name, day in days.items()}


# -- timing ---------------------------------------------------------------------------------------------


@dataclass
class Timing:
    backend: str
    query: str
    rows: int
    runs: list[float]
    bare_rows: int | None = None
    bare_runs: list[float] | None = None
    same_rows: bool = True  # as both bare SQLs'
    ledger_runs: list[float] | None = None  # the bare SQL of the ledger aggregate

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def bare_median(self) -> float | None:
        return statistics.median(self.bare_runs) if self.bare_runs else None

    @property
    def ledger_median(self) -> float | None:
        return statistics.median(self.ledger_runs) if self.ledger_runs else None

    @property
    def ratio(self) -> float | None:
        return self.median / self.bare_median if self.bare_median else None

    @property
    def p95(self) -> float:
        ordered = sorted(self.runs)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]


def timed(runs: list[Callable[[], list]], repeat: int) -> list[tuple[list, list[float]]]:
    """A warm-up run of each, then `repeat` rounds timing each in turn: the last result and the seconds.

    Taking turns, ours and the bare SQL see the same machine (this one's speed drifts by a quarter). Each
    run starts on a collected heap and pays for collecting its own young objects, so that none hands
    its garbage to the next.
    """
    results: list[list | None] = [run() for run in runs]
    seconds: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for n, run in enumerate(runs):
            results[n] = None
            gc.collect()
            start = time.perf_counter()
            results[n] = run()
            gc.collect(1)
            seconds[n].append(time.perf_counter() - start)
    return [(result or [], times) for result, times in zip(results, seconds, strict=True)]


def cpu_check() -> float:
    """Seconds for a fixed loop of pure Python: how fast the machine is right now."""
    start = time.perf_counter()
    sum(range(10_000_000))
    return time.perf_counter() - start


def ours(db: Database, report: Callable, as_of: dt.date) -> Callable[[], list]:
    def run() -> list:
        with db.uow() as uow:
            return report(uow.session, as_of)

    return run


def bare(cursor: Any, sql: str, params: dict[str, object]) -> Callable[[], list]:
    def run() -> list:
        cursor.execute(sql, params)
        return cursor.fetchall()

    return run


def comparable(rows: Iterable[tuple]) -> list[tuple]:
    """Rows as plain values, sorted: ints for amounts, ISO text for dates."""
    def plain(v: Any) -> object:
        return v.isoformat() if isinstance(v, dt.date) else v if v is None or isinstance(v, str) else int(v)

    return sorted(tuple(plain(v) for v in row) for row in rows)


def measure(backend: str, url: str, connect: Callable[[], Any], repeat: int) -> list[Timing]:
    postgres = backend == "postgresql"
    params = bare_params(AS_OF, postgres)
    db, conn = Database(url), connect()
    try:
        cursor = conn.cursor()
        console.print(f"{backend}: CPU check {cpu_check() * 1000:.0f} ms")
        timings = []
        for query, (report, kept_sql, ledger_sql) in REPORTS.items():
            (rows, runs), (kept_rows, kept_runs), (ledger_rows, ledger_runs) = timed([
                ours(db, report, AS_OF), bare(cursor, bare_sql(kept_sql, postgres), params),
                bare(cursor, bare_sql(ledger_sql, postgres), params),
            ], repeat)
            same = comparable(map(_as_row, rows)) == comparable(kept_rows) == comparable(ledger_rows)
            timings.append(Timing(backend, query, len(rows), runs, len(kept_rows), kept_runs, same, ledger_runs))
        timings += _other_days(backend, db, repeat)
    finally:
        conn.close()
        db.dispose()
    return timings


def _other_days(backend: str, db: Database, repeat: int) -> list[Timing]:
    """The reports as they were; a past day (from the ledger); the next day before and after the daily aging; the
    aging itself; the check."""
    timings = []
    # The service as it was: the same reports recomputed from the ledger (what the kept path falls back on).
    for name, report in (("aging", aging_from_ledger), ("candidates", candidates_from_ledger)):
        [(rows, runs)] = timed([ours(db, report, AS_OF)], repeat)
        timings.append(Timing(backend, f"{name}, from the ledger (before)", len(rows), runs))
    [(past, past_runs)] = timed([ours(db, aging_report, AS_OF - dt.timedelta(days=30))], repeat)
    timings.append(Timing(backend, "aging, 30 days back", len(past), past_runs))
    next_day = AS_OF + dt.timedelta(days=1)
    [(rows, runs)] = timed([ours(db, aging_report, next_day)], max(repeat // 2, 1))
    timings.append(Timing(backend, "aging, next day, not aged yet", len(rows), runs))
    forth = [seconds(lambda: age_balances(db.uow(), next_day))]
    [(rows, runs)] = timed([ours(db, aging_report, next_day)], repeat)
    timings.append(Timing(backend, "aging, next day, aged", len(rows), runs))
    back = [seconds(lambda: age_balances(db.uow(), AS_OF))]
    forth.append(seconds(lambda: age_balances(db.uow(), next_day)))
    back.append(seconds(lambda: age_balances(db.uow(), AS_OF)))
    timings.append(Timing(backend, "age_balances, a day on", 0, forth))
    timings.append(Timing(backend, "age_balances, a day back", 0, back))
    started = time.perf_counter()
    check = check_balances(db.uow())
    timings.append(Timing(backend, "books check", check.checked, [time.perf_counter() - started],
                          same_rows=check.clean))
    return timings


def seconds(run: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _as_row(item: Aging | DunningCandidate) -> tuple:
    """An Aging or a DunningCandidate as the bare SQL's row."""
    if isinstance(item, Aging):
        return (item.customer_code, item.currency, *item.buckets_minor, item.credit_minor, item.oldest_due)
    return (item.customer_code, item.currency, item.balance_minor, item.oldest_due)


# -- databases ------------------------------------------------------------------------------------------


@contextmanager
def stopwatch(label: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    console.print(f"  {label}: {time.perf_counter() - start:.1f} s")


def libpq_url(url: str, database: str | None = None) -> str:
    """A plain postgresql:// URL for psycopg, whatever driver the given one names."""
    parsed = make_url(url).set(drivername="postgresql")
    return (parsed.set(database=database) if database else parsed).render_as_string(hide_password=False)


@contextmanager
def postgres_database(server_url: str, keep: bool = False, prefix: str = "aragent_bench") -> Iterator[str]:
    """A fresh database on the server for one bench run, dropped afterwards unless `keep`."""
    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(libpq_url(server_url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield libpq_url(server_url, name)
    finally:
        if keep:
            console.print(f"kept PostgreSQL database {name}")
        else:
            with psycopg.connect(libpq_url(server_url), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_database(backend: str, prefix: str) -> Iterator[str]:
    """A throw-away database for one run: a fresh PostgreSQL database (ARAGENT_BENCH_PG, else the local
    server) or a SQLite file in a temporary folder."""
    if backend == "postgresql":
        server = os.environ.get("ARAGENT_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
        with postgres_database(server, prefix=f"aragent_bench_{prefix}") as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix=f"aragent_{prefix}_") as folder:
        yield f"sqlite:///{Path(folder) / f'{prefix}.db'}"


@contextmanager
def sqlite_database(path: Path | None, keep: bool) -> Iterator[Path]:
    workdir = None
    if path is None:
        workdir = Path(tempfile.mkdtemp(prefix="aragent_bench_"))
        path = workdir / "bench.db"
    elif path.exists():
        sys.exit(f"{path} exists; name a new --sqlite-path")
    try:
        yield path
    finally:
        if keep:
            console.print(f"kept SQLite database {path}")
        else:
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            if workdir:
                workdir.rmdir()


def prepare(label: str, url: str, load: Callable[[], None]) -> None:
    console.print(f"[bold]{label}[/bold]")
    with stopwatch("migrate"):
        upgrade(url)
    with stopwatch("load and analyze"):
        load()


# -- report ---------------------------------------------------------------------------------------------


def target(t: Timing) -> float | None:
    if t.query not in PG_TARGETS:
        return None
    return PG_TARGETS[t.query] * (1 if t.backend == "postgresql" else SQLITE_FACTOR)


def verdict(t: Timing) -> str | None:
    """Seconds under the target (SQLite's: PostgreSQL's × 1.5); right answers everywhere.

    Not ours/bare: the bare SQL of the kept balances aggregates nothing, it fetches 98k finished rows, and the
    Python objects ours makes of them cost as much again. The ratio is printed beside, and the one to the
    ledger aggregate the report used to be."""
    if not t.same_rows:
        return "rows differ" if t.query != "books check" else "drift"
    goal = target(t)
    if goal is None:
        return None
    return "yes" if t.median < goal else "no"


def report(timings: list[Timing]) -> bool:
    table = Table(
        title=f"as of {AS_OF}, seconds over warm runs; ours = Database.uow() + core.ledger.book, to objects",
        caption=f"targets (median): PostgreSQL aging < {PG_TARGETS['aging']} s, candidates < "
        f"{PG_TARGETS['candidates']} s, SQLite {SQLITE_FACTOR}× those. bare: the same read of the kept balances; "
        "ledger: the bare SQL of the ledger aggregate (the report before the balances were kept)",
    )
    columns = ("backend", "query", "rows", "min", "median", "p95", "bare", "ours/bare", "ledger", "ours/ledger")
    for column in (*columns, "target"):
        table.add_column(column, justify="left" if column in ("backend", "query") else "right")
    verdicts = [verdict(t) for t in timings]
    for t, ok in zip(timings, verdicts, strict=True):
        goal = target(t)
        table.add_row(
            t.backend, t.query, f"{t.rows:,}", f"{min(t.runs):.3f}", f"{t.median:.3f}", f"{t.p95:.3f}",
            "" if t.bare_median is None else f"{t.bare_median:.3f}",
            "" if t.ratio is None else f"{t.ratio:.2f}",
            "" if t.ledger_median is None else f"{t.ledger_median:.3f}",
            "" if t.ledger_median is None else f"{t.median / t.ledger_median:.2f}",
            "" if ok is None else (f"< {goal:g} " if goal else "") + (
                f"[green]{ok}[/green]" if ok == "yes" else f"[red]{ok}[/red]"),
        )
    console.print(table)
    return all(v in ("yes", None) for v in verdicts)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.aging", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--backend", choices=("postgresql", "sqlite", "both"), default="both")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000, help="documents, mostly invoices")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="the server to create a fresh aragent_bench_<pid> database on")
    parser.add_argument("--pg-database", help="a database of that name instead (kept afterwards)")
    parser.add_argument("--sqlite-path", type=Path, help="default: a temporary file")
    parser.add_argument("--reuse", action="store_true",
                        help="use the --pg-database / --sqlite-path that exists as it is: no build, no load")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs after one warm-up")
    parser.add_argument("--keep", action="store_true", help="keep the databases for a look afterwards")
    parser.add_argument("--writes", type=int, metavar="ROUNDS",
                        help="instead: what the kept balances' triggers cost a write, over ROUNDS rounds")
    return parser.parse_args(argv)


def _pg_exists(server_url: str, name: str) -> bool:
    with psycopg.connect(libpq_url(server_url), autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


@contextmanager
def named_postgres_database(server_url: str, name: str) -> Iterator[str]:
    if not _pg_exists(server_url, name):
        with psycopg.connect(libpq_url(server_url), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    yield libpq_url(server_url, name)
    console.print(f"kept PostgreSQL database {name}")


def reused(label: str, url: str) -> None:
    """A database loaded by an earlier run: at head, and its balances counted from the report's day."""
    console.print(f"[bold]{label}[/bold] (reused)")
    with stopwatch("migrate"):
        upgrade(url)
    db = Database(url)
    with stopwatch("age the kept balances"):
        age_balances(db.uow(), AS_OF)
    db.dispose()
    if url.startswith("postgresql"):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE customer_balances")  # as autovacuum would, after that many updates


def load(args: argparse.Namespace, stack: ExitStack) -> list[tuple[str, str, Callable[[], Any]]]:
    """Build the book and load it into each backend (unless reused): (backend, URL, DBAPI connect) for each."""
    pg_reuse = bool(args.reuse and args.pg_database and _pg_exists(args.pg_url, args.pg_database))
    sqlite_reuse = bool(args.reuse and args.sqlite_path and args.sqlite_path.exists())
    wants_pg, wants_sqlite = args.backend in ("postgresql", "both"), args.backend in ("sqlite", "both")
    book = None
    if (wants_pg and not pg_reuse) or (wants_sqlite and not sqlite_reuse):
        with stopwatch("build the book"):
            book = BookBuilder(args.customers, args.invoices).build()
        console.print("  " + ", ".join(f"{book.count(t):,} {t}" for t in COLUMNS))
    backends: list[tuple[str, str, Callable[[], Any]]] = []
    if wants_pg:
        pg_url = stack.enter_context(named_postgres_database(args.pg_url, args.pg_database) if args.pg_database
                                     else postgres_database(args.pg_url, args.keep))
        if pg_reuse:
            reused("PostgreSQL", pg_url)
        else:
            prepare("PostgreSQL", pg_url, lambda: load_postgres(pg_url, book))  # type: ignore[arg-type]
        backends.append(("postgresql", pg_url, lambda: psycopg.connect(pg_url)))
    if wants_sqlite:
        path = args.sqlite_path if sqlite_reuse else stack.enter_context(
            sqlite_database(args.sqlite_path, args.keep or bool(args.reuse)))
        if sqlite_reuse:
            reused("SQLite", f"sqlite:///{path}")
        else:
            prepare("SQLite", f"sqlite:///{path}", lambda: load_sqlite(path, book))  # type: ignore[arg-type]
        backends.append(("sqlite", f"sqlite:///{path}", lambda: sqlite3.connect(path)))
    return backends


# -- what keeping the balances costs a write ------------------------------------------------------------


def write_costs(backends: list[str], rounds: int) -> None:
    """The ERP import of 5,000 invoices and 1,000 payments posted one by one, on a scratch database with the
    kept balances' triggers and without, taking turns: the fastest of `rounds` each."""
    table = Table(title="what the triggers cost a write (seconds, fastest of the rounds)")
    for column in ("backend", "triggers", "import 5,000 invoices", "1,000 payments, each"):
        table.add_column(column, justify="left" if column in ("backend", "triggers") else "right")
    for backend in backends:
        best: dict[bool, list[float]] = {True: [math.inf, math.inf], False: [math.inf, math.inf]}
        for _ in range(rounds):
            for triggers in (True, False):
                imported, paid = _writes(backend, triggers)
                best[triggers] = [min(best[triggers][0], imported), min(best[triggers][1], paid)]
        for triggers in (True, False):
            imported, paid = best[triggers]
            table.add_row(backend, "yes" if triggers else "no", f"{imported:.2f}", f"{paid:.2f} ms")
    console.print(table)


def _writes(backend: str, triggers: bool) -> tuple[float, float]:
    from core.kernel.audit import Actor
    from core.kernel.money import Money
    from core.ledger.erp import csv_rows, run_import
    from core.ledger.posting import record_payment
    from core.ledger.rules import AllocationRequest

    actor = Actor("bench", "cli")

    def rows(items: list[dict[str, str]]) -> Iterator[tuple[int, dict[str, str]]]:
        lines = [",".join(items[0])] + [",".join(item.values()) for item in items]
        return csv_rows("\n".join(lines).encode())

    with scratch_database(backend, "writes") as url:
        upgrade(url)
        db = Database(url)
        try:
            if not triggers:
                with db.engine.begin() as conn:
                    drop_triggers(conn)
            run_import(db.uow(), "customers", rows([{"code": f"W{n:04d}", "name": f"W {n}"} for n in range(200)]),
                       actor)
            invoices = [{"number": f"I{n}", "customer": f"W{n % 200:04d}",
                         "date": (dt.date(2026, 1, 1) + dt.timedelta(days=n % 300)).isoformat(), "amount": "100.00"}
                        for n in range(5000)]
            imported = seconds(lambda: run_import(db.uow(), "invoices", rows(invoices), actor))
            started = time.perf_counter()
            for n in range(1000):
                record_payment(db.uow(), customer_code=f"W{n % 200:04d}", amount=Money.of("100", "USD"),
                               received_on=dt.date(2026, 12, 1), requests=[AllocationRequest(f"I{n}")],
                               reasons=("Other",), actor=actor)
            return imported, time.perf_counter() - started
        finally:
            db.dispose()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.writes:
        write_costs(["postgresql", "sqlite"] if args.backend == "both" else [args.backend], args.writes)
        return 0
    with ExitStack() as stack:
        backends = load(args, stack)
        # The book is gone with load(); an application's heap holds no million rows for the collector to
        # walk while we time.
        gc.collect()
        timings = [t for name, url, connect in backends for t in measure(name, url, connect, args.repeat)]
    return 0 if report(timings) else 1


if __name__ == "__main__":
    sys.exit(main())
