"""The console in a real browser: `aragent`'s app served by uvicorn on loopback, Debian's Chromium driven by
Playwright. One server per backend for the whole run, on a demo book; tests pick different customers.

Fixtures: `console` (the live server: `.url`, `.services`), `signed_in(role)` → a Playwright page signed in
as `agent`, `supervisor` or `admin`; `shot(page, name)` saves a screenshot under tests/artifacts/screens/.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from channels.web.app import create_app
from core.bootstrap import Services, bootstrap
from core.demo import load_demo_book
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.migrate import upgrade
from core.staff import users as staff
from tests.conftest import PG_SERVER

CHROMIUM = os.environ.get("ARAGENT_CHROMIUM", "/usr/bin/chromium")
SCREENS = Path(__file__).resolve().parents[1] / "artifacts" / "screens"
PASSWORD = "correct horse battery"
ROLES = ("agent", "supervisor", "admin")


@dataclass
class LiveConsole:
    url: str
    services: Services
    backend: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Per module, not per run: Playwright's sync API keeps an event loop running in this thread while it is
    # open, and the tests after the browser tests call asyncio.run (SMTP, Telegram).
    if not Path(CHROMIUM).exists():  # never a silent skip: .ci/setup installs Debian's chromium
        pytest.fail(f"Chromium not found at {CHROMIUM}: run .ci/setup (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def _database(backend: str, tmp: Path) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'console.db'}", lambda: None
    name = f"aragent_console_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def console(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveConsole]:
    backend = request.param
    tmp = tmp_path_factory.mktemp(f"console-{backend}")
    url, drop = _database(backend, tmp)
    upgrade(url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    services = bootstrap(Settings(data_dir=tmp, database_url=url, public_url=base))
    load_demo_book(services.db.uow, dt.date.today(), services.settings.short_pay_reasons)
    for role in ROLES:
        staff.add_user(services.db.uow(), role, PASSWORD, role, Actor("test", "test"), full_name=f"Test {role.title()}")
    server = uvicorn.Server(uvicorn.Config(create_app(services, self_url=base), host="127.0.0.1", port=port,
                                          log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the console did not start"
    try:
        yield LiveConsole(base, services, backend)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        services.close()
        drop()


def sign_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@pytest.fixture
def signed_in(browser: Browser, console: LiveConsole) -> Iterator[Callable[[str], Page]]:
    """`signed_in("agent")`: a fresh browser context signed in with that role."""
    contexts = []

    def open_as(role: str) -> Page:
        context = browser.new_context(base_url=console.url, viewport={"width": 1440, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, console.url, role)
        page.wait_for_url(f"{console.url}/console/**")
        assert "/console/login" not in page.url, f"sign-in as {role} failed"
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def shot(console: LiveConsole) -> Callable[[Page, str], Path]:
    """Save a full-page screenshot (tests/artifacts/screens/<backend>/<name>.png) to look at after the run."""

    def save(page: Page, name: str) -> Path:
        folder = SCREENS / console.backend
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
