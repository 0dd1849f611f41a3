"""`aragent parse`: what the bot understands in a message, as JSON (the contract in ARCHITECTURE.md)."""

from __future__ import annotations

import datetime as dt
import json

import click

from bot import understanding
from channels.cli.common import parse_date
from core.kernel import load_settings


@click.command("parse")
@click.argument("text")
@click.option("--today", help="Resolve dates against this day (YYYY-MM-DD, default today).")
def parse(text: str, today: str | None) -> None:
    """Print the intent and slots of TEXT as one JSON object; with TEXT `-`, one per line of stdin.

    Every stdin line gets its line of output, an empty line included, so answers line up with messages.
    Short-pay reasons are the configured ones (ARAGENT_SHORT_PAY_REASONS).
    """
    day = parse_date(today)
    reasons = load_settings().short_pay_reasons
    if text != "-":
        _print(text, day, reasons)
        return
    with click.open_file("-", encoding="utf-8") as stdin:
        for line in stdin:
            _print(line.rstrip("\r\n"), day, reasons)


def _print(message: str, today: dt.date, reasons: tuple[str, ...]) -> None:
    parsed = understanding.parse(message, today=today, reasons=reasons)
    click.echo(json.dumps(understanding.to_json(parsed), ensure_ascii=False))
