"""Never charged twice, never stuck: money requests over the API when the database connection is lost mid-request
or the serving process dies, on SQLite and PostgreSQL. A client retries a 5xx or a timeout with the same
Idempotency-Key; each key ends with one answer, at most one payment and at most one processor charge."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path

import pytest
import time_machine
from litestar.testing import TestClient
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError

from channels.web.app import create_app
from core import payments as payments_context
from core.bootstrap import Services
from core.kernel.apikeys import create_api_key
from core.kernel.audit import Actor
from core.kernel.db import driver_url
from core.kernel.money import Money
from core.ledger.models import Customer, Payment
from core.payments import idempotency
from core.payments.adapters.sandbox import SandboxProcessor
from core.payments.adapters.sandbox_models import SandboxCharge
from core.payments.initiation import initiate_payment
from core.payments.jobs import reconcile
from core.payments.models import IdempotencyRecord, PaymentMethod

SECRET = "whsec_crash_test"
ACTOR = Actor("test", "api")
LEASE = 30
SCOPE = "api:erp"  # the API key's name: keys are per caller
DEPOSIT = {"customer": "ACME", "amount": "215.85", "method_id": 0, "invoices": []}


@pytest.fixture
def sandbox(services: Services) -> SandboxProcessor:
    processor = SandboxProcessor(services.db, [SECRET], card_delay=0, ach_delay=0, return_delay=0)
    services.processors["sandbox"] = processor
    services.settings = replace(services.settings, idempotency_lease_seconds=LEASE)
    return processor


@pytest.fixture
def api(services: Services, sandbox: SandboxProcessor) -> Iterator[TestClient]:
    key = create_api_key(services.db.uow(), "erp", ACTOR)
    with TestClient(create_app(services), raise_server_exceptions=False) as client:
        client.headers["X-API-Key"] = key
        client.put("/api/customers/ACME", json={"name": "Acme Corp", "email": "ap@acme.example"})
        with services.db.uow() as uow:
            customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
            method = PaymentMethod(customer_id=customer_id, processor="sandbox", token="tok_visa", kind="card",
                                   brand="visa", last4="4242")
            uow.session.add(method)
            uow.commit()
            DEPOSIT["method_id"] = method.id
        yield client


def body() -> bytes:
    return json.dumps(DEPOSIT).encode()


def pay(api: TestClient, key: str) -> tuple[int, dict]:
    response = api.post("/api/payments", content=body(),
                        headers={"Idempotency-Key": key, "Content-Type": "application/json"})
    return response.status_code, response.json() if response.content else {}


@contextmanager
def after_the_lease(seconds: int = LEASE + 1) -> Iterator[None]:
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds), tick=True):
        yield


def payments_and_charges(services: Services) -> tuple[int, dict[str, int]]:
    with services.db.uow() as uow:
        payments = uow.session.scalar(select(func.count()).select_from(Payment)) or 0
        charges = dict(uow.session.execute(select(SandboxCharge.idempotency_key, func.count())
                                           .group_by(SandboxCharge.idempotency_key)).all())
    return payments, charges


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def lost_connection(statement: str = "") -> OperationalError:
    return OperationalError(statement, {}, ConnectionError("server closed the connection unexpectedly"),
                            connection_invalidated=True)


# -- 1. a 500 after the payment was written: the retry answers with it ------------------------------------------


def test_a_deposit_whose_answer_was_lost_is_answered_by_its_retry_not_charged_again(
        api: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    real_finish = payments_context.idempotency_finish  # what the API calls, by its public name

    def finish_on_a_lost_connection(*args, **kwargs):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(payments_context, "idempotency_finish", real_finish)
        if services.db.is_postgres:  # the real thing: the server ends every connection of ours
            terminate_backends(services)
            return real_finish(*args, **kwargs)
        raise lost_connection("UPDATE idempotency_records …")

    monkeypatch.setattr(payments_context, "idempotency_finish", finish_on_a_lost_connection)
    status, _ = pay(api, "dep-1")
    assert status == 500
    assert pay(api, "dep-1")[0] == 409  # within the lease: "in progress; retry shortly"
    with after_the_lease():
        status, answer = pay(api, "dep-1")
    assert status == 201 and answer["amount"] == "215.85"
    payments, charges = payments_and_charges(services)
    assert payments == 1 and charges == {f"charge:{answer['payment_id']}": 1}
    assert pay(api, "dep-1") == (201, answer)  # and from now on the same answer, replayed


# -- 2. killed mid-request: the key is recovered after the lease ------------------------------------------------


def test_a_key_whose_request_died_before_writing_anything_is_released_after_the_lease(
        api: TestClient, services: Services) -> None:
    claim = idempotency.begin(services.db.uow(), SCOPE, "dep-2", idempotency.body_hash(body()))
    assert isinstance(claim, idempotency.Claim)  # ... and the process holding it was killed here
    assert pay(api, "dep-2")[0] == 409
    with after_the_lease():
        status, answer = pay(api, "dep-2")
    assert status == 201
    assert payments_and_charges(services) == (1, {f"charge:{answer['payment_id']}": 1})


def test_a_request_killed_after_writing_its_payment_is_charged_once_by_the_retry(
        api: TestClient, services: Services) -> None:
    claim = idempotency.begin(services.db.uow(), SCOPE, "dep-3", idempotency.body_hash(body()))
    assert isinstance(claim, idempotency.Claim)
    today = dt.date.today()
    written = initiate_payment(services.db.uow(), customer_code="ACME", amount=Money.of("215.85", "USD"), requests=[],
                               method_id=DEPOSIT["method_id"], pay_on=today, today=today,  # type: ignore[arg-type]
                               processor="sandbox", reasons=(), actor=ACTOR, claim=claim)
    # ... killed here: the payment is pending, its charge never sent.
    assert payments_and_charges(services) == (1, {})
    assert pay(api, "dep-3")[0] == 409
    with after_the_lease():
        status, answer = pay(api, "dep-3")
    assert status == 201 and answer["payment_id"] == written.payment_id
    assert payments_and_charges(services) == (1, {f"charge:{written.payment_id}": 1})


def test_a_payment_whose_charge_was_never_sent_is_sent_by_the_next_reconcile_within_a_minute(
        services: Services, sandbox: SandboxProcessor, api: TestClient) -> None:
    today, now = dt.date.today(), dt.datetime.now(dt.UTC)
    written = initiate_payment(services.db.uow(), customer_code="ACME", amount=Money.of("215.85", "USD"), requests=[],
                               method_id=DEPOSIT["method_id"], pay_on=today, today=today,  # type: ignore[arg-type]
                               processor="sandbox", reasons=(), actor=ACTOR)
    fifteen, branding = dt.timedelta(minutes=15), services.branding
    assert reconcile(services.db.uow, sandbox, fifteen, ACTOR, branding, now=now + dt.timedelta(seconds=5)) == []
    sent = reconcile(services.db.uow, sandbox, fifteen, ACTOR, branding, now=now + dt.timedelta(seconds=31))
    assert len(sent) == 1 and payments_and_charges(services) == (1, {f"charge:{written.payment_id}": 1})
    assert reconcile(services.db.uow, sandbox, fifteen, ACTOR, branding, now=now + dt.timedelta(seconds=91)) == []
    assert services.settings.reconcile_cron == "* * * * *"  # the scheduler runs it every minute


# -- 3. any point of the request may lose its connection: at most one charge per key -----------------------------


@contextmanager
def connection_lost_at(services: Services, statement_number: int) -> Iterator[list[str]]:
    """The `statement_number`-th SQL statement from now fails as a dropped connection does; yields what ran."""
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement.split()[0])
        if len(seen) == statement_number:
            raise lost_connection(statement)

    event.listen(services.db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(services.db.engine, "before_cursor_execute", before)


def test_a_connection_lost_at_any_statement_of_a_deposit_charges_at_most_once(
        api: TestClient, services: Services, sandbox: SandboxProcessor) -> None:
    with connection_lost_at(services, 0) as seen:  # count the statements of one clean request
        assert pay(api, "probe")[0] == 201
    checked = 0
    for failing in range(1, len(seen) + 1):
        key = f"dep-at-{failing}"
        with connection_lost_at(services, failing):
            status, answer = pay(api, key)
        first = status
        for hop in range(1, 4):  # the client retries 5xx and 409 with the same key, a lease apart
            if status not in (409, 500):
                break
            with after_the_lease(hop * (LEASE + 1)):
                status, answer = pay(api, key)
        assert status == 201, (failing, seen[failing - 1], first, status, answer)
        with after_the_lease(5 * (LEASE + 1)):  # the scheduler's reconcile sends a charge the request could not
            reconcile(services.db.uow, sandbox, dt.timedelta(minutes=15), ACTOR, services.branding)
        with services.db.uow() as uow:
            bound = uow.session.scalars(select(IdempotencyRecord.payment_id).where(IdempotencyRecord.key == key)).one()
        assert bound == answer["payment_id"], failing
        checked += 1
    payments, charges = payments_and_charges(services)
    assert payments == checked + 1 and len(charges) == payments and set(charges.values()) == {1}


# -- 4. PostgreSQL ends our connections every few tens of milliseconds during a burst ------------------------------


def terminate_backends(services: Services) -> int:
    admin = create_engine(driver_url(services.db.url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return len(conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())
    finally:
        admin.dispose()


def test_deposits_retried_through_terminated_backends_are_charged_once_each(
        api: TestClient, services: Services, sandbox: SandboxProcessor) -> None:
    if not services.db.is_postgres:
        pytest.skip("terminating server backends is PostgreSQL's; the SQLite run has the statement-by-statement test")
    stop = threading.Event()

    def terminator() -> None:
        while not stop.is_set():
            terminate_backends(services)
            time.sleep(0.03)

    keys = [f"burst-{n}" for n in range(12)]
    answers: dict[str, dict] = {}
    thread = threading.Thread(target=terminator, daemon=True)
    thread.start()
    try:
        for key in keys:
            for hop in range(6):
                with after_the_lease(hop * (LEASE + 1)) if hop else nullcontext():
                    status, answer = pay(api, key)
                if status == 201:
                    answers[key] = answer
                    break
    finally:
        stop.set()
        thread.join()
    for key in keys:  # after the storm, every key has its answer
        if key not in answers:
            with after_the_lease(7 * (LEASE + 1)):
                status, answers[key] = pay(api, key)
            assert status == 201, (key, answers[key])
    with after_the_lease(8 * (LEASE + 1)):
        reconcile(services.db.uow, sandbox, dt.timedelta(minutes=15), ACTOR, services.branding)
    payments, charges = payments_and_charges(services)
    assert payments == len(keys) == len({a["payment_id"] for a in answers.values()})
    assert len(charges) == payments and set(charges.values()) == {1}


# -- 5. the serving process is killed (SIGKILL) in the middle of a burst, then started again ----------------------


def _serve(services: Services, data: Path, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "ARAGENT_DATABASE_URL": services.db.url, "ARAGENT_DATA_DIR": str(data),
           "ARAGENT_LOG_FORMAT": "json", "ARAGENT_LOG_LEVEL": "warning", "ARAGENT_IDEMPOTENCY_LEASE_SECONDS": "2",
           "ARAGENT_SANDBOX_WEBHOOK_SECRETS": SECRET}
    proc = subprocess.Popen([sys.executable, "-m", "channels.cli.main", "serve", "--no-scheduler", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
                            cwd=Path(__file__).parents[2])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("the server did not start")


def _post(port: int, api_key: str, key: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/payments", data=body(), method="POST", headers={
        "X-API-Key": api_key, "Idempotency-Key": key, "Content-Type": "application/json"})
    try:
        return urllib.request.urlopen(request, timeout=5).status  # type: ignore[no-any-return]
    except urllib.error.HTTPError as refused:
        return refused.code
    except OSError:
        return 0  # no answer: the server died under the request, or was not there


def test_a_server_killed_mid_burst_and_restarted_charges_each_key_once(
        api: TestClient, services: Services, tmp_path: Path) -> None:
    if not services.db.is_postgres:
        pytest.skip("several serving processes share PostgreSQL; SQLite is one machine's embedded store")
    api_key = create_api_key(services.db.uow(), "burst", ACTOR)
    port = _free_port()
    server = _serve(services, tmp_path, port)
    sent: list[str] = []
    lock = threading.Lock()

    def client(name: str) -> None:
        for n in range(200):
            key = f"{name}-{n}"
            with lock:
                sent.append(key)
            if _post(port, api_key, key) == 0:
                return

    clients = [threading.Thread(target=client, args=(f"c{i}",)) for i in range(4)]
    for thread in clients:
        thread.start()
    time.sleep(random.uniform(0.6, 1.2))
    server.send_signal(signal.SIGKILL)  # mid-request: four clients keep it busy
    server.wait(10)
    for thread in clients:
        thread.join(10)
    with services.db.uow() as uow:  # what the killed process left: keys in progress, payments not yet charged
        left = uow.session.scalar(select(func.count()).select_from(IdempotencyRecord)
                                  .where(IdempotencyRecord.status_code.is_(None)))
    print(f"killed after {len(sent)} requests; {left} keys left in progress")
    server = _serve(services, tmp_path, port)
    try:
        for key in sent:  # each client retries what got no final answer, with the same key
            deadline = time.monotonic() + 20
            while (status := _post(port, api_key, key)) in (0, 409, 500) and time.monotonic() < deadline:
                time.sleep(0.5)
            assert status == 201, (key, status)
    finally:
        server.terminate()
        server.wait(10)
    with after_the_lease(120):  # the scheduler's reconcile: a charge a killed request never sent
        reconcile(services.db.uow, services.processors["sandbox"], dt.timedelta(minutes=15), ACTOR,
                  services.branding)
    payments, charges = payments_and_charges(services)
    assert payments == len(sent) and len(charges) == payments and set(charges.values()) == {1}
