"""Staff who sign in to the agent console: users with a role, argon2 passwords, sessions that expire.

Roles are ordered: an agent takes payments and talks to customers; a supervisor also approves and edits
what goes out (outbox, dunning templates, audit log); an admin also manages users. Signing in (the password, the
second factor, the guard against guessing) is `core.staff.signing_in`'s; a session is made here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.card_numbers import refuse_card_number
from core.kernel.db import UnitOfWork, as_utc
from core.kernel.errors import Conflict, Invalid, NotFound
from core.staff import sign_in_guard
from core.staff.models import StaffSession, StaffUser

ROLES = ("agent", "supervisor", "admin")
MIN_PASSWORD = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
# Writing last_seen on every request would make each page a write; a minute's precision is plenty.
TOUCH_EVERY = dt.timedelta(minutes=1)

_hasher = PasswordHasher()
# Checked when the username is unknown, so a wrong name costs as long as a wrong password.
DUMMY_HASH = _hasher.hash("not-a-real-password")
SIGNED_IN = "signed_in"  # a session's stage once every step of signing in is done


@dataclass(frozen=True)
class StaffView:
    id: int
    username: str
    full_name: str
    role: str
    active: bool
    two_factor: bool = False  # signs in with a code from an authenticator app too

    def may(self, role: str) -> bool:
        """True when this user's role is `role` or above it."""
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def actor(self) -> Actor:
        return Actor(f"user:{self.username}", "console")

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


@dataclass(frozen=True)
class SignedIn:
    token: str  # goes into the cookie; only its digest is stored
    user: StaffView
    recovery_left: int | None = None  # signed in with a recovery code: how many are left


def view(user: StaffUser) -> StaffView:
    return StaffView(user.id, user.username, user.full_name, user.role, user.active, user.totp_confirmed_at is not None)


def must_use_two_factor(role: str, required_from: str) -> bool:
    """`required_from`: the lowest role that must sign in with a second factor ("" for none)."""
    return bool(required_from) and ROLES.index(role) >= ROLES.index(required_from)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"a password needs at least {MIN_PASSWORD} characters", "password")
    return password


def add_user(
    uow: UnitOfWork, username: str, password: str, role: str, actor: Actor, *, full_name: str = ""
) -> StaffView:
    name = username.strip().lower()
    if not USERNAME.match(refuse_card_number(name, "username")):
        raise Invalid("a username is 2–60 letters, digits, '.', '_' or '-'", "username")
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}", "role")
    digest = _hasher.hash(check_password(password))
    with uow:
        if uow.session.scalar(select(StaffUser.id).where(StaffUser.username == name)) is not None:
            raise Conflict(f"user {name} already exists")
        user = StaffUser(username=name, full_name=full_name.strip(), role=role, password_hash=digest)
        uow.session.add(user)
        uow.session.flush()
        audit.record(uow.session, actor, "user.added", customer_id=None, subject=f"user:{name}", role=role)
        uow.commit()
        return view(user)


def set_password(uow: UnitOfWork, username: str, password: str, actor: Actor) -> None:
    """A new password also ends every session the user has open."""
    digest = _hasher.hash(check_password(password))
    with uow:
        user = by_name(uow, username)
        user.password_hash = digest
        _end_all(uow, user.id)
        audit.record(uow.session, actor, "user.password_set", customer_id=None, subject=f"user:{user.username}")
        uow.commit()


def set_role(uow: UnitOfWork, username: str, role: str, actor: Actor) -> StaffView:
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}", "role")
    with uow:
        user = by_name(uow, username)
        before, user.role = user.role, role
        audit.record(uow.session, actor, "user.role_set", customer_id=None, subject=f"user:{user.username}",
                     role_from=before, role_to=role)
        uow.commit()
        return view(user)


