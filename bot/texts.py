"""What the bot says. Short, plain, one message per answer; amounts and dates formatted only here.

Texts for a sender who is not linked say nothing about any account: no name, no amount, no invoice, not
even whether the number or chat is known to us.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from core.kernel import Money


def money(value: Money) -> str:
    return value.format("en_US")


def day(value: dt.date, today: dt.date | None = None) -> str:
    if today is not None and value == today:
        return f"today ({value:%a, %b} {value.day})"
    return f"{value:%a, %b} {value.day}, {value.year}"


def bullets(lines: list[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


HELP = (
    "I can help with your account. Try:\n"
    "• BALANCE — what you owe and what is past due\n"
    "• INVOICES — your open invoices, numbered\n"
    "• PAY 2, PAY INV-1042, PAY ALL, PAY OVERDUE — pay by card or bank on file\n"
    "• PAY INV-1042 ON FRIDAY — schedule a payment; CANCEL SCHEDULED to undo it\n"
    "• STATEMENT, OCTOBER STATEMENT — your statement as a PDF\n"
    "• CARDS — your cards and bank accounts on file; PAY ALL WITH MASTERCARD or WITH CARD 2 to choose; ADD CARD\n"
    "• HISTORY, RECEIPT — your latest payments and a receipt\n"
    "• I'LL PAY ON FRIDAY — a promise to pay; DISPUTE INV-1042 — tell us something is wrong\n"
    "• SPLIT INTO 3 PAYMENTS — a payment plan\n"
    "• AGENT — talk to a person"
)
SHORT_HELP = "Sorry, I didn't get that. Say BALANCE, INVOICES, PAY, STATEMENT or AGENT — or HELP for more."
SMS_LIMIT = 160  # one segment: carriers expect HELP's answer to name the brand, HELP and STOP within it


def sms_help(seller: str, phone: str) -> str:
    """HELP by text: the brand, what to text, how to reach a person, HELP and STOP, in one segment."""
    options = (
        f"{seller} billing: text BALANCE, INVOICES, PAY, CARDS or AGENT, or call {phone}. Msg&data rates may "
        "apply. Reply HELP for help, STOP to opt out.",
        f"{seller} billing: text BALANCE, INVOICES, PAY, CARDS or AGENT, or call {phone}. Reply HELP for help, "
        "STOP to opt out.",
        f"{seller}: text BALANCE, PAY or AGENT. Call {phone}. Reply HELP for help, STOP to opt out.",
        f"{seller}: call {phone}. Reply HELP for help, STOP to opt out.",
    )
    return next((tidy(text) for text in options if len(tidy(text)) <= SMS_LIMIT), tidy(options[-1]))


def tidy(text: str) -> str:
    """A name that ends in a period before a sentence's own: "Bluewater Plumbing Co.." → "… Co."."""
    return _DOUBLE_PERIOD.sub(".", text)


_DOUBLE_PERIOD = re.compile(r"(?<=\w)\.\.(?!\.)")

NOT_LINKED = (
    "Hello! I can help with invoices and payments once this chat is connected to your account. "
    "Open the link we sent you by email, or contact us at {phone} and we will send you one."
)
NOT_LINKED_TELEGRAM = (
    "Hello! I can help with invoices and payments once this chat is connected to your account. "
    "Open the link we sent you by email, or share your phone number with the button below."
)
LINK_REFUSED = "Sorry, that link is not valid any more. Please ask us for a new one at {phone}."
CONTACT_REFUSED = "Sorry, I couldn't connect this chat with that number. Please contact us at {phone}."
SHARE_OWN_CONTACT = "Please share your own phone number with the button below."
LINKED = "Thanks! This chat is now connected to {name}. Ask me for your BALANCE, INVOICES or STATEMENT, or say PAY."

SLOW_DOWN = "You're sending messages faster than I can answer. Please wait a minute and try again."
CARD_WARNING = (
    "For your security, please never send card or bank account numbers in a chat — I removed it from our "
    "records. To add a card or bank account, say ADD CARD and I'll send you a secure link."
)
OOPS = "Sorry, something went wrong on our side. Please try again in a minute, or say AGENT to reach a person."

