"""What the customer wants: ordered rules over the normalized message, first match wins.

The rules themselves are data, in nlu_rules. The message reaching them has its slots replaced by
placeholders (`pay _invoice_ on _date_`), so they read the shape of a request rather than its numbers.
The order settles the overlaps:
- whole-message keywords first: "STOP", "cancel" (carrier opt-out words), "START", "help", "yes"/"no",
  "1" (yes) and "2" (no) — while "stop the payment" is a cancellation and "cancel that" a no;
- a leading yes/no is a confirmation or refusal unless the rest asks for something else with details
  ("yes pay it" confirms; "ok pay 1042" is a payment; "no, I already paid that" a dispute);
- requests that start with paying ("pay 500 on 1042", "can I pay the oldest") are payments before any
  keyword elsewhere in them counts; a payment on a future date is `schedule`, on today `pay`;
- promises (the customer will pay by themselves: "I'll pay Friday", "can't pay until the 15th", "check is in
  the mail") come before disputes ("already paid", "wrong amount", a short-pay reason on its own).
"""

from __future__ import annotations

import re

from bot.nlu_rules import PAY_VERB, QUOTE_OBJECTION, RULES, WHOLE

_WHOLE = [(intent, re.compile(pattern)) for intent, pattern in WHOLE]
_RULES = [(intent, re.compile("|".join(patterns), re.M), re.compile("|".join(vetoes), re.M) if vetoes else None)
          for intent, patterns, vetoes in RULES]
_STOP = next(pattern for intent, pattern, _ in _RULES if intent == "stop")
_YES_LEAD = {"yes", "ok", "sure", "confirm", "confirmed", "correct", "alright"}
_ACKNOWLEDGEMENTS = {"ok", "alright"}
_CLOSERS = re.compile(r"(?:\s*\b(?:thanks|thank you|bye|goodbye|cheers|ttyl|appreciate it|cool|got it|noted|awesome"
                      r"|have a (?:good|nice|great) (?:day|one|night|weekend))\b)+\s*")
_PAYING = re.compile(rf"\b{PAY_VERB}\b")
_OBJECTION = re.compile(QUOTE_OBJECTION)
LINK_TOKEN = re.compile(r"^\s*/start\s+[A-Za-z0-9_-]{1,64}\s*$")


def plain(text: str) -> str:
    """The message as words, one sentence a line: punctuation dropped but for `/` of commands and `_` of
    placeholders; a message of question marks alone stays "?"."""
    sentences = re.sub(r"[^\w\s/]", " ", re.sub(r"[.!?;]+(?=\s|$)", "\n", text)).split("\n")
    lines = [re.sub(r"\s+", " ", sentence).strip() for sentence in sentences]
    return "\n".join(line for line in lines if line) or ("?" if "?" in text else "")


def classify(text: str, *, has_details: bool, has_reason: bool) -> str:
    words = re.sub(r"\b(\w+)(?: \1\b)+", r"\1", plain(text))  # "stop stop", "no no no": said once
    if not words:
        return "unknown"
    for intent, pattern in _WHOLE:
        if pattern.fullmatch(words):
            return intent
    if _STOP.search(words):
        return "stop"  # before a leading "no": "no more texts"
    lead, rest = (re.split(r"\s+", words, maxsplit=1) + [""])[:2]
    if lead in _YES_LEAD or (lead in ("no", "negative") and not re.match(r"one\b", rest)):  # "no one called"
        return _after_yes_or_no(lead, rest, has_details=has_details, has_reason=has_reason)
    return _by_rules(words, has_reason=has_reason)


def _after_yes_or_no(lead: str, rest: str, *, has_details: bool, has_reason: bool) -> str:
    answer = "confirm" if lead in _YES_LEAD else "deny"
    if answer == "confirm" and lead in _ACKNOWLEDGEMENTS and _CLOSERS.fullmatch(re.sub(r"\bplease\b", " ", rest)):
        return "thanks"  # "ok thanks bye", "ok thank you 🙏": an acknowledgement, not a yes to a quote
    if answer == "deny" and _OBJECTION.fullmatch(rest):
        return "deny"  # "no, wrong invoice"
    intent = _by_rules(rest, has_reason=has_reason)
    if intent in ("unknown", "confirm", "deny") or (intent in ("pay", "schedule") and not has_details):
        return answer
    return intent


def _by_rules(words: str, *, has_reason: bool) -> str:
    for intent, pattern, exclude in _RULES:
        if pattern.search(words) and not (exclude and exclude.search(words)):
            return intent
        if intent == "dispute" and has_reason:
            # A reason with a payment is a short pay; a reason on its own ("damaged goods") a dispute.
            return "pay" if _PAYING.search(words) else "dispute"
    return "unknown"


PATTERNS = tuple(pattern for _, pattern in WHOLE) + tuple("|".join(patterns) for _, patterns, _ in RULES)
