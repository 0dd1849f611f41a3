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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot import (
    nlu_dates,
    nlu_decide,
    nlu_intents,
    nlu_languages,
    nlu_letters,
    nlu_methods,
    nlu_model,
    nlu_reasons,
    nlu_slots,
    nlu_training,
)
from bot.nlu_text import normalize, vocabulary_of
from core.kernel import DEFAULT_SHORT_PAY_REASONS

INTENTS = ("balance", "statement", "invoices", "pay", "schedule", "cancel_scheduled", "deposit", "methods",
           "add_method", "history", "receipt", "promise", "dispute", "agent", "help", "stop", "start", "confirm",
           "deny", "link", "who_are_you", "thanks", "finance_charge", "remit_to", "plan", "unknown")
SELECTORS = ("all", "overdue", "oldest")  # or "oldest:2" (the two oldest), or 1-based positions: "2", "2,3"

_VOCABULARY = vocabulary_of(
    nlu_intents.PATTERNS + nlu_dates.PATTERNS + nlu_slots.PATTERNS + nlu_reasons.PATTERNS,
    extra=" ".join(DEFAULT_SHORT_PAY_REASONS).lower().split(),
)
# Looking back: payments made, receipts and history are about the past, and so is anything already done.
_BACKWARD_INTENTS = ("history", "receipt")
# Which requests take which slot. A slot said in any other request is said in passing: "I'm covering for our
# bookkeeper this week — who is this?" has no date, "pay ahead for january" no month, "what's left after the $500 we
# sent?" no amount to act on, "show me every payment, all of them" chooses no invoices, "thanks for your patience" is
# no short shipment. A request read with doubt keeps a slot that one of the options it offers takes.
_CHAT = frozenset({"thanks", "help", "who_are_you", "remit_to", "agent", "stop", "start", "link"})
_TAKEN_BY = {
    # A dispute records invoices, amount and reason: the day an earlier payment or return was made is for staff to
    # read in the customer's words ("I paid 1043 three weeks ago"), not a date the bot acts on.
    "date": frozenset(INTENTS) - _CHAT - {"methods", "add_method", "dispute", "plan", "finance_charge"},
    "month": frozenset({"statement", "history", "balance", "invoices", "receipt", "promise", "unknown"}),
    # A scheduled payment to cancel is found by its date ("the 2k on friday": friday), never by a sum to move.
    # A plan's instalments are the bot's to propose from the invoices chosen: no sum, no day of the customer's.
    # A yes repeats the proposal's sum at most ("yes go ahead with the $7,179.42"): the quote has it.
    "amount": frozenset(INTENTS) - _CHAT - {"balance", "invoices", "statement", "finance_charge", "methods",
                                            "add_method", "cancel_scheduled", "plan", "confirm"},
    "selector": frozenset(INTENTS) - _CHAT - {"history", "receipt", "finance_charge"},
    "reason": frozenset({"pay", "schedule", "dispute"}),
}
REASON_CONFIDENCE = 0.5  # the reason model's probability for a reason the finder missed
REASONED_INTENTS = tuple(sorted(_TAKEN_BY["reason"]))
_FORWARD_INTENTS = ("pay", "schedule", "promise", "deposit", "cancel_scheduled")
# "the other one", "that one": an invoice the conversation showed or named just before (bot.dialogue_states).
_REFERS = re.compile(r"\b(?:the )?(?P<other>other) (?:one|invoice|bill)\b"
                     r"|\b(?P<that>that|this|the same) (?:one|invoice|bill)\b")
_PLACEHOLDERS = re.compile(r"\b_[a-z]+_\b|\bplease\b")
# Words around slots that make no request of their own: "1043 too", "and 1044 as well" add to what is being done.
_FILLERS = re.compile(r"\b_[a-z]+_\b|\b(?:please|the|one|number|no|option|item|invoice|bill|and|on|for|um|uh|of|too"
                      r"|also|as well)\b")


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
    confidence: float = field(default=1.0, compare=False)  # how sure the intent is, 0–1 (bot.nlu_decide)
    clarify: tuple[str, ...] = ()  # when unsure between intents: the likely ones, to ask the customer which
    excluded: tuple[str, ...] = ()  # invoices the customer said not to pay or did not mean: never in `invoices`


