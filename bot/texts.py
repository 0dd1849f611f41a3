"""What the bot says. Short, plain, one message per answer; amounts and dates formatted only here.

Texts for a sender who is not linked say nothing about any account: no name, no amount, no invoice, not
even whether the number or chat is known to us.
"""

from __future__ import annotations

import datetime as dt

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
    "• HISTORY, RECEIPT, CARDS, ADD CARD\n"
    "• I'LL PAY ON FRIDAY — a promise to pay; DISPUTE INV-1042 — tell us something is wrong\n"
    "• AGENT — talk to a person"
)
SHORT_HELP = "Sorry, I didn't get that. Say BALANCE, INVOICES, PAY, STATEMENT or AGENT — or HELP for more."

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

HANDOFF = ("I've asked a colleague to take over this chat; they'll reply here as soon as they can. "
           "Type BOT at any time to come back to me.")
BACK_FROM_AGENT = "You're back with the assistant. Say HELP to see what I can do."
DISPUTE = ("Thanks for letting us know. I've recorded this{about} and passed it to our team; a person will look "
           "at it and get back to you. Reference: {reference}.")

NEED_METHOD = ("You have no card or bank account on file yet. Here is a secure link to add one (valid 30 "
               "minutes); then say PAY again:\n{url}")
ADD_METHOD = ("Here is a secure link to add a card or bank account (valid 30 minutes). Please type the "
              "number only on that page, never here:\n{url}")
ADD_METHOD_ELSEWHERE = "To add a card or bank account, please contact us at {phone}; we'll send you a secure link."
