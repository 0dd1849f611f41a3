"""The short-pay reason a message gives, as one of the configured reasons.

Reasons are configurable (ARAGENT_SHORT_PAY_REASONS), so a reason matches two ways: its own label, found
fuzzily in the message ("pricng error"), and the everyday words for the kind of reason it is ("broken",
"defective" for a label about damage; "overcharged" for one about price). A one-word label such as
"Other" matches only as the first word, the way a customer answers "why are you paying less?".
When several reasons match, the one the customer mentioned first wins.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

_OBJECT = r"(?:order|goods|items|parts|product|products|shipment|delivery|cases|stuff|it|them)"
# Documents the bot sends: "never got it" about one of these is a request to resend, not a shortage.
_DOCUMENT = re.compile(r"\b(?:statements?|receipts?|copy|copies|pdf|email|emails|text|texts|link|message"
                       r"|reminder|notice|confirmation)\b")
_KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "pricing": (("pricing", "price", "prices", "overcharge"),
                r"\b(?:pricing|price|prices|priced|overcharged|overcharge|overcharging|quoted|quote"
                r"|overbilled|over billed|over charged|overinvoiced|billed (?:us |me )?too much"
                r"|charged (?:us |me )?too much|wrong (?:amount|price|total|rate)"
                r"|(?:amount|price|prices|total|rate)\b[^.?!]{0,30}\b"
                r"(?:wrong|incorrect|off|too high|not right|not correct))\b"),
    "damaged": (("damaged", "damage", "broken", "defective"),
                r"(?<!what is the )\b(?:damaged|damage|damages|broken|broke|defective|dented|crushed|cracked"
                r"|busted|faulty|spoiled|leaking|shattered|ruined|smashed|destroyed|torn|soaked|water damaged"
                r"|wet|unusable|scratched|bent|rotten|rotted|moldy)\b"),
    "short": (("short", "shortage", "missing"),
              r"\b(?:short shipped|short shipment|short ship|shorted|shortage|missing"
              rf"|never (?:received|got|arrived|came)(?: (?:the|this|that|our|these|those|any|all))? {_OBJECT}"
              r"|only (?:received|got|sent|delivered|shipped|came)|(?:received|got|delivered|shipped) only"
              r"|only \d+ (?:[a-z]+ )?(?:arrived|came|showed up|were delivered)"
              r"|never (?:arrived|came|showed up)"
              r"|short (?:\d+|a few|some|one|two|three|four|five) (?:cases|units|items|boxes|pallets|pieces"
              r"|pcs|cartons)"
              r"|did not (?:receive|get) (?:all|everything|the whole|the full)"
              r"|not (?:all|everything) (?:was |were )?(?:delivered|received|shipped))\b"),
    "returned": (("returned", "return", "returns"),
                 r"\b(?:returned|returning|rma|return(?:ed)? (?:goods|items|parts|product|order)"
                 r"|sent (?:(?:those|them|it|these|everything|that|the \w+) )?back)\b"),
    "disputed": (("disputed", "dispute", "contested"),
                 r"\b(?:not (?:ours|mine|our order)|never ordered"
                 r"|did not order|do not recognize|unauthorized|double (?:billed|charged|billing)"
                 r"|(?:billed|charged|invoiced)(?: us| me)? twice|duplicate"
                 r"|(?:fees?|surcharges?|charges?)\b[^.?!]{0,40}\b"
                 r"(?:never agreed|not in (?:our|the) (?:agreement|contract)"
                 r"|did not (?:agree|request|order)))\b"),
}


# The verb alone says a dispute, not why: it is the reason only when no other is given.
_DISPUTING = re.compile(r"\b(?:dispute|disputed|disputing|contest|contesting)\b")


def find_reason(text: str, reasons: tuple[str, ...]) -> str | None:
    found: list[tuple[int, int, str]] = []
    for order, label in enumerate(reasons):
        start = _mention(label, text)
        if start is not None:
            found.append((start, order, label))
    return min(found)[2] if found else None


def _mention(label: str, text: str) -> int | None:
    words, starts = label.lower().split(), []
    if len(words) == 1:
        match = re.match(rf"(?:reason\s*:?\s*)?{re.escape(words[0])}\b", text)
        starts += [match.start()] if match else []
    elif len(text) >= len(label) - 3:  # a shorter message would align inside the label
        alignment = fuzz.partial_ratio_alignment(label.lower(), text, score_cutoff=90)
        starts += [alignment.dest_start] if alignment else []
    kind = _kind_of(label)
    if kind == "short" and _DOCUMENT.search(text):
        text = re.sub(r"\bnever (?:received|got|arrived|came)(?: (?:the|this|that))? (?:it|them)\b",
                      lambda found: " " * len(found.group()), text)
    if kind:
        match = re.search(_KINDS[kind][1], text)
        if match:
            starts.append(match.start())
        elif kind == "disputed" and (generic := _DISPUTING.search(text)):
            starts.append(len(text) + generic.start())  # "we are disputing 9015: the price…": the price says why
    return min(starts) if starts else None


@lru_cache(maxsize=64)
def _kind_of(label: str) -> str | None:
    """Which everyday words belong to a configured label: "Damaged goods" is about damage."""
    names = {name: kind for kind, (names, _) in _KINDS.items() for name in names}
    for word in label.lower().split():
        best = process.extractOne(word, names.keys(), scorer=fuzz.ratio, score_cutoff=85)
        if best:
            return names[best[0]]
    return None


PATTERNS = tuple(pattern for _, pattern in _KINDS.values()) + (_DISPUTING.pattern,)
