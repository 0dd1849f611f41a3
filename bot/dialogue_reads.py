"""What the dialogue reads of a customer's account, through the context that owns it: open invoices (ledger),
methods and scheduled payments (payments), what a reminder asked for (dunning). Plain values back.

Each read is its own short transaction (never one inside another: SQLite takes one at a time per process).
"""

from __future__ import annotations

import datetime as dt
import re

from bot.dialogue_core import Account
from core import conversations, dunning, ledger, payments
from core.bootstrap import Services
from core.dunning import Reminder
from core.ledger import OpenDebit
from core.payments import MethodsOnFile, ScheduledPayment

DUNNING_CONTEXT = dt.timedelta(days=30)  # how long "PAY" still means what a dunning message asked for


def account(services: Services, customer_id: int) -> Account:
    return conversations.customer_brief(services.db.uow(), customer_id)


def open_debits(services: Services, who: Account, today: dt.date) -> list[OpenDebit]:
    """Open invoices and finance charges, oldest due first, each with what of it is in dispute."""
    return ledger.open_debits(services.db.uow(), who.id, today, services.settings.dispute_reasons)


def matching(debits: list[OpenDebit], reference: str) -> list[OpenDebit]:
    """The open debits a customer's reference names: "INV-1042", or just its number "1042"."""
    ref = reference.strip().lower()
    exact = [d for d in debits if d.number.lower() == ref]
    if exact:
        return exact
    digits = ref.lstrip("#")
    return [d for d in debits if (m := re.search(r"(\d+)$", d.number)) and m.group(1).lstrip("0") == digits.lstrip("0")]


def methods(services: Services, who: Account) -> MethodsOnFile:
    """The active methods and the default among them (core.payments' one rule for every channel)."""
    return payments.methods_on_file(services.db.uow(), who.code)


def dunned_numbers(services: Services, who: Account, today: dt.date) -> list[str]:
    """The invoices the latest recent dunning message named and asked the customer to pay."""
    return dunning.dunned_invoices(services.db.uow(), who.id, today - DUNNING_CONTEXT)


def reminder(services: Services, who: Account, today: dt.date) -> Reminder | None:
    """The latest recent dunning message (its date, channel and the invoices it named): what "pay it" answers."""
    return dunning.latest_reminder(services.db.uow(), who.id, today - DUNNING_CONTEXT)


def scheduled_payments(services: Services, who: Account) -> list[ScheduledPayment]:
    return payments.scheduled_payments(services.db.uow(), who.code)


def latest_succeeded_payment(services: Services, who: Account) -> int | None:
    return payments.latest_succeeded_payment(services.db.uow(), who.code)
