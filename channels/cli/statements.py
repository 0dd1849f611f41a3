"""`aragent statements ...`: create the monthly statements (`run`) and look them up (`list`)."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from channels.cli.common import CLI_ACTOR, ARCommandGroup, err, parse_date, services_for
from core.statements import (
    RunSummary,
    StatementView,
    deliver_after_cycle,
    latest_statement_date,
    list_statements,
    run_statements,
    statement_date_for,
)


@click.group(cls=ARCommandGroup)
def statements() -> None:
    """Monthly statements, in two stages as the seed has them.

    First the cycle creates them (`run`, usually scheduled early in the morning): it assesses finance
    charges and freezes one statement per customer with open items or activity; `list` shows them.
    Rendering and delivery (print, email, fax, chat) come after, as separate, user-initiated steps.
    """


@statements.command("run")
@click.option("--as-of", help="Statement date (YYYY-MM-DD). Default: today, or yesterday before the cutoff hour "
                              "(ARAGENT_STATEMENT_CUTOFF_HOUR).")
@click.option("--finance-charges-on", help="Assess finance charges on this date, on or before the statement "
                                           "date (default: the statement date).")
@click.option("--no-finance-charges", is_flag=True, help="Assess no finance charges this cycle.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def statements_run(
    ctx: click.Context, as_of: str | None, finance_charges_on: str | None, no_finance_charges: bool, as_json: bool
) -> None:
    """Create the statements for a date; running the date again resumes it and creates nothing twice.

    `skipped` counts customers whose statement for the date already existed.
    """
    if finance_charges_on and no_finance_charges:
        raise click.UsageError("--finance-charges-on and --no-finance-charges exclude each other")
    services = services_for(ctx)
    statement_date = (parse_date(as_of) if as_of
                      else statement_date_for(dt.datetime.now(), services.settings.statement_cutoff_hour))
    charges_on = None if no_finance_charges else parse_date(finance_charges_on or statement_date.isoformat())
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(f"statements for {statement_date}", total=None)
        summary = run_statements(
            services.db, services.settings, services.files, statement_date=statement_date,
            finance_charges_on=charges_on, actor=CLI_ACTOR,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    click.echo(json.dumps(_run_json(summary)) if as_json else _run_text(summary))
    delivered = deliver_after_cycle(services, summary.statement_date, CLI_ACTOR)
    if delivered:
        queued = sum(line.status == "queued" for line in delivered)
        err.print(f"delivered automatically: {queued} messages queued approved, "
                  f"{sum(line.status == 'skipped' for line in delivered)} skipped")


def _run_json(summary: RunSummary) -> dict:
    return {
        "statement_date": summary.statement_date.isoformat(),
        "created": summary.created,
        "skipped": summary.skipped,
        "statements": [
            {"customer": s.customer_code, "balance": str(s.balance.amount), "document": s.number}
            for s in summary.statements
        ],
    }


def _run_text(summary: RunSummary) -> str:
    charges = ("no finance charges assessed" if summary.finance_charges_on is None
               else f"{summary.finance_charges} finance charges assessed on {summary.finance_charges_on}")
    if summary.already_charged:
        who = "customer" if summary.already_charged == 1 else "customers"
        charges += (f", none again for {summary.already_charged} {who} already charged for "
                    f"{summary.finance_charge_period:%Y-%m} (once a period)")
    return (f"statements for {summary.statement_date}: created {summary.created}, skipped {summary.skipped} "
            f"(already made); {charges}")


@statements.command("list")
@click.option("--customer", "customer_code", help="One customer's statements, every date.")
@click.option("--date", "on", help="Statements of this date (default: the latest, unless --customer is given).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def statements_list(ctx: click.Context, customer_code: str | None, on: str | None, as_json: bool) -> None:
    """List statements: the latest statement date's by default."""
    services = services_for(ctx)
    when = parse_date(on) if on else None
    if when is None and customer_code is None:
        when = latest_statement_date(services.db.uow())
    views = [] if when is None and customer_code is None else list_statements(
        services.db.uow(), customer_code=customer_code, statement_date=when
    )
    if as_json:
        click.echo(json.dumps([_view_json(v) for v in views]))
    elif not views:
        click.echo("no statements")
    else:
        Console(width=None if sys.stdout.isatty() else 160).print(_table(views))


def _view_json(view: StatementView) -> dict:
    return {
        "id": view.id, "document": view.number, "customer": view.customer_code,
        "statement_date": view.statement_date.isoformat(), "currency": view.balance.currency,
        "balance": str(view.balance.amount), "rendered": view.file_id is not None,
    }


def _table(views: list[StatementView]) -> Table:
    table = Table("id", "document", "customer", "name", "date", "balance", "PDF")
    for v in views:
        table.add_row(str(v.id), v.number, v.customer_code, v.customer_name, v.statement_date.isoformat(),
                      f"{v.balance.amount:,} {v.balance.currency}", "yes" if v.file_id else "not yet")
    return table
