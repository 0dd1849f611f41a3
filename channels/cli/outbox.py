"""`aragent outbox ...`: review, release and send what the engine has queued for customers."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
from rich.console import Console
from rich.table import Table

from channels.cli.common import CLI_ACTOR, ARCommandGroup, services_for
from core.conversations import send_receipts
from core.dunning import cancel_paid_dunning
from core.ledger import DELIVERY_METHODS
from core.outbox import OUTBOX_STATUSES, MessageView, approve, approve_pending, cancel, dispatch, list_messages, retry
from core.statements import ensure_statement_pdf


@click.group(cls=ARCommandGroup)
def outbox() -> None:
    """The outbox: every message to a customer waits here until it is approved and sent.

    Messages move pending → approved → sent, or failed (retry puts them back) or canceled.
    `send` runs one dispatch pass; the scheduler runs it regularly once it is serving.
    """


@outbox.command("list")
@click.option("--status", type=click.Choice(OUTBOX_STATUSES))
@click.option("--channel", type=click.Choice(DELIVERY_METHODS))
@click.option("--customer", "customer_code", help="One customer's messages (its code).")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def outbox_list(ctx: click.Context, status: str | None, channel: str | None, customer_code: str | None,
                limit: int, as_json: bool) -> None:
    """Messages, newest first."""
    messages = list_messages(services_for(ctx).db.uow(), status=status, channel=channel,
                             customer_code=customer_code, limit=limit)
    if as_json:
        click.echo(json.dumps([_as_json(m) for m in messages]))
        return
    table = Table("id", "status", "channel", "recipient", "customer", "reason", "tries", "next try / sent (UTC)",
                  "last error", title=f"Outbox ({len(messages)} shown)")
    for m in messages:
        when = m.sent_at if m.status == "sent" else m.next_attempt_at
        table.add_row(str(m.id), m.status, m.channel, m.recipient, m.customer or "", m.reason, str(m.attempts),
                      f"{when:%Y-%m-%d %H:%M}" if when else "", m.last_error or "")
    Console(width=None if sys.stdout.isatty() else 200).print(table)


def _as_json(m: MessageView) -> dict[str, object]:
    return {
        "id": m.id, "channel": m.channel, "recipient": m.recipient, "customer": m.customer, "template": m.template,
        "reason": m.reason, "status": m.status, "attempts": m.attempts,
        "next_attempt_at": m.next_attempt_at.isoformat() if m.next_attempt_at else None,
        "last_error": m.last_error, "provider_id": m.provider_id, "created_at": m.created_at.isoformat(),
    }


@outbox.command("approve")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-pending", is_flag=True, help="Approve every pending message (narrow with --channel/--reason).")
@click.option("--channel", type=click.Choice(DELIVERY_METHODS), help="With --all-pending: one channel only.")
@click.option("--reason", help="With --all-pending: one reason only (statement, dunning …).")
@click.pass_context
def outbox_approve(ctx: click.Context, ids: tuple[int, ...], all_pending: bool, channel: str | None,
                   reason: str | None) -> None:
    """Release messages for sending: the given ids, or --all-pending."""
    if bool(ids) == all_pending:
        raise click.UsageError("give message ids or --all-pending, not both")
    if (channel or reason) and not all_pending:
        raise click.UsageError("--channel and --reason go with --all-pending")
    uow = services_for(ctx).db.uow()
    changed = approve_pending(uow, CLI_ACTOR, channel=channel, reason=reason) if all_pending else \
        approve(uow, CLI_ACTOR, ids)
    click.echo(f"approved {len(changed)} message(s)" + _listed(changed))


@outbox.command("cancel")
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--reason", default="canceled by staff", show_default=True, help="Kept in the audit trail.")
@click.pass_context
def outbox_cancel(ctx: click.Context, ids: tuple[int, ...], reason: str) -> None:
    """Cancel pending or approved messages; they will never be sent."""
    changed = cancel(services_for(ctx).db.uow(), CLI_ACTOR, ids, reason)
    click.echo(f"canceled {len(changed)} message(s)" + _listed(changed))


@outbox.command("retry")
@click.argument("ids", nargs=-1, type=int, required=True)
@click.pass_context
def outbox_retry(ctx: click.Context, ids: tuple[int, ...]) -> None:
    """Put failed messages back in the queue with a fresh set of attempts."""
    changed = retry(services_for(ctx).db.uow(), CLI_ACTOR, ids)
    click.echo(f"requeued {len(changed)} message(s)" + _listed(changed))


@outbox.command("send")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1),
              help="At most this many messages in this pass.")
@click.pass_context
def outbox_send(ctx: click.Context, limit: int) -> None:
    """Send the approved messages that are due, once; a temporary failure is retried later."""
    from channels.senders import build_senders  # here: only sending needs the SMTP client loaded

    services = services_for(ctx)
    # As the scheduler's outbox job does: no reminder goes out for a debt paid since it was queued.
    paid = cancel_paid_dunning(services.db, CLI_ACTOR)
    if paid:
        click.echo(f"canceled {paid} dunning message(s): the debt they asked for is paid")
    receipts = send_receipts(services, services.branding, dt.date.today(), CLI_ACTOR)
    if receipts:
        click.echo(f"queued {receipts} receipt(s) for payments that succeeded")
    summary = dispatch(services.db, services.files, build_senders(services), settings=services.settings,
                       statement_pdf=ensure_statement_pdf, limit=limit)
    line = f"sent {summary.sent}, failed {summary.failed}, deferred {summary.deferred}"
    if summary.postponed:
        line += f", postponed {summary.postponed} (quiet hours or rate limits)"
    if summary.canceled:
        line += f", canceled {summary.canceled} (the recipient opted out)"
    if summary.held:
        line += f"; {summary.held} approved message(s) wait for a channel that cannot send yet"
    click.echo(line)


def _listed(ids: list[int]) -> str:
    return f": {', '.join(map(str, ids))}" if 0 < len(ids) <= 20 else ""
