"""PostgreSQL restarts or drops a connection: the next request gets a fresh one, not an error."""

from __future__ import annotations

from sqlalchemy import text

from core.kernel import db as db_module
from core.kernel.db import Database


def test_a_connection_killed_while_idle_is_replaced_at_checkout(pg_url, monkeypatch):
    database = Database(pg_url, pool_size=1, max_overflow=0)
    try:
        with database.engine.connect() as conn:
            victim = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        other = Database(pg_url)
        with other.engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": victim})
        other.dispose()
        monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", 0.0)  # as if it had sat idle for a while
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != victim
    finally:
        database.dispose()
