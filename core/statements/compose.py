"""From the rows a chunk reads to the `StatementSnapshot` of each of its customers.

A statement is in the customer's currency and shows what was open on the statement date: debits oldest
due first, aged by days past due; credit memos and money on account apart; the money received since the
previous statement (or over the last 31 days, for a first one). A customer with none of these gets no
statement. The seller's branding is taken from configuration once per run.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from core.ledger.finance_charges import FINANCE_CHARGE
from core.ledger.rules import BUCKETS, aging_bucket, days_past_due
from core.statements.queries import Account, OpenLine, activity_between, open_lines, previous_statement_dates
from core.statements.snapshots import ActivityLine, CustomerInfo, SellerInfo, SnapshotItem, StatementSnapshot

CREDIT_BUCKET = "credit"
ON_HOLD_NOTE = "Account on hold"
FIRST_STATEMENT_LOOKBACK = dt.timedelta(days=31)  # activity shown on a customer's first statement


def snapshots_for(
    session: Session,
    seller: SellerInfo,
    statement_date: dt.date,
    accounts: list[Account],
    finance_charge_numbers: dict[int, str],
) -> dict[int, StatementSnapshot]:
    """The statement of each account that has something to show, by customer id.

    `finance_charge_numbers`: the finance charge each customer was assessed this cycle, if any.
    """
    if not accounts:
        return {}
    ids = [a.id for a in accounts]
    lines = open_lines(session, ids, statement_date)
    previous = previous_statement_dates(session, ids, statement_date)
    since = {cid: previous.get(cid, statement_date - FIRST_STATEMENT_LOOKBACK) for cid in ids}
    received_by = activity_between(session, ids, min(since.values()), statement_date)
    made = {}
    for account in accounts:
        received = [line for currency, line in received_by.get(account.id, []) if currency == account.currency
                    and line.date > since[account.id]]
        snapshot = build_snapshot(
            seller, account.info, account.currency, statement_date, lines.get(account.id, []), received,
            previous.get(account.id), finance_charge_numbers.get(account.id), account.on_hold,
        )
        if snapshot is not None:
            made[account.id] = snapshot
    return made


def build_snapshot(
    seller: SellerInfo,
    customer: CustomerInfo,
    currency: str,
    statement_date: dt.date,
    lines: list[OpenLine],
    activity: list[ActivityLine],
    previous_statement_date: dt.date | None,
    finance_charge_number: str | None,
    on_hold: bool,
) -> StatementSnapshot | None:
    """One customer's statement from their open lines; None when it would show nothing at all."""
    mine = [line for line in lines if line.currency == currency]
    items = sorted((_item(line, statement_date) for line in mine if line.is_debit),
                   key=lambda i: (i.due_date, i.number))
    credits = sorted((_item(line, statement_date) for line in mine if not line.is_debit),
                     key=lambda i: (i.doc_date, i.number))
    if not items and not credits and not activity:
        return None
    aging = dict.fromkeys(BUCKETS, 0)
    for item in items:
        aging[item.bucket] += item.open_minor
    return StatementSnapshot(
        statement_date=statement_date, currency=currency, seller=seller, customer=customer,
        items=tuple(items), credits=tuple(credits),
        finance_charges=tuple(i for i in items if i.kind == FINANCE_CHARGE and i.number == finance_charge_number),
        aging_minor=aging, activity=tuple(sorted(activity, key=lambda a: (a.date, a.reference))),
        previous_statement_date=previous_statement_date, notes=_notes(lines, currency, on_hold),
    )


def _item(line: OpenLine, statement_date: dt.date) -> SnapshotItem:
    if not line.is_debit or line.due_date is None:
        return SnapshotItem(line.kind, line.number, line.doc_date, None, line.po, line.amount_minor,
                            line.open_minor, 0, CREDIT_BUCKET)
    days = days_past_due(line.due_date, statement_date)
    return SnapshotItem(line.kind, line.number, line.doc_date, line.due_date, line.po, line.amount_minor,
                        line.open_minor, days, aging_bucket(days))


def _notes(lines: list[OpenLine], currency: str, on_hold: bool) -> tuple[str, ...]:
    notes = [ON_HOLD_NOTE] if on_hold else []
    # One statement per customer and date, in the customer's currency: say so rather than drop items quietly.
    others = sorted({line.currency for line in lines if line.currency != currency})
    if others:
        notes.append(f"Open items in {', '.join(others)} are not on this statement.")
    return tuple(notes)