def parse(text: str, *, today: dt.date, reasons: tuple[str, ...] = DEFAULT_SHORT_PAY_REASONS,
          model: nlu_model.IntentModel | None = None, locale: str = "en_US") -> Parsed:
    if nlu_intents.LINK_TOKEN.match(text):
        return Parsed("link")  # Telegram deep link `/start <token>`: the token is read by the channel
    read = _read(text, reasons, locale=locale)
    model = model or nlu_training.shipped_model()
    rule, source, guess = readings(read, model)
    intent, confidence, clarify = nlu_decide.decide(rule, source, guess, nlu_intents.vetoed(read.masked),
                                                    carried=read.carried)
    canonical, dates, months, reason = read.canonical, read.dates, read.months, read.reason

    dates = _meant(dates, intent, source, read) if _taken("date", intent, clarify) else []
    months = _meant(months, intent, source, read) if _taken("month", intent, clarify) else []
    done = nlu_dates.looks_back(canonical)  # "I paid on the 1st" looks back; "we'll get you paid by friday" not
    # A scheduled payment to cancel is ahead, even when said with what was done ("we mailed a check, cancel the one
    # on Dec 28").
    # "run the oldest on the 15th, last time you charged early": a payment asked for is ahead, whatever was done before
    back = intent in _BACKWARD_INTENTS or (done and intent not in _MOVES_MONEY | {"cancel_scheduled"})
    if intent in _MOVES_MONEY and len(dates) > 1:
        # "collect these today: 2026-1187 14.10.2026 1.120,00 € …": the invoices' own dates are behind us
        dates = [when for when in dates if (nlu_dates.resolve_date(when, today, back) or today) >= today] or dates
    if intent in _MOVES_MONEY | {"promise"} and not back and len(dates) > 1:
        # "per your 12/15 reminder, … pay today", "the delivery ticket from 11/09" beside the payment's day: a day gone
        # by, written without its year, not a payment most of a year ahead ("pay december fifth" alone is)
        dates = [when for when in dates if not (when.kind in nlu_dates.DAYS_NAMED and (
            (nlu_dates.resolve_date(when, today, False) or today) - today).days > _FAR_AHEAD_DAYS)]
    date = nlu_dates.resolve_date(dates[0], today, back) if dates else None
    if date is not None and not _MOVES_MONEY & {intent, *clarify} and dates[0].kind in nlu_dates.DAYS_NAMED and (
            date - today).days > _FAR_AHEAD_DAYS:
        # "ACH sent 12/14" said on 12/15, "den 30/11" on 11/17 read the wrong way: a day written without its year
        # that lies most of a year ahead is the one just gone by, when that is recent
        behind = nlu_dates.resolve_date(dates[0], today, True)
        date = behind if behind is not None and (today - behind).days <= _RECENT_DAYS else date
    if date is not None and date < today and intent in _MOVES_MONEY:
        date = None  # "pay the invoices from yesterday's list": money moves today or later, never before
    month_forward = intent in _FORWARD_INTENTS and not done
    if date is not None and intent == "promise":
        months = []  # "can we have until 15 january? business is slow in december": the day promised is the answer
    month = nlu_dates.resolve_month(months[0], today, not month_forward) if months else None
    if month and _SPAN_OF_MONTHS.search(read.masked) and len(
            {nlu_dates.resolve_month(when, today, not month_forward) for when in months}) > 1:
        month = None  # "Q4 (Oct-Dec)", "october through december": no one month
    if month and intent in _BACKWARD_INTENTS and len(dates) > 1:
        date = None  # "the payments of October 2026 … (10/02, 10/09, 10/16, 10/30)": the month, no one day of it
    if intent == "deny" and not read.invoices and read.method is None:
        date = None  # "no, don't take anything out today": no day to act on (a correction naming invoices keeps it)
    if intent == "pay" and date is None and _NOW.search(canonical):
        date = today  # "pay 1066 now": today's date, as "pay 1066 today"
    if date == today and {"pay", "schedule"} <= set(clarify):
        # "pay it now, or schedule it for today?" is no question: both charge today
        clarify = tuple(option for option in clarify if option != "schedule")
        clarify = clarify if len(clarify) > 1 else ()
        intent = "pay" if intent == "schedule" else intent
    if intent == "schedule" and date == today:
        intent = "pay"  # "we spoke on friday … please charge it today": paid now, not scheduled
        clarify = tuple(dict.fromkeys("pay" if option == "schedule" else option for option in clarify))
    if intent == "pay" and date is None and _IN_A_SPAN.search(canonical) and not _NOW.search(canonical) and not (
            _PART_LATER.search(canonical)):
        intent = "schedule"  # "pay 7120 in 3 days": later, on a day the customer picks when asked
    if intent == "pay" and date is not None and date > today:
        intent = "schedule"
        clarify = tuple(dict.fromkeys("schedule" if option == "pay" else option for option in clarify))
        if len(clarify) < 2:
            clarify = ()  # "pay it or schedule it?" with a future date is one request: schedule
    if not _taken("reason", intent, clarify):
        reason = None  # and "no, that's the wrong amount" objects to the quote: no short-pay reason
    elif intent in ("pay", "schedule") and read.excluded and read.money.payable is None:
        reason = None  # "pay 8840. NOT 8841, that one's a duplicate": why 8841 waits, not why 8840 is paid short
    elif reason is None and intent in ("pay", "dispute"):
        reason = _reason_guessed(model, read, reasons)
    refers = next((name for found in _REFERS.finditer(canonical) for name, word in found.groupdict().items() if word),
                  None)
    amount = _amount_meant(read, intent) if _taken("amount", intent, clarify) else None
    selector = read.selector if _taken("selector", intent, clarify) else None
    if intent == "schedule" and selector == "all" and _AUTOPAY.search(canonical):
        selector = None  # "charge all invoices automatically on their due date": autopay is for all (LABELS.md)
    if intent == "plan" and selector == "all" and nlu_slots.all_as_owed(read.masked):
        selector = None  # "can we pay what we owe in some parts": the plan takes the balance anyway (LABELS.md)
    if intent == "plan" and selector is None and not read.invoices and nlu_slots.names_everything(read.masked):
        selector = "all"  # "we can not pay the whole balance at once, can we split it": the plan is for all of it
    if intent == "invoices" and selector == "all" and read.months:
        selector = None  # "copies of all invoices issued in October": the month chooses them
    if read.invoices or (selector == "all" and intent in _NO_ALL):
        selector = None  # "we know 1187 is past due", "pay 5502, the whole thing": said of the invoice named
    invoices, excluded = (read.invoices if intent not in _NO_INVOICES or clarify else ()), read.excluded
    if intent in ("deny", "confirm") and read.from_quote:
        invoices = ()  # "No, please don't process that" over "Shall I charge … for 50219?": the answer, not 50219
    if intent == "confirm" and not invoices and (payable := read.money.payable) is not None and _ONLY_THAT.search(
            read.masked) and re.search(rf"(?<![$€£\d.,]){int(payable)}(?![\d.,]|\s*(?:dollars?|eur|€))", canonical):
        invoices = (str(int(payable)),)  # "yes but only 6655": a yes that names the one invoice it is for
    if intent == "confirm" and not invoices and (changed := _CHANGED_SUM.search(read.masked)):
        # "yes but only $1,500 for now", "y but 300" (three digits are never an invoice): a yes to a smaller sum
        amount = Decimal(changed["sum"]).quantize(_CENT) if changed["sum"] else _amount_meant(read, "pay")
    elif intent == "confirm" and not invoices and _MAKE_IT_SUM.fullmatch(read.masked):
        amount = _amount_meant(read, "pay")  # "make it 600" under a quote: a yes to that sum
    if intent == "deposit" and not clarify:
        invoices = ()  # money on account is on no invoice ("not against 82001, which we pay separately"; LABELS.md)
    if intent in ("cancel_scheduled", "dispute") and not invoices and excluded:
        # "cancel the payment for 33019, we will send a wire instead", "invoice 12877 is not right": that one
        invoices, excluded = excluded, ()
    if intent == "balance" and selector == "overdue" and _TOTAL_AND_LATE.search(read.masked):
        selector = None  # "how much do i owe total? and how much of that is late": both, no choice (LABELS.md)
    if intent == "invoices" and selector == "all" and not _EVERY.search(read.masked):
        selector = None  # "a breakdown of the open balance by invoice": which invoices, not all of them chosen
    if intent == "unknown" and not _slot_alone(read.masked):
        date = month = None  # "Christmas Eve and I'm getting a billing bot": no answer to a question asked
    if intent in _BACKWARD_INTENTS and amount is None and len(invoices) == 1 and not clarify and (
            said := _SUM_WENT.search(canonical)) and said["sum"] == invoices[0]:
        amount, invoices = Decimal(said["sum"]).quantize(Decimal("0.01")), ()  # a payment named by its sum
    if intent == "dispute" and not clarify and len(read.invoices) + len(read.excluded) > 1:
        # "we will not pay 55120 until it is corrected; 55102 and 55117 are fine": the dispute is about 55120, and
        # the others are the ones it does not mean
        named = sorted(read.invoices + read.excluded, key=lambda number: canonical.find(number.lower()))
        slips = nlu_slots.mistyped(canonical, named)  # "invoice 31525 no sorry 31552"
        named = [number for number in named if number not in slips]
        invoices = nlu_slots.disputed_among(canonical, named)
        excluded = tuple(number for number in named if number not in invoices)
    return Parsed(intent, invoices, selector, amount, date, month, reason, refers,
                  unpayable_amount=read.money.unpayable, currency=read.money.currency,
                  prefixed=tuple(number for number in invoices if number in read.prefixed), method=read.method,
                  confidence=confidence, clarify=clarify, excluded=excluded)


