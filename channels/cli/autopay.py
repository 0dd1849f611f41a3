"""`aragent autopay`: enroll a customer's saved method, turn autopay off, list who is on it, run the day's notices.

`enroll` records the customer's authorization as the operator gives it: who agreed, in what words, on which
channel; a bank account also needs the reference of the recurring debit authorization on file.
"""

from __future__ import annotations

import datetime as dt
import json

import click

from channels.cli.common import CLI_ACTOR, ARCommandGroup, parse_date, services_for
from core import payments


@click.group(cls=ARCommandGroup)
def autopay() -> None:
    """Autopay: invoices charged on their due date to an enrolled method, with a notice days before."""


@autopay.command("enroll")
@click.argument("code")
@click.option("--method", "method_id", type=int, required=True, help="The saved method's id (see the methods API).")
@click.option("--authorized-by", required=True, help="Who agreed: the customer's contact, or the agent for them.")
@click.option("--text", required=True, help="The words agreed to, or where the signed authorization is.")
@click.option("--channel", default="cli", show_default=True, help="Where it was agreed: phone, email, paper…")
@click.option("--ach-recurring-reference", default="",
              help="A bank account: the reference of the recurring debit authorization on file.")
@click.pass_context
def enroll(ctx: click.Context, code: str, method_id: int, authorized_by: str, text: str, channel: str,
           ach_recurring_reference: str) -> None:
    """Enroll CODE's saved method (or change the enrolled one)."""
    services = services_for(ctx)
    authorization = payments.AutopayAuthorization(authorized_by, dt.datetime.now(dt.UTC), channel, text,
                                                  ach_recurring_reference)
    view = payments.enroll_autopay(services.db.uow(), customer_code=code, method_id=method_id,
                                   authorization=authorization, actor=CLI_ACTOR)
    click.echo(f"{code}: autopay on with {view.method.label} (enrollment {view.id}); "
               f"{payments.autopay_rule(services.settings.autopay_notice_days)}")


@autopay.command("off")
@click.argument("code")
@click.option("--reason", default="", help="Why, as the audit log should say it.")
@click.pass_context
def off(ctx: click.Context, code: str, reason: str) -> None:
    """Turn CODE's autopay off; its charges not yet made are canceled."""
    services = services_for(ctx)
    ended = payments.turn_off_autopay(services.db.uow(), customer_code=code, now=dt.datetime.now(dt.UTC),
                                      actor=CLI_ACTOR, reason=reason)
    click.echo(f"{code}: autopay turned off" if ended is not None else f"{code}: autopay was not on")


@autopay.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per customer.")
@click.pass_context
def list_enrollments(ctx: click.Context, as_json: bool) -> None:
    """Every customer on autopay: method, who authorized it, when, on which channel."""
    for view in payments.autopay_enrollments(services_for(ctx).db.uow()):
        if as_json:
            click.echo(json.dumps({"customer": view.customer_code, "method": view.method.label,
                                   "method_id": view.method.id, "authorized_by": view.authorized_by,
                                   "authorized_at": view.authorized_at.isoformat(), "channel": view.channel,
                                   "upcoming": [{"due_on": str(c.due_on), "amount": str(c.amount.amount),
                                                 "payment_id": c.payment_id, "status": c.status}
                                                for c in view.charges if c.status == "scheduled"]}))
        else:
            click.echo(f"{view.customer_code}\t{view.method.label}\t{view.authorized_by}\t"
                       f"{view.authorized_at:%Y-%m-%d %H:%M}\t{view.channel}")


@autopay.command("run")
@click.option("--on", default=None, help="The day to run for (YYYY-MM-DD; default today).")
@click.pass_context
def run(ctx: click.Context, on: str | None) -> None:
    """What the scheduler's `autopay` job does: schedule and announce the charges due in the notice days."""
    services = services_for(ctx)
    for line in payments.run_autopay(services.db.uow, services.settings, processor=services.processor.name,
                                     today=parse_date(on), now=dt.datetime.now(dt.UTC), branding=services.branding):
        click.echo(line)
