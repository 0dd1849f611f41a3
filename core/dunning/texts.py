"""The texts of dunning notices: one template per stage and channel, each compiled once per run.

`dunning.stage2.email.subject.txt`, `.email.txt` and `.email.html` make an email; `.sms.txt`,
`.telegram.txt` and `.fax.txt` the other channels' texts. Staff overrides (`core.outbox.templates`) are
read once at the start of the run and take the file's place. The statement itself is not rendered here:
the dispatcher attaches the customer's latest statement PDF when it sends the message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Template, TemplateError, TemplateNotFound
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dunning.rules import Ask, OpenDebit, StagePolicy, days_over_terms
from core.kernel.config import Settings
from core.kernel.money import Money, minor_digits
from core.outbox.messages import compile_template
from core.outbox.models import MessageTemplate

LISTED_INVOICES = 20  # the rest are on the attached statement


def template_parts(template: str, channel: str) -> dict[str, str]:
    """The outbox fields a channel's message has, and the template file that fills each."""
    if channel == "email":
        return {"subject": f"{template}.email.subject.txt", "body_text": f"{template}.email.txt",
                "body_html": f"{template}.email.html"}
    return {"body_text": f"{template}.{channel}.txt"}


@cache
def _layout(currency: str) -> tuple[str, str, int] | None:
    """How Babel lays out an amount in `currency` (prefix, suffix, decimals), learnt once from a sample."""
    digits = minor_digits(currency)
    sample = Money.from_minor(123456789, currency)
    number = f"{123456789 // 10 ** digits:,}" + (f".{123456789 % 10 ** digits:0{digits}d}" if digits else "")
    prefix, found, suffix = sample.format().partition(number)
    return (prefix, suffix, digits) if found else None


def money_text(minor: int, currency: str) -> str:
    """Money.format's text for an amount, without Babel's cost per call: a run formats 100,000s of them."""
    layout = _layout(currency)
    if layout is None or minor < 0:
        return Money.from_minor(minor, currency).format()
    prefix, suffix, digits = layout
    whole, cents = divmod(minor, 10 ** digits)
    return f"{prefix}{whole:,}{f'.{cents:0{digits}d}' if digits else ''}{suffix}"


def _day(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def _invoice(debit: OpenDebit, as_of: dt.date) -> dict[str, Any]:
    """`open` is what the notice asks for on it; `disputed`, what it leaves out as in dispute ("" when nothing)."""
    return {"number": debit.number, "due_date": _day(debit.due_date), "open": money_text(debit.asked_minor,
            debit.currency), "days_over": days_over_terms(debit.due_date, as_of),
            "disputed": money_text(debit.disputed_minor, debit.currency) if debit.disputed_minor > 0 else ""}


@dataclass(frozen=True)
class Addressee:
    code: str
    name: str


def notice_context(settings: Settings, customer: Addressee, stage: StagePolicy, ask: Ask, as_of: dt.date,
                   statement_date: dt.date | None, pay_url: str = "") -> dict[str, Any]:
    """What every dunning template may use. Overdue invoices are listed; with none overdue, the open ones. Amounts
    in dispute are not asked for: `in_dispute` names them (number, amount). `pay_url`: the customer's "Pay online"
    link."""
    overdue = ask.overdue(as_of)
    listed = ask.named(as_of)
    return dict(
        seller=settings.seller_name, customer_name=customer.name, customer_code=customer.code,
        stage=stage.stage, stage_name=stage.name, as_of=_day(as_of),
        amount_due=money_text(ask.balance_minor, ask.currency),
        overdue_total=money_text(sum(d.asked_minor for d in overdue), ask.currency) if overdue else "",
        most_overdue_days=ask.most_overdue_days(as_of) or 0,
        invoices=[_invoice(d, as_of) for d in listed[:LISTED_INVOICES]], invoice_count=len(listed),
        in_dispute=[{"number": d.number, "disputed": money_text(d.disputed_minor, d.currency)}
                    for d in ask.in_dispute[:LISTED_INVOICES]],
        more_invoices=max(len(listed) - LISTED_INVOICES, 0),
        statement_date=_day(statement_date) if statement_date else "",
        telegram_bot=settings.telegram_bot, phone=settings.seller_phone, email=settings.seller_email,
        color=settings.seller_color, pay_url=pay_url,
    )


def sample_contexts(settings: Settings) -> list[dict[str, Any]]:
    """Made-up notices to try a staff-edited template on before it is saved: something overdue with a
    statement; nothing overdue yet and no statement; more invoices than a message lists."""
    as_of, customer = dt.date(2026, 11, 22), Addressee("ACME", "Acme Corp")
    overdue = OpenDebit(1, "INV-1001", "USD", dt.date(2026, 10, 1), 120050)
    coming = OpenDebit(2, "INV-1002", "USD", dt.date(2026, 12, 1), 9999)
    many = tuple(OpenDebit(10 + n, f"INV-2{n:03d}", "USD", dt.date(2026, 9, 1), 1000) for n in range(25))
    return [
        notice_context(settings, customer, StagePolicy(2, 15, "dunning.stage2"), Ask("USD", 130049, (overdue, coming)),
                       as_of, dt.date(2026, 10, 31), f"{settings.public_url}/pay/sample"),
        notice_context(settings, customer, StagePolicy(1, None, "dunning.stage1"), Ask("USD", 9999, (coming,)),
                       as_of, None),
        notice_context(settings, customer, StagePolicy(3, 30, "dunning.stage3"), Ask("USD", 25000, many), as_of,
                       dt.date(2026, 10, 31)),
    ]


class NoticeTexts:
    """The run's compiled templates: each file (or its override) compiled the first time it is needed."""

    def __init__(self, overrides: dict[str, str]) -> None:
        self._overrides = overrides
        self._compiled: dict[str, Template] = {}

    @classmethod
    def load(cls, session: Session) -> NoticeTexts:
        return cls(dict(session.execute(select(MessageTemplate.name, MessageTemplate.body)).all()))

    def _template(self, name: str) -> Template:
        if name not in self._compiled:
            self._compiled[name] = compile_template(name, self._overrides.get(name))
        return self._compiled[name]

    def renderer(self, template: str, channel: str) -> Callable[[dict[str, Any]], dict[str, str]] | str:
        """A function from context to the message's fields, or why the stage's texts cannot be made."""
        try:
            parts = {field: self._template(name) for field, name in template_parts(template, channel).items()}
        except TemplateNotFound as exc:
            return f"no template {exc.name} for {channel}"
        except TemplateError as exc:
            return f"template {template} for {channel} does not compile: {exc.message}"

        def render(context: dict[str, Any]) -> dict[str, str]:
            return {field: part.render(context).strip() for field, part in parts.items()}

        return render
