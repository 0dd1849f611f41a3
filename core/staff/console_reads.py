"""What the console's Companies list and customer overview show: read models, a few queries a page.

Balances and aging come from the ledger's own report (`core.ledger.aging_report`) scoped to the customers on
the page, so the console shows the figures the statements and the dunning run see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from core.dunning.models import DunningNotice, PaymentPromise
from core.dunning.reads import last_notices
from core.kernel.db import UnitOfWork
from core.kernel.money import Money
from core.ledger.book import Aging, aging_report
from core.ledger.customer_search import search_customers
from core.ledger.models import Contact, Customer, CustomerClass, Document
from core.ledger.posting import customer_by_code
from core.outbox.models import OutboxMessage

PAGE_SIZE = 50


def no_aging(code: str, currency: str, as_of: dt.date) -> Aging:
    return Aging(code, currency, (0, 0, 0, 0, 0), 0, None, as_of)


def past_due(aging: Aging) -> Money:
    return Money.from_minor(sum(aging.buckets_minor[1:]), aging.currency)


@dataclass(frozen=True)
class CompanyRow:
    code: str
    name: str
    class_code: str
    aging: Aging
    dunning_stage: int | None
    phone: str | None = None  # the primary contact's, E.164
    similar: bool = False  # found because its name reads like the text searched, not because it holds it

    @property
    def past_due(self) -> Money:
        return past_due(self.aging)

    @property
    def days_past_due(self) -> int | None:
        days = self.aging.most_overdue_days
        return days if days is not None and days > 0 else None


@dataclass(frozen=True)
class CompanyPage:
    rows: tuple[CompanyRow, ...]
    total: int
    page: int
    pages: int


def _pages(total: int, page: int) -> tuple[int, int]:
    """How many pages `total` rows make, and `page` brought within them."""
    pages = max(1, -(-total // PAGE_SIZE))
    return min(max(page, 1), pages), pages


def _page_ids(uow: UnitOfWork, q: str, page: int) -> tuple[list[int], set[int], int, int, int]:
    """The customer ids on the page, those found by a similar name, the total, the page and the pages."""
    if not q.strip():  # everyone, by name
        total = uow.session.scalar(select(func.count(Customer.id))) or 0
        page, pages = _pages(total, page)
        by_name = uow.session.scalars(select(Customer.id).order_by(Customer.name, Customer.code)
                                      .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
        return list(by_name), set(), total, page, pages
    found = search_customers(uow.session, q)
    page, pages = _pages(len(found.ranked), page)
    ids = list(found.ranked[(page - 1) * PAGE_SIZE:page * PAGE_SIZE])
    return ids, set(found.similar), len(found.ranked), page, pages


def _primary_phones(uow: UnitOfWork, ids: list[int]) -> dict[int, str]:
    found = uow.session.execute(select(Contact.customer_id, func.min(Contact.phone))
                                .where(Contact.customer_id.in_(ids), Contact.is_primary, Contact.phone.is_not(None))
                                .group_by(Contact.customer_id))
    return {customer_id: phone for customer_id, phone in found if phone}


def find_companies(uow: UnitOfWork, q: str, as_of: dt.date, page: int = 1) -> CompanyPage:
    """Customers `q` names (see `core.ledger.customer_search`; everyone, by name, when empty), a page of
    PAGE_SIZE with balances, dunning stage and the primary contact's phone."""
    with uow:
        ids, similar, total, page, pages = _page_ids(uow, q, page)
        found = {row[0]: row for row in uow.session.execute(
            select(Customer.id, Customer.code, Customer.name, CustomerClass.code, Customer.currency)
            .join(CustomerClass, CustomerClass.id == Customer.class_id).where(Customer.id.in_(ids)))}
        phones = _primary_phones(uow, ids) if ids else {}
        agings = {(a.customer_code, a.currency): a for a in aging_report(uow.session, as_of, ids)} if ids else {}
        stages = last_notices(uow.session, ids, as_of) if ids else {}
    rows = tuple(
        CompanyRow(code, name, class_code, agings.get((code, currency)) or no_aging(code, currency, as_of),
                   stages[cid].stage if cid in stages else None, phones.get(cid), cid in similar)
        for cid, code, name, class_code, currency in (found[i] for i in ids)
    )
    return CompanyPage(rows, total, page, pages)


