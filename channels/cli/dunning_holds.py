"""`aragent dunning hold|unhold|holds`: staff stop dunning for a customer or one invoice ("Mahnstopp"), lift it,
and list the holds. The commands join the `dunning` group (channels/cli/dunning.py)."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.table import Table

from channels.cli.common import CLI_ACTOR, parse_date, services_for
from core.dunning import Hold, all_holds, holds_for, lift_hold, put_on_hold


def hold_json(hold: Hold) -> dict:
    return {"id": hold.id, "customer": hold.customer, "invoice": hold.invoice, "reason": hold.reason,
            "until": hold.until.isoformat() if hold.until else None, "status": hold.status,
            "created_by": hold.created_by, "created_at": hold.created_at.isoformat(),
            "lifted_by": hold.lifted_by, "lifted_at": hold.lifted_at.isoformat() if hold.lifted_at else None}


def _what(hold: Hold) -> str:
    return f"invoice {hold.invoice}" if hold.invoice else "the account"


@click.command("hold")
@click.argument("customer")
@click.option("--reason", required=True, help="Why dunning stops (shown in the console and in `dunning run`).")
@click.option("--until", help="The last day of the hold (YYYY-MM-DD); without it, until lifted.")
@click.option("--invoice", help="Hold only this open invoice (its number); without it, the whole account.")
@click.option("--json", "as_json", is_flag=True, help="Print the hold as JSON.")
@click.pass_context
def hold(ctx: click.Context, customer: str, reason: str, until: str | None, invoice: str | None,
         as_json: bool) -> None:
    """Put CUSTOMER (or one of its invoices) on dunning hold; a hold already on it is replaced."""
    made = put_on_hold(services_for(ctx).db.uow(), customer, reason, CLI_ACTOR,
                       until=parse_date(until) if until else None, invoice=invoice)
    if as_json:
        click.echo(json.dumps(hold_json(made)))
    else:
        click.echo(f"{made.customer}: {_what(made)} {made.why} (hold {made.id})")


@click.command("unhold")
@click.argument("customer")
@click.option("--invoice", help="Lift the hold on this invoice; without it, the hold on the account.")
@click.option("--id", "hold_id", type=int, help="Lift the hold with this id.")
@click.pass_context
def unhold(ctx: click.Context, customer: str, invoice: str | None, hold_id: int | None) -> None:
    """Lift CUSTOMER's dunning hold: the next dunning run reminds it again."""
    for lifted in lift_hold(services_for(ctx).db.uow(), customer, CLI_ACTOR, invoice=invoice, hold_id=hold_id):
        click.echo(f"{lifted.customer}: hold {lifted.id} on {_what(lifted)} lifted")


@click.command("holds")
@click.option("--customer", help="Only this customer's holds.")
@click.option("--all", "past", is_flag=True, help="Also the holds that ended or were lifted.")
@click.option("--as-of", help="In force on this date (YYYY-MM-DD, default today).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def holds(ctx: click.Context, customer: str | None, past: bool, as_of: str | None, as_json: bool) -> None:
    """The dunning holds in force (with --all, every one), account holds first."""
    uow, day = services_for(ctx).db.uow(), parse_date(as_of)
    found = holds_for(uow, customer, day, past=past) if customer else all_holds(uow, day, past=past)
    if as_json:
        click.echo(json.dumps([hold_json(h) for h in found]))
        return
    table = Table("id", "customer", "on", "until", "status", "reason", "by", title=f"dunning holds as of {day}")
    for h in found:
        table.add_row(str(h.id), h.customer, h.invoice or "account", h.until.isoformat() if h.until else "until lifted",
                      h.status, h.reason, h.created_by)
    if found:
        Console(width=None if sys.stdout.isatty() else 160).print(table)
    else:
        click.echo("no dunning holds")


HOLD_COMMANDS = (hold, unhold, holds)
