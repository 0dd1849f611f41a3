"""`aragent users`: staff accounts for the agent console."""

from __future__ import annotations

import datetime as dt
import sys

import click

from channels.cli.common import CLI_ACTOR, ARCommandGroup, services_for
from core import staff


@click.group(cls=ARCommandGroup)
def users() -> None:
    """Staff who sign in to the console (roles: agent, supervisor, admin)."""


def _password(given: str | None) -> str:
    """From --password-stdin, or asked twice at the terminal; never on the command line history by default."""
    if given is not None:
        return given
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(staff.ROLES), default="agent", show_default=True)
@click.option("--name", "full_name", default="", help="The person's name, shown in the console and audit log.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@click.pass_context
def users_add(ctx: click.Context, username: str, role: str, full_name: str, password_stdin: bool) -> None:
    """Add a console user."""
    password = _password(sys.stdin.readline().rstrip("\n") if password_stdin else None)
    user = staff.add_user(services_for(ctx).db.uow(), username, password, role, CLI_ACTOR, full_name=full_name)
    click.echo(f"added {user.username} ({user.role})")


@users.command("list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    for user in staff.list_users(services_for(ctx).db.uow()):
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.username}\t{user.role}\t{state}\t{user.full_name}")


@users.command("password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@click.pass_context
def users_password(ctx: click.Context, username: str, password_stdin: bool) -> None:
    """Set a new password; the user's open sessions end."""
    password = _password(sys.stdin.readline().rstrip("\n") if password_stdin else None)
    staff.set_password(services_for(ctx).db.uow(), username, password, CLI_ACTOR)
    click.echo(f"password set for {username}")


@users.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice(staff.ROLES))
@click.pass_context
def users_role(ctx: click.Context, username: str, role: str) -> None:
    user = staff.set_role(services_for(ctx).db.uow(), username, role, CLI_ACTOR)
    click.echo(f"{user.username} is now {user.role}")


@users.command("deactivate")
@click.argument("username")
@click.pass_context
def users_deactivate(ctx: click.Context, username: str) -> None:
    """Sign the user out everywhere and refuse their sign-in; the audit log keeps their name."""
    staff.set_active(services_for(ctx).db.uow(), username, False, CLI_ACTOR)
    click.echo(f"deactivated {username}")


@users.command("activate")
@click.argument("username")
@click.pass_context
def users_activate(ctx: click.Context, username: str) -> None:
    staff.set_active(services_for(ctx).db.uow(), username, True, CLI_ACTOR)
    click.echo(f"activated {username}")


@users.command("unlock")
@click.argument("username")
@click.pass_context
def users_unlock(ctx: click.Context, username: str) -> None:
    """Lift a lock put on after too many failed sign-ins (and forget the failures counted)."""
    was_locked = staff.unlock(services_for(ctx).db.uow(), username, CLI_ACTOR, now=dt.datetime.now(dt.UTC))
    click.echo(f"unlocked {username}" if was_locked else f"{username} was not locked; failed sign-ins forgotten")


@users.command("reset-2fa")
@click.argument("username")
@click.pass_context
def users_reset_two_factor(ctx: click.Context, username: str) -> None:
    """Turn off a user's two-factor sign-in (a lost phone): the password alone signs in until they set it up again."""
    was_on = staff.reset_two_factor(services_for(ctx).db.uow(), username, CLI_ACTOR, now=dt.datetime.now(dt.UTC))
    click.echo(f"two-factor sign-in reset for {username}" if was_on else
               f"{username} had no two-factor sign-in; nothing to reset")