# What a date or month is said of, by the words of its clause: a second part ("and the rest on friday", "the rest in
# january"), a thing rather than the request ("the list you sent on tuesday", "this morning's list", "following our
# call on monday") or another event ("our audit begins the 14th", "payroll is friday", "are you open saturday").
# "I will pay the rest on the 20": the rest is all that is asked, not the second part of it
_REST_IS_ALL = re.compile(r"^(?:(?:i|we)(?: will| can| are going to| am going to)? |(?:can|could|may) (?:i|we) )?"
                          r"(?:please )?(?:pay|send|transfer|wire|settle|schedule|charge|debit|get)"
                          r"\s+(?:you )?(?:all )?the (?:rest|remainder)\b")
_A_LATER_PART = re.compile(r"\b(?:the )?(?:rest|remainder|remaining|other half)\b")
_SECOND_PART = re.compile(r"\b(?:the )?(?:rest|remainder|other half|half|balance of it)\b(?:\s+\S+){0,4}\s*$"
                          r"|\bthe (?:rest|remainder) of [$€£]?\d[\d.,]*(?:\s*(?:eur|€|dollars))?(?:\s+\S+){0,5}\s*$")
# "pay $750 today …, and the remaining $430.75 will follow on January 8": after a first part's day, the rest's
_REMAINING_PART = re.compile(r"\bthe remaining [$€£]?\d[\d.,]*(?:\s*(?:eur|€|dollars))?(?:\s+\S+){0,6}\s*$")
_OF_A_THING = re.compile(
    r"\b(?:list|email|call|meeting|conversation|letter|reminder|notice|message|statement|talk|chat)s?\s+"
    r"(?:(?:you|we|i)\s+(?:sent|emailed|had|made|mailed)\s+(?:on\s+|from\s+)?|(?<!list )(?<!lists )on\s+"
    r"|(?:from|of|dated)\s+)(?:the\s+)?$")  # "the list on 29/01" is when to pay it
# "this morning's list", "the friday invoices"; not "pay today invoice 30551"
_THING_AFTER = re.compile(r"^(?:'s|s')\s|^\s*(?:list|email|call|meeting|invoices?|bills?|statements?|orders?)\b"
                          r"(?!\s+(?:no\.?\s*|nr\.?\s*|number\s*|#\s*)?[a-z]{0,3}-?\d)")
