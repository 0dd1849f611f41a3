"""Work shared by processes on several machines, played on loopback: `aragent` processes with data folders of their
own, one PostgreSQL database (made for this module) and one S3-compatible object store (moto's server).

PostgreSQL only: that is what several machines share. SQLite is one machine's embedded store (one writer at a
time, a file on a local disk), so there is no SQLite variant of these tests.

1. a statement rendered by one `aragent serve` is served by the other (its signed link and its PDF, byte for byte);
2. `aragent statements render` started twice at once on one period renders each statement once, between them;
3. two `aragent outbox send` at once, against a real SMTP server, send each message once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from core.bootstrap import Services, bootstrap
from core.documents.models import StoredFile
from core.kernel.apikeys import create_api_key
from core.kernel.config import Settings
from core.kernel.migrate import upgrade
from core.outbox.models import OutboxMessage
from core.statements import DeliverySelection, deliver_statements, run_statements
from core.statements.models import Statement
from tests.books import TEST_ACTOR, customer, invoice
from tests.conftest import PG_SERVER
from tests.s3 import S3Server
from tests.smtp import Inbox, free_port

ROOT = Path(__file__).parents[2]
STATEMENT_DATE = dt.date(2026, 11, 30)
CUSTOMERS = 36
LINK_SECRET = "a-link-secret-every-process-shares"  # as ARAGENT_LINK_SECRET must be in production


@dataclass(frozen=True)
class Deployment:
    """What the processes share: the database, the object store, the secrets; each gets its own data folder."""

    database_url: str
    files_url: str
    s3: S3Server
    folders: Path
    services: Services  # this test's own view, to set the book up and look at the outcome

    def env(self, machine: str, **extra: str) -> dict[str, str]:
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("ARAGENT_")}
        return {**inherited, **self.s3.env(self.files_url), "ARAGENT_DATABASE_URL": self.database_url,
                "ARAGENT_DATA_DIR": str(self.folders / machine), "ARAGENT_LINK_SECRET": LINK_SECRET,
                "ARAGENT_LOG_FORMAT": "json", "ARAGENT_LOG_LEVEL": "warning", **extra}

    def aragent(self, machine: str, *args: str, **extra: str) -> subprocess.Popen[str]:
        """A command that finishes; `finished` reads what it printed."""
        return subprocess.Popen([sys.executable, "-m", "channels.cli.main", *args], env=self.env(machine, **extra),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)

    def serve(self, machine: str, port: int) -> subprocess.Popen[str]:
        """`aragent serve` on `machine`, its log in a file (a pipe nobody reads could fill and stall it)."""
        with open(self.folders / f"{machine}.log", "w") as log:
            return subprocess.Popen([sys.executable, "-m", "channels.cli.main", "serve", "--no-scheduler", "--port",
                                     str(port)], env=self.env(machine), stdout=log, stderr=log, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def deployment(s3_server: S3Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    name = f"aragent_procs_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    folders = tmp_path_factory.mktemp("machines")
    files_url = s3_server.new_prefix()
    services = bootstrap(s3_server.settings(Settings(data_dir=folders / "test", database_url=url), files_url))
    try:
        upgrade(url)
        _book(services)
        yield Deployment(url, files_url, s3_server, folders, services)
    finally:
        services.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _book(services: Services) -> None:
    """A small book: each customer two open invoices and an email address, and last month's statements."""
    for n in range(CUSTOMERS):
        code = f"M{n:03}"
        customer(services.db, code, delivery="email")
        invoice(services.db, f"{code}-1", f"{100 + n}.25", "2026-09-15", customer=code)
        invoice(services.db, f"{code}-2", f"{40 + n}.50", "2026-11-02", customer=code)
    made = run_statements(services.db, services.settings, services.files,
                          statement_date=STATEMENT_DATE, finance_charges_on=None, actor=TEST_ACTOR)
    assert made.created == CUSTOMERS


