"""The guard against guessing at sign-in: failed sign-ins counted per username and per client address.

The numbers are settings (`ARAGENT_CONSOLE_…`, defaults in brackets):
- A username's first `SIGN_IN_DELAY_AFTER` [3] failures cost nothing. After that each attempt must wait, after the
  last failure, 1 s, then 2, 4, 8… (doubling with each failure); an attempt made sooner is refused *without the
  password being looked at* ("Too many attempts; try again in 2 seconds").
- `SIGN_IN_LOCK_AFTER` [10] failures within `SIGN_IN_WINDOW_MINUTES` [15] lock the username for
  `SIGN_IN_LOCK_MINUTES` [15]: every attempt is refused unseen, the right password too, until the lock runs out or
  an admin lifts it (the users page's Unlock, `aragent users unlock NAME`).
- One client address gets `ADDRESS_DELAY_AFTER` [20] failures, of any usernames, before its own waits begin
  (doubling the same way, at most the lock's length): one guess at many usernames is slowed down as well. An
  address is never locked, as a whole office behind one address would be.
- A finished sign-in clears its username's count (for those with a second factor, once the code is right too);
  it only gives back its own attempt to the address, or a right password could wipe the count of guesses sprayed
  from the same place. A count whose window has passed, or whose lock ran out, starts again from nothing.

Unknown usernames are counted and locked like real ones, so the answers never tell which names exist. An attempt
is counted as failed *before* its password is checked and given back when it proves right: two attempts at once
each see the other, so a burst of parallel guesses meets the same waits as a series would. A wrong second-factor
code counts like a wrong password. Refusals are not counted (they checked nothing), so a user who keeps clicking
does not push their own wait further away.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.kernel.config import Settings
from core.kernel.db import as_utc
from core.staff.models import SignInThrottle

USER, ADDRESS = "user", "address"
MAX_DOUBLINGS = 20  # 2**20 s is already far past any lock; stops the arithmetic growing without end


@dataclass(frozen=True)
class GuardPolicy:
    delay_after: int = 3
    lock_after: int = 10
    address_delay_after: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)
    lock: dt.timedelta = dt.timedelta(minutes=15)
    first_delay: dt.timedelta = dt.timedelta(seconds=1)

    @classmethod
    def of(cls, settings: Settings) -> GuardPolicy:
        return cls(delay_after=settings.console_sign_in_delay_after,
                   lock_after=settings.console_sign_in_lock_after,
                   address_delay_after=settings.console_address_delay_after,
                   window=dt.timedelta(minutes=settings.console_sign_in_window_minutes),
                   lock=dt.timedelta(minutes=settings.console_sign_in_lock_minutes))


@dataclass(frozen=True)
class Refusal:
    """Refused without looking at the password or code: try again after `wait`."""

    wait: dt.timedelta
    locked: bool  # the username is locked (an admin may unlock it), not only slowed down
    reason: str  # "locked", "user" (the username's waits) or "address" (the address's)

    @property
    def seconds(self) -> int:
        return max(1, math.ceil(self.wait.total_seconds()))


def delay(failures: int, free: int, policy: GuardPolicy) -> dt.timedelta:
    """The wait after the last failure once `free` failures are spent: 1 s, 2 s, 4 s…, never past the lock's length."""
    if failures < free:
        return dt.timedelta(0)
    return min(policy.first_delay * 2 ** min(failures - free, MAX_DOUBLINGS), policy.lock)


def refusal(count: SignInThrottle, now: dt.datetime, policy: GuardPolicy) -> Refusal | None:
    """Whether an attempt at `now` is refused by this count (one already brought up to date by `_fresh`)."""
    if count.locked_until is not None and now < as_utc(count.locked_until):
        return Refusal(as_utc(count.locked_until) - now, locked=True, reason="locked")
    wait = delay(count.failures, policy.delay_after if count.scope == USER else policy.address_delay_after, policy)
    ready = as_utc(count.last_failed_at) + wait
    return Refusal(ready - now, locked=False, reason=count.scope) if wait and now < ready else None