_SINCE = re.compile(r"\bsince\s*$")
_GOODS_AFTER = re.compile(r"^\s*(?:invoices?|bills?|orders?|deliver(?:y|ies)|shipments?|run|accruals?|aging|reports?"
                          r"|books|close|closing|reconciliation|budget)\b")  # "I'm preparing the January aging report"
_DONE_IN_CLAUSE = re.compile(r"\b(?:was|were|been|approved(?! for pay| paying| to pay)|signed off|reviewed|received"
                             r"|called|spoke|talked|returned|shipped|delivered|sent)\b")
_EVENT = re.compile(r"\b(?:close[sd]?(?! (?:us|me|it|them|the account|our account|my account) out\b)"
                    r"|closing|begins?|audit|reconciliation|cut-?off|deadline|visits?|visiting"
                    r"|payroll|(?<!because of the )(?<!due to the )holidays?|vacation|pick up|they pay out|pays out"
                    r"|(?:our|their) (?:own |largest |biggest |main |big )?(?:clients?|customers?)"
                    r" (?:pays?|paid|paying)"
                    r"|is out until|are out until"
                    r"|(?:travelling|traveling|away|on vacation|on holiday|out of town) until|auditors?|go-live|go live"
                    r"|goes live|(?:wire|payment|check|deposit) lands|disbursement|grant funds"
                    r"|from our (?:own )?(?:customer|client)"
                    r"|(?:job|client|customer|customers|clients) (?:is |are )?paying (?:me|us)"
                    r"|funds (?:arrive|land) on"
                    r"|payment of our (?:clients?|customers?)"
                    r"|picking up|out of (?:the )?office|away until|back in the office)\b")
# Why that day, said after it: the day is still the payment's ("on MLK day, that is when we are back in the office")
_WHY_AFTER = re.compile(r"^\W*(?:\S+\s+){0,8}?(?:that is when|thats when|because|since|as that is|when|once"
                        r"|after (?:we|i|our|(?:the )?(?:payroll|paycheck|money|funds))"
                        r"|before (?:the |our )?(?:\w+ )?(?:holidays?|break|closing|close))\b")
# "payroll hits friday so I'll send like a grand then": the payment comes on the event's day
_THEN_AFTER = re.compile(r"^[^.?!]*\b(?:pay|send|mail|wire|transfer|remit|drop|cover|get you)\b"
                         r"[^.?!]*\b(?:then|that day)\b")
_MESSAGES_BEFORE = re.compile(r"\b(?:texts?|messages?|calls?|emails?|reminders?|notices?)\s+$")
_PAY_BEFORE = re.compile(r"\b(?:pay|charge|debit|run|process|collect)\s+(?:invoice\s+)?[\w-]*\d[\w-]*\s+$")
_AUTOPAY = re.compile(r"\b(?:autopay|auto pay|auto-pay|automatic(?:ally)?|recurring|every (?:invoice|month|time))\b")
# Another payment's clause: the customer's own ("40519 we will transfer ourselves next week") or one left alone
# ("SI-50352 stays scheduled for 12/30").
_ANOTHER_PAYMENT = re.compile(r"\b(?:ourselves|by ourself|we (?:will )?(?:transfer|settle|mail|send|wire)|separately"
                              r"|out with our|by check|pay (?:it|that one|that|this one) (?:by check|ourselves)"
                              r"|(?:stays?|remains?|is still|are still) (?:scheduled|on hold|set))\b")
_TOTAL_AND_LATE = re.compile(r"\b(?:total|in total|altogether|in all)\b[^.]*?(?:\?|\band\b|\bn\b)\s*"
                             r"(?:how much|what|which)\b[^?]*\b(?:late|overdue|past due)\b")
_OF_INVOICES = re.compile(r"_invoice_|\b(?:invoices?|separately|that one|those)\b")
_INVOICES_OF_BEFORE = re.compile(r"\binvoices? (?:from|of|for|in)\s+$")  # "three invoices from | December"
_TAKEN = re.compile(r"\b(?:took|charged|debited|drafted|pulled|withdrew|ran|paid"
                    r"|last (?:autopay )?(?:debit|charge|draft))\b")
_CANNOT = re.compile(r"\b(?:not|no|difficult|hard|tight|impossible|bad|slow|late)\b")
_INVOICE_DATED = re.compile(r"\b(?:is|was|are|were) (?:dated|issued|invoiced|delivered)\s+(?:on\s+)?$"
                            # "… jetzt bezahlen. Die Lieferung vom 27.11. ist angekommen": the delivery's day
                            r"|\b(?:delivery|shipment)\s+(?:from|of|dated|on)\s+(?:the\s+)?$")
# An invoice's or a delivery's own day beside the payment's: "invoice 55730 dated 10/28/2026 (delivered 11/02) for
# friday 11/20", "(invoice dates 11/02 and 11/06, received 11/09)", "Rechnung RE-2026-0412 from 03/11", "due 31/12"
_DOCUMENT_DATED = re.compile(r"(?:\b(?:dated|invoice dates?|issued|invoiced|delivered|shipped|received|delivery|due)"
                             r"|\b(?:invoice|rechnung|factura|facture|fattura|lieferschein)\s+[\w-]+\s+(?:from|of))"
                             r"\s+(?:on\s+)?(?:\S+\s+(?:and|,)\s+)?$")
