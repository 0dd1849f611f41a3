"""What a dunning run reads: the accounts, and for each chunk of customers everything the rules look at.

Set-based: one query per kind of row for a whole chunk, never a query per customer. What was open on the
run date comes from the ledger's as-of rows (`core.ledger.book.open_rows`), so a notice asks for exactly what
the aging report and the statement show.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import ColumnElement, Integer, Select, any_, bindparam, exists, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session

from core.dunning.models import DunningNotice, PaymentPromise
from core.dunning.rules import LastNotice, OpenDebit
from core.ledger.book import AS_OF, as_of_params, open_rows
from core.ledger.disputes import claimed_in_open_disputes, in_dispute, withheld_with_dispute_reason
from core.ledger.models import Contact, Customer, CustomerClass, Document, InvoiceHold
from core.ledger.plans import in_current_plan
from core.outbox import ContactPoint
from core.statements.models import Statement


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    code: str
    name: str
    class_id: int
    allow_auto_statement: bool
    delivery: tuple[str, ...]
    fax: str | None
    currency: str


def among(session: Session, column: ColumnElement[int] | InstrumentedAttribute[int],
          ids: list[int]) -> ColumnElement[bool]:
    """`column IN ids`; on PostgreSQL as `= ANY(array)`: one parameter instead of thousands of placeholders,
    which psycopg would parse in Python on every chunk."""
    if _postgres(session):
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(ids)


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def accounts(session: Session, codes: Sequence[str] | None) -> dict[str, Account]:
    """Every customer (or those of `codes`) with what the run's first checks need, by code."""
    query = (select(Customer.id, Customer.code, Customer.name, Customer.class_id,
                    CustomerClass.allow_auto_statement, Customer.delivery, Customer.fax, Customer.currency)
             .join(CustomerClass, CustomerClass.id == Customer.class_id))
    if codes is not None:
        query = query.where(Customer.code.in_(codes))
    return {row[1]: Account(row[0], row[1], row[2], row[3], row[4], tuple(m for m in row[5].split(";") if m),
                            row[6], row[7]) for row in session.execute(query)}


def contact_points(session: Session, customer_ids: list[int]) -> dict[int, list[ContactPoint]]:
    query = (select(Contact.customer_id, Contact.email, Contact.phone, Contact.telegram_user_id,
                    Contact.email_opt_out, Contact.sms_opt_out, Contact.is_primary, Contact.id)
             .where(among(session, Contact.customer_id, customer_ids)))
    found: dict[int, list[ContactPoint]] = defaultdict(list)
    for customer_id, email, phone, telegram, email_opt_out, sms_opt_out, primary, contact_id in session.execute(query):
        found[customer_id].append(ContactPoint(email, phone, telegram, email_opt_out, sms_opt_out, primary, contact_id))
    return found


def open_promises(session: Session, customer_ids: list[int]) -> dict[int, tuple[dt.date, int]]:
    """Each customer's open promise to pay that holds dunning off longest: (promised for, grace days)."""
    query = (select(PaymentPromise.customer_id, PaymentPromise.promised_for, PaymentPromise.grace_days)
             .where(among(session, PaymentPromise.customer_id, customer_ids), PaymentPromise.status == "open"))
    found: dict[int, tuple[dt.date, int]] = {}
    for customer_id, promised_for, grace in session.execute(query):
        held = found.get(customer_id)
        if held is None or promised_for + dt.timedelta(days=grace) > held[0] + dt.timedelta(days=held[1]):
            found[customer_id] = (promised_for, grace)
    return found


def last_notices(session: Session, customer_ids: list[int], as_of: dt.date) -> dict[int, LastNotice]:
    """Each customer's latest notice on or before `as_of` (its most severe stage, if a day had two)."""
    n = DunningNotice.__table__
    latest = (select(n.c.customer_id, func.max(n.c.run_date).label("run_date"))
              .where(among(session, n.c.customer_id, customer_ids), n.c.run_date <= as_of)
              .group_by(n.c.customer_id).subquery())
    query = (select(n.c.customer_id, n.c.run_date, func.max(n.c.stage))
             .join(latest, (latest.c.customer_id == n.c.customer_id) & (latest.c.run_date == n.c.run_date))
             .group_by(n.c.customer_id, n.c.run_date))
    return {customer_id: LastNotice(stage, _date(day)) for customer_id, day, stage in session.execute(query)}


