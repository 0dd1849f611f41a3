"""The statement page: a snapshot as HTML, in the template version it was made under.

statement-1 lists open items, the aging and the money received; statement-2 is balance-forward: the balance
brought forward, every line since with the balance after it, the account summary by kind of line, and the
open items (credits among them) adding up to the same amount due. `core.statements.pdf` renders the page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date
from babel.numbers import get_currency_symbol

from core.documents.templates import TEMPLATES, environment, logo_data_uri
from core.kernel.errors import Invalid
from core.ledger.rules import BUCKETS
from core.statements.snapshots import (
    ADJUSTMENT,
    STATEMENT_TEMPLATE_VERSION,
    ActivityLine,
    SnapshotItem,
    StatementSnapshot,
)

LOCALE = "en_US"
# Every template version this code can render: (page, stylesheet). An old version keeps its files when a new
# one is added, so a statement made under it renders as it always did.
TEMPLATE_FILES = {"statement-1": ("statement.html", "statement.css"),
                  STATEMENT_TEMPLATE_VERSION: ("statement-2.html", "statement-2.css")}
BUCKET_LABELS = {"current": "Current", "1-30": "1–30 days", "31-60": "31–60 days", "61-90": "61–90 days",
                 "90+": "Over 90 days"}
KIND_LABELS = {"invoice": "Invoice", "finance_charge": "Finance charge", "credit": "Credit memo",
               "payment": "Unapplied payment"}
ACTIVITY_LABELS = {"payment": "Payment received, thank you", "credit_applied": "Credit applied"}  # version 1
# Version 2: each line says what it is; `{detail}` is the line's PO or payment, when it has one.
LINE_LABELS = {
    "invoice": ("Invoice", "Invoice, {detail}"), "finance_charge": ("Finance charge", "Finance charge"),
    "credit": ("Credit memo", "Credit memo"), "payment": ("Payment received, thank you",) * 2,
    "discount": ("Early-payment discount", "Early-payment discount ({detail})"),
    "payment_returned": ("Payment returned",) * 2,
    "discount_reversed": ("Discount reversed", "Discount reversed: {detail} was returned"),
    "settled_in_erp": ("Paid or adjusted in our accounting system",) * 2,
    "correction": ("Correction to entries up to {forward}",) * 2,
}
SUMMARY_LABELS = {"invoice": "Invoices", "finance_charge": "Finance charges", "payment": "Payments",
                  "discount": "Discounts taken", "credit": "Credit memos", ADJUSTMENT: "Adjustments"}
NBSP = "\u00a0"  # an empty cell WeasyPrint still paints (a striped row keeps its stripe)


def check_template_version(version: str) -> tuple[str, str]:
    if version not in TEMPLATE_FILES:
        known = ", ".join(sorted(TEMPLATE_FILES))
        raise Invalid(f"statement template {version!r} cannot be rendered by this version of aragent "
                      f"(it renders {known}); upgrade aragent to render this statement", "template_version")
    return TEMPLATE_FILES[version]



def statement_html(snapshot: StatementSnapshot, logo: bytes | None = None, *,
                   template_version: str = STATEMENT_TEMPLATE_VERSION, inline_css: bool = False) -> str:
    """The statement as one HTML page; with `inline_css` it carries its stylesheet and stands alone."""
    page, stylesheet = check_template_version(template_version)
    css = (TEMPLATES / stylesheet).read_text() if inline_css else ""
    context = _context(snapshot, logo)
    if template_version != "statement-1":
        if snapshot.balance_forward_on is None:
            raise Invalid(f"statement template {template_version!r} renders balance-forward statements; this one "
                          "has no balance forward (a version-1 statement renders with statement-1)", "template_version")
        context |= _balance_forward(snapshot)
    return environment().get_template(page).render(**context, template_version=template_version, inline_css=css)


def _context(s: StatementSnapshot, logo: bytes | None) -> dict[str, Any]:
    def fmt(minor: int) -> str:
        return s.money(minor).format(LOCALE)

    def date(value: dt.date | None) -> str:
        return format_date(value, format="medium", locale=LOCALE) if value else ""

    def line(item: SnapshotItem) -> dict[str, Any]:
        return {"number": item.number, "kind": KIND_LABELS.get(item.kind, item.kind), "date": date(item.doc_date),
                "due_date": date(item.due_date), "po": item.po or "", "original": fmt(item.amount_minor),
                "open": fmt(item.open_minor), "days": _days(item.days_past_due)}

    return {
        "seller": s.seller, "customer": s.customer, "currency": s.currency, "logo_uri": logo_data_uri(logo),
        "currency_symbol": get_currency_symbol(s.currency, LOCALE),
        "statement_date": format_date(s.statement_date, format="long", locale=LOCALE),
        "statement_date_iso": s.statement_date.isoformat(),
        "previous_statement_date": date(s.previous_statement_date),
        "terms": f"Net {s.customer.terms_days} days" if s.customer.terms_days else "Due on receipt",
        "aging": [{"label": BUCKET_LABELS[b], "amount": fmt(s.aging_minor.get(b, 0))} for b in BUCKETS],
        "aging_total": fmt(sum(s.aging_minor.get(b, 0) for b in BUCKETS)),
        "items": [line(i) for i in s.items], "credits": [line(c) for c in s.credits],
        "finance_charges": [line(f) for f in s.finance_charges],
        "activity": [{"date": date(a.date), "reference": a.reference, "kind": ACTIVITY_LABELS.get(a.kind, a.kind),
                      "amount": fmt(a.amount_minor)} for a in s.activity],
        "activity_title": (f"Activity since your statement of {date(s.previous_statement_date)}"
                           if s.previous_statement_date else "Payments and credits in the last 31 days"),
        "debits": fmt(s.debits_minor), "credits_total": fmt(s.credits_minor),
        "credits_negative": fmt(-s.credits_minor), "amount_due": fmt(s.amount_due_minor),
        "credit_balance": fmt(-s.balance_minor) if s.balance_minor < 0 else "",
        "past_due": fmt(s.past_due_minor), "has_past_due": s.past_due_minor > 0, "notes": s.notes,
        "finance_terms": s.finance_terms,
    }


def _balance_forward(s: StatementSnapshot) -> dict[str, Any]:
    """What a balance-forward (version 2) statement adds: the balance forward, the activity line by line with
    the balance after each, and the account summary of them."""
    assert s.balance_forward_on is not None and s.balance_forward_minor is not None

    def fmt(minor: int) -> str:
        return s.money(minor).format(LOCALE)

    def date(value: dt.date) -> str:
        return format_date(value, format="medium", locale=LOCALE)

    forward_on = date(s.balance_forward_on)
    stated = s.previous_statement_date == s.balance_forward_on
    running, lines = s.balance_forward_minor, []
    for line in s.activity:
        running += line.amount_minor
        lines.append({"date": date(line.date), "reference": line.reference, "description": _described(line, forward_on),
                      "charge": fmt(line.amount_minor) if line.amount_minor > 0 else "",
                      "credit": fmt(-line.amount_minor) if line.amount_minor < 0 else "", "balance": fmt(running)})
    summary = s.summary_minor()
    return {
        "forward": {"date": forward_on, "amount": fmt(s.balance_forward_minor),
                    "label": "Balance from your previous statement" if stated else "Balance forward",
                    "short_label": "Previous balance" if stated else f"Balance {forward_on}"},
        "activity": lines,
        "activity_title": (f"Account activity since your statement of {forward_on}" if stated
                           else f"Account activity since {forward_on}"),
        "summary": [{"label": SUMMARY_LABELS[kind], "amount": fmt(total)} for kind, total in summary.items()],
        "open_credits": [{"number": c.number, "kind": KIND_LABELS.get(c.kind, c.kind), "date": date(c.doc_date),
                          "original": fmt(-c.amount_minor), "open": fmt(-c.open_minor)} for c in s.credits],
        "balance": fmt(s.balance_minor),
        "balance_label": "Credit balance" if s.balance_minor < 0 else "Amount due",
        "balance_figure": fmt(-s.balance_minor) if s.balance_minor < 0 else fmt(s.amount_due_minor),
    }


def _described(line: ActivityLine, forward_on: str) -> str:
    plain, detailed = LINE_LABELS.get(line.kind, (line.kind, line.kind))
    return (detailed if line.detail else plain).format(detail=line.detail, forward=forward_on)


def _days(days_past_due: int) -> str:
    if days_past_due <= 0:
        return NBSP
    return "1 day" if days_past_due == 1 else f"{days_past_due} days"