_INSTEAD_AFTER = re.compile(r"^\W*instead\b")
_INSTEAD_BEFORE = re.compile(r"\binstead\s+(?:on|for|to|at)?\s*(?:the\s+)?$")  # "… and make it instead on the 22/12"
_DUPLICATE_TOTAL = re.compile(r"\b(?:duplicate|dup|dupe|same as|twice)\b.*\btotal(?: of| is)?:?\s*_amount_"
                              r"|\btotal(?: of| is)?:?\s*_amount_.*\b(?:duplicate|dup|dupe|twice)\b"
                              # "(same PO, same amount $2,845.00)"
                              r"|\bsame (?:amount|total|sum)(?: of| is)?:?\s*_amount_")
# "you charged our card twice … same amount 425.90": the money taken twice is the sum in dispute, not an invoice's total
_TAKEN_TWICE = re.compile(r"\b(?:charged|paid|debited|taken|withdrawn|went through|came out|ran|run)\b.{0,60}?"
                          r"\b(?:twice|two times|double|again)\b")
# A yes that changes the quote's sum: "yes but only $1,500.00 for now", "y but 300", "fine. yes. but $600 only"
_CHANGED_SUM = re.compile(r"^\W*(?:\w+\W+)?(?:yes|y|ok|okay|sure|fine|approved|oui|ja|si|sí)\b\W*(?:\w+\W+){0,6}?"
                          r"(?:but|however|mais|aber|maar|pero|ma)\b[^_\d]{0,30}(?:_amount_|(?P<sum>\d{3}(?:\.\d\d)?)\b"
                          r"(?![.,]?\d))")
_POSITION_ALONE = re.compile(r"^\s*\d{1,2}\s*[.!]?\s*$")  # "12" alone: the position picked (nlu_slots.find_selector)
_MAKE_IT_SUM = re.compile(r"\W*(?:no\W+)?(?:make|change) (?:it|that)(?: to)?\s+_amount_\W*(?:please|pls)?\W*")
_THREE_DIGITS_ALONE = re.compile(r"\s*\$?(?P<sum>[1-9]\d{2}(?:\.\d\d)?)\s*[.!]?\s*")
_ONLY_THAT = re.compile(r"^\W*(?:yes|yep|yeah|ok|okay|sure|go ahead)\W+(?:but\s+)?(?:only|just)\s+_amount_\W*$")
_TOTAL_OF_PAYMENTS = re.compile(r"\bpayments\b.*\b(?:total(?:l?ing)?|in total|altogether)(?: of| is)?:?\s*_amount_")
_MADE_IT = re.compile(r"\bmake (?:it|that)(?: the)?\s*$")  # "… probably closed, make it the twenty eighth"
_PAID_CLAIM = re.compile(r"\b(?:we|i) (?:have |had )?(?:already )?(?:paid|payed|transferred|wired)\b"
                         r"|\b(?:was|were|been|is|are) (?:already )?paid\b"
                         r"|\bpaid (?:it |this |that )?in full\b|\balready paid\b"
                         r"|\b(?:we|i) (?:already )?sent (?:a |the |our )?(?:check|cheque|payment|transfer|wire|ach)\b")
_WRONG_SUM = re.compile(r"\b(?:overcharged|overbilled|over billed|too much|extra|short|missing|not pay|not paying"
                        r"|will not pay|credit|refund|twice|double|two times|deduct|deducted|withheld)\b")
_NOT_BEFORE = re.compile(r"\bnot\s+$")  # "I need it TODAY, not next week"
_MADE_BEFORE = re.compile(r"\b(?:made|paid|sent|did|wired|transferred)\s+$")  # "the payment I made today"
_SIGNED = re.compile(r"\b(?:signed|approved|cut|printed|wrote|written|received|got)\b")
_AS_OF_INTENTS = frozenset({"balance", "statement"})  # a date for these is the day the figure is "as of"
_DUE_BEFORE = re.compile(r"\bdue\b(?:\s+\S+){0,2}\s*$")
_IN_A_SPAN = re.compile(r"(?<!\bdue )(?<!\bpayable )\bin (?:\d+|a few|a couple(?: of)?) (?:days?|weeks?)\b"
                        r"|\bin a week\b")
_PART_LATER = re.compile(r"\b(?:rest|remainder|remaining|balance|other half)\b")
_MOVES_MONEY = frozenset({"pay", "schedule", "deposit"})
_FAR_AHEAD_DAYS = 240
_CENT = Decimal("0.01")
_RECENT_DAYS = 120
_NOW = re.compile(r"(?<!\bnot )(?<!\bby )(?<!\bfor )(?<!\bhappy )(?<!\bapproved )(?<!\bis )(?<!\bare )\b(?:right )?now"
                  r"\b(?! that\b)|(?<!\bnot )\b(?:asap|right away|immediately|as soon as possible)\b")  # LABELS.md
_A_PAYMENT_AFTER = re.compile(r"^\s*(?:payments?|wire|transfer|ach|check|deposit|charge)\b")  # "today's payment"
# Requests that act on no invoice: "stop emailing me about 4412", "an updated statement, the one below is out of date".
_NO_INVOICES = (_CHAT - {"agent", "remit_to"}) | {"statement", "methods", "add_method"}
_SPAN_OF_MONTHS = re.compile(r"\bq[1-4]\b|_month_\s*(?:-|–|through|thru|to|till|until)\s*_month_")
# A date taken back: "sched 7705 for 12/18 wait no 12/19", also after the rest of its sentence ("op 7 januari laten
# afschrijven? Nee wacht, maak er 8 januari van"); not "no rush".
_CORRECTED_AFTER = re.compile(r"^(?:(?:(?!monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow)"
                              r"[^.?!\d]){0,25}[.?!])?[\s,.;:!?—–-]*"
                              r"(?:wait|no(?!\.|\s*\d| (?:rush|hurry|problem|worries)\b)"
                              r"|nope|sorry|oops|i mean|i meant|actually|correction|typo"
                              r"|apologies|my apologies|my mistake|my bad|pardon"
                              r"|make (?:it|that))\b")