def wait_until_up(port: int, server: subprocess.Popen[str], log: Path, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError(f"the server on port {port} did not start: {log.read_text()[-2000:]}")


def fetch(url: str, *, api_key: str = "", method: str = "GET", body: bytes | None = None,
          content_type: str = "") -> bytes:
    headers = {"X-API-Key": api_key} if api_key else {}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    return bytes(urllib.request.urlopen(request, timeout=20).read())


def finished(process: subprocess.Popen[str], seconds: float = 45) -> str:
    out, err = process.communicate(timeout=seconds)
    assert process.returncode == 0, err[-3000:]
    return out


def statement_ids(services: Services) -> list[int]:
    with services.db.uow() as uow:
        return list(uow.session.scalars(select(Statement.id).order_by(Statement.id)))


# -- 1. rendered on one machine, served by the other ---------------------------------------------------------


def test_a_statement_rendered_by_one_server_is_served_by_the_other(deployment: Deployment) -> None:
    ports = {"a": free_port(), "b": free_port()}
    servers = {machine: deployment.serve(machine, port) for machine, port in ports.items()}
    try:
        for machine, server in servers.items():
            wait_until_up(ports[machine], server, deployment.folders / f"{machine}.log")
        a, b = (f"http://127.0.0.1:{ports[m]}" for m in "ab")
        key = create_api_key(deployment.services.db.uow(), "erp", TEST_ACTOR)
        first = statement_ids(deployment.services)[0]
        link = json.loads(fetch(f"{a}/api/statements/{first}/link", api_key=key, method="POST"))["url"]
        assert link.startswith(f"{a}/d/")  # A rendered it on first use, kept it in the object store, signed a link
        from_b = fetch(link.replace(a, b))  # the same link, opened on the other machine
        assert from_b.startswith(b"%PDF-") and from_b == fetch(f"{a}/api/statements/{first}/pdf", api_key=key)
        # The ERP's own invoice PDF, put through A, read back through B.
        erp_pdf = b"%PDF-1.7\n% the ERP's invoice M000-1\n%%EOF\n"
        fetch(f"{a}/api/invoices/M000-1/pdf", api_key=key, method="PUT", body=erp_pdf, content_type="application/pdf")
        assert fetch(f"{b}/api/invoices/M000-1/pdf", api_key=key) == erp_pdf
    finally:
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            server.wait(timeout=20)
    assert not any((deployment.folders / m / "files").exists() for m in "ab")  # nothing on either machine's disk
    with deployment.services.db.uow() as uow:
        keys = set(uow.session.scalars(select(StoredFile.storage_key)))
    assert {k.rsplit("/", 1)[-1] for k in deployment.s3.keys_under(deployment.files_url)} >= keys and len(keys) == 2


# -- 2. one period rendered by two processes at once ---------------------------------------------------------


def test_two_render_processes_share_a_period_and_render_nothing_twice(deployment: Deployment) -> None:
    services = deployment.services
    with services.db.uow() as uow:
        pending = uow.session.scalar(select(func.count()).where(Statement.file_id.is_(None))) or 0
        files_before = uow.session.scalar(select(func.count()).select_from(StoredFile)) or 0
    assert pending >= CUSTOMERS - 1  # the first test rendered one on first use
    renders = [deployment.aragent(m, "statements", "render", "--date", STATEMENT_DATE.isoformat(), "--workers", "1")
               for m in ("a", "b")]
    counts = [int(re.search(r"rendered (\d+) statement PDF", finished(p)).group(1)) for p in renders]  # type: ignore[union-attr]
    with services.db.uow() as uow:
        left = uow.session.scalar(select(func.count()).where(Statement.file_id.is_(None)))
        files_after = uow.session.scalar(select(func.count()).select_from(StoredFile)) or 0
        keys = set(uow.session.scalars(select(StoredFile.storage_key).where(StoredFile.kind == "statement")))
    # Each renders only what it claimed and keeps all it renders: the counts add up to the period, exactly.
    assert sum(counts) == pending == files_after - files_before and left == 0, counts
    assert min(counts) > 0, counts  # both took a share
    assert keys <= {k.rsplit("/", 1)[-1] for k in deployment.s3.keys_under(deployment.files_url)}


# -- 3. two dispatchers, one SMTP server ---------------------------------------------------------------------


class SlowInbox(Inbox):
    """An SMTP server that takes a moment per message, as real ones do: the two dispatchers overlap."""

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def test_two_dispatcher_processes_send_each_message_once(deployment: Deployment) -> None:
    services = deployment.services
    lines = deliver_statements(services, DeliverySelection(methods=("email",), approve=True), TEST_ACTOR)
    queued = [line.outbox_id for line in lines if line.status == "queued"]
    assert len(queued) == CUSTOMERS
    inbox, port = SlowInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    try:
        smtp = {"ARAGENT_SMTP_HOST": "127.0.0.1", "ARAGENT_SMTP_PORT": str(port), "ARAGENT_QUIET_HOURS": "0-24"}
        senders = [deployment.aragent(m, "outbox", "send", **smtp) for m in ("a", "b")]
        outputs = [finished(p) for p in senders]
    finally:
        controller.stop()
    sent = [int(re.search(r"sent (\d+)", out).group(1)) for out in outputs]  # type: ignore[union-attr]
    received = [message["Message-ID"] for _, message in inbox.received]
    assert sum(sent) == len(received) == len(set(received)) == CUSTOMERS, (sent, outputs)
    assert min(sent) > 0, sent  # both sent a share
    assert all(any(part.get_filename() for part in message.iter_attachments()) for _, message in inbox.received)
    with services.db.uow() as uow:
        rows = uow.session.execute(select(OutboxMessage.status, OutboxMessage.attempts)
                                   .where(OutboxMessage.id.in_(queued))).all()
    assert set(rows) == {("sent", 1)}
