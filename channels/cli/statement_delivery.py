"""`aragent statements deliver|print-batch`: the second stage of the cycle, user-initiated (the seed rule)."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from channels.cli.common import CLI_ACTOR, err, parse_date, services_for
from channels.cli.statement_files import statements
from core.ledger import DELIVERY_METHODS
from core.statements import DeliverySelection, deliver_statements, make_print_batch

__all__ = ["statements"]


def _methods(value: str | None) -> tuple[str, ...]:
    if not value:
        return DELIVERY_METHODS
    methods = tuple(m.strip().lower() for m in value.split(",") if m.strip())
    if unknown := [m for m in methods if m not in DELIVERY_METHODS]:
        raise click.BadParameter(f"unknown method(s) {', '.join(unknown)}; use {', '.join(DELIVERY_METHODS)}")
    return methods


@statements.command("deliver")
@click.option("--method", "methods", help="Comma-separated delivery methods (default: all of them).")
@click.option("--from", "code_from", help="First customer code of the range.")
@click.option("--to", "code_to", help="Last customer code of the range.")
@click.option("--class", "class_code", help="Only customers of this class.")
@click.option("--reprint-invoices", is_flag=True, help="Attach copies of the open invoices the ERP supplied.")
@click.option("--statement", "statement_ids", multiple=True, type=int,
              help="Deliver this statement (any date) on its own; repeatable. Without it: the latest period.")
@click.option("--approve", is_flag=True, help="Queue the messages approved, for the next `outbox send`.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def statements_deliver(ctx: click.Context, methods: str | None, code_from: str | None, code_to: str | None,
                       class_code: str | None, reprint_invoices: bool, statement_ids: tuple[int, ...], approve: bool,
                       as_json: bool) -> None:
    """Queue statements in the outbox for each customer's delivery methods; log what was skipped and why."""
    services = services_for(ctx)
    selection = DeliverySelection(_methods(methods), code_from, code_to, class_code, reprint_invoices,
                                  statement_ids, approve)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=as_json or not err.is_terminal) as bar:
        task = bar.add_task("delivering statements", total=None)
        lines = deliver_statements(services, selection, CLI_ACTOR, progress=lambda n: bar.advance(task, n))
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(line) for line in lines], indent=2))
        return
    table = Table("statement", "customer", "method", "status", "reason", "message")
    for line in lines:
        table.add_row(str(line.statement_id), line.customer, line.channel, line.status, line.reason,
                      str(line.outbox_id or ""))
    if lines:
        err.print(table)
    counts = Counter(line.status for line in lines)
    click.echo(", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "nothing to deliver")
    if counts.get("queued") and not approve:
        click.echo("messages wait as pending: review and `aragent outbox approve --all-pending`, then `outbox send`")


@statements.command("print-batch")
@click.option("--date", "on", help="Batch date (YYYY-MM-DD, default today).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def statements_print_batch(ctx: click.Context, on: str | None, as_json: bool) -> None:
    """Write today's combined PDF and manifest of approved print statements for the mail partner."""
    services = services_for(ctx)
    summary = make_print_batch(services, parse_date(on), CLI_ACTOR)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(summary) if summary else None, default=str, indent=2))
    elif summary is None:
        click.echo("nothing to print: no approved print statements waiting")
    else:
        note = " (made earlier today; a day has one batch)" if summary.already_made else ""
        click.echo(f"print batch {summary.batch_date}: {summary.pieces} pieces, {summary.pages} pages{note}\n"
                   f"  {summary.pdf_path}\n  {summary.manifest_path}")
