"""`aragent chat`: talk to the bot in the terminal as a customer; `aragent link-token`: a one-time link for Telegram.

The terminal is one more channel ("cli"): each line goes to `bot.engine.handle` like a text message, and the
replies come back as text, their buttons numbered (type /1 to press the first), documents and links named.
"""

from __future__ import annotations

import datetime as dt

import click

from bot.engine import handle
from bot.turns import Button, Inbound, Reply
from channels.cli.common import CLI_ACTOR, parse_date, services_for
from core import conversations, documents
from core.bootstrap import Services
from core.kernel import Invalid, NotFound
from core.ledger import normalize_phone

QUIT = ("quit", "exit", "/quit", "/exit")


@click.command("chat")
@click.option("--phone", help="Chat as the sender of this number (linked when it is a contact's phone).")
@click.option("--customer", "customer_code", help="Chat as this customer's primary contact (linked at once).")
@click.option("--today", help="Act as if today were this day (YYYY-MM-DD), for demos and tests.")
@click.pass_context
def chat(ctx: click.Context, phone: str | None, customer_code: str | None, today: str | None) -> None:
    """Talk to the bot as a customer. Type QUIT (or end the input) to leave."""
    if bool(phone) == bool(customer_code):
        raise click.UsageError("give either --phone NUMBER or --customer CODE")
    services = services_for(ctx)
    day = parse_date(today) if today else None
    sender = _linked_sender(services, customer_code) if customer_code else _phone_sender(services, phone or "")
    click.echo("Talking to the bot as a customer (channel cli). Type QUIT to leave, /1 to press button 1.")
    last: list[Reply] = []
    while True:
        try:
            line = click.prompt("you", prompt_suffix="> ", default="", show_default=False)
        except (click.Abort, EOFError):
            break
        if line.strip().lower() in QUIT:
            break
        if not line.strip():
            continue
        text = _pressed(line.strip(), last)
        last = handle(services, Inbound("cli", sender, text), now=_now(day))
        for reply in last:
            _show(services, reply)


def _now(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    # Noon UTC: the same day in every customer's timezone from UTC-11 to UTC+11 (the wall clock's time of day put
    # a Chicago customer's "today" on the day before from 18:00 local time on).
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def _phone_sender(services: Services, phone: str) -> str:
    try:
        return normalize_phone(phone, services.settings.default_country)
    except Invalid as refused:
        raise click.BadParameter(str(refused), param_hint="--phone") from None


def _linked_sender(services: Services, code: str) -> str:
    """The terminal's conversation for the customer, linked to their primary contact."""
    customer_id, contact_id = conversations.primary_contact(services.db.uow(), code)
    sender = f"customer:{code}"
    convo = conversations.open_conversation(services.db.uow(), "cli", sender)
    if convo.customer_id != customer_id or convo.contact_id != contact_id:
        conversations.link_customer(services.db.uow(), convo.id, customer_id=customer_id, contact_id=contact_id,
                           now=dt.datetime.now(dt.UTC), actor=CLI_ACTOR, how="cli --customer")
    return sender


def _keys(buttons: list[Button]) -> list[str]:
    """What to type to press each button: `/7` for the button that picks the list's 7th row (so the key and the
    row agree, on any page), the others numbered on after the highest of those."""
    picks = [int(b.payload[5:]) if b.payload.startswith("pick:") and b.payload[5:].isdigit() else None
             for b in buttons]
    following = iter(range(max((p for p in picks if p is not None), default=0) + 1, 10_000))
    return [f"/{pick if pick is not None else next(following)}" for pick in picks]


def _pressed(line: str, last: list[Reply]) -> str:
    """`/2` presses the button shown with `[/2]`; anything else is typed text."""
    keys = {key: button.payload for reply in last
            for key, button in zip(_keys(list(reply.buttons)), reply.buttons, strict=True)}
    return keys.get(line, line)


def _show(services: Services, reply: Reply) -> None:
    click.echo(click.style("bot> ", fg="green") + reply.text)
    for key, button in zip(_keys(list(reply.buttons)), reply.buttons, strict=True):
        click.echo(f"     [{key}] {button.label}")
    if reply.document_file_id is not None:
        name = documents.stored_filename(services.db.uow(), reply.document_file_id) or f"file {reply.document_file_id}"
        click.echo(f"     (attached: {name})")


@click.command("link-token")
@click.argument("code")
@click.option("--ttl-hours", default=72, show_default=True, type=click.IntRange(min=1), help="Hours it stays valid.")
@click.pass_context
def link_token(ctx: click.Context, code: str, ttl_hours: int) -> None:
    """A one-time token that links a Telegram chat to customer CODE (and its deep link, when configured)."""
    services = services_for(ctx)
    try:
        issued = conversations.issue_link_token(services.db.uow(), code, CLI_ACTOR, ttl=dt.timedelta(hours=ttl_hours))
    except NotFound as missing:
        raise click.ClickException(str(missing)) from None
    click.echo(f"token: {issued.token}")
    click.echo(f"expires: {issued.expires_at.isoformat(timespec='seconds')}")
    if services.settings.telegram_bot:
        click.echo(f"telegram: https://t.me/{services.settings.telegram_bot.lstrip('@')}?start={issued.token}")
