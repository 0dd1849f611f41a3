"""Answers about the account, each one step from idle back to idle: balance, invoices, statement, history,
receipt and help. The list of invoices stays in the context, so "pay 2" and "the second one" can follow.

    idle ──balance │ statement │ history │ receipt │ help──▶ idle
    idle ──invoices──▶ list_shown (a bare "2" or "the second one" then picks that invoice to pay)

The balance is read in one query (core.ledger.balances): it is what customers ask for most, and a reply's time is
mostly its round trips to the database.
"""

from __future__ import annotations

from typing import Any

from bot import dialogue_reads as reads
from bot import flows_pay, texts
from bot.dialogue_core import Step, Turn, say
from bot.turns import Button, Reply
from core.documents import document_link
from core.kernel import ARError
from core.ledger import balance_today
from core.payments import customer_receipt, payment_history
from core.statements import ensure_statement_pdf, list_statements

HISTORY_LENGTH = 5
LINKED_CHANNELS = ("sms", "cli")  # no attachments: the document goes as a signed link


def balance(turn: Turn, ctx: dict[str, Any]) -> Step:
    balances = balance_today(turn.services.db.uow(), turn.account.id, turn.today)
    if all(b.balance_minor == 0 for b in balances):
        return say("You have no balance — nothing is due. Thank you!")
    lines = []
    for position in balances:
        if position.balance_minor < 0:
            lines.append(f"You have a credit of {texts.money(-position.balance)} on your account.")
            continue
        line = f"Your balance is {texts.money(position.balance)}."
        if position.oldest_overdue is not None:
            line += (f" Past due: {texts.money(position.past_due)}; the oldest, {position.oldest_overdue}, is "
                     f"{position.days_overdue} days overdue.")
        else:
            line += " Nothing is past due."
        lines.append(line)
    buttons = (Button("Pay overdue", "pay overdue"), Button("Invoices", "invoices")) if any(
        b.past_due_minor > 0 for b in balances) else (Button("Invoices", "invoices"),)
    return say(" ".join(lines) + " Say PAY to pay, or INVOICES to see them.", *buttons)


def invoices(turn: Turn, ctx: dict[str, Any]) -> Step:
    debits = reads.open_debits(turn.services, turn.account, turn.today)
    if not debits:
        return say("You have no open invoices. Thank you!")
    ctx["list"] = [d.number for d in debits]
    rows = []
    for i, d in enumerate(debits, start=1):
        when = f"{d.days_past_due} days overdue" if d.days_past_due > 0 else f"due {texts.day(d.due_date)}"
        rows.append(f"{i}. {d.number} — {texts.money(d.open)}, {when}" + (" (payment on its way)" if d.held else ""))
    buttons = [Button(f"Pay {i}", f"pick:{i}") for i, d in enumerate(debits[:flows_pay.MAX_LISTED], start=1)
               if not d.held]
    hint = "Say PAY 1 to pay it." if len(debits) == 1 else "Say PAY 2 to pay the second one, or PAY ALL."
    return say("Your open invoices:\n" + "\n".join(rows) + "\n" + hint, *buttons, state="list_shown")


def statement(turn: Turn, ctx: dict[str, Any]) -> Step:
    found = list_statements(turn.services.db.uow(), customer_code=turn.account.code)
    month = turn.parsed.month
    if month is not None:
        found = [s for s in found if s.statement_date.strftime("%Y-%m") == month]
    if not found:
        named = f" for {_month_name(month)}" if month else ""
        return say(f"I don't have a statement{named} for you. Say BALANCE for your account as of today.")
    latest = found[0]
    info, _ = ensure_statement_pdf(turn.services.db, turn.services.files, latest.id)
    link = document_link(turn.services.settings, info.id, now=turn.now) \
        if turn.inbound.channel in LINKED_CHANNELS else None
    text = (f"Your statement of {texts.day(latest.statement_date)}: balance {texts.money(latest.balance)}."
            + (f"\n{link}" if link else ""))
    return Step([Reply(text, document_file_id=info.id, link=link)])


def _month_name(month: str) -> str:
    year, number = month.split("-")
    names = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
    return f"{names[int(number) - 1]} {year}"


def history(turn: Turn, ctx: dict[str, Any]) -> Step:
    payments = payment_history(turn.services.db.uow(), turn.account.code, limit=HISTORY_LENGTH)
    if not payments:
        return say("I see no payments on your account yet.")
    rows = [f"{p.received_on:%b} {p.received_on.day}: {texts.money(p.amount)} by {p.method}, {p.status}"
            + (f" ({', '.join(p.invoices)})" if p.invoices else "") for p in payments]
    return say("Your latest payments:\n" + texts.bullets(rows) + "\nSay RECEIPT for the receipt of the latest one.")


def receipt(turn: Turn, ctx: dict[str, Any]) -> Step:
    payment_id = reads.latest_succeeded_payment(turn.services, turn.account)
    if payment_id is None:
        return say("I have no completed payment to send a receipt for yet.")
    try:
        info, _ = customer_receipt(turn.services.db.uow(), turn.services.files, turn.account.code, payment_id,
                                   turn.services.seller)
    except ARError as refused:
        return say(f"I couldn't make that receipt: {refused}")
    link = document_link(turn.services.settings, info.id, now=turn.now) \
        if turn.inbound.channel in LINKED_CHANNELS else None
    text = f"Here is the receipt of payment P-{payment_id}." + (f"\n{link}" if link else "")
    return Step([Reply(text, document_file_id=info.id, link=link)])


def help_(turn: Turn, ctx: dict[str, Any]) -> Step:
    return say(texts.HELP)
