"""Fixtures: every storage test runs on SQLite and on PostgreSQL.

Each test run creates its own PostgreSQL database (and drops it at the end), so two runs on one
server never collide. ARAGENT_TEST_PG_URL points at the server (default: local, trust auth).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.bootstrap import Services, bootstrap
from core.kernel.config import Settings
from core.kernel.db import Database
from core.kernel.migrate import upgrade
from core.schema import Base
from scheduler import models as scheduler_models  # noqa: F401  (the scheduler registers its tables)

# `smtp`: a real SMTP server on loopback; `s3_server`: a real S3-compatible one (moto's server mode)
pytest_plugins = ["tests.smtp", "tests.s3"]

PG_SERVER = os.environ.get("ARAGENT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    name = f"aragent_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'aragent.db'}"


_migrated: set[str] = set()


def _clean(db: Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.is_postgres:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - our own table names


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def file_store_kind(request: pytest.FixtureRequest) -> str:
    """`local`; a test marked `file_stores` runs once with each store: `local` and `s3`."""
    return getattr(request, "param", "local")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("file_stores") and "file_store_kind" in metafunc.fixturenames:
        metafunc.parametrize("file_store_kind", ["local", "s3"], indirect=True)


@pytest.fixture
def services(database_url: str, tmp_path: Path, file_store_kind: str,
             request: pytest.FixtureRequest) -> Iterator[Services]:
    """A migrated, empty database on each backend, and a file store: a temporary folder, or (`s3`) a prefix of its
    own on the loopback S3 server."""
    if database_url not in _migrated:
        upgrade(database_url)
        _migrated.add(database_url)
    settings = Settings(data_dir=tmp_path, database_url=database_url)
    if file_store_kind == "s3":
        s3 = request.getfixturevalue("s3_server")
        settings = s3.settings(settings, s3.new_prefix())
    app = bootstrap(settings)
    _clean(app.db)
    try:
        yield app
    finally:
        app.close()


@pytest.fixture
def db(services: Services) -> Database:
    return services.db
