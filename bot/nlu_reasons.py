"""The short-pay reason a message gives, as one of the configured reasons.

Reasons are configurable (ARAGENT_SHORT_PAY_REASONS), so a reason matches two ways: its own label, found
fuzzily in the message ("pricng error"), and the everyday words for the kind of reason it is ("broken",
"defective" for a label about damage; "overcharged" for one about price). A one-word label such as
"Other" matches only as the first word, the way a customer answers "why are you paying less?".
When several reasons match, the one the customer mentioned first wins, except that a warranty claim is "Other"
even where it names the damage ("the heater broke, it is under warranty").
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

_OBJECT = r"(?:order|goods|items|parts|product|products|shipment|delivery|cases|stuff|it|them)"
# Documents the bot sends: "never got it" about one of these is a request to resend, not a shortage.
_DOCUMENT = re.compile(r"\b(?:statements?|receipts?|copy|copies|pdf|email|emails|text|texts|link|message"
                       r"|reminder|notice|confirmation)\b")
# Up to a few words in the same sentence; "$62.50" is no sentence end.
_NEAR = r"(?:[^.?!]|\.\d)"
_KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "pricing": (("pricing", "price", "prices", "overcharge"),
                # "quote our PO on the receipt" asks for a reference, not about a quote
                r"\b(?:pricing|price|prices|priced|overcharged|overcharge|overcharging"
                r"|(?<!as )(?<!nobody )(?<!no one )quoted"
                r"|(?<!as )(?<!nobody )(?<!no one )quote(?! (?:our|the|my|your|po|reference|ref|number|invoice)\b)"
                r"|overbilled|over billed|over charged|overinvoiced|billed (?:us |me )?too much"
                r"|charged (?:us |me )?too much|wrong (?:amount|price|total|rate)"
                r"|(?:amount|price|prices|total|rate)\b[^.?!]{0,30}\b"
                # "take the overdue amount off my card" is a payment, not an amount that is off
                r"(?:wrong|incorrect|off(?! (?:my|our|the) (?:card|account|visa|bank))|too high|not right"
                r"|not correct)"
                # "you billed us $2,400, should be $2,040", "charged $52 instead of $47": the sum is wrong
                rf"|(?:billed|charged|invoiced|price|priced)\b{_NEAR}{{0,40}}?\b"
                r"(?:should (?:only )?(?:be|have been)|instead of) \$?[1-9]\d*"
                # "$38.20 too high", "charged 96,00 EUR too much", "came through $212.50 higher than our PO"
                rf"|(?:[$€£]|\d)[\d.,]*\s*(?:[a-z]+\s+){{0,2}}too (?:high|much)"
                rf"|(?:charged|billed|invoiced)\b{_NEAR}{{0,40}}too (?:high|much)"
                r"|higher than (?:our|the|what) (?:po|purchase order|quote|agreed|we agreed)"
                # "we agree 8 dollar per piece", "you billed 62 a case when we agreed 55"
                r"|\bagreed?\b[^.?!]{0,20}\d[\d.,]*\s*(?:dollars?|bucks|eur|euros?|€|\$)?\s*(?:per|a|an|each|/)\s*"
                r"(?:piece|pc|unit|case|box|item|each|hour|foot|ft|bag|pallet)"
                r"|\d\s*(?:dollars?|bucks|eur|euros?)?\s*(?:per|a|an|/)\s*(?:piece|pc|unit|case|box|item|bag)\b"
                r"[^.?!]{0,30}\b(?:we|when we) agreed\b"
                # "you didn't take off the contractor discount"
                # "we deduct 5 % discount for payment within 10 days as agreed"
                r"|deduct(?:ed|ing)? (?:the |our |a |your )?(?:\d+ ?%? )?(?:[a-z]+ )?discount"
                r"|(?:did not|forgot to|failed to|never) (?:take off|apply|applied|include|give us|took off)"
                r" (?:the |our |my )?(?:[a-z]+ )?discount|discount (?:was |is )?(?:not|never) (?:applied|taken)"
                r"|discount\b[^.?!]{0,40}\b(?:not|never) (?:applied|taken|deducted)"
                # "typo on your end": the seller's slip in the figures ("my message had a typo" is none)
                r"|typo (?:on your (?:end|side|part)|in (?:the|your) (?:amount|price|total|invoice))|your typo)\b"),
    "damaged": (("damaged", "damage", "broken", "defective"),
                # "broken into two payments", "broke it up" split a sum, they break nothing
                r"(?<!what is the )\b(?:damaged|damage|damages|broken(?! (?:into|up|down|out)\b)"
                r"|broke(?! (?:it|them|this|that)? ?(?:into|up|down)\b)|defective|dented|crushed|cracked"
                r"|busted|faulty|spoiled|leaking|shattered|ruined|smashed|destroyed|torn|soaked|water damaged"
                r"|wet|unusable|scratched(?! that\b)|bent|rotten|rotted|moldy"
                r"|dropped the (?:whole |entire )?(?:order|delivery|shipment|load|pallet)"
                # "scratched" but not "scratch that" (taking back words); "dropped 2 cases off the liftgate"
                r"|dropped (?:\d+|a|the|two|three|four|five|some) (?:cases?|boxes|box|pallets?|units?|cartons?)"
                r"(?! off\b))\b"),
    "short": (("short", "shortage", "missing"),
              r"\b(?:short shipped|short shipment|short ship|shorted|shortage"
              r"|missing(?! (?:due dates?|payments?|deadlines?|the deadline|a payment|the due date))"
              rf"|never (?:received|got|arrived|came)(?: (?:the|this|that|our|these|those|any|all))? {_OBJECT}"
              r"|only (?:received|got|sent|delivered|shipped|came)|(?:received|got|delivered|shipped) only"
              r"|only \d+ (?:[a-z]+ )?(?:arrived|came|showed up|were delivered|delivered|received)"
              r"|(?:was|were) never delivered|never (?:been |got |gotten )?delivered"
              r"|(?:half|part|some) of (?:it|them|the order|the shipment|the delivery) (?:arrived|came|showed up)"
              r"(?!\s+(?:damaged|broken|crushed|wet|late|in|with|dented|cracked))"
              r"|(?:never|not|did not|do not) (?:arrived?|came|come|showed up)(?! (?:on time|in time|late))"
              r"|short (?:\d+|a few|some|one|two|three|four|five) (?:cases|units|items|boxes|pallets|pieces"
              r"|pcs|cartons)"
              r"|did not (?:receive|get) (?:all|everything|the whole|the full)"
              r"|(?:billed|invoiced|charged)(?: us)?(?: for)? \d+ \w+[^.?!]{0,30}\b(?:we )?(?:received|got)"
              r" (?:only )?\d+"
              r"|(?:not|never) (?:receive|received|get|got) (?:the |our |any )?(?:goods|order|delivery|items|shipment)"
              r"|not (?:all|everything) (?:was |were )?(?:delivered|received|shipped)"
              r"|(?:\d+|a few|some|one|two|three|four|five) (?:fewer|less) (?:cases|units|items|boxes|pallets|pieces"
              r"|pcs|cartons|bags|rolls)\b)\b"),
    "returned": (("returned", "return", "returns"),
                 r"\b(?:returned(?! to (?:our|my|the) (?:account|bank|card))|returning|rma"
                 r"|return(?:ed)? (?:goods|items|parts|product|order)|(?:we|i) return\b"
                 r"|(?:sent|send|sending|shipped|shipping) (?:\w+ ){0,3}back"
                 r"|(?:went|gone|shipped|mailed|were taken|was taken) (?:straight |right )?back"
                 r"(?! and forth| to (?:you|the) about)"
                 r"|(?:picked|pick) (?:them|it|those|these) back up)\b"),
    "disputed": (("disputed", "dispute", "contested"),
                 r"\b(?:not (?:ours|mine|our order)|never ordered"
                 r"|did not order|do not recognize|unauthorized|double (?:billed|charged|billing)"
                 # "charged our card twice", "we've paid this twice", "debited twice", "paid it two times";
                 # not "so we are not charged twice"
                 r"|(?<!not )(?<!not be )(?<!not get )(?:billed|charged|invoiced|paid|debited|drafted|withdrawn"
                 r"|deducted|taken|pulled)(?: us| me| it| this| that| them| you| you people| you guys| \d+"
                 r"| (?:our|my|the|invoice) \w+| the invoice \w+)?"
                 r"(?: already)? (?:twice|two times|2x|2 x|x2)|make (?:us|me) pay (?:two|2) times|duplicate|dup|dupe"
                 r"|(?:is|are) (?:a )?double\b(?! what| the)"
                 r"|\btwo (?:\w+ )?(?:debits|charges|withdrawals|drafts) (?:of|for)\b"
                 r"|\b(?:separate (?:entity|company)|wrong (?:entity|company|customer|location))\b"
                 r"|same (?:like|as) (?:invoice )?\d"
                 # A fee or charge nobody agreed to: "a rush fee of $60 that nobody asked for", "a $75 admin fee
                 # we never authorized", "fuel surcharge $62.50 is not in our pricing agreement"
                 rf"|(?:fees?|surcharges?|charges?|debit)\b{_NEAR}{{0,40}}\b"
                 r"(?:never (?:agreed|authorized|approved|requested|asked for)"
                 r"|(?:nobody|no one) (?:ever )?(?:asked for|agreed to|requested|ordered|authorized|told us|tell us"
                 r"|quoted)"
                 r"|not in (?:our|the) (?:\w+ )?(?:agreement|contract)"
                 r"|did not (?:agree|request|order|ask for|authorize|approve))"
                 # Said of the charge in a sentence of its own: "there is nothing about late fees in our contract",
                 # "setup is waived for repeat orders", "it was not on the quote"
                 r"|nothing (?:about|on|regarding) [^.?!]{0,30} in (?:our|the) (?:agreement|contract)"
                 r"|(?:is|are|was|were|been) waived"
                 r"|(?:was|were|is|are) not (?:on|in) (?:the|our|your) (?:quote|agreement|contract)"
                 # Billed for what was called off: "we canceled that contract", "we should not be billed at all"
                 r"|(?:canceled|cancelled) (?:the|that|this|our) (?:contract|subscription|service|agreement)"
                 r"|should not (?:be|have been) (?:billed|charged|invoiced)"
                 # refusing a fee: "I am NOT paying the $75 late fee"; "not paying 1050 until…" says no reason
                 r"|not (?:paying|going to pay|pay) (?:the |this |that |your |any )?(?:[$€£]?\d[\d.,]* )?"
                 r"(?:[a-z]+ )?(?:fees?|surcharges?|charges?|interest)"
                 r"|(?:fees?|surcharges?)\b[^?!]{0,80}\bnot (?:paying|going to pay|pay) (?:it|that|this|them)\b"
                 # freight or delivery billed to a customer who collects: "we picked up at your dock"
                 rf"|(?:freight|delivery|shipping|pallet)\b{_NEAR}{{0,60}}\b(?:picked up|pick up|pickup|collected)"
                 # "please remove this fee", "the late fee on 3391 … take it off"
                 r"|(?:remove|take off|waive|reverse|drop)(?: (?:the|this|that|these|those|your))?"
                 r"(?: [a-z$\d.,]+){0,2} (?:fees?|surcharges?)\b"
                 r"|(?:fees?|surcharges?)\b[^?!]{0,100}\b(?:take (?:it|that|this|them) off|remove (?:it|this|that))"
                 # billed for an order called off: "PO 4500021877, which we cancelled on 11/30"
                 rf"|(?:order|po|purchase order)\b{_NEAR}{{0,40}}\b(?:we )?(?:canceled|cancelled)\b"
                 r"|(?:canceled|cancelled) (?:the|that|this|our) (?:order|po|purchase order)"
                 # tax that does not apply: "reverse charge applies", "we are tax exempt"
                 r"|reverse charge|tax[ -]exempt|(?:vat|sales tax)\b[^.?!]{0,40}\b(?:not apply|should not)"
                 r"|no (?:tax|vat|sales tax) for us|(?:we are|we re) (?:an? )?(?:export|exporting|exempt)"
                 # "a charge for transport but we take the goods ourself from your warehouse"
                 rf"|(?:freight|delivery|shipping|transport|transportation)\b{_NEAR}{{0,60}}\b(?:take|took|fetch"
                 r"|fetched|collect|get|got)\b[^.?!]{0,30}\b(?:ourself|ourselves|myself"
                 r"|from your (?:warehouse|dock|yard))"
                 r")\b"),
    # What none of the others fits (LABELS.md): a warranty claim, or work billed that was never done.
    "other": (("other",),
              r"\b(?:warranty"
              r"|(?:job|work|service|repair|repairs|install|installation|project)\b[^.?!]{0,30}\b"
              r"(?:never|not|still not) (?:finished|done|performed)"
              r"|(?:unfinished|incomplete|half done) (?:job|work|repair|repairs|install|installation|project)"
              # the wrong thing sent: "you sent 3/4 inch fittings and we ordered 1/2 inch"
              r"|wrong (?:items?|parts?|products?|colors?|colours?|models?|sizes?|size)|not what (?:we|i) ordered"
              r"|(?:were|was|are|is) the wrong (?:ones?|kind|type)"
              r"|(?:colou?rs?|sizes?|models?)\b[^.?!]{0,20}\b(?:is|are|was|were) wrong"
              r"|(?:received|got|sent|shipped|delivered)\b[^.?!]{0,40}\bbut (?:we|i) ordered"
              r"|and we ordered|(?:we|i) ordered\b[^.?!]{0,40}\b(?:you|they) (?:shipped|sent|delivered)"
              r"|(?:we|i) ordered \d+/\d+"  # "4410 is all 3/4 inch pipe. we ordered 1/2"
              r"|instead of\b[^.?!]{0,30}\bas ordered"  # "delivered in RAL 7016 instead of RAL 7035 as ordered"
              r"|(?:you|they) (?:shipped|sent|delivered)\b[^.?!]{0,40}\b(?:we|i) ordered)\b"),
}
# Goods sent back (not only an RMA number beside photos of the damage)
_SENT_BACK = re.compile(r"\b(?:returned|return them|sent (?:\w+ ){0,3}back|send (?:\w+ ){0,3}back|went (?:\w+ )?back"
                        r"|shipped (?:\w+ ){0,3}back)\b")
# "overbilled $1,140.00 for the six pallets never delivered": the shortage is why the sum is too high
_SHORT_BILLED = re.compile(r"\b(?:overbilled|over billed|overcharged|over charged|billed|charged|invoiced)\b"
                           rf"{_NEAR}{{0,100}}"
                           r"\b(?:never (?:got )?(?:delivered|arrived|received|came|showed up)"
                           r"|not (?:delivered|received)|(?:received|got) (?:only )?\d+"
                           r"|missing)\b")
_WRONG_ITEM = re.compile(r"\bwrong (?:model|items?|parts?|products?|sizes?|colou?rs?|ones)\b")
# A warranty claim names the damage it is about: the claim, not the damage, is why they do not pay.
_WARRANTY = re.compile(r"\bwarranty\b")


# The verb alone says a dispute, not why: it is the reason only when no other is given.
# A status said of an invoice set aside beside a payment is no reason for the payment: "hold 4111, we're disputing
# the freight on it separately", "except 3318, that one is being disputed", "30119 is in dispute".
_DISPUTING = re.compile(r"\b(?<!being )(?<!is in )(?<!are in )(?:dispute|disputed|disputing|contest|contesting)\b"
                        r"(?![^.?!]{0,40}\bseparately\b)(?!(?: \S+){0,3} with (?:my|our|the) (?:bank|card))")


_TWICE = re.compile(r"\b(?:twice|two times|double (?:billed|charged|billing)|2x|duplicate)\b")


def find_reason(text: str, reasons: tuple[str, ...]) -> str | None:
    found: list[tuple[int, int, str]] = []
    claim = bool(_WARRANTY.search(text)) and any(_kind_of(label) == "other" for label in reasons)
    for order, label in enumerate(reasons):
        start = _mention(label, text, claim=claim)
        if start is not None:
            found.append((start, order, label))
    if not claim and len(found) > 1:
        # the wrong size sent back, fewer cases than we ordered: the return or the shortage is why, not "Other"; goods
        # sent back because they were broken: the return (LABELS.md, two causes)
        kinds = {_kind_of(item[2]) for item in found}
        if kinds == {"other", "disputed"} and _WRONG_ITEM.search(text):
            found = [item for item in found if _kind_of(item[2]) == "other"]  # "the wrong model … we didn't order"
        if kinds == {"other", "pricing"}:  # "you sent M8 screws, we ordered M10 … the price must be lower": the item
            found = [item for item in found if _kind_of(item[2]) == "other"]
        found = [item for item in found if _kind_of(item[2]) != "other"] or found
        if _SENT_BACK.search(text) and any(_kind_of(label) == "returned" for _, _, label in found):
            found = [item for item in found if _kind_of(item[2]) not in ("damaged", "other")]
        elif _SHORT_BILLED.search(text) and any(_kind_of(label) == "short" for _, _, label in found):
            found = [item for item in found if _kind_of(item[2]) != "pricing"]  # billed too much for what never came
        elif kinds >= {"disputed", "pricing"} and _TWICE.search(text):
            found = [item for item in found if _kind_of(item[2]) != "pricing"]  # "charged twice, $95 too much"
        elif any(_kind_of(label) == "disputed" for _, _, label in found):
            # "a $65 restocking fee for the return under RMA-2207 … was waived": the fee is why, not the return
            found = [item for item in found if _kind_of(item[2]) != "returned"] or found
    return min(found)[2] if found else None


def _mention(label: str, text: str, *, claim: bool = False) -> int | None:
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
    if kind in ("damaged", "pricing") and claim:
        kind = None  # "broken under warranty", "billed at full price, a warranty replacement": an "Other" reason
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
