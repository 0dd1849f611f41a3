"""When the bot is not sure what a message asks: one short question with the likely readings, never a guess.

    idle ── a message read with doubt (Parsed.clarify) ──▶ ask_intent: "Do you want to 1) pay invoice 1043 now,
            2) schedule it, 3) tell us it's wrong?" (buttons on Telegram, numbers by SMS)
    ask_intent ── "1", "the second one", a button, or the option's own word ("schedule") ──▶ the message handled
            as that request, with the invoices, amount and date it named
    ask_intent ── anything else ──▶ read as a new message; NO drops the question

The message is kept in the context (as the transcript keeps it, card numbers blanked) and read again when the
customer answers, so the answer picks only the intent: the slots are those the customer wrote.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot import dialogue_reads as reads
from bot import quotes
from bot.dialogue_core import Step, Turn, position, say
from bot.turns import Button
from bot.understanding import Parsed

STATE = "ask_intent"
_WORDS = {  # the word that names an option when typed instead of its number
    "pay": r"pay(?:ing)?(?: (?:it|them))?(?: now)?", "schedule": r"schedul\w*|later", "dispute": r"wrong|dispute",
    "promise": r"promise|will pay|i will", "cancel_scheduled": r"cancel\w*", "deposit": r"deposit|on account",
    "balance": r"balance", "invoices": r"invoices?|list", "statement": r"statement", "history": r"history",
    "agent": r"person|agent|human", "receipt": r"receipt", "plan": r"plan|instal+ments?|split",
}


def needed(turn: Turn) -> bool:
    return turn.payload is None and len(turn.parsed.clarify) >= 2


def ask(turn: Turn, ctx: dict[str, Any]) -> Step:
    options = list(turn.parsed.clarify)
    ctx["asked"] = {"text": turn.text, "options": options}
    lines = [f"{number}) {_offer(intent, turn.parsed)}" for number, intent in enumerate(options, 1)]
    numbers = ", ".join(str(n) for n in range(1, len(options))) + f" or {len(options)}"
    buttons = [Button(f"{number}. {_offer(intent, turn.parsed)}", f"pick:{number}")
               for number, intent in enumerate(options, 1)]
    text = ("I want to be sure I get this right. Do you want to:\n" + "\n".join(lines)
            + f"\nReply {numbers} — nothing is paid until you confirm an exact amount.")
    return say(text, *buttons, state=STATE)


def answer(turn: Turn, ctx: dict[str, Any]) -> Turn | None:
    """The asked-about message as the request the customer picked, or None when this is no answer to it."""
    asked = ctx.get("asked")
    if not isinstance(asked, dict):
        return None
    options = [str(option) for option in asked.get("options") or []]
    chosen = _chosen(turn, options)
    if chosen is None:
        return None
    ctx.pop("asked", None)
    again = reads.understood(turn.services, str(asked["text"]), turn.today, turn.account)
    parsed = replace(again, intent=chosen, clarify=(), confidence=1.0)
    # The request is the message asked about, in the customer's words (a dispute records them), not "3".
    text = str(asked["text"])
    return replace(turn, parsed=parsed, text=text, inbound=replace(turn.inbound, text=text))


def _chosen(turn: Turn, options: list[str]) -> str | None:
    picked = position(turn)
    if picked is not None:
        return options[picked - 1] if 1 <= picked <= len(options) else None
    typed = re.sub(r"[^\w\s]", " ", turn.text.lower())
    named = [intent for intent in options if intent in _WORDS and re.search(rf"\b(?:{_WORDS[intent]})\b", typed)]
    return named[0] if len(named) == 1 else None


def _offer(intent: str, parsed: Parsed) -> str:
    them = _invoices(parsed)
    them_plural = len(parsed.invoices) > 1
    offers = {
        "pay": f"pay {them} now" if parsed.invoices else "make a payment now",
        "schedule": (f"schedule {them or 'a payment'}" + (f" for {parsed.date:%b} {parsed.date.day}"
                                                           if parsed.date else "")),
        "deposit": "pay an amount on account, not on an invoice",
        "cancel_scheduled": "cancel a scheduled payment",
        "promise": "tell us when you will pay",
        "dispute": ("tell us they're wrong" if them_plural else "tell us it's wrong") if parsed.invoices
        else "tell us something is wrong",
        "balance": "see your balance",
        "invoices": f"see {them}" if parsed.invoices else "see your open invoices",
        "statement": "get your statement",
        "history": "see your payments",
        "receipt": "get a receipt",
        "methods": "see your payment methods",
        "add_method": "add a card or bank account",
        "agent": "talk to a person",
        "remit_to": "get our remit-to address",
        "finance_charge": "know about a finance charge",
        "stop": "stop getting messages from us",
        "confirm": "say yes to what we proposed",
        "plan": f"pay {them or 'it'} in instalments (a payment plan)",
    }
    return offers.get(intent, intent.replace("_", " "))


def _invoices(parsed: Parsed) -> str:
    if not parsed.invoices:
        return ""
    return f"invoice{'s' if len(parsed.invoices) > 1 else ''} {quotes.names(parsed.invoices)}"
