"""The cycle's first step: assess each customer's finance charge for the period, once.

`core.ledger.finance_charges` says what a customer is charged and for which period; this step reads the open
debits of a chunk's customers as of the assessment date and posts the charges as `finance_charge` documents.
A customer already charged for the period (by an earlier cycle, on any date, an earlier attempt at this one,
or another worker) is charged nothing: the step reads the period's charges after the cycle has locked the
customers, and UNIQUE(customer_id, charge_period) on documents refuses a second one all the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.money import Money
from core.ledger.finance_charges import FINANCE_CHARGE, OpenDebit, charge_period, finance_charge
from core.ledger.models import Document
from core.ledger.rules import due_date_for
from core.statements.queries import Account, OpenLine, open_lines


def finance_charge_number(customer_code: str, assessed_on: dt.date) -> str:
    """The charge's number names its assessment date; its period (`charge_period`) is what makes it once."""
    return f"FC-{customer_code}-{assessed_on:%Y%m%d}"


@dataclass(frozen=True)
class Assessment:
    numbers: dict[int, str]  # customer id -> this cycle's finance charge, made now or by an earlier attempt
    assessed: int  # made now
    already_charged: int = 0  # customers charged nothing, their charge for the period being made


def assess_finance_charges(
    session: Session, accounts: list[Account], on: dt.date | None, *, statement_date: dt.date, actor: Actor
) -> Assessment:
    """Charge the `accounts` their finance charge assessed `on` (None: assess none) unless already charged."""
    liable = [a for a in accounts if a.policy.charges]
    if on is None or not liable:
        return Assessment({}, 0)
    period = charge_period(on)
    charged = charged_for(session, [a.id for a in liable], period)
    debits = open_lines(session, [a.id for a in liable if a.id not in charged], on)
    documents = []
    for account in liable:
        charge = None if account.id in charged else _charge_for(account, debits.get(account.id, []), on)
        if charge is not None:
            number = finance_charge_number(account.code, on)
            documents.append(_finance_charge_document(account, number, charge, on))
            audit.record(
                session, actor, "finance_charge.assessed", customer_id=account.id,
                subject=f"document:{number}", amount=str(charge.amount), currency=charge.currency,
                assessed_on=on.isoformat(), period=period.isoformat(), statement_date=statement_date.isoformat(),
                monthly_rate=str(account.policy.monthly_rate),
            )
    if documents:
        session.execute(insert(Document), documents)
    # The statement names the charge assessed on this cycle's date (now, or by an earlier attempt at this run),
    # not one an earlier cycle in the period made: that one was on its own statement.
    ours = {a.id: finance_charge_number(a.code, on) for a in liable}
    resumed = {cid: number for cid, number in charged.items() if number == ours[cid]}
    return Assessment(resumed | {d["customer_id"]: d["number"] for d in documents}, len(documents), len(charged))


def charged_for(session: Session, customer_ids: list[int], period: dt.date) -> dict[int, str]:
    """The customers of `customer_ids` whose finance charge for `period` is made, with its number."""
    query = select(Document.customer_id, Document.number).where(
        Document.customer_id.in_(customer_ids), Document.charge_period == period
    )
    return {cid: number for cid, number in session.execute(query)}


def _charge_for(account: Account, lines: list[OpenLine], on: dt.date) -> Money | None:
    debits = [
        OpenDebit(line.kind, line.due_date, Money.from_minor(line.open_minor, line.currency))
        for line in lines
        if line.is_debit and line.currency == account.currency and line.due_date is not None
    ]
    return finance_charge(account.policy, debits, on)


def _finance_charge_document(account: Account, number: str, charge: Money, on: dt.date) -> dict:
    # Due on the customer's terms like any invoice of theirs, so the charge is not itself past due at once.
    return {
        "customer_id": account.id, "kind": FINANCE_CHARGE, "number": number, "doc_date": on,
        "due_date": due_date_for(on, account.terms_days), "currency": charge.currency,
        "amount_minor": charge.minor, "open_minor": charge.minor, "charge_period": charge_period(on),
    }
