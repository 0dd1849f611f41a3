"""Answers about the account, each one step from idle back to idle: balance, invoices, statement, history,
receipt and help. The list of invoices stays in the context, so "pay 2" and "the second one" can follow.

    idle ──balance │ statement │ history │ receipt │ help──▶ idle
    idle ──invoices──▶ list_shown (a bare "2" or "the second one" then picks that invoice to pay)
    idle ──invoices naming some ("send me a copy of 104108")──▶ their PDFs ──▶ idle (an unknown one: the list)

A statement is a snapshot of a past day: its amount is always told beside the balance today.

The balance is read in one query (core.ledger.balances): it is what customers ask for most, and a reply's time is
mostly its round trips to the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot import dialogue_reads as reads
from bot import flows_pay, texts
from bot.dialogue_core import Step, Turn, prefixed, say
from bot.turns import Button, Reply
from core import ledger
from core.bootstrap import Services
from core.documents import document_link, invoice_pdf
from core.kernel import ARError, Money
from core.ledger import InvoiceLine, balance_today
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
                     f"{texts.count(position.days_overdue or 0, 'day')} overdue.")
        else:
            line += " Nothing is past due."
        lines.append(line)
    buttons = (Button("Pay overdue", "pay overdue"), Button("Invoices", "invoices")) if any(
        b.past_due_minor > 0 for b in balances) else (Button("Invoices", "invoices"),)
    return say(" ".join(lines) + " Say PAY to pay, or INVOICES to see them.", *buttons)


def invoices(turn: Turn, ctx: dict[str, Any]) -> Step:
    if turn.parsed.invoices:
        return invoice_copies(turn, ctx)
    return open_list(turn, ctx)


def open_list(turn: Turn, ctx: dict[str, Any]) -> Step:
    debits = reads.open_debits(turn.services, turn.account, turn.today)
    if not debits:
        return say("You have no open invoices. Thank you!")
    ctx["list"] = [d.number for d in debits]
    scheduled = {number: s.on for s in reads.scheduled_payments(turn.services, turn.account) for number in s.invoices
                 } if any(d.held for d in debits) else {}
    rows = []
    for i, d in enumerate(debits, start=1):
        when = (f"{texts.count(d.days_past_due, 'day')} overdue" if d.days_past_due > 0
                else f"due {texts.day(d.due_date)}")
        held = ""
        if d.held:  # in a payment: one waiting for its date, or one the processor has
            held = f" (scheduled for {texts.day(scheduled[d.number])})" if d.number in scheduled \
                else " (payment being processed)"
        rows.append(f"{i}. {d.number} — {texts.money(d.open)}, {when}{held}{flows_pay.in_dispute_note(d)}")
    # A button's number is its row's, as the picker's are: typed or pressed, "7" is the 7th row.
    buttons = [Button(f"{i}. {d.number} — {texts.money(d.open)}", f"pick:{i}")
               for i, d in enumerate(debits[:flows_pay.MAX_LISTED], start=1) if not d.held]
    hint = "Say PAY 1 to pay it." if len(debits) == 1 else "Say PAY 2 to pay the second one, or PAY ALL."
    return say("Your open invoices:\n" + "\n".join(rows) + "\n" + hint, *buttons, state="list_shown")


def invoice_copies(turn: Turn, ctx: dict[str, Any]) -> Step:
    """The PDF of each invoice named, open or paid; one not on the account gets the open list to choose from."""
    replies: list[Reply] = []
    for reference in turn.parsed.invoices:
        found = _named(ledger.invoices(turn.services.db.uow(), turn.account.code, turn.today, status="all",
                                      search=reference.lstrip("#")), reference)
        if found is None:
            return prefixed(open_list(turn, ctx), f"I can't find invoice {reference} on your account. ")
        replies.append(_invoice_copy(turn, found))
    return Step(replies)


def _named(lines: list[InvoiceLine], reference: str) -> InvoiceLine | None:
    """The one document a reference names: "INV-1042", "1042" or "2026-0311" (dialogue_reads.matching)."""
    found = reads.matching(lines, reference)
    return found[0] if len(found) == 1 else None


def _invoice_copy(turn: Turn, line: InvoiceLine) -> Reply:
    try:
        info, _ = invoice_pdf(turn.services.db.uow(), turn.services.files, line.number, turn.services.settings,
                              customer_code=turn.account.code)
    except ARError:
        return Reply(f"I have no copy of {line.number} to send here. Say AGENT and a colleague will send it.")
    link = document_link(turn.services.settings, info.id, now=turn.now) \
        if turn.inbound.channel in LINKED_CHANNELS else None
    standing = {"void": "void", "paid": "paid in full"}.get(line.status, f"{texts.money(line.open)} open")
    text = (f"Here is {line.number} of {texts.short_day(line.doc_date)}, {line.doc_date.year}: "
            f"{texts.money(line.amount)}, due {texts.day(line.due_date)}; {standing}.")
    return Reply(text + (f"\n{link}" if link else ""), document_file_id=info.id, link=link)


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
    text = statement_beside_today(turn.services, turn.account.id, turn.account.code, latest.statement_date,
                                  latest.balance, turn.today)
    return Step([Reply(text + (f"\n{link}" if link else ""), document_file_id=info.id, link=link)])


def statement_beside_today(services: Services, customer_id: int, customer_code: str, statement_date: dt.date,
                           shown: Money, today: dt.date) -> str:
    """What a statement showed beside the balance today. The phone line's texted statement says the same."""
    balance, being_paid = balance_in(services, customer_id, customer_code, shown.currency, today)
    return texts.statement_and_today(statement_date, shown, balance, being_paid)


def balance_in(services: Services, customer_id: int, customer_code: str, currency: str, today: dt.date
               ) -> tuple[Money, Money | None]:
    """The balance today in one currency, and how much of it payments being processed hold (they count once the
    processor settles them; None when none is)."""
    balance = next((b.balance for b in balance_today(services.db.uow(), customer_id, today) if b.currency == currency),
                   Money.zero(currency))
    processing = [p.amount for p in payment_history(services.db.uow(), customer_code, status="pending")
                  if p.amount.currency == currency]
    return balance, sum(processing[1:], processing[0]) if processing else None


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