SMS_STOP = (
    "{seller}: You have been unsubscribed and will receive no more text messages from us. "
    "Reply START to subscribe again."
)
SMS_START = "{seller}: You are subscribed again to text messages from us. Reply STOP to unsubscribe, HELP for help."
STOPPED_CHAT = "OK, I've stopped. Nothing was paid."

CANCELED = "OK, canceled — nothing was paid."
NOTHING_TO_CONFIRM = "There is nothing waiting for your confirmation. Say PAY to start a payment."

HANDOFF = ("I've asked a colleague to take over this chat; someone will answer here {when}. "
           "Type BOT at any time to come back to me.")
HANDOFF_CLOSED = ("I've asked a colleague to take over this chat. Our team is away now (hours: {hours}); someone "
                  "will answer here after we open, {opens}. Type BOT at any time to come back to me.")
HANDOFF_ACK = "Thanks — a colleague has your messages and will answer here by {when}. Type BOT to come back to me."
AGENT_UNLINKED = "To reach a person at {seller}, call us at {phone} or email {email}. We answer {hours}."
BACK_FROM_AGENT = "You're back with the assistant. Say HELP to see what I can do."
DISPUTE = ("Thanks for letting us know. I've recorded this{about} and passed it to our team; a person will look "
           "at it and get back to you. Reference: {reference}.")

NEED_METHOD = ("You have no card or bank account on file yet. Here is a secure link to add one (valid 30 "
               "minutes); then say PAY again:\n{url}")
ADD_METHOD = ("Here is a secure link to add a card or bank account (valid 30 minutes). Please type the "
              "number only on that page, never here:\n{url}")
ADD_METHOD_ELSEWHERE = "To add a card or bank account, please contact us at {phone}; we'll send you a secure link."


# -- everyday answers and the state of the account today (bot.flows_answers_general, bot.flows_account) --------

YOURE_WELCOME = "You're welcome! Say HELP whenever you need me."
WHO_I_AM = ("I'm the automated assistant of {seller} (not a person). I can tell you your balance, send your "
            "invoices and statements, and take payments. Say AGENT to reach a person.")


def count(number: int, noun: str) -> str:
    """"1 day", "14 days"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def date_example(today: dt.date) -> str:
    """ "FRIDAY or DEC 15": a weekday and a day of the month ahead of today, to show how to answer "which date?"."""
    ahead = today + dt.timedelta(days=8)
    return f"FRIDAY or {ahead.strftime('%b').upper()} {ahead.day}"


def short_day(value: dt.date) -> str:
    """"Dec 1": a date in a sentence about the weeks around today."""
    return f"{value:%b} {value.day}"


def statement_and_today(statement_date: dt.date, shown: Money, balance: Money, being_paid: Money | None = None) -> str:
    """A past statement's amount beside the balance today, so an old figure is never read as what is owed now."""
    then = f"Your statement of {statement_date:%b} {statement_date.day}, {statement_date.year} showed {money(shown)}"
    if balance.is_negative():
        now = f"today you have a credit of {money(-balance)}"
    elif not balance.is_positive():
        now = "today you owe nothing"
    else:
        now = f"your balance today is {money(balance)}"
        if being_paid is not None and being_paid.is_positive():
            now += f", {money(being_paid)} of it in a payment being processed"
    return f"{then}; {now}."


def late_payment_warning(due: Sequence[tuple[str, dt.date]], pay_on: dt.date, *, today: dt.date,
                         finance_charge: bool) -> str | None:
    """The warning a payment dated after an invoice's due date carries; None when every invoice is paid in time.
    `due`: (number, due date) of the invoices paid; `finance_charge`: the customer's class charges one."""
    late = [(number, when) for number, when in due if when < pay_on]
    if not late:
        return None
    charge = " and may add a finance charge" if finance_charge else ""
    most = max((pay_on - when).days for _, when in late)
    if len(late) == 1:
        number, when = late[0]
        return (f"{number} {'is' if when >= today else 'was'} due {short_day(when)}; paying on {short_day(pay_on)} "
                f"is {count(most, 'day')} late{charge}.")
    named = ", ".join(f"{number} (due {short_day(when)})" for number, when in late)
    return f"Paying on {short_day(pay_on)} is late for {named}: up to {count(most, 'day')}{charge}."
