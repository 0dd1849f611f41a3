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
# Each entry of RULES by its intent and its place among that intent's entries: "pay 0", "pay 1", "invoices 0".
RULE_NAMES = tuple(f"{intent} {[name for name, _, _ in RULES[:number]].count(intent)}"
                   for number, (intent, _, _) in enumerate(RULES))
_STOP_RULE, _STOP = next((number, pattern) for number, (intent, pattern, _) in enumerate(_RULES) if intent == "stop")
_YES_LEAD = {"yes", "ok", "sure", "confirm", "confirmed", "correct", "alright"}
_ACKNOWLEDGEMENTS = {"ok", "alright"}
_NEW_DAY = re.compile(r"(?:(?:not (?:today|now)\s+)?(?:(?:do|make|run|charge|take) it\s+)?(?:on\s+)?(?:the\s+)?_date_"
                      r"(?:\s+instead)?(?:\s+(?:please|pls|thanks))?)(?:\n.*)?", re.S)
_CHANGING = re.compile(r"(?:(?:that|it|this) (?:works|is fine|is good) )?(?:but|however)\b")
_CLOSERS = re.compile(r"(?:\s*\b(?:thanks|thank you|bye|goodbye|cheers|ttyl|appreciate it|cool|got it|noted|awesome"
                      r"|have a (?:good|nice|great) (?:day|one|night|weekend))\b)+\s*")
_PAYING = re.compile(rf"\b{PAY_VERB}\b|\bcharge (?:us|me)\b")  # "just charge us for what we got": a short pay
_OBJECTION = re.compile(QUOTE_OBJECTION)
_ONLY_SLOTS = re.compile(r"(?:\s*(?:_amount_|_invoice_|_date_|_month_|_selector_|dollars?|bucks|euros?))+\s*")
# "paid?", "pd?", "is it paid?" alone asks whether the payment arrived (LABELS.md, short questions); "paid" says so
_ASKED_PAID = re.compile(r"\s*(?:(?:is|was) it |all |payment |pmt )?(?:paid|received|recd)\s*\?+\s*")
LINK_TOKEN = re.compile(r"^\s*/start\s+[A-Za-z0-9_-]{1,64}\s*$")


def plain(text: str) -> str:
    """The message as words, one sentence a line: punctuation dropped but for `/` of commands and `_` of
    placeholders; a message of question marks alone stays "?"."""
    sentences = re.sub(r"[^\w\s/]", " ", re.sub(r"[.!?;]+(?=\s|$)", "\n", text)).split("\n")
    lines = [re.sub(r"\s+", " ", sentence).strip() for sentence in sentences]
    return "\n".join(line for line in lines if line) or ("?" if "?" in text else "")


def classify(text: str, *, has_details: bool, has_reason: bool) -> tuple[str, str]:
    """The intent and the rule that gave it: "whole" (a one-word answer or keyword), "lead" (a leading yes or
    no), a rule's name ("pay 2": the third entry for `pay` in nlu_rules.RULES), "reason" (a short-pay reason) or
    "none"."""
    words = re.sub(r"\b(\w+)(?: \1\b)+", r"\1", plain(text))  # "stop stop", "no no no": said once
    if not words:
        return "unknown", "none"
    if _ASKED_PAID.fullmatch(text):
        return "history", "whole"
    for intent, pattern in _WHOLE:
        if pattern.fullmatch(words):
            return intent, "whole"
    if _STOP.search(words):
        # "I'll pay 8440 friday, now STOP": a money request with its details beside the opt-out wins (LABELS.md)
        other, source = _by_rules(_STOP.sub(" ", words), has_reason=has_reason)
        if has_details and (other in ("pay", "schedule", "cancel_scheduled")
                            or (other == "promise" and re.search(r"\b(?:will|going to|shall)\b", words))
                            or (other == "dispute" and "_invoice_" in words)):  # "STOP TEXTING ME. I PAID 48011"
            return other, source  # not "I sent that check on the 10th. Stop.": no request, an opt-out
        return "stop", RULE_NAMES[_STOP_RULE]  # before a leading "no": "no more texts"
    lead, rest = (re.split(r"\s+", words, maxsplit=1) + [""])[:2]
    if lead in _YES_LEAD or (lead in ("no", "negative") and not re.match(r"one\b", rest)):  # "no one called"
        return _after_yes_or_no(lead, rest, has_details=has_details, has_reason=has_reason)
    return _by_rules(words, has_reason=has_reason)


def _after_yes_or_no(lead: str, rest: str, *, has_details: bool, has_reason: bool) -> tuple[str, str]:
    answer = "confirm" if lead in _YES_LEAD else "deny"
    if answer == "confirm" and lead in _ACKNOWLEDGEMENTS and _CLOSERS.fullmatch(re.sub(r"\bplease\b", " ", rest)):
        return "thanks", "lead"  # "ok thanks bye", "ok thank you 🙏": an acknowledgement, not a yes to a quote
    if answer == "deny" and _OBJECTION.fullmatch(rest):
        return "deny", "lead"  # "no, wrong invoice"
    if answer == "deny" and _NEW_DAY.fullmatch(rest):
        return "confirm", "whole"  # "NO. The 20th.", "no, do it on friday instead": the same payment on another day
    if answer == "confirm" and _ONLY_SLOTS.fullmatch(rest) and rest.split() != ["_selector_"]:
        # "uh yeah twenty five hundred dollars": the answer to a question, no yes to a quote ("yes, 1 and 3" is one)
        return "unknown", "whole"
    intent, source = _by_rules(rest, has_reason=has_reason)
    if intent in ("unknown", "confirm", "deny") or (intent in ("pay", "schedule") and not has_details):
        return answer, "lead"
    if answer == "confirm" and intent in ("pay", "schedule") and _CHANGING.match(rest):
        return answer, "lead"  # "yes but only 1500 for now", "ok but make it the 28th": a yes to a changed quote
    return intent, source


def vetoed(text: str) -> frozenset[str]:
    """The intents the rules say are not meant here: a rule's veto matched ("please waive the finance charge" is
    not a question about the charge, "where do I send the check" no promise). The model may not read them
    either."""
    words = plain(text)
    return frozenset(intent for intent, _, exclude in _RULES if exclude is not None and exclude.search(words))


def _by_rules(words: str, *, has_reason: bool) -> tuple[str, str]:
    for name, (intent, pattern, exclude) in zip(RULE_NAMES, _RULES, strict=True):
        if pattern.search(words) and not (exclude and exclude.search(words)):
            return intent, name
        if intent == "dispute" and has_reason:
            # A reason with a payment is a short pay; a reason on its own ("damaged goods") a dispute.
            return ("pay" if _PAYING.search(words) else "dispute"), "reason"
    return "unknown", "none"


PATTERNS = tuple(pattern for _, pattern in WHOLE) + tuple("|".join(patterns) for _, patterns, _ in RULES)