@dataclass(frozen=True)
class ContactRow:
    name: str
    email: str | None
    phone: str | None
    is_primary: bool
    sms_opt_out: bool
    email_opt_out: bool


@dataclass(frozen=True)
class NoticeRow:
    stage: int
    run_date: dt.date
    channel: str
    status: str  # the outbox message's: pending | approved | sent | failed | canceled


@dataclass(frozen=True)
class PromiseRow:
    promised_for: dt.date
    amount: Money | None  # None: the balance
    grace_days: int
    channel: str
    invoices: tuple[str, ...] = ()  # the invoices it is for; none: the account


@dataclass(frozen=True)
class Overview:
    code: str
    name: str
    class_code: str
    class_name: str
    allow_auto_statement: bool
    terms_days: int
    currency: str
    timezone: str
    on_hold: bool
    delivery: tuple[str, ...]
    address: tuple[str, ...]
    contacts: tuple[ContactRow, ...]
    aging: Aging  # in the customer's currency
    other_agings: tuple[Aging, ...]  # in any other currency it holds documents in
    last_notice: NoticeRow | None
    promise: PromiseRow | None
    country: str | None = None  # ISO 3166 alpha-2: its phone numbers read nationally there

    @property
    def past_due(self) -> Money:
        return past_due(self.aging)


def _address(c: Customer) -> tuple[str, ...]:
    city = " ".join(part for part in (c.city, c.region, c.postal_code) if part)
    return tuple(line for line in (c.address_line1, c.address_line2, city, c.country) if line)


def _last_notice(uow: UnitOfWork, customer_id: int, as_of: dt.date) -> NoticeRow | None:
    row = uow.session.execute(
        select(DunningNotice.stage, DunningNotice.run_date, DunningNotice.channel, OutboxMessage.status)
        .outerjoin(OutboxMessage, OutboxMessage.id == DunningNotice.outbox_id)
        .where(DunningNotice.customer_id == customer_id, DunningNotice.run_date <= as_of)
        .order_by(DunningNotice.run_date.desc(), DunningNotice.stage.desc()).limit(1)
    ).first()
    return None if row is None else NoticeRow(row[0], row[1], row[2], row[3] or "not queued")


def _open_promise(uow: UnitOfWork, customer_id: int) -> PromiseRow | None:
    promise = uow.session.scalar(
        select(PaymentPromise).where(PaymentPromise.customer_id == customer_id, PaymentPromise.status == "open")
        .order_by(PaymentPromise.promised_for.desc()).limit(1)
    )
    if promise is None:
        return None
    amount = None if promise.amount_minor is None else Money.from_minor(promise.amount_minor, promise.currency)
    numbers = tuple(uow.session.scalars(select(Document.number).where(Document.id.in_(promise.invoice_ids or []))
                                        .order_by(Document.due_date, Document.number)))
    return PromiseRow(promise.promised_for, amount, promise.grace_days, promise.channel, numbers)


def overview(uow: UnitOfWork, code: str, as_of: dt.date) -> Overview:
    with uow:
        c = customer_by_code(uow, code)
        agings = aging_report(uow.session, as_of, [c.id])
        own = next((a for a in agings if a.currency == c.currency), None) or no_aging(c.code, c.currency, as_of)
        contacts = tuple(ContactRow(p.name, p.email, p.phone, p.is_primary, p.sms_opt_out, p.email_opt_out)
                         for p in c.contacts)
        return Overview(
            c.code, c.name, c.customer_class.code, c.customer_class.name, c.customer_class.allow_auto_statement,
            c.terms_days, c.currency, c.timezone, c.on_hold, tuple(c.delivery_methods), _address(c), contacts,
            own, tuple(a for a in agings if a.currency != c.currency), _last_notice(uow, c.id, as_of),
            _open_promise(uow, c.id), c.country,
        )
