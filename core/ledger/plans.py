"""Instalment plans as the ledger knows them: which invoices a current plan carries, and a class's plan policy.

Below payments and dunning both: a payment refuses an invoice in a current plan (its instalments carry it), and a
dunning run leaves such an invoice out, as it does an invoice in a scheduled payment. The plans themselves are
agreed, charged, checked and broken by `core.payments` (plans, plan_checks).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from core.kernel.config import PlanDefaults
from core.kernel.money import Money
from core.ledger.models import Document, PaymentPlan, PlanInvoice, PlanPolicy

PLAN_REASON = "Instalment plan"  # the short reason on an instalment's lines: a part paid as agreed, no dispute


@dataclass(frozen=True)
class PlanTerms:
    """What a plan may be for one customer (their class's policy, or the defaults)."""

    max_instalments: int
    min_instalment: Money
    max_days: int
    first_due_now: bool
    grace_days: int
    own: bool = False  # the class has a policy of its own (else the settings' defaults)


def in_current_plan(invoice_id: ColumnElement[int] | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """SQL: the invoice is carried by a plan that is current."""
    return exists().where(PlanInvoice.invoice_id == invoice_id, PlanInvoice.plan_id == PaymentPlan.id,
                          PaymentPlan.status == "current")


def invoices_in_current_plans(session: Session, invoice_ids: Iterable[int]) -> dict[int, int]:
    """Of `invoice_ids`, those a current plan carries: invoice id → plan id."""
    ids = list(invoice_ids)
    if not ids:
        return {}
    rows = session.execute(select(PlanInvoice.invoice_id, PlanInvoice.plan_id)
                           .join(PaymentPlan, PaymentPlan.id == PlanInvoice.plan_id)
                           .where(PlanInvoice.invoice_id.in_(ids), PaymentPlan.status == "current"))
    return {invoice_id: plan_id for invoice_id, plan_id in rows}


def plan_numbers(session: Session, customer_id: int) -> dict[str, int]:
    """The customer's invoices in a current plan: number → plan id."""
    rows = session.execute(select(Document.number, PlanInvoice.plan_id)
                           .join(PlanInvoice, PlanInvoice.invoice_id == Document.id)
                           .join(PaymentPlan, PaymentPlan.id == PlanInvoice.plan_id)
                           .where(PaymentPlan.customer_id == customer_id, PaymentPlan.status == "current"))
    return {number: plan_id for number, plan_id in rows}


def plan_terms(session: Session, class_id: int, currency: str, defaults: PlanDefaults) -> PlanTerms:
    """The class's plan policy, or the settings' defaults when it has none."""
    policy = session.get(PlanPolicy, class_id)
    if policy is None:
        return PlanTerms(defaults.max_instalments, Money.of(defaults.min_instalment, currency), defaults.max_days,
                         defaults.first_due_now, defaults.grace_days)
    return PlanTerms(policy.max_instalments, Money.from_minor(policy.min_instalment_minor, currency), policy.max_days,
                     policy.first_due_now, policy.grace_days, own=True)
