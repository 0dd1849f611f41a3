"""`aragent users`: console accounts from the command line."""

from __future__ import annotations

import datetime as dt

import pyotp

from core import staff
from core.bootstrap import Services
from core.staff.sign_in_guard import delay


def test_users_add_list_role_and_deactivate(run, services: Services) -> None:  # type: ignore[no-untyped-def]
    added = run("users", "add", "dana", "--role", "supervisor", "--name", "Dana Reyes", "--password-stdin",
                stdin="a long enough secret\n")
    assert added.exit_code == 0, added.output
    assert "added dana (supervisor)" in added.output
    now = dt.datetime.now(dt.UTC)
    assert staff.sign_in(services.db.uow(), "dana", "a long enough secret", now=now) is not None
    listed = run("users", "list")
    assert "dana\tsupervisor\tactive\tDana Reyes" in listed.output
    assert "dana is now admin" in run("users", "role", "dana", "admin").output
    run("users", "deactivate", "dana")
    assert staff.sign_in(services.db.uow(), "dana", "a long enough secret", now=now) is None


def test_users_add_refuses_a_short_password_and_a_duplicate(run) -> None:  # type: ignore[no-untyped-def]
    short = run("users", "add", "erin", "--password-stdin", stdin="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert run("users", "add", "erin", "--password-stdin", stdin="a long enough secret\n").exit_code == 0
    again = run("users", "add", "erin", "--password-stdin", stdin="a long enough secret\n")
    assert again.exit_code == 1 and "already exists" in again.output


def test_users_unlock_lifts_a_sign_in_lock(run, services: Services) -> None:  # type: ignore[no-untyped-def]
    run("users", "add", "finn", "--password-stdin", stdin="a long enough secret\n")
    now = dt.datetime.now(dt.UTC)
    moment = now
    for failure in range(1, 11):  # ten wrong passwords, each after its wait: locked
        staff.sign_in(services.db.uow(), "finn", "a wrong guess", now=moment)
        moment += delay(failure, 3, staff.GuardPolicy())
    assert isinstance(staff.sign_in(services.db.uow(), "finn", "a long enough secret", now=moment), staff.Refusal)
    unlocked = run("users", "unlock", "finn")
    assert unlocked.exit_code == 0 and "unlocked finn" in unlocked.output
    assert isinstance(staff.sign_in(services.db.uow(), "finn", "a long enough secret", now=moment), staff.SignedIn)
    again = run("users", "unlock", "finn")
    assert again.exit_code == 0 and "finn was not locked" in again.output
    unknown = run("users", "unlock", "nobody")
    assert unknown.exit_code == 1 and "nobody" in unknown.output


def test_users_reset_2fa_lets_the_password_alone_sign_in(run, services: Services) -> None:  # type: ignore[no-untyped-def]
    run("users", "add", "gail", "--role", "supervisor", "--password-stdin", stdin="a long enough secret\n")
    now = dt.datetime.now(dt.UTC)
    secret = staff.start_enrolment(services.db.uow(), "gail", key=b"key", issuer="Test").secret
    assert staff.confirm_enrolment(services.db.uow(), "gail", pyotp.TOTP(secret).at(now), now=now, key=b"key")
    assert isinstance(staff.sign_in(services.db.uow(), "gail", "a long enough secret", now=now), staff.SecondStep)
    reset = run("users", "reset-2fa", "gail")
    assert reset.exit_code == 0 and "two-factor sign-in reset for gail" in reset.output
    assert isinstance(staff.sign_in(services.db.uow(), "gail", "a long enough secret", now=now), staff.SignedIn)
    assert "gail had no two-factor sign-in" in run("users", "reset-2fa", "gail").output
