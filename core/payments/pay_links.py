"""The customer's own pay page behind a "Pay online" link: what it shows, and the one payment a link may make.

    link ─▶ pay_page (that customer's open invoices, a plan's missed instalment (plan_pay), methods)
         ─▶ review (quote_payment: the exact total)
         ─▶ pay_through_link (pay_confirmed: refused if the total changed) ─▶ the link is spent: its page shows
            that payment (and its receipt) until the link expires, and never pays again

The link's nonce is the payment's idempotency key (scope `pay-link`), bound to the payment in the payment's own
transaction: two confirms at once, a double-click or a forwarded copy of a spent link cannot make a second
payment. A refusal that wrote nothing (the balance changed, a deactivated method) lets the key go, so the
customer can review again. A payment the processor declined (or that failed later, an ACH debit) did not spend
the link: the customer tries again, with another method or the same, under the key of the link's next try
(`<nonce>:2`, `:3` … up to `MAX_TRIES`); a payment in flight or that went through spends it for good. Every
payment made here is initiated by `customer:<code> (pay link)` on channel `pay_link`, which the payment's audit
record carries; every view of the page is audited too (`pay_link.viewed`, naming the link by its nonce).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import or_, select

from core.documents import InvoiceFilters, InvoiceRow, PayGrant, open_invoices
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Conflict
from core.ledger.models import Payment
from core.ledger.posting import customer_by_code
from core.payments import idempotency
from core.payments.console import CustomerHeading, customer_heading
from core.payments.method_choice import MethodsOnFile, methods_on_file
from core.payments.models import IdempotencyRecord
from core.payments.notices import Branding
from core.payments.plan_pay import PayableInstalment, payable_instalments
from core.payments.processor import PaymentProcessor
from core.payments.quotes import Confirmed, pay_confirmed
from core.payments.states import ENDED_WITHOUT_MONEY

PAY_LINK_SCOPE = "pay-link"
CHANNEL = "pay_link"
_SPENT = "pay-link"  # the one request body a link's key is ever taken with
MAX_TRIES = 5  # declined payments a link takes before it asks for a new link (no card testing through it)


@dataclass(frozen=True)
class PayPage:
    customer: CustomerHeading
    invoices: tuple[InvoiceRow, ...]  # open and not already in a payment on its way
    methods: MethodsOnFile
    paid_by_link: int | None  # the payment this link made: then the page shows it and pays nothing more
    declined: int | None = None  # the link's latest payment, which did not go through: the page says so
    instalments: tuple[PayableInstalment, ...] = ()  # plans' missed (or retrying) instalments it may pay


@dataclass(frozen=True)
class _Try:
    number: int  # 1: the nonce itself; n: `<nonce>:n`
    key: str
    payment_id: int | None  # None: a request holds the key and has written no payment (yet)
    status: str | None


def link_actor(grant: PayGrant) -> Actor:
    return Actor(f"customer:{grant.customer_code} (pay link)", CHANNEL)


def _try_key(grant: PayGrant, number: int) -> str:
    return grant.nonce if number == 1 else f"{grant.nonce}:{number}"


def _tries(uow: UnitOfWork, grant: PayGrant) -> list[_Try]:
    """The link's payment requests, first to latest, each with its payment and where that stands."""
    with uow:
        records = uow.session.scalars(select(IdempotencyRecord).where(
            IdempotencyRecord.scope == PAY_LINK_SCOPE,
            or_(IdempotencyRecord.key == grant.nonce,
                IdempotencyRecord.key.startswith(f"{grant.nonce}:", autoescape=True)))).all()
        made = {r.key: r.payment_id if r.payment_id is not None else
                int(r.response) if r.status_code == 201 and r.response else None for r in records}
        statuses = dict(uow.session.execute(select(Payment.id, Payment.status).where(
            Payment.id.in_([pid for pid in made.values() if pid is not None]))).all())
    tries = [_Try(int(key.rpartition(":")[2]) if ":" in key else 1, key, pid, statuses.get(pid or 0))
             for key, pid in made.items()]
    return sorted(tries, key=lambda t: t.number)


def link_payment(uow: UnitOfWork, grant: PayGrant) -> int | None:
    """The payment that spent this link, if one did: in flight, or gone through (a declined one does not)."""
    return next((t.payment_id for t in reversed(_tries(uow, grant))
                 if t.payment_id is not None and t.status not in ENDED_WITHOUT_MONEY), None)


def _declined(tries: list[_Try]) -> int | None:
    latest = tries[-1] if tries else None
    return latest.payment_id if latest is not None and latest.status in ENDED_WITHOUT_MONEY else None


def pay_page(uow_factory: Callable[[], UnitOfWork], grant: PayGrant, today: dt.date) -> PayPage:
    """Only the granted customer's invoices and methods: the code comes from the signed link, nowhere else."""
    table = open_invoices(uow_factory(), grant.customer_code, today, InvoiceFilters())
    tries = _tries(uow_factory(), grant)
    return PayPage(customer_heading(uow_factory(), grant.customer_code),
                   tuple(row for row in table.rows if not row.held),
                   methods_on_file(uow_factory(), grant.customer_code), link_payment(uow_factory(), grant),
                   _declined(tries), payable_instalments(uow_factory(), grant.customer_code))


def record_link_view(uow: UnitOfWork, grant: PayGrant) -> None:
    """Audit that the page behind a (valid) link was opened: who (the customer, by the link) and which link."""
    with uow:
        customer = customer_by_code(uow, grant.customer_code)
        audit.record(uow.session, link_actor(grant), "pay_link.viewed", customer_id=customer.id,
                     subject=f"pay-link:{grant.nonce}", expires=grant.expires.isoformat())
        uow.commit()


def _next_key(uow: UnitOfWork, grant: PayGrant) -> str:
    """The key this confirm runs under: the latest try's, unless its payment was declined; then the next one's."""
    tries = _tries(uow, grant)
    if not tries:
        return _try_key(grant, 1)
    latest = tries[-1]
    if latest.status not in ENDED_WITHOUT_MONEY:
        return latest.key  # in flight, gone through, or held by a request now: that key answers
    if latest.number >= MAX_TRIES:
        raise Conflict(f"this link was declined {latest.number} times; ask us for a new link to pay")
    return _try_key(grant, latest.number + 1)


def pay_through_link(uow_factory: Callable[[], UnitOfWork], adapter: PaymentProcessor, grant: PayGrant,
                     confirmed: Confirmed, *, today: dt.date, reasons: tuple[str, ...], branding: Branding) -> int:
    """Pay exactly what the customer confirmed, once per link; a link that paid answers with its payment; one whose
    payment was declined pays again under its next try's key."""
    claim = idempotency.begin(uow_factory(), PAY_LINK_SCOPE, _next_key(uow_factory(), grant), _SPENT)
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
