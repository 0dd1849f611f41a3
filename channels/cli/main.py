"""`aragent`: the command line. Each command translates its arguments into one core call."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from channels.cli.autopay import autopay
from channels.cli.banner import banner, cli_name, demo_api_key, demo_console_user
from channels.cli.books import books
from channels.cli.chat import chat, link_token
from channels.cli.common import CLI_ACTOR, ARCommandGroup, err, parse_date, services_for
from channels.cli.dunning import dunning
from channels.cli.nlu import nlu
from channels.cli.outbox import outbox
from channels.cli.parse import parse
from channels.cli.schedule import schedule, scheduler_command, start_scheduler
from channels.cli.statement_delivery import statements
from channels.cli.telegram import telegram
from channels.cli.users import users
from core import kernel
from core.bootstrap import Services
from core.demo import is_empty, load_demo_book, save_demo_methods, show_features
from core.kernel import Actor, Settings, upgrade
from core.ledger import IMPORT_KINDS, aging_report, csv_rows, missing_columns, run_import
from core.payments import charge_scheduled, reconcile
from core.statements import run_statements


@click.group(cls=ARCommandGroup)
def main() -> None:
    """aragent: a conversational accounts-receivable agent."""


@main.group(cls=ARCommandGroup)
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Migrate the database to the latest schema."""
    services = services_for(ctx, creates_database=True)
    upgrade(services.db.url)
    click.echo(f"database at head ({services.db.engine.dialect.name})")


@main.command("demo-data")
@click.option("--today", help="Date the demo book is built around (YYYY-MM-DD, default today).")
@click.option("--force", is_flag=True, help="Load even when the database already has customers.")
@click.pass_context
def demo_data(ctx: click.Context, today: str | None, force: bool) -> None:
    """Load a realistic demo book (60 customers, ~500 documents, payments, credits)."""
    services = services_for(ctx, creates_database=True)
    upgrade(services.db.url)
    if not force and not is_empty(services.db.uow()):
        raise click.ClickException("the database already has customers; use --force to add the demo book anyway")
    click.echo(_load_demo(services, parse_date(today)))


def _load_demo(services: Services, today: dt.date) -> str:
    """The demo book, sandbox methods on most customers, and last month's statement cycle (so the document
    library and `statements deliver` have a period)."""
    summary = load_demo_book(services.db.uow, today, services.settings.short_pay_reasons)
    methods = save_demo_methods(services.db.uow, services.processors["sandbox"])  # type: ignore[arg-type]
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    made = run_statements(services.db, services.settings, services.files, statement_date=month_end,
                          finance_charges_on=None, actor=CLI_ACTOR)
    features = show_features(services, today)
    return (f"demo book loaded: {summary.customers} customers, {summary.invoices} documents, "
            f"{summary.payments} payments, {methods} saved payment methods; "
            f"{made.created} statements dated {month_end}; " + "; ".join(features))


