"""Staff who sign in to the console, and their sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    String,
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
