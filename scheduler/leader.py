"""The leader lock: one row in `scheduler_leases` names the one process whose scheduler runs the jobs.

The holder renews the lease well before it runs out; when the holder dies the lease simply expires and
the next process that asks takes it. Taking and renewing are one conditional UPDATE (or, for the very
first holder, an INSERT that races on the primary key), so two processes can never both win, on SQLite
(whose transactions here take the write lock up front) as on PostgreSQL (which re-checks the WHERE
clause against the row a concurrent winner just committed).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import CursorResult, case, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.kernel import Database
from scheduler.models import SchedulerLease

LEASE_NAME = "scheduler"
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_holder_id() -> str:
    """host:pid:random — the random part tells apart two schedulers of one process (and a reused pid)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def as_utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands DateTime(timezone=True) back naive; everything we store is UTC.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


@dataclass(frozen=True)
class LeaseView:
    holder: str
    expires_at: dt.datetime
    acquired_at: dt.datetime

    def live(self, now: dt.datetime) -> bool:
        return self.expires_at > now


def current_lease(db: Database, name: str = LEASE_NAME) -> LeaseView | None:
    with db.uow() as uow:
        row = uow.session.get(SchedulerLease, name)
        return None if row is None else LeaseView(row.holder, as_utc(row.expires_at), as_utc(row.acquired_at))


class Lease:
    """This process's claim on the lease."""

    def __init__(self, db: Database, *, seconds: float = 30, clock: Clock | None = None,
                 holder: str | None = None, name: str = LEASE_NAME) -> None:
        self.db, self.name, self.holder = db, name, holder or new_holder_id()
        self.duration = dt.timedelta(seconds=seconds)
        self.clock = clock or utc_now

    def acquire(self) -> bool:
        """Take the lease if it is free or expired, renew it if it is ours; False while another holds it."""
        now = self.clock()
        mine, expired = SchedulerLease.holder == self.holder, SchedulerLease.expires_at <= now
        with self.db.uow() as uow:
            result = uow.session.execute(
                update(SchedulerLease).where(SchedulerLease.name == self.name, or_(expired, mine))
                .values(holder=self.holder, expires_at=now + self.duration,
                        acquired_at=case((mine, SchedulerLease.acquired_at), else_=now))
                .execution_options(synchronize_session=False))
            taken = cast(CursorResult, result).rowcount == 1 or self._insert(uow.session, now)
            uow.commit()
            return taken

    def _insert(self, session: Session, now: dt.datetime) -> bool:
        """No row yet (the first holder ever): the primary key lets one of two racing processes in."""
        insert = postgresql_insert if self.db.is_postgres else sqlite_insert
        return session.scalar(
            insert(SchedulerLease).values(name=self.name, holder=self.holder, expires_at=now + self.duration,
                                          acquired_at=now)
            .on_conflict_do_nothing(index_elements=["name"]).returning(SchedulerLease.name)) is not None

    def release(self) -> None:
        """Let it go at once on a clean stop, so a standby takes over without waiting for the expiry."""
        with self.db.uow() as uow:
            uow.session.execute(update(SchedulerLease)
                                .where(SchedulerLease.name == self.name, SchedulerLease.holder == self.holder)
                                .values(expires_at=self.clock()).execution_options(synchronize_session=False))
            uow.commit()
