"""What every `aragent` command group shares: the services, dates, and refusals as one clear line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console

from channels.logs import configure_logging
from core.bootstrap import Services, bootstrap
from core.kernel import DATABASE_ERRORS, Actor, ARError, Settings, SettingsError, load_settings, missing_schema

err = Console(stderr=True)
CLI_ACTOR = Actor("cli", "cli")


def services_for(ctx: click.Context, *, creates_database: bool = False) -> Services:
    """The services for a command. Only `serve`, `db upgrade` and `demo-data` may create a database; any other
    command that finds none says where it looked and stops, leaving no empty folder or file behind."""
    if ctx.obj is None:
        try:
            settings = load_settings()
        except SettingsError as exc:
            err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
            ctx.exit(2)
        configure_logging(settings.log_level, settings.log_format)
        if not creates_database and (why := missing_schema(settings.resolved_database_url)):
            err.print(f"[red]error:[/red] {why}.\n{_where_to_look(settings)}", highlight=False, soft_wrap=True)
            ctx.exit(1)
        ctx.obj = bootstrap(settings)
        ctx.call_on_close(ctx.obj.close)
    return ctx.obj  # type: ignore[no-any-return]


def _where_to_look(settings: Settings) -> str:
    source = ("ARAGENT_DATABASE_URL names it" if settings.database_url else
              f"the data folder is {settings.data_dir} (ARAGENT_DATA_DIR), seen from {Path.cwd()}")
    return (f"({source}.) Run aragent in the folder you set it up in, or point it at your database with "
            "ARAGENT_DATA_DIR=/path/to/data or ARAGENT_DATABASE_URL=…; `aragent db upgrade` creates a new, "
            "empty one where they point.")


def parse_date(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}") from None


class ARCommandGroup(click.Group):
    """Turns the engine's refusals into one clear line and exit code 1, not a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except ARError as exc:
            err.print(f"[red]error:[/red] {exc}")
            ctx.exit(1)
        except OSError as exc:  # a folder that cannot be written: say which, in one line
            where = f" at {exc.filename}" if exc.filename else ""
            err.print(f"[red]error:[/red] {exc.strerror or exc}{where}: check the data folder (ARAGENT_DATA_DIR) "
                      "and its permissions; nothing was left half-written.", highlight=False, soft_wrap=True)
            ctx.exit(1)
        except DATABASE_ERRORS as exc:
            err.print(f"[red]database error:[/red] {exc.orig}\n"
                      "Is the database reachable, and migrated (`aragent db upgrade`)?")
            ctx.exit(1)
