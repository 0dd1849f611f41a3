"""Statements for 10,000 customers × 10 open items: rendering throughput beside a bare WeasyPrint loop, and the cycle.

    .venv/bin/python -m bench.statements                            # render a sample of 400, extrapolate to 10,000
    .venv/bin/python -m bench.statements --render-sample 100 --rounds 2
    .venv/bin/python -m bench.statements --cycle --backend sqlite   # and the creation stage (bench.statement_cycle)

Rendering: `--render-sample` seeded, realistic snapshots (10 open items over the aging buckets, a finance charge
for two customers in three, now and then a credit, two payments of activity), rendered on `--workers` processes
three ways, in the same run:

- **bare**: the statement's own HTML, stylesheet inline, through `HTML(string=...).write_pdf()` fresh for every
  document, in a warm process pool: the naive ceiling (the HTML is made beforehand and costs it nothing);
- **ours, pool**: `core.statements.pdf`'s worker job in the same kind of warm pool: snapshot JSON in, PDF bytes
  out; the page (Jinja2, Babel) is made in the worker, the parsed stylesheet and the fonts are reused;
- **render_statements**: the real thing, end to end, cold: a scratch SQLite database holding the sample as
  statements, `render_statements(workers=N)` from the call to its return: worker start-up, reading the
  snapshots, rendering, storing every file and setting `file_id`.

Bare and ours take turns on `--rounds` slices of the sample so both see the same machine. The full-cycle time is
10,000 divided by the measured rate. `--cycle` adds `bench.statement_cycle.measure_cycle`: every snapshot of a
10,000-customer cycle committed (target: under 60 s); rendering is not part of it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from rich.console import Console
from rich.table import Table

from bench.aging import cpu_check, sqlite_database
from core.documents.files import LocalFileStore
from core.documents.templates import TEMPLATES
from core.kernel.db import Database
from core.kernel.migrate import upgrade
from core.ledger.models import Customer, CustomerClass
from core.ledger.rules import BUCKETS, aging_bucket
from core.statements.models import Statement, StatementRun
from core.statements.page import TEMPLATE_FILES, statement_html
from core.statements.pdf import _render_job, _warm_worker, render_statements
from core.statements.snapshots import (
    STATEMENT_TEMPLATE_VERSION,
    ActivityLine,
    CustomerInfo,
    SellerInfo,
    SnapshotItem,
    StatementSnapshot,
)

STATEMENT_DATE = dt.date(2026, 11, 30)
SEED = 20261130
FULL_CYCLE = 10_000
TARGET_RATIO = 0.90
CYCLE_TARGET_SECONDS = 60
console = Console(width=None if sys.stdout.isatty() else 130)

SELLER = SellerInfo(
    name="Northwind Supply Co.", address=("1200 Harbor Way", "Oakland, CA 94607"), phone="+1 510 555 0100",
    email="ar@northwind.example", remit_to=("Lockbox 7741", "PO Box 39000", "San Francisco, CA 94139"),
    color="#1f4e79", logo_sha256=None, telegram_bot="@NorthwindARBot",
)
NAMES = ("Acme Industrial", "Bolt & Sons Hardware", "Cascade Mechanical Contractors", "Delta Plumbing Supply",
         "Evergreen Facilities Management", "Fulton Electric", "Granite State Builders", "Harbor Marine Services")
STREETS = ("Market Street", "Industrial Parkway", "Commerce Drive", "Riverside Avenue", "Mill Road")
CITIES = (("Springfield", "IL", "62701"), ("Portland", "OR", "97201"), ("Austin", "TX", "78701"),
          ("Columbus", "OH", "43215"), ("Raleigh", "NC", "27601"))
# Days past due of the open items: mostly current or recent, a tail past 90 days (as bench.aging's book).
DAYS_PAST_DUE = ((-29, 0, 0.35), (1, 30, 0.25), (31, 60, 0.15), (61, 90, 0.10), (91, 300, 0.15))


# -- the sample --------------------------------------------------------------------------------------------------


def sample_snapshot(index: int, items: int, rnd: random.Random) -> StatementSnapshot:
    code = f"C{100000 + index}"
    city, region, postal = rnd.choice(CITIES)
    account = CustomerInfo(
        code, f"{rnd.choice(NAMES)} {rnd.choice(('Inc.', 'LLC', 'Co.', 'Corporation'))}",
        ("Attn: Accounts Payable", f"{rnd.randint(10, 9999)} {rnd.choice(STREETS)}", f"{city}, {region} {postal}"),
        "STD", 30, ("email", "print"), f"ap@{code.lower()}.example", None, None, "America/Chicago",
    )
    open_items = [_item(f"INV-{index:06d}-{n:02d}", rnd) for n in range(items)]
    charges = ()
    if index % 3:
        charge = SnapshotItem("finance_charge", f"FC-{code}-2026-11", STATEMENT_DATE,
                              STATEMENT_DATE + dt.timedelta(days=30), None, 1500 + index % 5000, 1500 + index % 5000,
                              0, "current")
        open_items.append(charge)
        charges = (charge,)
    open_items.sort(key=lambda i: (i.due_date, i.number))
    credits = ()
    if index % 5 == 0:
        credits = (SnapshotItem("credit", f"CM-{index:06d}", STATEMENT_DATE - dt.timedelta(days=9), None, None,
                                25_000, 25_000, 0, "credit"),)
    aging = dict.fromkeys(BUCKETS, 0)
    for item in open_items:
        aging[item.bucket] += item.open_minor
    activity = tuple(ActivityLine(STATEMENT_DATE - dt.timedelta(days=d), f"CHK-{index}-{d}", "payment",
                                  -rnd.randint(10_000, 900_000)) for d in (24, 9))
    balance = sum(i.open_minor for i in open_items) - sum(c.open_minor for c in credits)
    previous = dt.date(2026, 10, 31)
    return StatementSnapshot(STATEMENT_DATE, "USD", SELLER, account, tuple(open_items), credits, charges, aging,
                             activity, previous_statement_date=previous,
                             balance_forward_minor=balance - sum(a.amount_minor for a in activity),
                             balance_forward_on=previous)


def _item(number: str, rnd: random.Random) -> SnapshotItem:
    low, high, _ = rnd.choices(DAYS_PAST_DUE, weights=[w for *_, w in DAYS_PAST_DUE])[0]
    late = rnd.randint(low, high)
    due = STATEMENT_DATE - dt.timedelta(days=late)
    amount = rnd.randint(2_000, 2_500_000)
    open_minor = amount if rnd.random() < 0.8 else amount // 2
    return SnapshotItem("invoice", number, due - dt.timedelta(days=30), due,
                        f"PO-{rnd.randint(1000, 99999)}" if rnd.random() < 0.5 else None,
                        amount, open_minor, max(late, 0), aging_bucket(late))


def sample(size: int, items: int) -> list[StatementSnapshot]:
    rnd = random.Random(SEED)
    return [sample_snapshot(n, items, rnd) for n in range(size)]


# -- the renderers -----------------------------------------------------------------------------------------------


def bare_render(html: str) -> bytes:
    """The naive way: a fresh document, its inline stylesheet parsed and its fonts set up, every time."""
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def _import_weasyprint() -> None:
    import weasyprint  # noqa: F401


@contextmanager
def warm_pool(workers: int, initializer: Callable[[], None], warm_with: Callable[[Any], Any],
              warm_items: list[Any]) -> Iterator[ProcessPoolExecutor]:
    """A started pool whose every worker has rendered a document already, so start-up is not timed."""
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer) as pool:
        list(pool.map(warm_with, warm_items * workers * 2))
        yield pool


def timed_map(pool: ProcessPoolExecutor, fn: Callable[[Any], Any], items: list[Any]) -> tuple[float, list[Any]]:
    start = time.perf_counter()
    results = list(pool.map(fn, items))
    return time.perf_counter() - start, results


@dataclass
class Figures:
    docs: int = 0
    seconds: float = 0.0
    pages: int = 0
    size: int = 0

    def add(self, seconds: float, pdfs: list[bytes]) -> None:
        self.docs += len(pdfs)
        self.seconds += seconds
        self.pages += sum(len(PdfReader(io.BytesIO(pdf)).pages) for pdf in pdfs)
        self.size += sum(len(pdf) for pdf in pdfs)

    @property
    def rate(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0


def pools_head_to_head(snapshots: list[StatementSnapshot], workers: int, rounds: int) -> tuple[Figures, Figures]:
    htmls = [statement_html(s, inline_css=True) for s in snapshots]
    jobs = [(n, s.to_json(), STATEMENT_TEMPLATE_VERSION, None) for n, s in enumerate(snapshots)]
    bare, ours = Figures(), Figures()
    with warm_pool(workers, _import_weasyprint, bare_render, htmls[:1]) as bare_pool, \
            warm_pool(workers, _warm_worker, _render_job, jobs[:1]) as our_pool:
        for part in range(rounds):
            piece = slice(part * len(jobs) // rounds, (part + 1) * len(jobs) // rounds)
            seconds, pdfs = timed_map(bare_pool, bare_render, htmls[piece])
            bare.add(seconds, pdfs)
            seconds, results = timed_map(our_pool, _render_job, jobs[piece])
            ours.add(seconds, [pdf for _, pdf in results])
            console.print(f"  round {part + 1}/{rounds}: bare {bare.rate:.2f} docs/s, ours {ours.rate:.2f} docs/s")
    return bare, ours


def render_statements_cold(snapshots: list[StatementSnapshot], workers: int) -> Figures:
    """`render_statements` on a scratch SQLite database holding the sample; everything in the call is timed."""
    with sqlite_database(None, keep=False) as path:
        url = f"sqlite:///{path}"
        upgrade(url)
        db = Database(url)
        files = LocalFileStore(Path(tempfile.mkdtemp(prefix="aragent_bench_pdfs_")))
        try:
            ids = _store_sample(db, snapshots)
            start = time.perf_counter()
            rendered = render_statements(db, files, ids, workers=workers)
            seconds = time.perf_counter() - start
            assert rendered == len(snapshots), (rendered, len(snapshots))
            figures = Figures()
            figures.add(seconds, [p.read_bytes() for p in Path(files.root).glob("*/*")])
            figures.docs = rendered  # identical PDFs would share a file; the statements count
            return figures
        finally:
            db.dispose()


def _store_sample(db: Database, snapshots: list[StatementSnapshot]) -> list[int]:
    with db.uow() as uow:
        klass = CustomerClass(code="STD", name="Standard")
        run = StatementRun(statement_date=STATEMENT_DATE, status="complete")
        uow.session.add_all([klass, run])
        uow.session.flush()
        customers = [Customer(code=s.customer.code, name=s.customer.name, class_id=klass.id) for s in snapshots]
        uow.session.add_all(customers)
        uow.session.flush()
        rows = [Statement(run_id=run.id, customer_id=c.id, statement_date=STATEMENT_DATE, currency="USD",
                          balance_minor=s.balance_minor, snapshot=s.to_json(),
                          template_version=STATEMENT_TEMPLATE_VERSION)
                for c, s in zip(customers, snapshots, strict=True)]
        uow.session.add_all(rows)
        uow.commit()
        return [row.id for row in rows]


# -- where the gain comes from ---------------------------------------------------------------------------------------


def ablation(snapshots: list[StatementSnapshot], repeat: int = 3) -> list[tuple[str, float]]:
    """CPU ms per statement in this one process, adding one reuse at a time (best of `repeat` passes)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from core.statements.pdf import _fonts, _page_class, _stylesheet

    inline = [statement_html(s, inline_css=True) for s in snapshots]
    bare_page = [statement_html(s) for s in snapshots]
    css = CSS(filename=str(TEMPLATES / TEMPLATE_FILES[STATEMENT_TEMPLATE_VERSION][1]), font_config=FontConfiguration())
    steps: list[tuple[str, Callable[[int], Any]]] = [
        ("bare: stylesheet inline, fresh fonts", lambda n: HTML(string=inline[n]).write_pdf()),
        ("+ parsed stylesheet reused", lambda n: HTML(string=bare_page[n]).write_pdf(
            stylesheets=[css], font_config=FontConfiguration())),
        ("+ font configuration reused", lambda n: HTML(string=bare_page[n]).write_pdf(
            stylesheets=[css], font_config=_fonts())),
        ("+ own HTML defaults (ours, page made from the snapshot)", lambda n: _render_job(
            (n, snapshots[n].to_json(), STATEMENT_TEMPLATE_VERSION, None))),
    ]
    _stylesheet(STATEMENT_TEMPLATE_VERSION), _page_class()
    best = {label: float("inf") for label, _ in steps}
    for _ in range(repeat):
        for label, step in steps:
            step(0)  # warm
            start = time.process_time()
            for n in range(len(snapshots)):
                step(n)
            best[label] = min(best[label], (time.process_time() - start) * 1000 / len(snapshots))
    return list(best.items())