def check(session: Session, username: str, address: str, *, now: dt.datetime,
          policy: GuardPolicy) -> Refusal | None:
    """Before a password or code is checked: refused (the longer wait of the username's and the address's), or
    counted as a failure until `given_back`."""
    counts = [_count(session, USER, username, now, policy), _count(session, ADDRESS, address, now, policy)]
    refusals = [r for r in (refusal(count, now, policy) for count in counts) if r is not None]
    if refusals:
        return max(refusals, key=lambda r: (r.locked, r.wait))
    for count in counts:
        count.failures += 1
        count.last_failed_at = now
    return None


def failed(session: Session, username: str, *, now: dt.datetime, policy: GuardPolicy) -> bool:
    """The password or code checked was wrong (it is counted already): True when this failure locks the username."""
    count = _existing(session, USER, username)
    if count is None or count.failures < policy.lock_after or count.locked_until is not None:
        return False
    count.locked_until = now + policy.lock
    return True


def given_back(session: Session, username: str, address: str) -> None:
    """The password or code proved right: its attempt is no failure after all."""
    for scope, key in ((USER, username), (ADDRESS, address)):
        count = _existing(session, scope, key)
        if count is not None:
            count.failures = max(count.failures - 1, 0)


def clear(session: Session, username: str, *, now: dt.datetime) -> bool:
    """A finished sign-in, or an admin's unlock: the username starts afresh. True when it was locked."""
    count = _existing(session, USER, username)
    if count is None:
        return False
    was_locked = count.locked_until is not None and now < as_utc(count.locked_until)
    count.failures, count.locked_until = 0, None
    return was_locked


def locked(session: Session, now: dt.datetime) -> dict[str, dt.datetime]:
    """Usernames locked at `now`, and until when."""
    rows = session.execute(select(SignInThrottle.key, SignInThrottle.locked_until)
                           .where(SignInThrottle.scope == USER, SignInThrottle.locked_until > now))
    return {key: as_utc(until) for key, until in rows if until is not None}


def _existing(session: Session, scope: str, key: str) -> SignInThrottle | None:
    return session.scalar(select(SignInThrottle).where(SignInThrottle.scope == scope, SignInThrottle.key == key)
                          .with_for_update())


def _count(session: Session, scope: str, key: str, now: dt.datetime, policy: GuardPolicy) -> SignInThrottle:
    """The count for a username or address, locked for this transaction (made when there is none yet)."""
    count = _existing(session, scope, key)
    if count is None:
        _prune(session, now, policy)
        # ON CONFLICT DO NOTHING: two first attempts at once make one row, and both then wait for its lock.
        insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(SignInThrottle).values(scope=scope, key=key, failures=0, window_started_at=now,
                                                      last_failed_at=now)
                        .on_conflict_do_nothing(index_elements=["scope", "key"]))
        count = _existing(session, scope, key)
        assert count is not None
    _fresh(count, now, policy)
    return count


def _fresh(count: SignInThrottle, now: dt.datetime, policy: GuardPolicy) -> None:
    """A lock that ran out, or a window that passed, starts the count again."""
    lock_over = count.locked_until is not None and now >= as_utc(count.locked_until)
    window_over = count.locked_until is None and now - as_utc(count.window_started_at) >= policy.window
    if lock_over or window_over:
        count.failures, count.locked_until, count.window_started_at = 0, None, now


def _prune(session: Session, now: dt.datetime, policy: GuardPolicy) -> None:
    """Counts nothing depends on any more: their last failure is past every window and wait, and no lock holds."""
    stale = now - policy.window - policy.lock
    session.execute(delete(SignInThrottle).where(
        SignInThrottle.last_failed_at < stale,
        or_(SignInThrottle.locked_until.is_(None), SignInThrottle.locked_until < now))
        .execution_options(synchronize_session=False))
