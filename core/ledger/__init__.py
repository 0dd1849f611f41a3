"""The ledger: customers and accounts, documents, posting and allocation, aging, balances, ERP import,
finance charges.

The public surface: what the channels, the bot and the scheduler may use. Other modules here are
private to the context."""

from __future__ import annotations

from core.ledger.accounts import AccountView, InvoiceLine, OpenDebit, account, invoices, open_debits
from core.ledger.balance_check import BalanceCheck, BalanceDrift, check_balances
from core.ledger.balances import balance_today
from core.ledger.book import Aging, aging_report
from core.ledger.disputes import DisputeView, disputes, open_dispute, resolve_dispute
from core.ledger.erp import IMPORT_KINDS, ImportReport, csv_rows, missing_columns, run_import
from core.ledger.finance_reads import FinanceChargeNote, FinanceChargeSeen, finance_charge_note
from core.ledger.imports import normalize_phone
from core.ledger.invoice_comments import add_comment
from core.ledger.kept_balances import age_balances
from core.ledger.models import DELIVERY_METHODS, PAYMENT_STATUSES
from core.ledger.plans import PLAN_REASON, PlanTerms, in_current_plan, invoices_in_current_plans
from core.ledger.posting import customer_by_code, customer_name_by_id
from core.ledger.rules import BUCKETS, OTHER_REASON, AllocationRequest

__all__ = [
    "AccountView",
    "Aging",
    "AllocationRequest",
    "BUCKETS",
    "BalanceCheck",
    "BalanceDrift",
    "DELIVERY_METHODS",
    "DisputeView",
    "FinanceChargeNote",
    "FinanceChargeSeen",
    "IMPORT_KINDS",
    "ImportReport",
    "InvoiceLine",
    "OTHER_REASON",
    "OpenDebit",
    "PAYMENT_STATUSES",
    "PLAN_REASON",
    "PlanTerms",
    "account",
    "add_comment",
    "age_balances",
    "aging_report",
    "balance_today",
    "check_balances",
    "csv_rows",
    "customer_by_code",
    "customer_name_by_id",
    "disputes",
    "finance_charge_note",
    "in_current_plan",
    "invoices",
    "invoices_in_current_plans",
    "missing_columns",
    "normalize_phone",
    "open_debits",
    "open_dispute",
    "resolve_dispute",
    "run_import",
]