def ablation_table(rows: list[tuple[str, float]]) -> Table:
    table = Table("renderer (one process)", "CPU ms/statement", "vs bare", title="where the gain comes from")
    for label, ms in rows:
        table.add_row(label, f"{ms:.0f}", f"{rows[0][1] / ms:.2f}×")
    return table


# -- the cycle ------------------------------------------------------------------------------------------------------


def cycle_figures(backends: list[str], pg_url: str, customers: int, items: int) -> list[dict]:
    try:
        from bench.statement_cycle import measure_cycle
    except ImportError:
        console.print("[yellow]bench/statement_cycle.py is not there yet: no cycle figures[/yellow]")
        return []
    urls = {"sqlite": "sqlite://", "postgresql": pg_url}
    results = []
    for backend in backends:
        console.print(f"[bold]cycle[/bold] on {backend}: {customers:,} customers × {items} items …")
        results.append({"backend_label": backend, **measure_cycle(urls[backend], customers, items)})
    return results


# -- report ---------------------------------------------------------------------------------------------------------


def render_table(bare: Figures, ours: Figures, cold: Figures | None, workers: int) -> Table:
    table = Table("renderer", "documents", "pages", "KB/doc", "seconds", "docs/s", "ms/doc per process",
                  f"{FULL_CYCLE:,} statements", "ours/bare",
                  title=f"statement PDFs on {workers} processes (10 open items each)")
    for label, figures in (("bare WeasyPrint (ceiling)", bare), ("ours: worker pool", ours),
                           ("ours: render_statements, cold", cold)):
        if figures is None:
            continue
        ratio = figures.rate / bare.rate if bare.rate and figures is not bare else None
        table.add_row(label, f"{figures.docs}", f"{figures.pages}", f"{figures.size / 1024 / max(figures.docs, 1):.1f}",
                      f"{figures.seconds:.1f}", f"{figures.rate:.2f}", f"{workers * 1000 / figures.rate:.0f}",
                      _minutes(FULL_CYCLE / figures.rate), _ratio(ratio))
    return table


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def _ratio(ratio: float | None) -> str:
    if ratio is None:
        return ""
    colour = "green" if ratio >= TARGET_RATIO else "red"
    return f"[{colour}]{ratio:.2f}[/{colour}]"


