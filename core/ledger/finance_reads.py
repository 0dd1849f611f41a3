"""What a customer asking "why do I have a finance charge?" is told: the terms of their class, in the one sentence
statements print (`finance_charges.finance_charge_terms`), and the latest finance charge on their account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from core.kernel.db import UnitOfWork
from core.kernel.money import Money
from core.ledger.finance_charges import FINANCE_CHARGE, FinanceChargePolicy, finance_charge_terms
from core.ledger.models import Customer, Document


@dataclass(frozen=True)
class FinanceChargeSeen:
    """One finance charge on the ledger, as the customer sees it."""

    number: str
    assessed_on: dt.date
    period: dt.date | None  # the month it charges for (first day); None for one imported from the ERP
    amount: Money
    open: Money


@dataclass(frozen=True)
class FinanceChargeNote:
    terms: str | None  # the statement's sentence; None when the customer is not charged (no rate, or exempt)
    latest: FinanceChargeSeen | None  # the most recent finance charge not voided, paid or not


def finance_charge_note(uow: UnitOfWork, customer_id: int) -> FinanceChargeNote:
    with uow:
        customer = uow.session.get_one(Customer, customer_id)
        policy = FinanceChargePolicy.for_customer(customer.customer_class, customer.finance_charge_exempt)
        latest = uow.session.scalar(
            select(Document).where(Document.customer_id == customer_id, Document.kind == FINANCE_CHARGE,
                                   Document.voided.is_(False))
            .order_by(Document.doc_date.desc(), Document.id.desc()).limit(1))
        seen = None if latest is None else FinanceChargeSeen(latest.number, latest.doc_date, latest.charge_period,
                                                             latest.amount, latest.open)
        return FinanceChargeNote(finance_charge_terms(policy, customer.currency), seen)
