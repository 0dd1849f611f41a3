"""`aragent books`: the balances kept per customer and currency, held against the ledger and aged each day."""

from __future__ import annotations

import json

import click

from channels.cli.common import CLI_ACTOR, ARCommandGroup, parse_date, services_for
from core import ledger
from core.kernel import Money


@click.group(cls=ARCommandGroup)
def books() -> None:
    """The kept balances behind the whole-book aging report and dunning candidates."""


@books.command("check")
@click.option("--fix", is_flag=True, help="Rewrite every drifted balance from the ledger.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def books_check(ctx: click.Context, fix: bool, as_json: bool) -> None:
    """Recompute every kept balance from the ledger and print each one that drifts. Exit status 1 on drift
    (after --fix: only when the triggers that keep the balances are missing)."""
    check = ledger.check_balances(services_for(ctx).db.uow(), fix=fix, actor=CLI_ACTOR)
    if as_json:
        click.echo(json.dumps({
            "checked": check.checked, "fixed": check.fixed, "missing_triggers": list(check.missing_triggers),
            "drifts": [{"customer": d.customer_code, "currency": d.currency,
                        "differences": [{"figure": name, "kept": str(kept), "ledger": str(want)}
                                        for name, kept, want in d.differences]} for d in check.drifts]}))
    else:
        for drift in check.drifts:
            shown = ", ".join(f"{_figure(name)} {_value(kept, drift.currency)} (ledger: {_value(want, drift.currency)})"
                              for name, kept, want in drift.differences)
            click.echo(f"{drift.customer_code} {drift.currency}: {shown}")
        for name in check.missing_triggers:
            click.echo(f"missing trigger {name}: postings no longer reach the kept balances")
        verdict = "fixed" if check.fixed else "drift from the ledger" if check.drifts else "no drift"
        click.echo(f"{len(check.drifts)} of {check.checked:,} balances: {verdict}")
    if check.missing_triggers or (check.drifts and not check.fixed):
        ctx.exit(1)


FIGURES = {"current_minor": "current", "days_1_30_minor": "1-30 days", "days_31_60_minor": "31-60 days",
           "days_61_90_minor": "61-90 days", "days_over_90_minor": "over 90 days", "credit_minor": "credits",
           "unapplied_minor": "unapplied cash", "oldest_due": "oldest due date", "latest_on": "latest entry",
           "customer_code": "customer code"}


def _figure(name: str) -> str:
    return FIGURES.get(name, name)


def _value(value: object, currency: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return Money.from_minor(value, currency).format()
    return "none" if value is None else str(value)


@books.command("age")
@click.option("--as-of", help="The day to count days past due from (YYYY-MM-DD, default today).")
@click.pass_context
def books_age(ctx: click.Context, as_of: str | None) -> None:
    """Move the kept balances' buckets on to a day (the dunning cycle does it each day before its run)."""
    day = parse_date(as_of)
    moved = ledger.age_balances(services_for(ctx).db.uow(), day)
    click.echo(f"balances aged as of {day}: {moved} moved bucket")
