"""`aragent users`: console accounts from the command line."""

from __future__ import annotations

import datetime as dt

from core.bootstrap import Services
from core.staff import users as staff


def test_users_add_list_role_and_deactivate(run, services: Services) -> None:  # type: ignore[no-untyped-def]
    added = run("users", "add", "dana", "--role", "supervisor", "--name", "Dana Reyes", "--password-stdin",
                stdin="a long enough secret\n")
    assert added.exit_code == 0, added.output
    assert "added dana (supervisor)" in added.output
    now = dt.datetime.now(dt.UTC)
    assert staff.sign_in(services.db.uow(), "dana", "a long enough secret", now=now, hours=1) is not None
    listed = run("users", "list")
    assert "dana\tsupervisor\tactive\tDana Reyes" in listed.output
    assert "dana is now admin" in run("users", "role", "dana", "admin").output
    run("users", "deactivate", "dana")
    assert staff.sign_in(services.db.uow(), "dana", "a long enough secret", now=now, hours=1) is None


def test_users_add_refuses_a_short_password_and_a_duplicate(run) -> None:  # type: ignore[no-untyped-def]
    short = run("users", "add", "erin", "--password-stdin", stdin="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert run("users", "add", "erin", "--password-stdin", stdin="a long enough secret\n").exit_code == 0
    again = run("users", "add", "erin", "--password-stdin", stdin="a long enough secret\n")
    assert again.exit_code == 1 and "already exists" in again.output