# "how much do I owe TOTAL, including all the charges", "billed for all of them", "include all open items": no choice.
_NO_ALL = frozenset({"balance", "dispute", "statement"})
_EVERY = re.compile(r"\b(?:all|every|everything|each|whole|entire|full)\b")
_SLOT_ALONE_WORDS = 6  # "friday", "the 15th works", "on friday please": a slot answered, not a message about a day


def _slot_alone(masked: str) -> bool:
    """Whether a message the rules do not read answers with a day: short, or a sentence of its own that is the day
    ("FRIDAY. I already told the last bot FRIDAY.")."""
    return len(masked.split()) <= _SLOT_ALONE_WORDS or any(
        "_date_" in sentence and len(sentence.split()) <= 3 for sentence in re.split(r"[.!?\n]+", masked))


def _own_words(found: list[nlu_dates.When], at: int) -> str:
    """The words of a date's clause that can be said of it: not those before the next date, which are said of that
    one ("we pay on monday | payroll hits friday": "payroll hits" is said of friday, not of monday)."""
    when = found[at]
    ahead = at + 1 < len(found) and found[at + 1].phrase in when.trail
    # "on new year's eve, our fiscal year closes then": what follows says why that day
    # "pay 1043 today but only 400 of it, the rest after the holidays": the holidays are the rest's
    trail = _A_LATER_PART.split(when.trail, maxsplit=1)[0]
    return when.lead if ahead or re.search(r"\bthen\b", trail) else f"{when.lead} {trail}"


def _meant(found: list[nlu_dates.When], intent: str, source: str, read: _Read) -> list[nlu_dates.When]:
    """The dates (or months) the request is about, by what each is said of in its clause (LABELS.md): the day of a
    payment, a promise, a statement "as of", invoices "due" then; not the day of something else said in passing."""
    meant = []
    for at, when in enumerate(found):
        if intent in _MOVES_MONEY | {"promise"} and _said_of_one_set_aside(when.lead, read):
            continue  # "INV-9288 is already scheduled for 12/15 and should stay": not the day of this request
        if at + 1 < len(found) and _CORRECTED_AFTER.match(when.after or when.trail) and (
                found[at + 1].kind == when.kind or {when.kind, found[at + 1].kind} <= set(nlu_dates.DAYS_NAMED)):
            continue  # "on the 2nd of January - sorry, the 4th": the 4th
        month = when.kind in ("month", "month_rel")
        clause = f"{when.lead} {when.trail}"
        second = (_SECOND_PART.search(when.lead) and not _REST_IS_ALL.match(when.lead)) or (
            len(found) > 1 and _REMAINING_PART.search(when.lead))  # after the first part's own day
        event = _EVENT.search(_own_words(found, at)) and not (_WHY_AFTER.match(when.trail) or _MADE_IT.search(when.lead)
                                                              or _THEN_AFTER.search(when.after))
        if second or (not month and when.direction != "nearest" and event):
            continue
        if month and intent == "promise" and len(found) > 1 and _CANNOT.search(clause):
            continue  # "this month is very difficult, we pay next month": the month they can pay in
        of_invoices = _INVOICES_OF_BEFORE.search(when.lead) and not (  # "we pay the open invoices in december": when
            intent == "promise" and when.lead.rstrip().endswith(" in"))
        if month and intent != "invoices" and (_GOODS_AFTER.match(when.trail) or _SINCE.search(when.lead)
                                               or of_invoices):
            continue  # "check #3390 for the two october invoices", "everything since september"
        if intent in _MOVES_MONEY and not month and _INVOICE_DATED.search(when.lead):
            continue  # "77412 is dated 11/24": the invoice's day, not the payment's
        if (intent in _MOVES_MONEY | {"promise"} and not month and len(found) > 1
                and _DOCUMENT_DATED.search(when.lead)):
            continue  # "invoice 70220 dated 01/12, delivered 04/12, due 31/12. We will pay on 04/01": the 4th
        if not month and _NOT_BEFORE.search(when.lead):
            continue  # "I need it TODAY, not next week"
        if intent in _FORWARD_INTENTS and ((_OF_A_THING.search(when.lead) and when.modifier != "next")
                                           or _THING_AFTER.match(when.trail)):
            continue  # "pay 2 and 3 from the list you sent on tuesday", "our transfer for the october invoices"
        if not month and _MESSAGES_BEFORE.search(when.lead):
            continue  # "5 texts today. FIVE. I'll pay 8440 friday": the day of the reminders, not of the payment
        if intent in _MOVES_MONEY and not month and _ANOTHER_PAYMENT.search(clause) and not (
                intent == "deposit" and not _OF_INVOICES.search(clause)):
            continue  # "charge 40518 now. 40519 we will transfer ourselves next week": not this payment's day (a
            # deposit the customer transfers themselves keeps its day: LABELS.md)
        if intent == "cancel_scheduled" and not month and _TAKEN.search(when.lead):
            continue  # "your system took $2,000 out on the 3rd, cancel whatever else you have scheduled"
        since_last = when.lead.rsplit(found[at - 1].phrase, 1)[-1] if at and found[at - 1].phrase in when.lead else None
        done_here = _DONE_IN_CLAUSE.search(f"{since_last} {when.trail}" if since_last is not None else clause)
        if intent in _MOVES_MONEY and not month and done_here and not (
                _PAY_BEFORE.search(when.lead)):  # "pay 31204 today but deduct the cases that were short": today
            continue  # "both were approved by the owner this morning": not when to pay
        if intent == "promise" and not month and at + 1 < len(found) and _SIGNED.search(clause):
            continue  # "the owner signed checks today, the check goes in the mail tomorrow": when it goes out
        if intent in _AS_OF_INTENTS and not month and when.direction != "nearest":
            continue
        if intent == "invoices" and not month and not _DUE_BEFORE.search(when.lead):
            continue
        if intent == "receipt" and when.phrase == "today" and not (_A_PAYMENT_AFTER.match(when.trail)
                                                                    or _MADE_BEFORE.search(when.lead)):
            continue  # "I need a receipt for 8817 TODAY": how soon, not which payment
        if intent == "unknown" and source != "whole" and when.lead.strip():
            continue  # "happy holidays, closed dec 24-26"; a date alone ("friday", "the 22nd. ok?") answers a question
        meant.append(when)
    instead = [when for when in meant if _INSTEAD_AFTER.match(when.after) or when.moved_to
               or _INSTEAD_BEFORE.search(when.lead)]
    return instead or meant