def set_active(uow: UnitOfWork, username: str, active: bool, actor: Actor) -> StaffView:
    """Deactivating signs the user out everywhere; users are never deleted (the audit log names them)."""
    with uow:
        user = by_name(uow, username)
        user.active = active
        if not active:
            _end_all(uow, user.id)
        audit.record(uow.session, actor, "user.activated" if active else "user.deactivated", customer_id=None,
                     subject=f"user:{user.username}")
        uow.commit()
        return view(user)


def list_users(uow: UnitOfWork) -> list[StaffView]:
    with uow:
        return [view(u) for u in uow.session.scalars(select(StaffUser).order_by(StaffUser.username))]


def open_session(uow: UnitOfWork, user: StaffUser, *, now: dt.datetime, until: dt.datetime, user_agent: str,
                 stage: str = SIGNED_IN) -> str:
    """A new session (or a pending step of signing in, by its stage); the token for its cookie."""
    token = secrets.token_urlsafe(32)
    uow.session.add(StaffSession(token_hash=digest(token), user_id=user.id, created_at=now, last_seen_at=now,
                                 expires_at=until, user_agent=user_agent[:200], stage=stage))
    return token


def find_session(uow: UnitOfWork, token: str) -> tuple[StaffSession, StaffUser] | None:
    row = uow.session.execute(
        select(StaffSession, StaffUser).join(StaffUser, StaffUser.id == StaffSession.user_id)
        .where(StaffSession.token_hash == digest(token))
    ).first()
    return None if row is None else (row[0], row[1])


def session_user(uow: UnitOfWork, token: str, *, now: dt.datetime, idle_minutes: int) -> StaffView | None:
    """The user a session cookie belongs to, while the session is live; touching it keeps it alive."""
    if not token:
        return None
    with uow:
        row = find_session(uow, token)
        if row is None:
            return None
        session, user = row
        idle_until = as_utc(session.last_seen_at) + dt.timedelta(minutes=idle_minutes)
        if session.ended_at is not None or not user.active or now >= as_utc(session.expires_at) or now >= idle_until \
                or session.stage != SIGNED_IN:
            return None
        if now - as_utc(session.last_seen_at) >= TOUCH_EVERY:
            uow.session.execute(update(StaffSession).where(StaffSession.id == session.id).values(last_seen_at=now))
            uow.commit()
        return view(user)


def sign_out(uow: UnitOfWork, token: str, *, now: dt.datetime) -> None:
    with uow:
        session = uow.session.scalar(select(StaffSession).where(StaffSession.token_hash == digest(token)))
        if session is not None and session.ended_at is None:
            session.ended_at = now
            user = uow.session.get(StaffUser, session.user_id)
            if user is not None:
                audit.record(uow.session, view(user).actor, "user.signed_out", customer_id=None,
                             subject=f"user:{user.username}")
            uow.commit()


def password_matches(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def rehash_if_needed(user: StaffUser, password: str) -> None:
    """After a right password: a hash made with weaker parameters than today's is made again."""
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)


def unlock(uow: UnitOfWork, username: str, actor: Actor, *, now: dt.datetime) -> bool:
    """An admin lifts a sign-in lock (and forgets the failures counted so far). True when it was locked."""
    with uow:
        user = by_name(uow, username)
        was_locked = sign_in_guard.clear(uow.session, user.username, now=now)
        audit.record(uow.session, actor, "user.unlocked", customer_id=None, subject=f"user:{user.username}",
                     was_locked=was_locked)
        uow.commit()
        return was_locked


def locked_users(uow: UnitOfWork, now: dt.datetime) -> dict[str, dt.datetime]:
    """Usernames locked by too many failed sign-ins at `now`, and until when."""
    with uow:
        return sign_in_guard.locked(uow.session, now)


def by_name(uow: UnitOfWork, username: str) -> StaffUser:
    user = uow.session.scalar(select(StaffUser).where(StaffUser.username == username.strip().lower()))
    if user is None:
        raise NotFound("user", username)
    return user


def _end_all(uow: UnitOfWork, user_id: int) -> None:
    uow.session.execute(update(StaffSession).where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
                        .values(ended_at=dt.datetime.now(dt.UTC)))
