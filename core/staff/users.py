"""Staff who sign in to the agent console: users with a role, argon2 passwords, sessions that expire.

Roles are ordered: an agent takes payments and talks to customers; a supervisor also approves and edits
what goes out (outbox, dunning templates, audit log); an admin also manages users.
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
from core.kernel.card_numbers import blank_card_numbers, refuse_card_number
from core.kernel.db import UnitOfWork, as_utc
from core.kernel.errors import Conflict, Invalid, NotFound
from core.staff.models import StaffSession, StaffUser

ROLES = ("agent", "supervisor", "admin")
MIN_PASSWORD = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
# Writing last_seen on every request would make each page a write; a minute's precision is plenty.
TOUCH_EVERY = dt.timedelta(minutes=1)

_hasher = PasswordHasher()
# Checked when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class StaffView:
    id: int
    username: str
    full_name: str
    role: str
    active: bool

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


def _view(user: StaffUser) -> StaffView:
    return StaffView(user.id, user.username, user.full_name, user.role, user.active)


def _digest(token: str) -> str:
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
        return _view(user)


def set_password(uow: UnitOfWork, username: str, password: str, actor: Actor) -> None:
    """A new password also ends every session the user has open."""
    digest = _hasher.hash(check_password(password))
    with uow:
        user = _by_name(uow, username)
        user.password_hash = digest
        _end_all(uow, user.id)
        audit.record(uow.session, actor, "user.password_set", customer_id=None, subject=f"user:{user.username}")
        uow.commit()


def set_role(uow: UnitOfWork, username: str, role: str, actor: Actor) -> StaffView:
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}", "role")
    with uow:
        user = _by_name(uow, username)
        before, user.role = user.role, role
        audit.record(uow.session, actor, "user.role_set", customer_id=None, subject=f"user:{user.username}",
                     role_from=before, role_to=role)
        uow.commit()
        return _view(user)


def set_active(uow: UnitOfWork, username: str, active: bool, actor: Actor) -> StaffView:
    """Deactivating signs the user out everywhere; users are never deleted (the audit log names them)."""
    with uow:
        user = _by_name(uow, username)
        user.active = active
        if not active:
            _end_all(uow, user.id)
        audit.record(uow.session, actor, "user.activated" if active else "user.deactivated", customer_id=None,
                     subject=f"user:{user.username}")
        uow.commit()
        return _view(user)


def list_users(uow: UnitOfWork) -> list[StaffView]:
    with uow:
        return [_view(u) for u in uow.session.scalars(select(StaffUser).order_by(StaffUser.username))]


def sign_in(uow: UnitOfWork, username: str, password: str, *, now: dt.datetime, hours: int,
            user_agent: str = "") -> SignedIn | None:
    """A new session for the right password of an active user; None otherwise (audited either way)."""
    name = username.strip().lower()
    with uow:
        user = uow.session.scalar(select(StaffUser).where(StaffUser.username == name))
        if not _password_matches(user.password_hash if user else _DUMMY_HASH, password) or user is None \
                or not user.active:
            typed = blank_card_numbers(name[:60])  # whatever was typed in the username box is audited
            audit.record(uow.session, Actor(f"user:{typed}", "console"), "user.sign_in_failed",
                         customer_id=None, subject=f"user:{typed}")
            uow.commit()
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        token = secrets.token_urlsafe(32)
        uow.session.add(StaffSession(token_hash=_digest(token), user_id=user.id, created_at=now, last_seen_at=now,
                                     expires_at=now + dt.timedelta(hours=hours), user_agent=user_agent[:200]))
        user.last_login_at = now
        audit.record(uow.session, _view(user).actor, "user.signed_in", customer_id=None, subject=f"user:{name}")
        uow.commit()
        return SignedIn(token, _view(user))


def session_user(uow: UnitOfWork, token: str, *, now: dt.datetime, idle_minutes: int) -> StaffView | None:
    """The user a session cookie belongs to, while the session is live; touching it keeps it alive."""
    if not token:
        return None
    with uow:
        row = uow.session.execute(
            select(StaffSession, StaffUser).join(StaffUser, StaffUser.id == StaffSession.user_id)
            .where(StaffSession.token_hash == _digest(token))
        ).first()
        if row is None:
            return None
        session, user = row
        idle_until = as_utc(session.last_seen_at) + dt.timedelta(minutes=idle_minutes)
        if session.ended_at is not None or not user.active or now >= as_utc(session.expires_at) or now >= idle_until:
            return None
        if now - as_utc(session.last_seen_at) >= TOUCH_EVERY:
            uow.session.execute(update(StaffSession).where(StaffSession.id == session.id).values(last_seen_at=now))
            uow.commit()
        return _view(user)


def sign_out(uow: UnitOfWork, token: str, *, now: dt.datetime) -> None:
    with uow:
        session = uow.session.scalar(select(StaffSession).where(StaffSession.token_hash == _digest(token)))
        if session is not None and session.ended_at is None:
            session.ended_at = now
            user = uow.session.get(StaffUser, session.user_id)
            if user is not None:
                audit.record(uow.session, _view(user).actor, "user.signed_out", customer_id=None,
                             subject=f"user:{user.username}")
            uow.commit()


def _password_matches(digest: str, password: str) -> bool:
    try:
        return _hasher.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


def _by_name(uow: UnitOfWork, username: str) -> StaffUser:
    user = uow.session.scalar(select(StaffUser).where(StaffUser.username == username.strip().lower()))
    if user is None:
        raise NotFound("user", username)
    return user


def _end_all(uow: UnitOfWork, user_id: int) -> None:
    uow.session.execute(update(StaffSession).where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
                        .values(ended_at=dt.datetime.now(dt.UTC)))
