"""Staff who sign in to the console, their sessions, their second factor, and the count of failed sign-ins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.kernel.card_numbers import FREE_TEXT
from core.kernel.models import Base, Stamped, utcnow


class StaffUser(Stamped, Base):
    """A person who signs in to the agent console. Passwords are argon2 hashes; a user is never deleted,
    only deactivated, so the audit trail keeps naming them."""

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint("role IN ('agent', 'supervisor', 'admin')", name="staff_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)  # lower case
    full_name: Mapped[str] = mapped_column(String(120), default="", info=FREE_TEXT)
    role: Mapped[str] = mapped_column(String(20), default="agent")
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[dt.datetime | None]
    # Two-factor sign-in: the TOTP secret sealed with the console's key (core.staff.two_factor); set but not confirmed
    # while the user is setting it up. The last time step used, so a code is accepted once.
    totp_secret: Mapped[str | None] = mapped_column(String(200))
    totp_confirmed_at: Mapped[dt.datetime | None]
    totp_last_step: Mapped[int | None]


class StaffSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]  # the absolute end; idleness ends it sooner
    ended_at: Mapped[dt.datetime | None]
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    # `signed_in`; or, for a few minutes after the right password, `code` (the second factor is asked) or `enrol`
    # (two-factor sign-in must be set up first): not a session any page accepts.
    stage: Mapped[str] = mapped_column(String(10), default="signed_in", server_default="signed_in")


class RecoveryCode(Base):
    """A one-time code that stands in for the authenticator app; only its SHA-256 is kept."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    used_at: Mapped[dt.datetime | None]


class SignInThrottle(Base):
    """Failed sign-ins counted for one username (as typed, known or not) or one client address, since the window
    began; a username may be locked until a moment. Rows whose window and lock are over are pruned."""

    __tablename__ = "sign_in_throttles"
    __table_args__ = (
        UniqueConstraint("scope", "key", name="uq_sign_in_throttle"),
        CheckConstraint("scope IN ('user', 'address')", name="sign_in_throttle_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(100))
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[dt.datetime]
    last_failed_at: Mapped[dt.datetime] = mapped_column(index=True)
    locked_until: Mapped[dt.datetime | None]
