"""The customer's own pay page behind a "Pay online" link: what it shows, and the one payment a link may make.

    link ─▶ pay_page (that customer's open invoices, methods) ─▶ review (quote_payment: the exact total)
         ─▶ pay_through_link (pay_confirmed: refused if the total changed) ─▶ the link is spent: its page shows
            that payment (and its receipt) until the link expires, and never pays again

The link's nonce is the payment's idempotency key (scope `pay-link`), bound to the payment in the payment's own
transaction: two confirms at once, a double-click or a forwarded copy of a spent link cannot make a second
payment. A refusal that wrote nothing (the balance changed, a deactivated method) lets the key go, so the
customer can review again. Every payment made here is initiated by `customer:<code> (pay link)` on channel
`pay_link`, which the payment's audit record carries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from core.documents import InvoiceFilters, InvoiceRow, PayGrant, open_invoices
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Conflict
from core.payments import idempotency
from core.payments.console import CustomerHeading, customer_heading
from core.payments.method_choice import MethodsOnFile, methods_on_file
from core.payments.models import IdempotencyRecord
from core.payments.notices import Branding
from core.payments.processor import PaymentProcessor
from core.payments.quotes import Confirmed, pay_confirmed

PAY_LINK_SCOPE = "pay-link"
CHANNEL = "pay_link"
_SPENT = "pay-link"  # the one request body a link's key is ever taken with


@dataclass(frozen=True)
class PayPage:
    customer: CustomerHeading
    invoices: tuple[InvoiceRow, ...]  # open and not already in a payment on its way
    methods: MethodsOnFile
    paid_by_link: int | None  # the payment this link made: then the page shows it and pays nothing more


def link_actor(grant: PayGrant) -> Actor:
    return Actor(f"customer:{grant.customer_code} (pay link)", CHANNEL)


def link_payment(uow: UnitOfWork, grant: PayGrant) -> int | None:
    """The payment made through this link, if one was."""
    with uow:
        record = uow.session.get(IdempotencyRecord, (PAY_LINK_SCOPE, grant.nonce))
        if record is None:
            return None
        if record.payment_id is not None:
            return record.payment_id
        return int(record.response) if record.status_code == 201 and record.response else None


def pay_page(uow_factory: Callable[[], UnitOfWork], grant: PayGrant, today: dt.date) -> PayPage:
    """Only the granted customer's invoices and methods: the code comes from the signed link, nowhere else."""
    table = open_invoices(uow_factory(), grant.customer_code, today, InvoiceFilters())
    return PayPage(customer_heading(uow_factory(), grant.customer_code),
                   tuple(row for row in table.rows if not row.held),
                   methods_on_file(uow_factory(), grant.customer_code), link_payment(uow_factory(), grant))


def pay_through_link(uow_factory: Callable[[], UnitOfWork], adapter: PaymentProcessor, grant: PayGrant,
                     confirmed: Confirmed, *, today: dt.date, reasons: tuple[str, ...], branding: Branding) -> int:
    """Pay exactly what the customer confirmed, once per link; a link that paid answers with its payment."""
    claim = idempotency.begin(uow_factory(), PAY_LINK_SCOPE, grant.nonce, _SPENT)
    if isinstance(claim, idempotency.StoredAnswer):
        return int(claim.body)
    try:
        made = pay_confirmed(uow_factory, adapter, confirmed, customer_code=grant.customer_code, today=today,
                             reasons=reasons, actor=link_actor(grant), branding=branding, claim=claim)
    except BaseException:
        # A refusal wrote nothing (the key lets go: the customer may review again); a payment written before a
        # crash keeps the key, and the link answers with it.
        idempotency.abandon(uow_factory(), claim)
        raise
    idempotency.finish(uow_factory(), claim, 201, str(made.payment_id))
    return made.payment_id


def refuse_spent(uow: UnitOfWork, grant: PayGrant) -> None:
    """Before a review: a link that paid once shows its payment instead of a second review."""
    if link_payment(uow, grant) is not None:
        raise Conflict("this link was already used to pay; ask us for a new one to pay again")
