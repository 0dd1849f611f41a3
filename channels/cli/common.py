"""What every `aragent` command group shares: the services, dates, and refusals as one clear line."""

from __future__ import annotations

import datetime as dt

import click
from rich.console import Console
from sqlalchemy.exc import OperationalError, ProgrammingError

from channels.logs import configure_logging
from core.audit import Actor
from core.bootstrap import Services, bootstrap
from core.config import load_settings
from core.errors import ARError

err = Console(stderr=True)
CLI_ACTOR = Actor("cli", "cli")


def services_for(ctx: click.Context) -> Services:
    if ctx.obj is None:
        settings = load_settings()
        configure_logging(settings.log_level, settings.log_format)
        ctx.obj = bootstrap(settings)
        ctx.call_on_close(ctx.obj.close)
    return ctx.obj  # type: ignore[no-any-return]


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
        except (OperationalError, ProgrammingError) as exc:
            err.print(f"[red]database error:[/red] {exc.orig}\n"
                      "Is the database reachable, and migrated (`aragent db upgrade`)?")
            ctx.exit(1)