def cycle_table(results: list[dict], render_rate: float) -> Table:
    table = Table("backend", "customers", "load s", "cycle s (snapshots committed)", "statements/s", "rerun s",
                  "target < 60 s", "cycle + all PDFs, extrapolated",
                  title="the statement cycle (bench.statement_cycle)")
    for r in results:
        ok = r["seconds"] < CYCLE_TARGET_SECONDS
        table.add_row(r["backend_label"], f"{r['customers']:,} × {r['items']}", f"{r['load_seconds']}",
                      f"{r['seconds']:.2f}", f"{r['per_second']:,}", f"{r['rerun_seconds']:.2f}",
                      "[green]yes[/green]" if ok else "[red]no[/red]",
                      _minutes(r["seconds"] + r["statements"] / render_rate) if render_rate else "")
    return table


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.statements", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--render-sample", type=int, default=400, help="statements rendered by each renderer")
    parser.add_argument("--items", type=int, default=10, help="open invoices per statement")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--rounds", type=int, default=4, help="bare and ours take turns this many times")
    parser.add_argument("--skip-cold", action="store_true", help="leave out the end-to-end render_statements run")
    parser.add_argument("--ablation", type=int, default=0, metavar="N",
                        help="also time N statements in one process, adding one reuse at a time")
    parser.add_argument("--cycle", action="store_true", help="also time the creation stage (bench.statement_cycle)")
    parser.add_argument("--customers", type=int, default=FULL_CYCLE, help="customers in the --cycle book")
    parser.add_argument("--backend", choices=("postgresql", "sqlite", "both"), default="both")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console.print(f"CPU check before: {cpu_check() * 1000:.0f} ms (sum(range(10**7)))")
    snapshots = sample(args.render_sample, args.items)
    console.print(f"[bold]rendering[/bold] {len(snapshots)} statements on {args.workers} processes "
                  f"(templates from {TEMPLATES})")
    bare, ours = pools_head_to_head(snapshots, args.workers, args.rounds)
    cold = None if args.skip_cold else render_statements_cold(snapshots, args.workers)
    console.print(f"CPU check after: {cpu_check() * 1000:.0f} ms")
    console.print(render_table(bare, ours, cold, args.workers))
    if args.ablation:
        console.print(ablation_table(ablation(snapshots[:args.ablation])))
    met = ours.rate / bare.rate >= TARGET_RATIO
    if args.cycle:
        backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
        results = cycle_figures(backends, args.pg_url, args.customers, args.items)
        if results:
            console.print(cycle_table(results, (cold or ours).rate))
            met = met and all(r["seconds"] < CYCLE_TARGET_SECONDS for r in results)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