def notices_on(session: Session, customer_ids: list[int], run_date: dt.date) -> dict[int, DunningNotice]:
    """The notices already queued for `run_date`: a rerun of the date reports them and queues nothing."""
    query = select(DunningNotice).where(among(session, DunningNotice.customer_id, customer_ids),
                                        DunningNotice.run_date == run_date)
    return {notice.customer_id: notice for notice in session.scalars(query)}


def latest_statements(session: Session, customer_ids: list[int], as_of: dt.date) -> dict[int, tuple[int, dt.date]]:
    """Each customer's latest statement dated on or before `as_of` (id, date): the one a notice carries."""
    s = Statement.__table__
    latest = (select(s.c.customer_id, func.max(s.c.statement_date).label("day"))
              .where(among(session, s.c.customer_id, customer_ids), s.c.statement_date <= as_of)
              .group_by(s.c.customer_id).subquery())
    query = select(s.c.customer_id, s.c.id, s.c.statement_date).join(
        latest, (latest.c.customer_id == s.c.customer_id) & (latest.c.day == s.c.statement_date))
    return {customer_id: (statement_id, _date(day)) for customer_id, statement_id, day in session.execute(query)}


@cache
def _open_debits_select(postgres: bool) -> Select:
    """Per open debit as of the date: customer, id, number, currency, due date, open amount, held, withheld with a
    dispute reason, claimed by open disputes.

    SQLite takes the ledger's rows scoped by an IN list; PostgreSQL the unscoped rows with `= ANY(:customers)`
    on top, which it pushes down into every part of the union (and psycopg has one parameter to bind).
    """
    rows = open_rows(scoped=not postgres)
    where: list[ColumnElement[bool]] = [rows.c.kind.not_in(("credit", "payment"))]
    if postgres:
        where.append(rows.c.customer_id == any_(bindparam("customer_array", type_=ARRAY(Integer))))
    per_doc = (select(rows.c.customer_id, rows.c.currency, rows.c.document_id, rows.c.due_date,
                      func.sum(rows.c.open_minor).label("open_minor"))
               .where(*where)
               .group_by(rows.c.customer_id, rows.c.currency, rows.c.document_id, rows.c.due_date)
               .subquery("per_doc"))
    withheld = withheld_with_dispute_reason(per_doc.c.document_id, bindparam("dispute_reasons", expanding=True),
                                            AS_OF)
    # In a scheduled or pending payment, or carried by a current instalment plan (core.ledger.plans).
    held = or_(exists().where(InvoiceHold.invoice_id == per_doc.c.document_id), in_current_plan(per_doc.c.document_id))
    return (select(per_doc.c.customer_id, per_doc.c.document_id, Document.number, per_doc.c.currency,
                   per_doc.c.due_date, per_doc.c.open_minor, held, withheld,
                   claimed_in_open_disputes(per_doc.c.document_id))
            .join(Document, Document.id == per_doc.c.document_id)
            .where(per_doc.c.open_minor > 0))


def open_debits(session: Session, customer_ids: list[int], as_of: dt.date,
                dispute_reasons: Sequence[str]) -> dict[int, list[OpenDebit]]:
    """The customers' invoices and finance charges open on `as_of`, flagged when in a payment, with what of each is
    in dispute (the ledger's one rule, `core.ledger.disputes.in_dispute`; open disputes count as they stand)."""
    postgres = _postgres(session)
    scope = {"customer_array": customer_ids} if postgres else {"customer_ids": customer_ids}
    params = {**as_of_params(as_of), **scope, "dispute_reasons": list(dispute_reasons)}
    found: dict[int, list[OpenDebit]] = defaultdict(list)
    for customer_id, doc_id, number, currency, due, open_minor, held, withheld, claimed in session.execute(
            _open_debits_select(postgres), params):
        disputed = in_dispute(int(open_minor), withheld=bool(withheld), claimed_minor=int(claimed or 0))
        found[customer_id].append(OpenDebit(doc_id, number, currency, _date(due), int(open_minor), bool(held),
                                            disputed))
    return found


def _date(value: dt.date | str) -> dt.date:
    # SQLite hands back aggregated dates (min, max) as ISO text.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