def _said_of_one_set_aside(lead: str, read: _Read) -> bool:
    """Whether a date's clause opens with an invoice the customer set aside ("INV-9288 is already scheduled for
    12/15", "3312 I'll pay myself on the 20th"): that invoice's day, not the request's."""
    opening = _OPENING_REFERENCE.match(lead)
    return opening is not None and opening["ref"] in {number.lower() for number in read.excluded}


_OPENING_REFERENCE = re.compile(r"\W*(?:(?:the\s+)?(?:invoice|inv|bill|facture|rechnung|factuur|factura|fattura)\b)?"
                                r"[\s#:.-]*(?P<ref>[a-z]{0,4}[-/]?\d[\w/-]*)")


# "did my 500 from monday clear", "receipt for the 350": a payment asked about, named by its sum (three digits are
# never an invoice), or "the 1800 i paid friday".
_SUM_NAMED = re.compile(rf"(?:\b(?:my|the|our|that|this|did|one for)|_date_)\s+(?P<sum>\d{{3}}(?:\.\d\d)?"
                        rf"|\d{{4,5}}(?=\s+{nlu_slots.PAID_BY_THEM}))\b(?!\s*(?:%|[a-z]+s\b))")


# "did the 1800 go thru yesterday", "rcpt for the 1250 from tues": four digits named as a payment that went somewhere
_SUM_WENT = re.compile(r"\b(?:my|the|our|that|this|[a-z]+days?)\s+(?P<sum>\d{4,5})\s+(?:go|goes|went|gone|clear|clears"
                       r"|cleared|from|come|came|land|landed|post|posted|arrive|arrived)\b")


def _amount_meant(read: _Read, intent: str) -> Decimal | None:
    """The amount the request acts on (LABELS.md): a dispute holds the one sum it says is wrong ("overcharged $45"),
    not one of two prices compared ("$52 a unit, we agreed $47"); a history or receipt question names the payment it
    asks about."""
    money = read.money
    if intent == "dispute":
        # "1043 is a duplicate of 1042, total $540.00": the invoice is what is wrong, its total no sum in dispute;
        # "we paid it in full, $2,980.00, by ACH": what was paid is not said to be wrong (LABELS.md, 2026-12-23)
        paid_only = _PAID_CLAIM.search(read.canonical) and not _WRONG_SUM.search(read.canonical)
        if money.refused is not None and money.refused > 0 and money.sums > 1:
            return money.refused  # "we are not paying the $1,140.00 for the returned chairs" among the invoice's sums
        duplicate = _DUPLICATE_TOTAL.search(read.masked) and not _TAKEN_TWICE.search(read.canonical)
        return None if money.sums > 1 or duplicate or paid_only else money.payable
    if intent in _BACKWARD_INTENTS and _TOTAL_OF_PAYMENTS.search(read.masked):
        return None  # "all payments we made in december … I count 5 payments, total 8.945,00 €": no one payment
    if intent in _BACKWARD_INTENTS and money.payable is None and money.sums == 0:
        said = _SUM_NAMED.search(read.masked)
        return Decimal(said["sum"]).quantize(Decimal("0.01")) if said else None
    return money.payable


def _taken(slot: str, intent: str, clarify: tuple[str, ...]) -> bool:
    return bool(_TAKEN_BY[slot] & {intent, *clarify})


@dataclass(frozen=True)
class _Read:
    """A message with its slots found: the canonical text, and the text with the slots masked."""
    canonical: str
    masked: str
    dates: list[nlu_dates.When]
    months: list[nlu_dates.When]
    prefixed: list[str]
    invoices: tuple[str, ...]
    method: str | None
    money: nlu_slots.Amount
    selector: str | None
    reason: str | None
    excluded: tuple[str, ...] = ()
    from_quote: bool = False  # the invoices are the quoted message's ("please pay the invoice below")
    carried: bool = False  # words of another language read through bot.nlu_languages (money waits for surer)
    foreign: bool = False  # and written wholly in it

    @property
    def details(self) -> bool:
        return bool(self.invoices or self.money.payable or self.selector or self.dates or self.months)


