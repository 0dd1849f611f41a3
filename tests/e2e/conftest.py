"""The `aragent` command run in-process against the test's database (both backends) and data folder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from litestar.testing import TestClient

from channels.cli.main import main
from channels.web.app import create_app
from core import staff
from core.bootstrap import Services
from tests.books import TEST_ACTOR


@pytest.fixture
def run(services: Services, tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {"ARAGENT_DATABASE_URL": services.db.url, "ARAGENT_DATA_DIR": str(tmp_path), "ARAGENT_LOG_FORMAT": "json"}

    def invoke(*args: str, stdin: str | None = None, **extra_env: str) -> Result:
        return CliRunner().invoke(main, list(args), input=stdin, env={**env, **extra_env}, catch_exceptions=False)

    return invoke


CONSOLE_PASSWORD = "correct horse battery"


@contextmanager
def console_client(services: Services, role: str = "agent") -> Iterator[TestClient]:
    """The app with a console user of `role` (named after it) signed in through the login form."""
    staff.add_user(services.db.uow(), role, CONSOLE_PASSWORD, role, TEST_ACTOR)
    with TestClient(create_app(services)) as client:
        client.get("/console/login")
        signed = client.post("/console/login", data={"username": role, "password": CONSOLE_PASSWORD,
                                                     "_csrf_token": client.cookies.get("aragent_csrf")},
                             follow_redirects=False)
        assert signed.status_code == 303
        yield client
