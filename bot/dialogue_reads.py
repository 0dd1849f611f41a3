"""What the dialogue reads of a customer's account, through the context that owns it: open invoices (ledger),
methods and scheduled payments (payments), what a reminder asked for (dunning). Plain values back.

Each read is its own short transaction (never one inside another: SQLite takes one at a time per process).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Protocol, TypeVar

from bot import nlu_slots, nlu_training
from bot.dialogue_core import Account
from bot.understanding import Parsed, parse
from core import conversations, dunning, ledger, payments
from core.bootstrap import Services
from core.dunning import Reminder
from core.ledger import OpenDebit
from core.payments import MethodsOnFile, ScheduledPayment

DUNNING_CONTEXT = dt.timedelta(days=30)  # how long "PAY" still means what a dunning message asked for


def account(services: Services, customer_id: int) -> Account:
    return conversations.customer_brief(services.db.uow(), customer_id)


def understood(services: Services, text: str, today: dt.date, customer: Account | None) -> Parsed:
    """A message read as this seller's bot reads it: its short-pay reasons, its model (retrained on its staff's
    labels by `aragent nlu retrain`, else the shipped one), and the customer's way of writing numbers and dates
    ("1.234,50" and "10/12" from a customer in Europe/Berlin are de_DE)."""
    locale = nlu_slots.locale_for(customer.timezone if customer else None, services.settings.default_country)
    return parse(text, today=today, reasons=services.settings.short_pay_reasons,
                 model=nlu_training.model_for(services.settings.data_dir), locale=locale)


def open_debits(services: Services, who: Account, today: dt.date) -> list[OpenDebit]:
    """Open invoices and finance charges, oldest due first, each with what of it is in dispute."""
    return ledger.open_debits(services.db.uow(), who.id, today, services.settings.dispute_reasons)


class _Numbered(Protocol):
    @property
    def number(self) -> str: ...


_Document = TypeVar("_Document", bound=_Numbered)


def matching(documents: Sequence[_Document], reference: str) -> list[_Document]:
    """The documents a customer's reference names, the closest reading first: the number as written ("INV-1042"),
    the number without the ERP's letters ("1042" or "2026-0311" for "INV-2026-0311"), or its digits without the
    leading zeros ("1042" for "INV-001042"). Several: the caller asks which one."""
    ref = reference.strip().lower().lstrip("#")
    for names in (_as_written, _without_letters, _by_last_digits):
        found = [document for document in documents if names(document.number.strip().lower(), ref)]
        if found:
            return found
    return []


def _as_written(number: str, reference: str) -> bool:
    return number == reference


def _without_letters(number: str, reference: str) -> bool:
    return re.sub(r"^[a-z]+[\s#:_-]*", "", number) == reference


def _by_last_digits(number: str, reference: str) -> bool:
    """ "1043" names "INV-001043"; but "0311" is only a part of "INV-2026-0311", which names nothing."""
    digits = re.fullmatch(r"[a-z]*[\s#:_-]*0*(\d+)", number)
    return reference.isdigit() and digits is not None and digits.group(1) == reference.lstrip("0")


def methods(services: Services, who: Account) -> MethodsOnFile:
    """The active methods and the default among them (core.payments' one rule for every channel)."""
    return payments.methods_on_file(services.db.uow(), who.code)


def dunned_numbers(services: Services, who: Account, today: dt.date) -> list[str]:
    """The invoices the latest recent dunning message named and asked the customer to pay."""
    return dunning.dunned_invoices(services.db.uow(), who.id, today - DUNNING_CONTEXT)


def reminder(services: Services, who: Account, today: dt.date) -> Reminder | None:
    """The latest recent dunning message (its date, channel and the invoices it named): what "pay it" answers."""
    return dunning.latest_reminder(services.db.uow(), who.id, today - DUNNING_CONTEXT)


def reminders_paused(services: Services, who: Account, today: dt.date) -> bool:
    """Staff put the account on dunning hold: no answer may say reminders will come (the reason stays internal)."""
    return dunning.account_hold(services.db.uow(), who.id, today) is not None


def scheduled_payments(services: Services, who: Account) -> list[ScheduledPayment]:
    return payments.scheduled_payments(services.db.uow(), who.code)


def latest_succeeded_payment(services: Services, who: Account) -> int | None:
    return payments.latest_succeeded_payment(services.db.uow(), who.code)