@main.command("import")
@click.argument("kind", type=click.Choice(IMPORT_KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def import_file(ctx: click.Context, kind: str, file: Path, as_json: bool) -> None:
    """Import classes, customers or invoices from a CSV file (header row, UTF-8).

    Prints `loaded N, updated M, rejected K` and `line L: reason` per rejected row, `line L: warning: …` per row
    loaded with a warning; exits 1 when any row was rejected (the good rows are loaded all the same), 0 when
    there are only warnings.
    """
    services = services_for(ctx)
    data = file.read_bytes()
    rows = list(csv_rows(data))
    if missing := missing_columns(kind, data):
        err.print(f"[yellow]warning:[/yellow] the file has no column {', '.join(missing)}; rows will be rejected")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task(f"importing {kind}", total=len(rows))
        report = run_import(services.db.uow(), kind, rows, CLI_ACTOR, source=str(file),
                            default_country=services.settings.default_country,
                            progress=lambda n: progress.advance(task, n))
    if as_json:
        click.echo(json.dumps({"loaded": report.loaded, "updated": report.updated,
                               "rejected": [{"line": line, "reason": why} for line, why in report.rejected],
                               "warnings": [{"line": line, "warning": why} for line, why in report.warnings]}))
    else:
        click.echo(report.summary())
        for line, why in sorted(report.rejected + [(n, f"warning: {w}") for n, w in report.warnings]):
            click.echo(f"line {line}: {why}")
    if report.rejected:
        ctx.exit(1)


@main.command("aging")
@click.option("--as-of", help="Aging date (YYYY-MM-DD, default today).")
@click.option("--customer", "customer_code", help="One customer only.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def aging(ctx: click.Context, as_of: str | None, customer_code: str | None, as_json: bool) -> None:
    """The aged receivables report: balance per customer and currency in aging buckets."""
    services = services_for(ctx)
    when = parse_date(as_of)
    with services.db.uow() as uow:
        rows = aging_report(uow.session, when)
    rows = [r for r in rows if customer_code in (None, r.customer_code)]
    if as_json:
        click.echo(json.dumps([
            {"customer": r.customer_code, "currency": r.currency, "balance": str(r.balance.amount),
             **{k: str(v.amount) for k, v in r.buckets.items()}, "credits": str(r.credit.amount),
             "most_overdue_days": r.most_overdue_days} for r in rows]))
        return
    table = Table("customer", "cur", "current", "1-30", "31-60", "61-90", "90+", "credits", "balance",
                  title=f"Aged receivables as of {when}")
    for r in rows:
        table.add_row(r.customer_code, r.currency, *(f"{v.amount:,}" for v in r.buckets.values()),
                      f"{r.credit.amount:,}", f"{r.balance.amount:,}")
    Console(width=None if sys.stdout.isatty() else 160).print(table)


@main.group("api-keys", cls=ARCommandGroup)
def api_keys() -> None:
    """Keys for the /api endpoints."""


@api_keys.command("create")
@click.argument("name")
@click.pass_context
def api_keys_create(ctx: click.Context, name: str) -> None:
    """Create a key; it is printed once and only its hash is kept."""
    key = kernel.create_api_key(services_for(ctx).db.uow(), name, CLI_ACTOR)
    click.echo(key)


@api_keys.command("list")
@click.pass_context
def api_keys_list(ctx: click.Context) -> None:
    for name, prefix, created, revoked in kernel.list_api_keys(services_for(ctx).db.uow()):
        state = f"revoked {revoked:%Y-%m-%d}" if revoked else "active"
        click.echo(f"{name}\t{prefix}…\tcreated {created:%Y-%m-%d}\t{state}")


@api_keys.command("revoke")
@click.argument("name")
@click.pass_context
def api_keys_revoke(ctx: click.Context, name: str) -> None:
    kernel.revoke_api_key(services_for(ctx).db.uow(), name, CLI_ACTOR)
    click.echo(f"revoked {name}")


@main.group(cls=ARCommandGroup)
def payments() -> None:
    """Payments through the processor."""


@payments.command("reconcile")
@click.option("--older-than", default=15, show_default=True, help="Minutes a payment has been pending.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def payments_reconcile(ctx: click.Context, older_than: int, as_json: bool) -> None:
    """Ask the processor about payments pending too long and apply what it says, exactly once."""
    services = services_for(ctx)
    outcomes = reconcile(services.db.uow, services.processor, dt.timedelta(minutes=older_than), CLI_ACTOR,
                         services.branding)
    click.echo(json.dumps(outcomes) if as_json else ("\n".join(outcomes) or "nothing to reconcile"))


@payments.command("run-scheduled")
@click.option("--date", "on", help="Charge what is due on this date (default today).")
@click.pass_context
def payments_run_scheduled(ctx: click.Context, on: str | None) -> None:
    """Charge the scheduled payments due today (the scheduler runs this daily)."""
    services = services_for(ctx)
    outcomes = charge_scheduled(services.db.uow, services.processor, parse_date(on), Actor("scheduler", "scheduler"),
                                services.branding)
    click.echo("\n".join(outcomes) or "no scheduled payment is due")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Migrate, and load the demo book into an empty database.")
@click.option("--no-scheduler", is_flag=True,
              help="Run no scheduler in this process (run `aragent scheduler` on its own instead).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, demo: bool, no_scheduler: bool) -> None:
    """Serve the app: API, webhooks, the console, Telegram, and the scheduler unless --no-scheduler."""
    import uvicorn

    from channels.web.app import create_app

    services = services_for(ctx, creates_database=True)
    reachable = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    if services.settings.public_url == Settings.public_url:  # not set: links point at this very server
        services.settings = dataclasses.replace(services.settings, public_url=f"http://{reachable}:{port}")
    upgrade(services.db.url)
    if demo and is_empty(services.db.uow()):
        click.echo(_load_demo(services, dt.date.today()), err=True)
    cli = cli_name()
    base = f"http://{host}:{port}"
    click.echo(banner(services, base, cli=cli, api_key=demo_api_key(services) if demo else "",
                      console_user=demo_console_user(services, cli) if demo else ""), err=True)
    # Started before uvicorn.run, which blocks until shutdown; several `serve` processes share the jobs
    # through the leader lease, so only one of them runs each.
    runner = None if no_scheduler else start_scheduler(services)
    try:
        uvicorn.run(create_app(services, self_url=f"http://{reachable}:{port}"), host=host, port=port,
                    log_config=None)  # uvicorn's lines go through channels.logs like all others
    finally:
        if runner is not None:
            runner.stop()


main.add_command(statements)
main.add_command(outbox)
main.add_command(dunning)
main.add_command(schedule)
main.add_command(scheduler_command)
main.add_command(parse)
main.add_command(chat)
main.add_command(link_token)
main.add_command(telegram)
main.add_command(users)
main.add_command(nlu)
main.add_command(books)
main.add_command(autopay)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
