"""The payment method a message names ("with mastercard 4444", "on my amex", "card ending in 1005", "with card 2"),
and the asks for the list of them ("cards", "my payment methods").

The slot is a short phrase of up to three words, each there only when said: a brand (visa, mastercard, amex,
discover; or just card or bank), the last 4 digits, and `#N` for the Nth method on file: "mastercard 4444",
"visa", "4444", "card #2". The digits are masked (`_card_`), so they are read as neither an invoice nor a
position in a list of invoices. Which saved method the phrase fits is the dialogue's to decide (bot.flows_methods).
"""

from __future__ import annotations

import re

BRANDS = {"visa": "visa", "mastercard": "mastercard", "master card": "mastercard", "mc": "mastercard",
          "amex": "amex", "american express": "amex", "discover": "discover", "credit card": "card",
          "debit card": "card", "card": "card", "bank account": "bank", "checking account": "bank",
          "checking": "bank", "savings": "bank", "ach": "bank", "bank": "bank"}
_BRAND = "|".join(re.escape(name) for name in sorted(BRANDS, key=len, reverse=True))
_ENDING = r"(?:ending(?:\s+(?:in|with))?|that ends (?:in|with)|ends (?:in|with)|last (?:4|four)(?: digits)?|x+|\*+|•)"
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_ORDINAL = "|".join(_ORDINALS) + r"|1st|2nd|3rd|[4-9]th"

# "mastercard 4444", "visa ending in 4242", "card x4444", "the amex": a brand with the last 4 when given.
_BRANDED = re.compile(rf"(?<![\w-])(?P<brand>{_BRAND})(?:\s+(?:card|account))?(?:\s*{_ENDING}?\s*(?P<last4>\d{{4}}))?"
                      r"(?![\w,.]?\d)(?!\w)")
# "ending in 4444", "last four 4444": the last 4 without a brand.
_LAST4 = re.compile(rf"(?<![\w-]){_ENDING}\s*(?:is\s+)?(?P<last4>\d{{4}})(?!\w)")
# "card 2", "card #2", "method number 2", "the second card": the Nth method on file.
_POSITION = re.compile(rf"\b(?:card|method)\s*(?:number\s*|no\.?\s*|#\s*)?(?P<num>[1-9])(?![\w.,]?\d)(?!\s*(?:days?|%))"
                       rf"|\b(?:the\s+)?(?P<ord>{_ORDINAL})\s+(?:card|method|payment method)\b")
_PREPOSITION = re.compile(r"\s(?:with|using|on|by|via|through)\s+(?:(?:my|the|our|a|your)\s+)?$")
_PAYING = re.compile(r"\s*(?:please\s+|pls\s+)?(?:pay|schedule)\b")
_ANOTHER = re.compile(r"\b(?:add|new|another|save|update|change|enter)\b")
_LISTING = re.compile(r"(?:(?:show|list|see|view|check|what are|which are|send)\s+)?(?:me\s+)?(?:all\s+)?"
                      r"(?:(?:my|our|the)\s+)?(?:saved\s+|stored\s+)?(?:cards?|credit cards|payment methods?|methods"
                      r"|payment options|wallet)(?:\s+on file)?(?:\s+(?:please|pls|plz))?")


def find_method(text: str) -> tuple[str | None, str]:
    """The method phrase of a normalized message (or None), and the text with its digits masked; in a payment
    ("pay 2 and 3 with visa"), the whole "with …" phrase taken out, so what is paid reads as if said alone."""
    words: list[str] = []
    found: list[re.Match[str]] = []
    digits: list[tuple[int, int]] = []
    branded = next((m for m in _BRANDED.finditer(text) if m.group("last4") or BRANDS[m.group("brand")] != "card"),
                   None) or _BRANDED.search(text)
    if branded is not None:
        words.append(BRANDS[branded.group("brand")])
        found.append(branded)
        if branded.group("last4"):
            words.append(branded.group("last4"))
            digits.append(branded.span("last4"))
    if not any(word.isdigit() for word in words) and (ending := _LAST4.search(text)) is not None:
        words.append(ending.group("last4"))
        found.append(ending)
        digits.append(ending.span("last4"))
    if (position := _POSITION.search(text)) is not None:
        words.append(f"#{position.group('num') or _ordinal(position.group('ord'))}")
        found.append(position)
        if position.group("num"):
            digits.append(position.span("num"))
    if not found:
        return None, text
    start, end = min(m.start() for m in found), max(m.end() for m in found)
    lead = _PREPOSITION.search(text[:start])
    if lead is not None and _PAYING.match(text):
        return " ".join(words), text[:lead.start()] + " " + text[end:]
    for first, last in sorted(digits, reverse=True):
        text = text[:first] + " _card_ " + text[last:]
    return " ".join(words), text


def _ordinal(word: str) -> int:
    return _ORDINALS.index(word) + 1 if word in _ORDINALS else int(word[0])


def intent_with(method: str | None, intent: str, canonical: str) -> str:
    """The intent, read again beside the method slot: "cards" asks for the list; "use card 2" pays with one on
    file, where the rules alone would read adding a new one."""
    if intent == "unknown" and _LISTING.fullmatch(re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", canonical)).strip()):
        return "methods"
    names_one = method is not None and any(word.isdigit() or word.startswith("#") for word in method.split())
    if intent == "add_method" and names_one and not _ANOTHER.search(canonical):
        return "pay"
    return intent
