"""Company search (Companies page, System → Payment Methods) on a book of 10,000 customers: milliseconds a search.

    .venv/bin/python -m bench.company_search                       # 10,000 customers, both backends
    .venv/bin/python -m bench.company_search --customers 100000 --backend postgresql

A fresh database (SQLite file, or `aragent_bench_company_search_<pid>` on the local PostgreSQL, dropped afterwards)
is migrated with our own migrations and loaded directly: customers named like a distributor's (a place or family
name, a trade, a suffix), each with a billing contact (email, phone). Then, after one warm-up, each search runs
`--repeat` times: `search_customers` (the ranked ids: the text's matches, then up to 50 similar names) and
`find_companies` (what the page reads: that, and balances, dunning stage and phone for the first 50).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
from pathlib import Path
from time import perf_counter, process_time

from rich.console import Console
from rich.table import Table
from sqlalchemy import insert, text

from bench.aging import scratch_database
from core.bootstrap import bootstrap
from core.kernel.config import Settings
from core.kernel.db import Database
from core.kernel.migrate import upgrade
from core.ledger.customer_search import search_customers
from core.ledger.models import Contact, Customer, CustomerClass
from core.ledger.phone_keys import phone_keys
from core.staff.console_reads import find_companies

PLACES = ["Harbor", "Summit", "Keystone", "Redwood", "Granite", "Prairie", "Bayside", "Ironclad", "Northgate",
          "Lakeshore", "Pioneer", "Cedar", "Bluewater", "Frontier", "Sterling", "Oakridge", "Riverbend", "Canyon",
          "Maple", "Liberty", "Anderson", "Baker", "Castillo", "Donovan", "Ellis", "Fischer", "Garcia", "Hoffman",
          "Ibarra", "Jensen", "Kowalski", "Lindqvist", "Morales", "Nakamura", "O'Brien", "Patel", "Quinn", "Reyes",
          "Schmidt", "Tanaka", "Underwood", "Vasquez", "Whitfield", "Yamamoto", "Zimmerman", "Acme", "Atlas",
          "Beacon", "Crescent", "Delta", "Eagle", "Falcon", "Gateway", "Horizon", "Imperial", "Juniper", "Keystone"]
TRADES = ["Plumbing", "Electric", "HVAC", "Builders", "Roofing", "Mechanical", "Supply", "Contractors", "Facilities",
          "Construction", "Restoration", "Landscaping", "Hardware", "Lumber", "Glass", "Paving", "Masonry", "Tile",
          "Fencing", "Irrigation", "Welding", "Painting", "Flooring", "Insulation"]
SUFFIXES = ["Inc.", "LLC", "Co.", "Ltd.", "Group", "& Sons", "Corp.", "Partners"]
AREAS = ["312", "512", "617", "303", "206", "404", "602", "212", "415", "510"]
SEARCHES = {
    "misspelt name: harbour": "harbour",
    "misspelt name: accme": "accme",
    "misspelt words: sterlin elec": "sterlin elec",
    "common word: supply": "supply",
    "code: c01042": "c01042",
    "phone digits: (617) 555-1042": "(617) 555-1042",
    "phone's end: 555-1042": "555-1042",
    "phone's end: 1042": "1042",
    "email: ap@harbor": "ap@harbor",
}
console = Console()


def load_book(db: Database, customers: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    with db.engine.begin() as conn:
        class_id = conn.execute(insert(CustomerClass).values(code="TRADE", name="Trade", allow_auto_statement=True)
                                .returning(CustomerClass.id)).scalar_one()
        names = [f"{rng.choice(PLACES)} {rng.choice(TRADES)} {rng.choice(SUFFIXES)}" for _ in range(customers)]
        conn.execute(insert(Customer), [{"code": f"C{i:05d}", "name": name, "class_id": class_id, "delivery": "email"}
                                        for i, name in enumerate(names)])
        ids: dict[str, int] = {code: cid for code, cid in conn.execute(text("SELECT code, id FROM customers"))}
        phones = [f"+1{AREAS[i % len(AREAS)]}555{i % 10000:04d}" for i in range(customers)]
        conn.execute(insert(Contact), [  # a bulk insert skips the model's validator: the phone keys by hand
            {"customer_id": ids[f"C{i:05d}"], "name": "Billing", "is_primary": True,
             "email": f"ap@{name.split()[0].lower()}{i}.example", "phone": phones[i],
             **dict(zip(("phone_national", "phone_tail"), phone_keys(phones[i]), strict=True))}
            for i, name in enumerate(names)])
        if db.is_postgres:
            conn.execute(text("ANALYZE"))


def _time(run, repeat: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """Median and p95 wall time, and median CPU time of this process (SQLite's work, not PostgreSQL's), in ms."""
    run()  # warm-up
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = perf_counter(), process_time()
        run()
        walls.append((perf_counter() - start) * 1000)
        cpus.append((process_time() - cpu) * 1000)
    walls.sort()
    return statistics.median(walls), walls[min(len(walls) - 1, int(len(walls) * 0.95))], statistics.median(cpus)


def bench(backend: str, customers: int, repeat: int) -> Table:
    table = Table(title=f"{backend}, {customers:,} customers: ms, wall median / p95 (CPU median) of {repeat}")
    for column in ("search", "found", "search_customers", "find_companies (page of 50)"):
        table.add_column(column, justify="left" if column == "search" else "right")
    today = dt.date.today()
    with scratch_database(backend, "company_search") as url, tempfile.TemporaryDirectory() as folder:
        upgrade(url)
        services = bootstrap(Settings(data_dir=Path(folder), database_url=url))
        try:
            load_book(services.db, customers)
            for label, q in SEARCHES.items():
                db = services.db
                with db.uow() as uow:
                    found = search_customers(uow.session, q)
                ours = _time(lambda q=q, db=db: _search(db, q), repeat)
                page = _time(lambda q=q, db=db: find_companies(db.uow(), q, today), repeat)
                table.add_row(label, f"{len(found.matching)} + {len(found.similar)} similar", _ms(ours), _ms(page))
        finally:
            services.close()
    return table


def _ms(figures: tuple[float, float, float]) -> str:
    return f"{figures[0]:.1f} / {figures[1]:.1f} ({figures[2]:.1f})"


def _search(db: Database, q: str) -> None:
    with db.uow() as uow:
        search_customers(uow.session, q)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        console.print(bench(backend, args.customers, args.repeat))
        load = " ".join(f"{figure:.1f}" for figure in os.getloadavg())
        console.print(f"load average {load}: on a busy machine the wall times are its, the CPU times less so")


if __name__ == "__main__":
    main()