def _read(text: str, reasons: tuple[str, ...], *, locale: str = "en_US") -> _Read:
    own, quoted = nlu_letters.own_and_quoted(text)  # a reply: the history under it is the seller's reminder
    # a pasted email: its request, not its sign-off; nor a season's greeting ("merry christmas, paying 1043 friday")
    body = nlu_letters.body(nlu_letters.without_greetings(own))
    canonical = normalize(body, _VOCABULARY)
    dates, masked = nlu_dates.find_dates(canonical, locale=locale)  # "10/12" is 10 December to a German
    months, masked = nlu_dates.find_months(masked)
    masked = nlu_slots.mask_phones(masked)
    prefixed, masked = nlu_slots.find_prefixed_invoices(masked)  # first: "#1044" is an invoice, "visa #4444" a card
    method, masked = nlu_methods.find_method(masked)
    money, masked = nlu_slots.find_amount(masked, locale=locale)  # "1.234,50": Babel, in the customer's locale
    if money.value is None and (alone := _THREE_DIGITS_ALONE.fullmatch(masked)):
        # "750" alone answers "how much?": three digits are never an invoice, and a position has one or two (LABELS.md)
        money, masked = nlu_slots.Amount(Decimal(alone["sum"]).quantize(_CENT), sums=1), " _amount_ "
    bare, masked = nlu_slots.find_bare_invoices(masked)
    selector, masked = nlu_slots.find_selector(masked)
    if selector is None and quoted:
        selector, masked = nlu_slots.the_last_listed(masked, quoted)
    lowered = body.lower()
    carried = nlu_languages.carries(lowered)
    # a reason configured in the customer's own language ("Artículo dañado") is found in their words, not in English
    reason = (carried and nlu_reasons.find_reason(lowered, reasons)) or nlu_reasons.find_reason(canonical, reasons)
    named = sorted(dict.fromkeys(prefixed + bare), key=lambda number: canonical.find(number.lower()))
    if selector is None and not named and money.payable is None and nlu_slots.means_the_rest(masked):
        selector = "all"  # "pay the rest": what is left on the account
    # in the customer's words or, written in another language, in English ("die Rechnung unten": the invoice below)
    from_quote = not named and bool(quoted) and (nlu_letters.points_at_quote(own)
                                                 or nlu_letters.points_at_quote(canonical))
    if from_quote:  # "please pay the invoice below"
        named = list(_read(quoted.replace(">", " "), reasons, locale=locale).invoices)  # read as a message
    # "don't pay 1042, just 1043", "all that are past due, the invoice 6672 not": never 1042, never 6672
    chosen = selector in SELECTORS or nlu_slots.oldest_count(selector) is not None
    excluded = nlu_slots.excluded_invoices(canonical, named, chosen=chosen)
    invoices = tuple(number for number in named if number not in excluded)
    return _Read(canonical, masked, dates, months, prefixed, invoices, method, money, selector, reason, excluded,
                 from_quote, carried, nlu_languages.foreign(lowered))


def readings(read: _Read, model: nlu_model.IntentModel) -> tuple[str, str, nlu_model.Guess]:
    """What the rules read (intent, which rule) and what the model guesses, before bot.nlu_decide weighs them."""
    rule, source = nlu_intents.classify(read.masked, has_details=read.details, has_reason=read.reason is not None)
    rule = nlu_methods.intent_with(read.method, rule, read.canonical)
    words = _model_words(read)
    if only_slots(words) or (rule == "unknown" and not _FILLERS.sub("", _POSITION_ALONE.sub("", words)).strip()):
        source = "whole"  # nothing but slots ("1042", "the second one"): the dialogue reads them as answers
    return rule, source, model.guess(words)


def masked(text: str) -> str:
    """What the intent model reads of a message: its words, the slots as placeholders (training and guessing)."""
    if nlu_intents.LINK_TOKEN.match(text):
        return "/start _token_"
    return _model_words(_read(text, DEFAULT_SHORT_PAY_REASONS))


def _reason_guessed(model: nlu_model.IntentModel, read: _Read, reasons: tuple[str, ...]) -> str | None:
    """A reason said in words the reason finder does not know ("you charged me 2x", "short by 4"): the model's,
    when it is sure and the reason is one of the configured ones."""
    guessed = model.reason(_model_words(read))
    return guessed[0] if guessed and guessed[1] >= REASON_CONFIDENCE and guessed[0] in reasons else None


def _model_words(read: _Read) -> str:
    words = model_text(_REFERS.sub(" _refers_ ", read.masked))  # "and the other one?" names an invoice
    return f"_carried_ {words}" if read.foreign else words  # a message read through a word list (nlu_languages)


def only_slots(model_words: str) -> bool:
    """Whether what the model reads of a message (`masked`) is nothing but slots: "1042", "friday", "$500 please"."""
    return not _PLACEHOLDERS.sub("", model_words).strip()


def model_text(masked_text: str) -> str:
    return " ".join(nlu_intents.plain(masked_text).split())


def to_json(parsed: Parsed) -> dict[str, Any]:
    """The `aragent parse` contract: these keys, dates and amounts as strings; `clarify` only when the bot would ask
    which of those intents the customer means."""
    return {
        "intent": parsed.intent,
        "invoices": list(parsed.invoices),
        "selector": parsed.selector,
        "amount": None if parsed.amount is None else f"{parsed.amount:.2f}",
        "date": None if parsed.date is None else parsed.date.isoformat(),
        "month": parsed.month,
        "reason": parsed.reason,
        "confidence": round(parsed.confidence, 2),
        **({"clarify": list(parsed.clarify)} if parsed.clarify else {}),
    }
