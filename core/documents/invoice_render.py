"""An invoice as the seller prints it when the ERP sent no PDF: one page from the ledger, through WeasyPrint.

The page depends on nothing but the `InvoiceView` (the document, its bill-to, what has been applied) and the
seller's branding, and its PDF dates are the invoice's own, so the same invoice state gives the same bytes.
The ERP stores no line items: the one line is the document itself, with its PO.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from babel.dates import format_date

from core.documents.invoice_reads import AppliedRow
from core.documents.letterhead import SellerInfo
from core.documents.templates import TEMPLATES, environment, logo_data_uri
from core.kernel.money import Money
from core.ledger.rules import DiscountTerms, early_payment_discount

LOCALE = "en_US"
TITLES = {"invoice": "Invoice", "finance_charge": "Finance charge"}


@dataclass(frozen=True)
class InvoiceView:
    """Everything an invoice PDF prints, read in one transaction."""

    document_id: int
    customer_id: int
    kind: str  # invoice | finance_charge
    number: str
    doc_date: dt.date
    due_date: dt.date
    po: str | None
    amount: Money
    open: Money
    discount: DiscountTerms
    discount_forfeited: bool
    voided: bool
    customer_code: str
    customer_name: str
    address: tuple[str, ...]
    applied: tuple[AppliedRow, ...]

    @property
    def as_of(self) -> dt.date:
        """The day of the last change printed on it: the PDF's modification date."""
        return max([self.doc_date, *(a.applied_on for a in self.applied),
                    *(a.reversed_on for a in self.applied if a.reversed_on)])

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.number}.pdf"



def invoice_html(view: InvoiceView, seller: SellerInfo, logo: bytes | None = None) -> str:
    return environment().get_template("invoice.html").render(**_context(view, seller, logo))


def _terms(view: InvoiceView) -> str:
    net = (view.due_date - view.doc_date).days
    terms = f"Net {net} days" if net > 0 else "Due on receipt"
    if view.discount.percent and view.discount.days is not None:
        return f"{view.discount.percent.normalize():f}% {view.discount.days}, {terms}"
    return terms


def _context(view: InvoiceView, seller: SellerInfo, logo: bytes | None) -> dict[str, Any]:
    def date(value: dt.date) -> str:
        return format_date(value, format="medium", locale=LOCALE)

    live = [a for a in view.applied if a.reversed_on is None]
    credited = sum((a.amount + a.discount for a in live), Money.zero(view.amount.currency))
    deadline = view.discount.deadline(view.doc_date)
    discount = (early_payment_discount(view.open, view.discount, view.doc_date, deadline, view.discount_forfeited)
                if deadline and not view.voided else None)
    return {
        "seller": seller, "logo_uri": logo_data_uri(logo), "view": view, "title": TITLES.get(view.kind, "Invoice"),
        "date": date(view.doc_date), "due_date": date(view.due_date), "as_of": date(view.as_of),
        "created_iso": view.doc_date.isoformat(), "modified_iso": view.as_of.isoformat(), "terms": _terms(view),
        "currency": view.amount.currency, "amount": view.amount.format(LOCALE), "credited": credited.format(LOCALE),
        "less_credited": f"\u2212{credited.format(LOCALE)}" if credited.is_positive() else credited.format(LOCALE),
        "open": view.open.format(LOCALE), "paid": not view.open.is_positive() and not view.voided,
        "applied": [{"date": date(a.applied_on), "source": a.source, "amount": a.amount.format(LOCALE),
                     "discount": a.discount.format(LOCALE) if a.discount.is_positive() else "",
                     "note": _note(a, date)} for a in view.applied],
        "discount": discount.format(LOCALE) if discount and discount.is_positive() else "",
        "discount_pay": (view.open - discount).format(LOCALE) if discount else "",
        "discount_until": date(deadline) if deadline else "",
        "discount_forfeited": bool(deadline) and view.discount_forfeited,
        "discount_percent": f"{view.discount.percent.normalize():f}" if view.discount.percent else "",
    }


def _note(row: AppliedRow, date: Any) -> str:
    if row.reversed_on:
        return f"Returned {date(row.reversed_on)}; not counted"
    return f"Short: {row.short_reason}" if row.short_reason else ""


# Pango's fonts and WeasyPrint's caches are not made for two threads at once (a web server's worker threads).
_rendering = threading.Lock()


def render_invoice_pdf(html: str) -> bytes:
    """The PDF of an invoice page; the same page always gives the same bytes."""
    from weasyprint import HTML  # imported here: it loads Pango, which only rendering needs

    with _rendering:
        pdf = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    assert pdf is not None  # write_pdf returns bytes when given no target
    return bytes(pdf)


@lru_cache(maxsize=16)
def cached_invoice_pdf(html: str) -> bytes:
    """An invoice viewed again (the console's preview, then its download) is not rendered again."""
    return render_invoice_pdf(html)
