"""Understanding: one customer message → an intent with slots. Deterministic; no external service.

The steps, each in its own module: normalize the spelling (nlu_text: emoji, SMS shorthand, typos with
rapidfuzz) → find date and month phrases (nlu_dates) → invoice numbers written with a prefix, amounts,
bare invoice numbers and the list selector (nlu_slots) → the short-pay reason (nlu_reasons) → the intent
(nlu_intents, over the text with its slots replaced by placeholders) → resolve the dates, forwards or
backwards as the message looks (dateparser, with `today` as the fixed base).

The parser knows no dialogue state. A bare "2" comes back as `deny` with selector "2", a bare "1" as
`confirm` with selector "1", and a bare "1042" or "friday" as `unknown` with the slot filled: the dialogue,
which knows whether it asked a yes/no question, showed a list or asked for an invoice, picks what it needs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot import nlu_dates, nlu_intents, nlu_methods, nlu_reasons, nlu_slots
from bot.nlu_text import normalize, vocabulary_of
from core.kernel import DEFAULT_SHORT_PAY_REASONS

INTENTS = ("balance", "statement", "invoices", "pay", "schedule", "cancel_scheduled", "deposit", "methods",
           "add_method", "history", "receipt", "promise", "dispute", "agent", "help", "stop", "start", "confirm",
           "deny", "link", "who_are_you", "thanks", "finance_charge", "remit_to", "unknown")
SELECTORS = ("all", "overdue", "oldest")  # or 1-based positions as a string: "2", "2,3"

_VOCABULARY = vocabulary_of(
    nlu_intents.PATTERNS + nlu_dates.PATTERNS + nlu_slots.PATTERNS + nlu_reasons.PATTERNS,
    extra=" ".join(DEFAULT_SHORT_PAY_REASONS).lower().split(),
)
# Looking back: payments made, receipts and history are about the past, and so is anything already done.
_BACKWARD_INTENTS = ("history", "receipt")
_FORWARD_INTENTS = ("pay", "schedule", "promise", "deposit", "cancel_scheduled")
# "the other one", "that one": an invoice the conversation showed or named just before (bot.dialogue_states).
_REFERS = re.compile(r"\b(?:the )?(?P<other>other) (?:one|invoice|bill)\b"
                     r"|\b(?P<that>that|this|the same) (?:one|invoice|bill)\b")
_DONE = re.compile(r"(?:^|\b(?:i|we|you|they|it|was|were|been|already|had) )(?:already )?(?:paid|sent|mailed|made"
                   r"|received|charged|billed|dropped off)\b")


@dataclass(frozen=True)
class Parsed:
    intent: str
    invoices: tuple[str, ...] = ()
    selector: str | None = None
    amount: Decimal | None = None  # positive, two decimals; the currency is the customer's
    date: dt.date | None = None
    month: str | None = None  # "YYYY-MM"
    reason: str | None = None  # one of the configured short-pay reasons
    refers: str | None = None  # "other" | "that": an invoice named by the conversation, not by the message
    unpayable_amount: Decimal | None = None  # zero or negative as typed ("pay -5"): refused, never dropped
    currency: str | None = None  # the amount's currency when written as a code or sign other than "$": "EUR"
    prefixed: tuple[str, ...] = ()  # the invoices written as references ("inv 1042", "#1042"): never money
    method: str | None = None  # the payment method named: "mastercard 4444", "visa", "card #2" (bot.nlu_methods)


def parse(text: str, *, today: dt.date, reasons: tuple[str, ...] = DEFAULT_SHORT_PAY_REASONS) -> Parsed:
    if nlu_intents.LINK_TOKEN.match(text):
        return Parsed("link")  # Telegram deep link `/start <token>`: the token is read by the channel
    canonical = normalize(text, _VOCABULARY)
    dates, masked = nlu_dates.find_dates(canonical)
    months, masked = nlu_dates.find_months(masked)
    masked = nlu_slots.PHONE.sub(" _phone_ ", masked)
    prefixed, masked = nlu_slots.find_prefixed_invoices(masked)  # first: "#1044" is an invoice, "visa #4444" a card
    method, masked = nlu_methods.find_method(masked)
    money, masked = nlu_slots.find_amount(masked)
    amount = money.payable
    bare, masked = nlu_slots.find_bare_invoices(masked)
    selector, masked = nlu_slots.find_selector(masked)
    reason = nlu_reasons.find_reason(canonical, reasons)
    invoices = tuple(sorted(dict.fromkeys(prefixed + bare), key=lambda number: canonical.find(number.lower())))
    details = bool(invoices or amount or selector or dates or months)
    intent = nlu_intents.classify(masked, has_details=details, has_reason=reason is not None)
    intent = nlu_methods.intent_with(method, intent, canonical)

    done = bool(_DONE.search(canonical))
    date = nlu_dates.resolve_date(dates[0], today, intent in _BACKWARD_INTENTS or done) if dates else None
    month_forward = intent in _FORWARD_INTENTS and not done
    month = nlu_dates.resolve_month(months[0], today, not month_forward) if months else None
    if intent == "pay" and date is not None and date > today:
        intent = "schedule"
    if intent in ("confirm", "deny"):
        reason = None  # "no, that's the wrong amount" objects to the quote; it gives no short-pay reason
    refers = next((name for found in _REFERS.finditer(canonical) for name, word in found.groupdict().items() if word),
                  None)
    return Parsed(intent, invoices, selector, amount, date, month, reason, refers,
                  unpayable_amount=money.unpayable, currency=money.currency,
                  prefixed=tuple(number for number in invoices if number in prefixed), method=method)


def to_json(parsed: Parsed) -> dict[str, Any]:
    """The `aragent parse` contract: exactly these keys, dates and amounts as strings."""
    return {
        "intent": parsed.intent,
        "invoices": list(parsed.invoices),
        "selector": parsed.selector,
        "amount": None if parsed.amount is None else f"{parsed.amount:.2f}",
        "date": None if parsed.date is None else parsed.date.isoformat(),
        "month": parsed.month,
        "reason": parsed.reason,
    }
