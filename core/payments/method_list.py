"""Every customer's saved payment methods in one list: the console's System → Payment Methods.

Found by company ID, or by name the way the Companies page finds a company (`core.ledger.customer_search`,
misspelt names too), active or not; a page of PAGE_SIZE, by company ID. Three queries a page, whatever the book's
size: the count, the page (methods joined to their customers), and each method's latest payment (read through the
payments' customer index, since the page's customers are known); a search adds the one that finds similar names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid
from core.ledger.customer_search import search_customers, text_matches
from core.ledger.models import Customer, Payment
from core.payments.methods import MethodView
from core.payments.models import PaymentMethod

PAGE_SIZE = 100
METHOD_STATUSES = ("active", "inactive")


@dataclass(frozen=True)
class MethodFilter:
    search: str = ""  # a company ID or name, any part of it, or a name misspelt
    company: str = ""  # one company ID (customer code), exactly, in any case
    status: str = ""  # "", "active" or "inactive"


@dataclass(frozen=True)
class LastUse:
    on: dt.date  # the day the payment was made
    status: str  # the payment's: scheduled | pending | succeeded | failed | …
    failure_reason: str | None


@dataclass(frozen=True)
class MethodListRow:
    method: MethodView
    company_code: str
    company_name: str
    added_on: dt.date
    last_use: LastUse | None  # None: never used


@dataclass(frozen=True)
class MethodListPage:
    rows: tuple[MethodListRow, ...]
    total: int
    page: int
    pages: int


def _conditions(session: Session, wanted: MethodFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if wanted.status and wanted.status not in METHOD_STATUSES:
        raise Invalid(f"status: {wanted.status!r} is not one of {', '.join(METHOD_STATUSES)}", "status")
    if wanted.status:
        where.append(PaymentMethod.active.is_(wanted.status == "active"))
    if wanted.company.strip():
        where.append(func.lower(Customer.code) == wanted.company.strip().lower())
    if wanted.search.strip():
        similar = search_customers(session, wanted.search).similar
        matches = text_matches(wanted.search)
        where.append(or_(matches, Customer.id.in_(similar)) if similar else matches)
    return where


def _last_uses(session: Session, customer_ids: set[int], method_ids: list[int]) -> dict[int, LastUse]:
    latest = (select(func.max(Payment.id))
              .where(Payment.customer_id.in_(customer_ids), Payment.method_id.in_(method_ids))
              .group_by(Payment.method_id))
    found = session.execute(select(Payment.method_id, Payment.created_at, Payment.status, Payment.failure_reason)
                            .where(Payment.id.in_(latest)))
    return {method_id: LastUse(made.date(), status, reason)
            for method_id, made, status, reason in found if method_id is not None}


def all_methods(uow: UnitOfWork, wanted: MethodFilter, page: int = 1) -> MethodListPage:
    """A page of every customer's methods (deactivated ones too) that `wanted` picks, by company ID."""
    with uow:
        where = _conditions(uow.session, wanted)
        joined = select(func.count(PaymentMethod.id)).join(Customer, Customer.id == PaymentMethod.customer_id)
        total = uow.session.scalar(joined.where(*where)) or 0
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        found = uow.session.execute(
            select(PaymentMethod, Customer.code, Customer.name)
            .join(Customer, Customer.id == PaymentMethod.customer_id).where(*where)
            .order_by(Customer.code, PaymentMethod.active.desc(), PaymentMethod.id)
            .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
        methods = [method for method, _, _ in found]
        uses = _last_uses(uow.session, {m.customer_id for m in methods}, [m.id for m in methods]) if methods else {}
        rows = tuple(MethodListRow(MethodView.of(method), code, name, method.created_at.date(), uses.get(method.id))
                     for method, code, name in found)
    return MethodListPage(rows, total, page, pages)
