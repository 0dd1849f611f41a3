"""Engines and the unit of work. Services write only inside `with uow: ...; uow.commit()`."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TypeVar, overload

import structlog
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from core.kernel.card_numbers import scrub_free_text


def driver_url(url: str) -> str:
    """Accept `postgresql://` and `sqlite:///` as written and pick the driver we ship."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # pysqlite would only BEGIN before the first write, so a read-then-update could act on a stale read.
    # We begin every transaction ourselves (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class _SqliteWriterQueue:
    """One transaction at a time per process, queued on a lock.

    IMMEDIATE takes SQLite's write lock up front, so two transactions never both read an invoice as open
    and both pay it (SQLite has no SELECT FOR UPDATE). Threads of one process waiting for that lock inside
    SQLite's busy handler sleep and retry, and the unlucky ones wait seconds; a lock in front of it lets
    them take turns in order. Other processes still meet SQLite's own lock and busy_timeout.
    """

    WAIT_SECONDS = 30

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def begin(self, connection) -> None:  # type: ignore[no-untyped-def]
        if not self._lock.acquire(timeout=self.WAIT_SECONDS):
            raise TimeoutError(f"waited {self.WAIT_SECONDS} s for the SQLite database; is a transaction stuck?")
        connection.info["aragent_writer"] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.end(connection)
            raise

    def end(self, connection) -> None:  # type: ignore[no-untyped-def]
        if connection.info.pop("aragent_writer", False):
            self._lock.release()


def make_engine(url: str, **kwargs: object) -> Engine:
    url = driver_url(url)
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        queue = _SqliteWriterQueue()
        event.listen(engine, "begin", queue.begin)
        event.listen(engine, "commit", queue.end)
        event.listen(engine, "rollback", queue.end)
        return engine
    engine = create_engine(url, **kwargs)
    event.listen(engine, "checkin", _mark_idle)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


IDLE_PING_SECONDS = 30.0


def _mark_idle(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:  # type: ignore[no-untyped-def]
    """Pre-ping, but only a connection that sat idle: one that was in use a moment ago is alive, and a
    ping on every checkout was a fifth of a chat reply's time. A dead one is replaced (DisconnectionError
    makes the pool retry with a fresh connection), so a database restart costs no request."""
    if time.monotonic() - record.info.get("idle_since", time.monotonic()) < IDLE_PING_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()
    except Exception as exc:
        raise DisconnectionError(str(exc)) from exc


class UnitOfWork:
    """One transaction. Leaving the block without `commit()` rolls everything back."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


# What the database driver raises when the server is unreachable or the schema is missing: the channels name
# these to tell the user what to check, without importing the ORM themselves.
DATABASE_ERRORS = (OperationalError, ProgrammingError)


class Database:
    """The composition of an engine and a UnitOfWork factory; one per process."""

    def __init__(self, url: str, **engine_kwargs: object) -> None:
        self.url = driver_url(url)
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self.sessions, "before_flush", scrub_free_text)  # no card number is ever written

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    def dispose(self) -> None:
        self.engine.dispose()

    def ping(self) -> str:
        """One round trip to the database; its dialect's name when it answers."""
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return self.engine.dialect.name


@overload
def as_utc(moment: dt.datetime) -> dt.datetime: ...


@overload
def as_utc(moment: None) -> None: ...


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands DateTime(timezone=True) back naive; everything we store is UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment is not None and moment.tzinfo is None else moment


T = TypeVar("T")
RECONNECT_WAITS = (0.05, 0.2, 0.5)  # seconds before each new try of a step whose connection was lost
log = structlog.get_logger("aragent.db")


def reconnecting(step: Callable[[], T]) -> T:
    """Run a database step again on a fresh connection when the one it had was lost (a restarted or failed-over
    server, a terminated backend). Only for steps that are safe to repeat: a read, or a write whose second run
    finds the first one's result."""
    for wait in RECONNECT_WAITS:
        try:
            return step()
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            log.warning("database connection lost; trying again", error=str(exc.orig), wait=wait)
            time.sleep(wait)
    return step()


def like_pattern(text: str) -> str:
    """`%text%` for a case-insensitive LIKE (escape `\\`), the user's % and _ taken literally."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
