"""Signed webhooks over loopback to the product's server: full processing beside a bare endpoint, same run.

    .venv/bin/python -m bench.webhooks                          # both backends, 10 s per run
    .venv/bin/python -m bench.webhooks --backend sqlite --seconds 5

For each backend it makes a fresh database (a temporary SQLite file; `aragent_bench_wh_<pid>` on the
PostgreSQL server, dropped afterwards), migrates it, loads a book of pending card payments through
core.payments.initiation.initiate_payment, and starts uvicorn in a subprocess on 127.0.0.1 with one worker serving
create_app() — the product's app — plus channels.web.bench.bare_webhook. An httpx.AsyncClient then drives:

- **bare, max**: signed events to /bench/bare-webhook (verify + one INSERT), `--concurrency` in flight;
- **full, max**: a distinct signed payment.succeeded per pending payment to /webhooks/payments/sandbox,
  every `--redeliver`-th request a redelivery of an event already sent;
- **full, N/s**: the same at a fixed `--rate`, open loop, for p50/p99.

Afterwards: every distinct event sent settled exactly one payment. Exit status 1 when a target is missed
or the check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.aging import postgres_database
from core.kernel.audit import Actor
from core.kernel.db import Database
from core.kernel.migrate import upgrade
from core.kernel.money import Money
from core.ledger.models import Customer, CustomerClass, Document, Payment
from core.ledger.rules import AllocationRequest
from core.payments.adapters.sandbox import SIGNATURE_HEADER
from core.payments.initiation import initiate_payment
from core.payments.models import PaymentMethod, WebhookEvent
from core.payments.signatures import sign

# Made by the driver and handed to the server subprocess, which imports this module too.
SECRET = os.environ.get("BENCH_WH_SECRET") or "whsec_bench_" + uuid.uuid4().hex
TODAY = dt.date.today()
RATIO_TARGET = 0.40
P99_TARGET_MS = 50.0
ACTOR = Actor("bench", "api")
TOKENS = ("tok_visa", "tok_mastercard")  # the sandbox's card test tokens that succeed: one customer each
console = Console(width=None if sys.stdout.isatty() else 130)


# -- databases ------------------------------------------------------------------------------------------


@contextmanager
def sqlite_database() -> Iterator[str]:
    workdir = Path(tempfile.mkdtemp(prefix="aragent_bench_wh_"))
    try:
        yield f"sqlite:///{workdir / 'bench.db'}"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# -- the book -------------------------------------------------------------------------------------------


def load_book(url: str, payments: int) -> list[int]:
    """`payments` pending card payments, each paying one invoice in full; returns their ids."""
    db = Database(url)
    try:
        plan = _customers_and_invoices(db, payments)
        return [_initiate(db, *line) for line in plan]
    finally:
        db.dispose()


def _customers_and_invoices(db: Database, payments: int) -> list[tuple[str, str, int, Money]]:
    """Rows written directly (one transaction): the book is the setting, not what is measured."""
    plan: list[tuple[str, str, int, Money]] = []
    with db.uow() as uow:
        klass = CustomerClass(code="BENCH", name="Bench")
        uow.session.add(klass)
        uow.session.flush()
        payers = [_customer(uow.session, klass.id, i, token) for i, token in enumerate(TOKENS)]
        for i in range(payments):
            code, customer_id, method_id = payers[i % len(payers)]
            number, minor = f"INV-{i + 1:06d}", 10_000 + i
            uow.session.add(Document(customer_id=customer_id, kind="invoice", number=number, doc_date=TODAY,
                                     due_date=TODAY + dt.timedelta(days=30), currency="USD", amount_minor=minor,
                                     open_minor=minor))
            plan.append((code, number, method_id, Money.from_minor(minor, "USD")))
        uow.commit()
    return plan


def _customer(session: Session, class_id: int, index: int, token: str) -> tuple[str, int, int]:
    code = f"C{9000 + index}"
    customer = Customer(code=code, name=f"Bench customer {index}", class_id=class_id, currency="USD")
    session.add(customer)
    session.flush()
    # Inserted directly: saving a method is not what is measured. A token is one customer's only.
    method = PaymentMethod(customer_id=customer.id, processor="sandbox", token=token, kind="card",
                           brand="card", last4="4242", exp_month=12, exp_year=2034, holder="Bench")
    session.add(method)
    session.flush()
    return code, customer.id, method.id


def _initiate(db: Database, code: str, number: str, method_id: int, amount: Money) -> int:
    started = initiate_payment(
        db.uow(), customer_code=code, amount=amount, requests=[AllocationRequest(number, None)],
        method_id=method_id, pay_on=TODAY, today=TODAY, processor="sandbox", reasons=("Other",), actor=ACTOR,
    )
    return started.payment_id


# -- the server -----------------------------------------------------------------------------------------


def serve(url: str, port: int, data_dir: str) -> None:
    """The subprocess: the product's app, plus the bare route, on one uvicorn worker (see the README)."""
    import uvicorn

    from channels.logs import configure_logging
    from channels.web.app import create_app
    from channels.web.bench import BENCH_HANDLERS
    from core.bootstrap import bootstrap
    from core.kernel.config import load_settings

    settings = load_settings(database_url=url, sandbox_webhook_secrets=SECRET, data_dir=data_dir,
                             log_level="warning")
    # warning, not info: one log line per request to a terminal would be measured, not the webhook.
    configure_logging(settings.log_level, "json")
    app = create_app(bootstrap(settings))  # no self_url: the sandbox posts nothing of its own
    threads = int(os.environ.get("BENCH_WH_THREADS", "0"))
    if threads:  # an experiment, not the product: fewer threads, fewer SQLite writers waiting on each other
        app.on_startup.append(lambda: _limit_threads(threads))
    for handler in BENCH_HANDLERS:
        app.register(handler)
    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, log_level="warning", access_log=False)


