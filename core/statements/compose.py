"""From the rows a chunk reads to the `StatementSnapshot` of each of its customers.

A statement is in the customer's currency and is balance-forward: the balance brought forward (the previous
statement's, or for a first one the ledger's balance 31 days back), every entry dated since that moved it,
and the balance on the statement date, which is what was open then: debits oldest due first, aged by days
past due; credit memos and money on account apart. Should the lines not add up to that balance, an entry
dated on or before the balance forward changed after it was stated (the ERP lowered an old invoice, a late
posting was backdated): a correction line says so, so the statement still ticks. A customer with nothing
open and no activity gets no statement. The seller's branding is taken from configuration once per run.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from core.ledger.finance_charges import FINANCE_CHARGE, finance_charge_terms
from core.ledger.rules import BUCKETS, aging_bucket, days_past_due
from core.statements.queries import (
    Account,
    OpenLine,
    PreviousStatement,
    activity_between,
    balances_on,
    open_lines,
    previous_statements,
)
from core.statements.snapshots import ActivityLine, CustomerInfo, SellerInfo, SnapshotItem, StatementSnapshot

CREDIT_BUCKET = "credit"
ON_HOLD_NOTE = "Account on hold"
FIRST_STATEMENT_LOOKBACK = dt.timedelta(days=31)  # activity shown on a customer's first statement
CORRECTION = "correction"
# Same-day lines in the order a bookkeeper reads them: what was charged, then what was paid and allowed.
LINE_ORDER = ("invoice", "finance_charge", "settled_in_erp", "credit", "payment", "discount", "payment_returned",
              "discount_reversed", CORRECTION)


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
    previous = previous_statements(session, ids, statement_date)
    forward = _balances_forward(session, accounts, previous, statement_date)
    activity_by = activity_between(session, ids, min(day for day, _ in forward.values()), statement_date)
    made = {}
    for account in accounts:
        start, balance_forward = forward[account.id]
        activity = [line for currency, line in activity_by.get(account.id, []) if currency == account.currency
                    and line.date > start]
        snapshot = build_snapshot(
            seller, account.info, account.currency, statement_date, lines.get(account.id, []), activity,
            previous[account.id].statement_date if account.id in previous else None,
            finance_charge_numbers.get(account.id), account.on_hold, (start, balance_forward),
            finance_charge_terms(account.policy, account.currency),
        )
        if snapshot is not None:
            made[account.id] = snapshot
    return made


def _balances_forward(session: Session, accounts: list[Account], previous: dict[int, PreviousStatement],
                      statement_date: dt.date) -> dict[int, tuple[dt.date, int]]:
    """Each account's balance forward and its date: what its previous statement stated, when in its currency;
    otherwise the ledger's balance on the date (31 days back for a first statement)."""
    forward: dict[int, tuple[dt.date, int]] = {}
    by_date: dict[dt.date, list[Account]] = {}
    for account in accounts:
        stated = previous.get(account.id)
        if stated is not None and stated.currency == account.currency:
            forward[account.id] = (stated.statement_date, stated.balance_minor)
        else:
            day = stated.statement_date if stated else statement_date - FIRST_STATEMENT_LOOKBACK
            by_date.setdefault(day, []).append(account)
    for day, unstated in by_date.items():
        balances = balances_on(session, [a.id for a in unstated], day)
        forward |= {a.id: (day, balances.get((a.id, a.currency), 0)) for a in unstated}
    return forward


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
    balance_forward: tuple[dt.date, int],
    finance_terms: str | None = None,
) -> StatementSnapshot | None:
    """One customer's statement from their open lines and the activity since `balance_forward` (its date
    and amount); None when it would show nothing at all."""
    mine = [line for line in lines if line.currency == currency]
    items = sorted((_item(line, statement_date) for line in mine if line.is_debit),
                   key=lambda i: (i.due_date, i.number))
    credits = sorted((_item(line, statement_date) for line in mine if not line.is_debit),
                     key=lambda i: (i.doc_date, i.number))
    forward_on, forward_minor = balance_forward
    balance = sum(i.open_minor for i in items) - sum(c.open_minor for c in credits)
    correction = balance - forward_minor - sum(a.amount_minor for a in activity)
    if correction:
        activity = [*activity, ActivityLine(statement_date, "", CORRECTION, correction)]
    if not items and not credits and not activity:
        return None
    aging = dict.fromkeys(BUCKETS, 0)
    for item in items:
        aging[item.bucket] += item.open_minor
    return StatementSnapshot(
        statement_date=statement_date, currency=currency, seller=seller, customer=customer,
        items=tuple(items), credits=tuple(credits),
        finance_charges=tuple(i for i in items if i.kind == FINANCE_CHARGE and i.number == finance_charge_number),
        aging_minor=aging, activity=tuple(sorted(activity, key=_line_order)),
        previous_statement_date=previous_statement_date, notes=_notes(lines, currency, on_hold),
        finance_terms=finance_terms or "",
        balance_forward_minor=forward_minor, balance_forward_on=forward_on,
    )


def _line_order(line: ActivityLine) -> tuple[dt.date, int, str]:
    return line.date, LINE_ORDER.index(line.kind), line.reference


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
