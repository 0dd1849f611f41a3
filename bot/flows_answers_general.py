"""Everyday questions, each answered in one step from idle back to idle: who the assistant is, thanks, why there
is a finance charge, where to send a check or a wire.

    idle ──who_are_you │ thanks │ finance_charge │ remit_to──▶ idle

The finance charge is explained in the one sentence statements print (core.ledger.finance_charge_note), the
addresses are the seller's letterhead (services.seller): nothing here states a rule of its own.

`late_warning` is for the payment flows: the sentence a quote dated after an invoice's due date carries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from bot import dialogue_reads as reads
from bot import texts
from bot.dialogue_core import Step, Turn, say
from core.ledger import finance_charge_note


def who_are_you(turn: Turn, ctx: dict[str, Any]) -> Step:
    return say(texts.WHO_I_AM.format(seller=turn.services.settings.seller_name))


def thanks(turn: Turn, ctx: dict[str, Any]) -> Step:
    return say(texts.YOURE_WELCOME)


def finance_charge(turn: Turn, ctx: dict[str, Any]) -> Step:
    note = finance_charge_note(turn.services.db.uow(), turn.account.id)
    lines = []
    if note.latest is None:
        lines.append("There is no finance charge on your account.")
    else:
        charge = note.latest
        period = f" for {charge.period:%B %Y}" if charge.period else ""
        standing = "paid" if not charge.open.is_positive() else (
            "not paid yet" if charge.open == charge.amount else f"{texts.money(charge.open)} of it still open")
        lines.append(f"Your latest finance charge is {charge.number}, {texts.money(charge.amount)} assessed "
                     f"{texts.day(charge.assessed_on)}{period} on what was past due; {standing}.")
    if note.terms:
        lines.append(note.terms)
        lines.append("Paying what is past due avoids the next one: say PAY OVERDUE.")
    elif note.latest is not None:
        lines.append("Your account is not charged finance charges any more.")
    if note.latest is not None:
        lines.append(f"If you think it is wrong, say DISPUTE {note.latest.number}.")
    return say(" ".join(lines))


def remit_to(turn: Turn, ctx: dict[str, Any]) -> Step:
    seller, code = turn.services.seller, turn.account.code
    lines = [f"Please mail checks, payable to {seller.name}, to:", *seller.remit_to,
             f"Write your customer number {code} on the check."]
    if seller.bank is not None:
        bank = seller.bank
        swift = f", SWIFT {bank.swift}" if bank.swift else ""
        lines.append(f"For ACH or a wire: to {bank.account_name}, {bank.bank_name}, routing (ABA) {bank.routing}, "
                     f"account {bank.account}{swift}; reference {code}.")
    lines.append("Or say PAY to pay by card or bank account here.")
    return say("\n".join(lines))


def late_warning(turn: Turn, numbers: Sequence[str], pay_on: dt.date) -> str | None:
    """"104108 is due Dec 1; paying on Dec 15 is 14 days late and may add a finance charge." for a payment of
    `numbers` dated `pay_on`; None when each is paid by its due date. For the quote of a scheduled payment."""
    due = [(d.number, d.due_date) for d in reads.open_debits(turn.services, turn.account, turn.today)
           if d.number in numbers]
    if not any(when < pay_on for _, when in due):
        return None
    charged = finance_charge_note(turn.services.db.uow(), turn.account.id).terms is not None
    return texts.late_payment_warning(due, pay_on, today=turn.today, finance_charge=charged)