def _limit_threads(tokens: int) -> None:
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = tokens


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(url: str, threads: int = 0) -> Iterator[str]:
    port, data_dir = _free_port(), tempfile.mkdtemp(prefix="aragent_bench_wh_data_")
    env = {**os.environ, "BENCH_WH_SECRET": SECRET, "BENCH_WH_THREADS": str(threads)}
    proc = subprocess.Popen([sys.executable, "-m", "bench.webhooks", "--serve", url, str(port), data_dir], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)


def _wait_healthy(base: str, proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("the server exited at startup")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    sys.exit("the server did not become healthy in 30 s")


# -- events ---------------------------------------------------------------------------------------------


def event_body(payment_id: int) -> bytes:
    """What SandboxProcessor._event would post for a card charge that succeeded, keyed by our payment id."""
    payload = {
        "id": f"evt_bench_{payment_id}", "type": "payment.succeeded", "created": int(time.time()),
        "data": {"object": {
            "id": f"py_bench_{payment_id}", "amount": 10_000, "currency": "usd", "status": "succeeded",
            "metadata": {"payment_id": str(payment_id)}, "failure_reason": None,
        }},
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def signed(body: bytes) -> dict[str, str]:
    # Signed as it is sent: the signature's timestamp must be within 5 minutes of the server's clock.
    return {SIGNATURE_HEADER: sign(body, SECRET), "Content-Type": "application/json"}


@dataclass
class Source:
    """Hands out requests: a fresh event per pending payment, and now and then a redelivery of a sent one."""

    pending: list[int]
    redeliver_every: int = 0  # 0: never
    sent: list[bytes] = field(default_factory=list)
    handed: int = 0

    def next(self) -> bytes | None:
        self.handed += 1
        if self.redeliver_every and self.sent and self.handed % self.redeliver_every == 0:
            return random.choice(self.sent)
        if not self.pending:
            return None
        body = event_body(self.pending.pop())
        self.sent.append(body)
        return body


@dataclass
class Run:
    backend: str
    endpoint: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    duplicates: int = 0
    exhausted: bool = False

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if len(self.latencies) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000


async def _one(client: httpx.AsyncClient, path: str, body: bytes, run: Run) -> None:
    started = time.perf_counter()
    try:
        response = await client.post(path, content=body, headers=signed(body))
    except httpx.HTTPError:
        run.errors += 1
        return
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        run.errors += 1
        return
    run.latencies.append(elapsed)
    run.duplicates += bool(response.json().get("duplicate"))


async def max_rate(client: httpx.AsyncClient, path: str, source: Source, run: Run, seconds: float,
                   concurrency: int) -> Run:
    """Closed loop: `concurrency` senders, each posting its next request as soon as the last is answered."""
    started = time.perf_counter()
    deadline = started + seconds

    async def sender() -> None:
        while time.perf_counter() < deadline:
            body = source.next()
            if body is None:
                run.exhausted = True
                return
            await _one(client, path, body, run)

    await asyncio.gather(*(sender() for _ in range(concurrency)))
    run.seconds = time.perf_counter() - started
    return run


async def fixed_rate(client: httpx.AsyncClient, path: str, source: Source, run: Run, seconds: float,
                     rate: float) -> Run:
    """Open loop: a request every 1/rate s whatever the answers, so a slow server shows in the latency."""
    started = time.perf_counter()
    tasks: list[asyncio.Task[None]] = []
    for i in range(int(seconds * rate)):
        await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
        body = source.next()
        if body is None:
            run.exhausted = True
            break
        tasks.append(asyncio.create_task(_one(client, path, body, run)))
    await asyncio.gather(*tasks)
    run.seconds = time.perf_counter() - started
    return run


# -- one backend ----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    runs: list[Run]
    distinct_sent: int
    succeeded: int
    processed: int


async def drive(base: str, backend: str, payments: list[int], args: argparse.Namespace) -> tuple[list[Run], Source]:
    pool = max(args.concurrency, 64)  # the fixed-rate runs may have more in flight than the closed loop
    limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
    # NODELAY: httpcore writes headers and body apart; with Nagle the body waits ~40 ms for a delayed ACK.
    transport = httpx.AsyncHTTPTransport(limits=limits, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    async with httpx.AsyncClient(base_url=base, transport=transport, timeout=30) as client:
        full = Source(payments, args.redeliver)
        bare = Source(list(range(10**9, 10**9 + 10**7)))
        # Warm-up: connections open, code paths imported, caches filled; not counted.
        await max_rate(client, "/bench/bare-webhook", bare, Run(backend, "warm-up"), 1.0, args.concurrency)
        await max_rate(client, "/webhooks/payments/sandbox", full, Run(backend, "warm-up"), 1.0, args.concurrency)
        runs = [
            await max_rate(client, "/bench/bare-webhook", bare, Run(backend, "bare, max"), args.seconds,
                           args.concurrency),
            await max_rate(client, "/webhooks/payments/sandbox", full, Run(backend, "full, max"), args.seconds,
                           args.concurrency),
            await fixed_rate(client, "/webhooks/payments/sandbox", Source(full.pending, args.redeliver, full.sent),
                             Run(backend, f"full, {args.rate:g}/s"), args.seconds, args.rate),
            await fixed_rate(client, "/bench/bare-webhook", bare, Run(backend, f"bare, {args.rate:g}/s"),
                             args.seconds, args.rate),
        ]
    return runs, full


def check(url: str, sent: list[bytes]) -> tuple[int, int, int]:
    """Distinct events sent, payments succeeded, events applied: all three must be equal."""
    db = Database(url)
    try:
        with db.uow() as uow:
            succeeded = uow.session.scalar(select(func.count()).where(Payment.status == "succeeded"))
            processed = uow.session.scalar(select(func.count()).where(
                WebhookEvent.processor == "sandbox", WebhookEvent.processed.is_(True)))
        return len(set(sent)), int(succeeded or 0), int(processed or 0)
    finally:
        db.dispose()


def bench_backend(backend: str, url: str, args: argparse.Namespace) -> Outcome:
    started = time.perf_counter()
    upgrade(url)
    payments = load_book(url, args.payments)
    console.print(f"{backend}: {len(payments)} pending payments loaded in {time.perf_counter() - started:.1f} s")
    random.shuffle(payments)  # events arrive in no particular order
    with server(url, args.threads) as base:
        runs, full = asyncio.run(drive(base, backend, payments, args))
    # The fixed-rate source shared `full.sent`, so it holds every distinct event of both runs.
    distinct, succeeded, processed = check(url, full.sent)
    return Outcome(runs, distinct, succeeded, processed)


# -- report ---------------------------------------------------------------------------------------------


def verdicts(outcome: Outcome, rate: float) -> list[tuple[str, bool]]:
    by_name = {r.endpoint: r for r in outcome.runs}
    bare, full, steady = by_name["bare, max"], by_name["full, max"], by_name[f"full, {rate:g}/s"]
    ratio = full.rate / bare.rate if bare.rate else 0.0
    return [
        (f"full/bare {ratio:.2f} ≥ {RATIO_TARGET:.2f}", ratio >= RATIO_TARGET),
        (f"p99 at {rate:g}/s {steady.pct(99):.1f} ms < {P99_TARGET_MS:g} ms", steady.pct(99) < P99_TARGET_MS),
        (f"{outcome.distinct_sent} events, {outcome.succeeded} payments succeeded, {outcome.processed} applied",
         outcome.distinct_sent == outcome.succeeded == outcome.processed),
        ("no errors", not any(r.errors for r in outcome.runs)),
    ]


def report(outcomes: dict[str, Outcome], rate: float) -> bool:
    table = Table(title=f"Signed webhooks over loopback, {dt.date.today()}")
    for name in ("backend", "endpoint", "requests", "events/s", "p50 ms", "p99 ms", "errors", "dupes",
                 "full/bare"):
        table.add_column(name, justify="left" if name in ("backend", "endpoint") else "right")
    ok = True
    for backend, outcome in outcomes.items():
        bare_rate = next(r.rate for r in outcome.runs if r.endpoint == "bare, max")
        for run in outcome.runs:
            ratio = f"{run.rate / bare_rate:.2f}" if run.endpoint == "full, max" and bare_rate else ""
            note = " (book ran out)" if run.exhausted else ""
            table.add_row(backend, run.endpoint + note, str(run.requests), f"{run.rate:,.0f}", f"{run.pct(50):.1f}",
                          f"{run.pct(99):.1f}", str(run.errors), str(run.duplicates), ratio)
        for text, held in verdicts(outcome, rate):
            ok &= held
            console.print(f"{backend}: {'[green]holds[/green]' if held else '[red]MISSED[/red]'}  {text}")
    console.print(table)
    return ok


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each measured run")
    parser.add_argument("--rate", type=float, default=100.0, help="events/s of the fixed-rate runs")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight in the max-rate runs")
    parser.add_argument("--payments", type=int, default=8000, help="pending payments in the book")
    parser.add_argument("--redeliver", type=int, default=10, help="every Nth full request is a redelivery; 0: none")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--threads", type=int, default=0,
                        help="cap the server's worker threads (an experiment); 0: anyio's default 40, as served")
    args = parser.parse_args()
    outcomes: dict[str, Outcome] = {}
    with ExitStack() as stack:
        if args.backend in ("sqlite", "both"):
            outcomes["sqlite"] = bench_backend("sqlite", stack.enter_context(sqlite_database()), args)
        if args.backend in ("postgresql", "both"):
            database = stack.enter_context(postgres_database(args.pg_url, prefix="aragent_bench_wh"))
            outcomes["postgresql"] = bench_backend("postgresql", database, args)
    sys.exit(0 if report(outcomes, args.rate) else 1)


if __name__ == "__main__":
    main()
