"""Staff sign-in: argon2 passwords, sessions that end when idle, at their limit, on sign-out or deactivation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core import staff
from core.bootstrap import Services
from core.kernel.audit import Actor
from core.kernel.errors import Conflict, Invalid
from core.kernel.models import AuditEvent
from core.staff.models import StaffUser

ADMIN = Actor("cli", "cli")
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
PASSWORD = "a long enough secret"


def _sign_in(services: Services, name: str = "alice", password: str = PASSWORD, now: dt.datetime = NOW):
    return staff.sign_in(services.db.uow(), name, password, now=now)


def _user(services: Services, token: str, now: dt.datetime) -> staff.StaffView | None:
    return staff.session_user(services.db.uow(), token, now=now, idle_minutes=30)


def test_password_is_stored_as_argon2_and_checked(services: Services) -> None:
    staff.add_user(services.db.uow(), "Alice", PASSWORD, "agent", ADMIN, full_name="Alice Doe")
    with services.db.uow() as uow:
        stored = uow.session.scalar(select(StaffUser.password_hash).where(StaffUser.username == "alice"))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    assert _sign_in(services, password="wrong password!") is None
    assert _sign_in(services, name="nobody") is None
    signed = _sign_in(services, name=" ALICE ")
    assert signed is not None and signed.user.username == "alice" and signed.user.role == "agent"
    with services.db.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["user.added", "user.sign_in_failed", "user.sign_in_failed", "user.signed_in"]


def test_bad_users_are_refused(services: Services) -> None:
    with pytest.raises(Invalid, match="at least"):
        staff.add_user(services.db.uow(), "bob", "short", "agent", ADMIN)
    with pytest.raises(Invalid, match="role"):
        staff.add_user(services.db.uow(), "bob", PASSWORD, "owner", ADMIN)
    with pytest.raises(Invalid, match="username"):
        staff.add_user(services.db.uow(), "b ob<script>", PASSWORD, "agent", ADMIN)
    staff.add_user(services.db.uow(), "bob", PASSWORD, "agent", ADMIN)
    with pytest.raises(Conflict):
        staff.add_user(services.db.uow(), "BOB", PASSWORD, "admin", ADMIN)


def test_a_session_ends_when_idle_at_its_limit_and_on_sign_out(services: Services) -> None:
    staff.add_user(services.db.uow(), "alice", PASSWORD, "supervisor", ADMIN)
    signed = _sign_in(services)
    assert signed is not None
    token = signed.token
    # Active every 20 minutes: alive past the idle limit, until the absolute 12 hours.
    moment = NOW
    for _ in range(30):
        moment += dt.timedelta(minutes=20)
        if moment >= NOW + dt.timedelta(hours=12):
            break
        assert _user(services, token, moment) is not None
    assert _user(services, token, NOW + dt.timedelta(hours=12)) is None
    # Idle for 30 minutes: over.
    second = _sign_in(services)
    assert second is not None
    assert _user(services, second.token, NOW + dt.timedelta(minutes=29)) is not None
    assert _user(services, second.token, NOW + dt.timedelta(minutes=60)) is None
    third = _sign_in(services)
    assert third is not None
    staff.sign_out(services.db.uow(), third.token, now=NOW)
    assert _user(services, third.token, NOW) is None
    assert _user(services, "forged-token", NOW) is None


def test_deactivating_or_a_new_password_signs_the_user_out_everywhere(services: Services) -> None:
    staff.add_user(services.db.uow(), "alice", PASSWORD, "agent", ADMIN)
    first, second = _sign_in(services), _sign_in(services)
    assert first is not None and second is not None
    staff.set_password(services.db.uow(), "alice", "another long secret", ADMIN)
    assert _user(services, first.token, NOW) is None and _user(services, second.token, NOW) is None
    assert _sign_in(services) is None
    third = _sign_in(services, password="another long secret")
    assert third is not None
    staff.set_active(services.db.uow(), "alice", False, ADMIN)
    assert _user(services, third.token, NOW) is None
    assert _sign_in(services, password="another long secret") is None
    staff.set_active(services.db.uow(), "alice", True, ADMIN)
    assert _sign_in(services, password="another long secret") is not None


def test_roles_are_ordered(services: Services) -> None:
    user = staff.add_user(services.db.uow(), "sam", PASSWORD, "supervisor", ADMIN)
    assert user.may("agent") and user.may("supervisor") and not user.may("admin")
    assert staff.set_role(services.db.uow(), "sam", "admin", ADMIN).may("admin")
