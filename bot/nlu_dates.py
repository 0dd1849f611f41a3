"""Dates and statement months in a message, resolved against `today`.

Finding a phrase and resolving it are two steps, because the direction depends on the whole message:
"the 15th" is the next 15th in "can't pay until the 15th" but the last one in "I paid it on the 15th".
Resolution rules (the contract of `aragent parse`):
- a weekday is the coming one, strictly after today ("friday" said on a Friday is a week later); "last
  friday" is the one before today; "next friday" is the coming one, like "friday";
- a calendar date without a year ("dec 5", "12/5") and a day of the month ("the 15th") are the next such
  day on or after today; a day that a month lacks is skipped ("the 30th" in February: March 30);
- a date in digits is month first ("12/5" is December 5) unless the first number cannot be a month: then it
  is day first ("18/12/2026" is 18 December); a dotted date with a year is day first ("18.12.2026");
  a fraction before a unit is a size, not a date ("3/4 inch", "1/2\"", "3/8 in ball valves");
- "next week" is next Monday; "this week", "last week", "in 2 weeks", "in a few days" are spans, no date;
- "end of month" is the month's last day, "first of the month" the next 1st;
- a month without a day ("october statement") is the most recent such month not after today, or the
  next one not before today when the message looks forward (promises, payments).
Looking back (history, receipts, and anything already done: "I paid", "was paid", "we mailed", but not "we'll get
you paid by friday" nor "if we paid by the 25th") turns every open-ended phrase into the most recent such day on or
before today; "since the 1st" always looks back, "as of november 30" takes the nearer one. A date that is not the
one meant is skipped: a card's expiry ("expires 12/26"), ordinals listed as positions ("pay 1st and 3rd"), a
weekday before the date it names ("friday the 11th" is the 11th). Weekdays, relative days and month names are read
by dateparser with `today` as its fixed RELATIVE_BASE; a date it would read some other way ("2/30" as 2030) is no
date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import dateparser
from babel import UnknownLocaleError
from babel.dates import get_date_format
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH = "|".join(_MONTHS)
_WEEKDAY = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a couple": 2, "couple of": 2, "another": 1}
_COUNT = r"\d{1,3}|a couple of|a couple|couple of|an|a|one|two|three|four|five|six|seven|eight|nine|ten"
_NOT_A_POSITION = r"(?!\s+(?:one|ones|invoice|invoices|item|items|bill|bills|entry|line|option|choice)\b)"
# After a fraction: a unit, so a size ("3/4 inch", "1/2\"", "3/8 in ball valves"); "in" but not "in full".
_FRACTION = re.compile(r"(?:[1-9]|[1-5]\d)/(?:2|4|8|16|32|64)")  # "3/4 inch", "5/8 in": a size; "29/01 in our run" no
_SIZE_AFTER = re.compile(r"\s*-?\s*(?:\"|''|inch(?:es)?\b|in\b\.?(?!\s*(?:full|advance|time|cash|person|total)\b)"
                         r"|ft\b|feet\b|foot\b|mm\b|cm\b|meters?\b|lbs?\b|oz\b|gal(?:lons?)?\b|pounds?\b|thick\b"
                         r"|dia(?:meter)?\b|npt\b|x\s*\d)")
# Something already done looks back: "I paid", "was sent", "we mailed". `who` "you"/"it" after "get"/"have" is
# the object of a promise: "we'll get you paid", "we'll have it sent".
_DONE = re.compile(r"(?:^|[.!?]\s+|,\s+(?=mailed|went out|sent)|\b(?=went in(?:to)? the (?:mail|post)\b)"
                   r"|(?<=\s)(?=went out\b)"
                   # "check #4471 mailed monday", "check of 960,00 € mailed monday"
                   r"|\b(?:check|cheque|payment|wire|transfer|ach|remittance)(?:\s+#?\d+|\s+(?:of|for)\s+[$€£]?\s*\d[\d.,]*"
                   r"(?:\s*(?:€|eur|euros?|kr|usd|dollars?))?)?\s+(?=mailed|went out|left|done|sent|released|initiated)"
                   r"|\b(?P<who>i|we|you|they|it|was|were|been|already|had|wife|husband|partner|accountant"
                   r"|bookkeeper|boss|owner|office|bank|controller) )(?:have |has |had )?(?:already )?(?:paid|sent"
                   r"|mailed|made|received|charged|billed|dropped off|returned|wired|transferred|deposited|emailed"
                   r"|faxed|shipped|delivered|settled|cashed|debited|processed|went out|left|released|done"
                   r"|went in(?:to)? the (?:mail|post)|is in the (?:mail|post) already)\b")
_CAUSED_BEFORE = re.compile(r"\b(?:get|gets|getting|have|has|having)\s+$")
_IF_BEFORE = re.compile(r"\b(?:if|once|when|whether|until|before)\s+$")  # "would it be alright if we paid by the 25th"
# "since the 1st": behind us, whatever the message asks; "as of november 30" (said on December 6) and "a statement
# as of december 31" (the same day): the nearer one, behind or ahead.
_SINCE_BEFORE = re.compile(r"\bsince\s+$")
# "the open balance per 31.12.2026", "the statement of account at date 30/11"
_AS_OF_BEFORE = re.compile(r"\b(?:as (?:of|at)|per|pr\.|at(?: the)?(?: date)?|(?<=statement )dated)\s+$")
# "the card expires 12/26", "expires at the end of this month": a card's expiry, not the date the message means.
_EXPIRY_BEFORE = re.compile(r"\b(?:expires?|expiring|expired|expiry|expiration|exp\.?|valid (?:thru|through|until))"
                            r"\s+(?:on\s+|in\s+|at\s+)?(?:the\s+end\s+of\s+(?:the\s+)?)?$")
# "pay 1st and 3rd": ordinals listed together are positions, unless said as days ("on the 1st and the 15th").
_LISTED_ORDINAL_AFTER = re.compile(r"\s*(?:,|&|\band\b)\s*(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\b")
_LISTED_ORDINAL_BEFORE = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)\s*(?:,|&|\band\b)\s*(?:the\s+)?$")
_DAY_WORD_BEFORE = re.compile(r"\b(?:on|by|until|till|before|after|from|due|for)\s+(?:the\s+)?$")
# "friday the 11th", "monday, january 4th": the weekday names the date that follows it.
_WEEKDAY_NAMES_NEXT = re.compile(r",?\s*")
_AFTER_BETWEEN = re.compile(r"\s+(?P<side>after|before)\s+(?:the\s+)?")
_EUROPEAN_MONEY = re.compile(r"\d,\d\d\s*(?:eur|€|euros?|chf|sek|dkk|nok|pln)(?![a-z])|€\s*\d[\d.]*,\d\d\b"
                             r"|(?<![\d.,])\d{1,3}(?:\.\d{3})+,\d\d(?![\d.,])"  # "1.950,00 USD": thousands with dots
                             r"|\beuro?s?\b")
# "between oct 1 and dec 31", "from 11/1 to 11/30": a span, neither end a date meant.
_SPAN_BEFORE = re.compile(r"\bbetween\s+(?:the\s+)?$|\b(?:the\s+)?week\s+of\s+(?:the\s+)?$"
                          r"|(?<!\bday )(?<![a-z]day )\bafter\s+(?:the\s+)?$"  # "after the 15th": any day after it
                          r"|\b(?:between|from)\s+(?:the\s+)?\S+(?:\s+\S+)?\s+(?:and|to|through|thru|till|until|-)\s+(?:the\s+)?$")
# A payment moved from one day to another ("reschedule 70391 from dec 22 to jan 5", "… on the 18th, move it to monday",
# "needs to move to December 17"): the day it moves to is the day meant, and the day it moves from no span's end.
_MOVING = re.compile(r"\b(?:move|moved|moving|reschedule|rescheduled|push|pushed|shift|shifted|postpone|postponed"
                     r"|change|changed|switch|defer|deferred)\b")
_MOVED_TO = re.compile(r"\bfrom\s+(?:the\s+)?\S+(?:\s+\S+)?\s+(?:to|till|until|on)\s+(?:the\s+)?$"
                       r"|\b(?:move|moved|reschedule|rescheduled|push|pushed|shift|shifted|postpone|change|changed|switch)"
                       # "move it to monday", "move my 12/18 pmt to 12/23"
                       r"\s+(?:(?:it|that|this|them|the payment)\s+|(?:(?:my|our|the)\s+)?(?:\S+\s+)?"
                       r"(?:payment|pmt|charge|debit|draft|autopay)\s+|(?:my|our|the)\s+(?:\S+\s+){1,2}?)?"
                       r"(?:to|till|until)\s+(?:the\s+)?$")
_ONLY_DAY_FIRST = re.compile(r"(?:1[3-9]|2\d|3[01])\.(?:0?[1-9]|1[0-2])")  # "22.12": no month 22
_DAY_LEAD = re.compile(r"\b(?:on|until|till|by|(?:planned|scheduled|set|due) for|due)\s+(?:the\s+)?$")
_DAY_OVER_12_FIRST = re.compile(r"(?<![\d/.,$])(?:1[3-9]|2\d|3[01])/(?:0?[1-9]|1[0-2])(?![\d])")
# "day/month", and words only a European (or British) writer uses of a payment: "direct debit", "SEPA", "bank holiday"
_DAY_FIRST_SAID = re.compile(r"\b(?:day/month|dd/mm|dd\.mm|day first|day-month|direct debit|sepa|bank holidays?"
                             r"|factura|facture|fattura|rechnung(?:en)?|cordialement|saludos|grüßen|grussen|groeten)\b")
# A clause ends at a sentence mark, a colon or semicolon, a comma before a new phrase, or a line break.
_CLAUSE_END = re.compile(r"[.;:!?\n]+(?:\s|$)|,\s+|\s+[-–—]\s+|\s+because\s+|\s+(?:uh|um|uhm|er)\s+"
                         r"|\s+(?:and|but|so)\s+(?=(?:the|we|i|you|they|that|it|our|my)\b)")
# "for the tenth", "by the third": a day of the month in words (text2num leaves the small ordinals as words).
_IN_WORDS = ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_SUFFIX = {"nd": "nd", "rd": "rd", "th": "th"}
_DAY_IN_WORDS = re.compile(rf"\b(?P<on>on|by|until|till|for|after|from|before) the (?P<word>{'|'.join(_IN_WORDS)})\b"
                           r"(?!\s+(?:one|ones|invoice|invoices|item|items|bill|bills|entry|line|option|choice|and|&|,)\b)")
# Holidays named as a day: the fixed ones, and the US ones that move with the weekdays (dateutil counts them: the
# fourth Thursday of November). "the day after christmas" is the 26th. Said alone, "christmas" and "thanksgiving" are a
# day only after a word of dates ("by christmas"), since "merry christmas" is a greeting; "thanksgiving" only as
# "thanksgiving day" or the day after or before it ("quit hounding us on thanksgiving" names no day to pay).
_FIXED_HOLIDAYS = {"christmas eve": (12, 24), "christmas": (12, 25), "boxing day": (12, 26), "new year eve": (12, 31),
                   "nye": (12, 31),
                   "new year day": (1, 1), "independence day": (7, 4), "veterans day": (11, 11), "epiphany": (1, 6),
                   "sinterklaas": (12, 5), "lucia": (12, 13)}  # LABELS.md, 2026-12-28
_MOVING_HOLIDAYS = {
    "thanksgiving": relativedelta(month=11, day=1, weekday=TH(+4)),
    "mlk day": relativedelta(month=1, day=1, weekday=MO(+3)),
    "presidents day": relativedelta(month=2, day=1, weekday=MO(+3)),
    "memorial day": relativedelta(month=5, day=31, weekday=MO(-1)),
    "labor day": relativedelta(month=9, day=1, weekday=MO(+1)),
}
_HOLIDAY_NAMES = (r"(?:christmas|xmas) (?:eve|day)|new years? (?:eve|day)|nye|boxing day|thanksgiving day"
                  r"|(?:mlk|martin luther king)(?: jr)?(?: day)?|presidents? day|memorial day|labor day|labour day"
                  r"|independence day|fourth of july|veterans? day|epiphany|sinterklaas|(?<=\bon )lucia")

# "December 22, 2026", not "22 of december, 2100 dollars"
_YEAR = r"(?:,?\s+20\d\d\b(?![.,]?\d|\s*(?:dollars?|usd|eur|euros?|€|\$)))?"
DATE_PATTERN = re.compile("|".join((
    r"(?P<iso>\b\d{4}-\d{1,2}-\d{1,2}\b)",
    r"(?P<num>(?<![\d/.,$])\d{1,2}/\d{1,2}(?:/\d{2}(?:\d{2})?)?(?![\d/]))",
    r"(?P<dotted>(?<![\d/.,$])\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?![\d.,]?\d)"
    # "paid on 02.11.", "the transfer from 03.12.": day and month, the year left out (after a word of dates only)
    r"|(?:(?<=\bon )|(?<=\bfrom )|(?<=\bdated )|(?<=\bper )|(?<=\bsince )|(?<=\bby )|(?<=\buntil )|(?<=\bfor )"
    r"|(?<=\bat ))"
    r"\d{1,2}\.\d{1,2}\.(?![\d.,]?\d)"
    # "we pay it until 29.01", "charge on 10.12": without its dot, only from who writes dates day first (take)
    r"|(?:(?<=\bon )|(?<=\bfrom )|(?<=\bdated )|(?<=\bsince )|(?<=\bby )|(?<=\buntil )|(?<=\bbefore )|(?<=\bat )"
    r"|(?<=\bplanned for )|(?<=\bscheduled for ))"
    r"(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])(?!\d|[.,]\d|\s*(?:€|eur|euros?|usd|dollars?|kr)\b))",
    rf"(?P<holiday>(?:\b(?:the )?day (?:after|before) )?(?:\b(?:{_HOLIDAY_NAMES})\b|(?:(?<=\bby )|(?<=\bon )"
    r"|(?<=before )|(?<=after )|(?<=until )|(?<=\btill )|(?<=\bfor ))(?:christmas|xmas)\b"
    r"|(?<=\bday after )thanksgiving\b|(?<=\bday before )thanksgiving\b"
    r"|(?:(?<=\bby )|(?<=\buntil )|(?<=\btill )|(?<=\bbefore ))thanksgiving\b"
    r"|\bthanksgiving(?=\s+(?:payments?|checks?|wires?|transfers?|deposits?)\b)))",
    rf"(?P<md>\b(?:{_MONTH})\.?\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\b{_YEAR})",
    rf"(?P<dm>\b(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th|\.)?\s+(?:of\s+)?(?:{_MONTH})\b{_YEAR})",
    rf"(?P<end>\b(?:the\s+)?(?:end|last\s+(?:(?:business|bank|banking|working)\s+)?day)\s+of\s+(?:the\s+)?(?P<end_of>(?:this\s+|next\s+|last\s+)?(?:month|week)"
    rf"|{_MONTH}|year|this year)\b|\bmonth[\s-]+end\b"
    r"|(?:(?<=\bby )|(?<=\buntil )|(?<=\btill )|(?<=\bat ))year[\s-]+end\b|(?<=\bbefore )the year ends\b)",
    r"(?P<first>\b(?:the\s+)?(?:first|1st|beginning|start)\s+of\s+(?P<first_of>the|next|this)\s+month\b)",
    r"(?P<rel>(?<!\bnot )\b(?:day after tomorrow|day before yesterday|tomorrow|today (?:morning|afternoon|evening)"
    r"|today|tonight|yesterday"
    r"|last night|this (?:morning|afternoon|evening)|later today)\b)",
    rf"(?P<ahead>\b(?:in|within)\s+(?:{_COUNT})\s+(?:more\s+)?(?:days?|weeks?)\b"
    rf"|\b(?:{_COUNT}|another)\s+more\s+(?:days?|weeks?)\b|\b(?:{_COUNT})\s+(?:days?|weeks?)\s+from\s+(?:now|today)\b)",
    rf"(?P<ago>\b(?:{_COUNT})\s+(?:days?|weeks?)\s+ago\b)",
    # "the first monday of january", "the last friday of next month"
    rf"(?P<nth>\b(?:the\s+)?(?P<nth_n>first|1st|second|2nd|third|3rd|fourth|4th|last)\s+(?P<nth_wd>{_WEEKDAY})\s+(?:of|in)"
    rf"\s+(?P<nth_of>(?:this\s+|next\s+|the\s+)?month|{_MONTH})\b)",
    rf"(?P<weekday>\b(?P<wd_week_from>(?:a|one) week from (?:this |next )?)?(?P<wd_next_week_before>next\s+week\s+"
    rf"(?:on\s+)?)?(?:(?P<wd_mod>next|this coming|this|last|past)\s+)?(?:{_WEEKDAY})\b"
    r"(?P<wd_after_next>\s+after\s+next\b)?(?P<wd_next_week>\s+(?:of\s+)?next\s+week\b)?)",
    r"(?P<week>\b(?P<week_mod>next|this|last)\s+week\b)",
    rf"(?P<ordinal>(?:\b(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)\b{_NOT_A_POSITION}"
    r"|\b(?:the\s+)?(?P<day_bare>\d{1,2})(?=\s+of\s+(?:this|next|the)\s+month\b)"  # "on 28 of this month"
    r"|(?:(?<=\bon )|(?<=\bby )|(?<=\bon the )|(?<=\bby the )|(?<=\bon day )|(?<=\bfor day )|(?<=\bby day )"
    r"|(?<=\buntil the )|(?<=\btill the ))"
    # "by the 30.", "until the 30 the both invoices" (a day, then what is paid on it)
    r"(?P<day_on>[1-9]|[12]\d|3[01])(?=\s*(?:[.!?,](?!\d{3})|$)|\s+(?:the\s+)?(?:both\s+)?(?:invoices?|bills?)\b)"
    rf"|(?:(?<=\bon )|(?<=\bby )|(?<=until )|(?<=\btill )|(?<=after )|(?<=from )|(?<=\bfor ))the first\b"
    rf"{_NOT_A_POSITION})"
    r"(?:\s+of\s+(?P<of_month>this|next|the)\s+month\b)?)",
)))
MONTH_PATTERN = re.compile(
    r"\b(?P<rel_mod>last|previous|past|this|current|next)\s+months?\b"
    rf"|(?<!\bmid )(?<!\bmid-)(?<!\bearly )(?<!\blate )(?<!\bweek of )\b(?P<name>(?:{_MONTH.replace('may|', '')}))\b"
    r"(?:\s+(?P<year>\d{4})\b)?"
    r"|\b(?P<may>may)\s+(?P<may_year>\d{4})\b|(?:(?<=\bfor )|(?<=\bfrom ))(?P<may2>may)\b"
    r"|\b(?P<may3>may)(?=\s+(?:statement|statements|invoices|payments)\b)"
)


@dataclass(frozen=True)
class When:
    """A date or month phrase as found; `resolve` turns it into a date or a "YYYY-MM" month."""

    kind: str
    phrase: str
    modifier: str = ""  # "day first" for a date in digits written day first
    direction: str = ""  # "back" ("since the 1st") or "nearest" ("as of november 30"), whatever the message asks
    # The words of its clause before and after it ("pay 1043 and the rest | on friday"): what the date is said of.
    lead: str = field(default="", compare=False)
    trail: str = field(default="", compare=False)
    # The words right after it, across a sentence end: "12/18. Sorry, make that 12/21" takes the first back.
    after: str = field(default="", compare=False)
    anchor: When | None = field(default=None, compare=False)  # "the tuesday after MLK day": the day it is after
    moved_to: bool = field(default=False, compare=False)  # the day a payment is moved to: the one meant (_MOVED_TO)


# "for the third time", "the second reminder": a count, no day
_COUNTED_AFTER = re.compile(r"\s*(?:time|times|reminders?|notices?|letters?|emails?|calls?|messages?|warnings?)\b")


def find_dates(text: str, *, locale: str = "en_US") -> tuple[list[When], str]:
    """The date phrases in order, and the text with each replaced by `_date_`. A date in digits is read day first
    when the customer's locale writes dates so (en_GB, de_DE: Babel) or the message says it does ("day/month")."""
    found: list[tuple[int, int, When]] = []
    # Who writes money the European way writes dates so too: "4.250,00 EUR dated 02/12/2026" is 2 December.
    # and so does who writes "24/12" anywhere in the message.
    day_first = _writes_day_first(locale) or bool(_DAY_FIRST_SAID.search(text) or _EUROPEAN_MONEY.search(text)
                                                  or _DAY_OVER_12_FIRST.search(text))
    text = _DAY_IN_WORDS.sub(lambda m: f"{m['on']} the {_IN_WORDS.index(m['word']) + 2}{_SUFFIX[m['word'][-2:]]}", text)
    text = _IN_A_WEEK.sub(r"a week from \g<day>", text)  # "monday in a week" ("Montag in einer Woche")
    text = _OF_NEXT_WEEK.sub(r"\g<day> next week", text)  # "on friday of the next week"

    def take(match: re.Match[str]) -> str:
        kind = next(k for k in _KINDS if match.group(k) is not None)
        modifier = match.group("wd_mod") or match.group("week_mod") or match.group("end_of") \
            or match.group("first_of") or match.group("day") or match.group("day_bare") or match.group("day_on") or ""
        if kind == "end" and re.match(r"(?:the )?year", match.group()):
            modifier = "year"  # "by year end"
        elif kind == "end" and re.search(r"\b(?:business|bank|banking|working) day\b", match.group()):
            modifier = f"{modifier or 'month'} {_WORKING}"  # "the last business day of the month": its last weekday
        if kind == "nth":
            modifier = f"{match.group('nth_n')} {match.group('nth_wd')} {match.group('nth_of')}"
        elif match.group("wd_next_week") or match.group("wd_next_week_before"):
            modifier = "next week"  # "friday next week", "next week on friday": that day of the week after this one
        elif match.group("wd_after_next") or match.group("wd_week_from"):
            modifier = "after next"  # "the friday after next", "a week from monday": a week after the coming one
        if match.group("of_month") == "next":
            modifier = f"{modifier or 1} next month"  # "the 5th of next month"
        before, after = text[:match.start()], text[match.end():]
        if kind == "dotted" and not day_first and re.fullmatch(r"\d{1,2}\.\d{1,2}", match.group()) and not (
                _ONLY_DAY_FIRST.fullmatch(match.group()) and _DAY_LEAD.search(before)):
            return match.group()  # "on 10.12" from who writes dollars: ten dollars twelve, maybe (not "for 22.12")
        if kind in ("num", "dotted"):
            modifier = "day first" if day_first else ""
            if _month_and_day(match.group(), kind, day_first) is None or (
                    kind == "num" and _SIZE_AFTER.match(after) and _FRACTION.fullmatch(match.group().strip())):
                return match.group()  # "3/4 inch ball valves": a size
        if _EXPIRY_BEFORE.search(before) or (kind == "ordinal" and (
                _listed_ordinal(before, after) or _COUNTED_AFTER.match(after))):
            return match.group()
        moved = _MOVING.search(text) is not None and _MOVED_TO.search(before) is not None
        if moved and found:
            found.pop()  # "move 42210 from monday to wednesday": the day it moves to, not a span
        if kind == "ahead" or (kind == "week" and modifier in ("this", "last")) or (
                _SPAN_BEFORE.search(before) and not moved) or (
                kind == "end" and re.search(r"\bafter\s+$", before)) or (
                kind == "ago" and "week" in match.group()):
            return " _date_ "  # "in 2 weeks", "two weeks ago", "after month end": a span, no single day (LABELS.md)
        direction = "back" if _SINCE_BEFORE.search(before) else "nearest" if _AS_OF_BEFORE.search(before) else ""
        found.append((match.start(), match.end(), When(kind, match.group().strip(), modifier, direction,
                                                        *clause_around(before, after), after[:40], moved_to=moved)))
        return " _date_ "

    masked = DATE_PATTERN.sub(take, text)
    for at in range(len(found) - 1):  # "the tuesday after MLK day": the first tuesday after that day
        (_, end, when), (start, _, anchor) = found[at], found[at + 1]
        if when.kind == "weekday" and not when.modifier and (side := _AFTER_BETWEEN.fullmatch(text[end:start])):
            found[at] = (found[at][0], end, replace(when, modifier=side["side"], anchor=anchor))
            found[at + 1] = (start, found[at + 1][1], replace(anchor, kind="anchor"))
    found = [item for item in found if item[2].kind != "anchor"]
    named = [when for at, (start, end, when) in enumerate(found)
             if not (when.kind == "weekday" and at + 1 < len(found) and found[at + 1][2].kind in DAYS_NAMED
                     and _WEEKDAY_NAMES_NEXT.fullmatch(text[end:found[at + 1][0]]))]
    # The day meant first: "covering for our bookkeeper this week … pay on the 15th" means the 15th.
    return sorted(named, key=lambda when: _VAGUENESS.get(when.kind, 0)), masked


def clause_around(before: str, after: str) -> tuple[str, str]:
    """The words of the clause a phrase sits in, before it and after it."""
    return _CLAUSE_END.split(before)[-1], _CLAUSE_END.split(after)[0]


def _listed_ordinal(before: str, after: str) -> bool:
    return bool((_LISTED_ORDINAL_AFTER.match(after) or _LISTED_ORDINAL_BEFORE.search(before))
                and not _DAY_WORD_BEFORE.search(before) and not _CORRECTING_BEFORE.search(before))


# "on the 2nd of January - sorry, the 4th, the 2nd is a Saturday": a day said again, not a list of positions
_CORRECTING_BEFORE = re.compile(r"\b(?:sorry|no|nope|i mean|i meant|make (?:it|that)|correction|wait|rather)\W*"
                                r"(?:the\s+)?$")


@lru_cache(maxsize=64)
def _writes_day_first(locale: str) -> bool:
    try:
        return get_date_format("short", locale=locale).pattern.lstrip().lower().startswith("d")
    except (UnknownLocaleError, ValueError):
        return False


def find_months(text: str) -> tuple[list[When], str]:
    found: list[When] = []

    def take(match: re.Match[str]) -> str:
        if _EXPIRY_BEFORE.search(text[:match.start()]):
            return match.group()  # "the card expires at the end of this month"
        if match.group("rel_mod"):
            found.append(When("month_rel", match.group(), match.group("rel_mod"), "",
                              *clause_around(text[:match.start()], text[match.end():])))
        else:
            name = match.group("name") or match.group("may") or match.group("may2") or match.group("may3")
            found.append(When("month", name, match.group("year") or match.group("may_year") or "", "",
                              *clause_around(text[:match.start()], text[match.end():])))
        return " _month_ "

    return found, MONTH_PATTERN.sub(take, text)


# How loosely a phrase names its day: a calendar day first, then a day named relative to today or a holiday ("after
# xmas, like the 28th" means the 28th), then a week.
_VAGUENESS = {"holiday": 1, "rel": 1, "nth": 1, "weekday": 1, "ahead": 1, "ago": 1, "end": 1, "week": 2}
DAYS_NAMED = ("iso", "num", "dotted", "md", "dm", "ordinal")
_KINDS = ("iso", "num", "dotted", "holiday", "md", "dm", "end", "first", "rel", "ahead", "ago", "nth", "weekday",
          "week", "ordinal")


def _month_and_day(text: str, kind: str, day_first: bool) -> tuple[int, int] | None:
    """Month first ("12/5"), or day first: where the customer writes so, where the first cannot be a month
    ("18/12"), or dotted ("18.12.2026"). A day first date whose second number cannot be a month is month first."""
    first, second = (int(part) for part in re.split(r"[/.]", text)[:2])
    day_first = (day_first or kind == "dotted" or first > 12) and second <= 12
    month, day = (second, first) if day_first else (first, second)
    return (month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None


def looks_back(text: str) -> bool:
    """Does the message speak of something already done ("I paid", "was sent", "we mailed it")? "We'll get you
    paid by friday" and "we'll have it sent" do not: the one who pays there is still to do it."""
    return any(not (done["who"] in ("you", "it") and _CAUSED_BEFORE.search(text[:done.start()])
                    or _IF_BEFORE.search(text[:done.start()]))
               for done in _DONE.finditer(text))


def resolve_date(when: When, today: dt.date, past: bool) -> dt.date | None:
    if when.direction == "nearest":
        both = [found for found in (_resolve(when, today, True), _resolve(when, today, False)) if found is not None]
        return min(both, key=lambda found: abs(found - today), default=None)
    return _resolve(when, today, past or when.direction == "back")


def _resolve(when: When, today: dt.date, past: bool) -> dt.date | None:
    kind, phrase, modifier = when.kind, when.phrase, when.modifier
    if kind == "weekday" and when.anchor is not None:  # "the tuesday after MLK day", "the friday before christmas"
        anchor = _resolve(when.anchor, today, past)
        weekday = _WEEKDAYS.index(phrase.split()[-1])
        if anchor is None:
            return None
        if modifier == "before":
            return anchor - dt.timedelta(days=(anchor.weekday() - weekday - 1) % 7 + 1)
        return anchor + dt.timedelta(days=(weekday - anchor.weekday() - 1) % 7 + 1)
    if kind == "weekday" and modifier == "next week":
        named = re.search(_WEEKDAY, phrase)
        monday = today + dt.timedelta(days=7 - today.weekday())
        return monday + dt.timedelta(days=_WEEKDAYS.index(named.group())) if named else None
    if kind == "weekday" and modifier == "after next":
        named = re.search(_WEEKDAY, phrase)
        coming = _dateparser(named.group(), today, False) if named else None
        return coming + dt.timedelta(days=7) if coming else None
    if kind == "nth":
        return _nth_weekday(modifier, today, past)
    if kind == "weekday":
        backwards = modifier in ("last", "past") or (past and not modifier)
        found = _dateparser(phrase.split()[-1], today, backwards)
        # Looking back as ahead: "mailed it monday" said on a Monday is the Monday before (LABELS.md, weekdays)
        return found - dt.timedelta(days=7) if backwards and found == today else found
    if kind == "holiday":
        return _holiday(phrase, today, past)
    if kind in ("iso", "num", "dotted", "md", "dm"):
        return _calendar_date(when, today, past)
    if kind in ("rel", "ahead", "ago"):
        phrase = re.sub(r"\b(?:within|more|from now|from today)\b", "", phrase).replace("another", "1")
        phrase = re.sub(r"\b(?:tonight|later today|(?:this|today) (?:morning|afternoon|evening))\b", "today", phrase)
        phrase = phrase.replace("last night", "yesterday").replace("day before yesterday", "2 days ago")
        for words, count in sorted(_COUNTS.items(), key=lambda item: -len(item[0])):
            phrase = re.sub(rf"\b{words}\b", str(count), phrase)
        if kind == "ahead" and not phrase.strip().startswith("in "):
            phrase = f"in {phrase}"
        return _dateparser(re.sub(r"\s+", " ", phrase).strip(), today, False)
    if kind == "week":
        return _week(modifier, today)
    if kind == "end" and modifier.endswith(_WORKING):
        last = _end_of(modifier.removesuffix(_WORKING).strip(), today, past)
        return last - dt.timedelta(days=max(last.weekday() - 4, 0))
    if kind == "end":
        return _end_of(modifier or "month", today, past)
    if kind == "first":
        return _next_first(today, always_next=modifier == "next")
    if kind == "ordinal" and modifier.endswith(" next month"):
        first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        day = int(modifier.split()[0])
        return first.replace(day=day) if day <= calendar.monthrange(first.year, first.month)[1] else None
    if kind == "ordinal":
        return _day_of_month(int(modifier or 1), today, past)
    return None


def resolve_month(when: When, today: dt.date, past: bool) -> str:
    if when.kind == "month_rel":
        offset = {"last": -1, "previous": -1, "past": -1, "next": 1}.get(when.modifier, 0)
        year, month = divmod(today.year * 12 + today.month - 1 + offset, 12)
        return f"{year:04d}-{month + 1:02d}"
    month = _MONTHS.index(when.phrase) + 1
    if when.modifier:
        year = int(when.modifier)
    elif past:
        year = today.year if month <= today.month else today.year - 1
    else:
        year = today.year if month >= today.month else today.year + 1
    return f"{year:04d}-{month:02d}"


def _holiday(phrase: str, today: dt.date, past: bool) -> dt.date:
    """The holiday named, the coming one (on or after today) or, looking back, the latest (not long ago)."""
    offset = -1 if phrase.startswith(("day before", "the day before")) else 1 if "day after" in phrase else 0
    name = re.sub(r"^(?:the )?day (?:after|before) ", "", phrase).replace("xmas", "christmas")
    name = re.sub(r"^christmas day$", "christmas", re.sub(r"^new years\b", "new year", name))
    name = re.sub(r"^(?:mlk|martin luther king)\b.*", "mlk day", name).replace("president day", "presidents day")
    name = {"thanksgiving day": "thanksgiving", "labour day": "labor day", "fourth of july": "independence day",
            "veteran day": "veterans day"}.get(name, name)
    days = []
    for year in (today.year - 1, today.year, today.year + 1):
        if name in _MOVING_HOLIDAYS:
            day = dt.date(year, 1, 1) + _MOVING_HOLIDAYS[name]
        else:
            month, day_of_month = _FIXED_HOLIDAYS[name]
            day = dt.date(year, month, day_of_month)
        days.append(day + dt.timedelta(days=offset))
    coming = min(day for day in days if day >= today)
    if not past:
        return coming
    latest = max(day for day in days if day <= today)
    return coming if (today - latest).days > _LONG_AGO else latest


def _calendar_date(when: When, today: dt.date, past: bool) -> dt.date | None:
    """A month and day, maybe a year: read here, so that dateparser cannot reinterpret "2/30" as 2030."""
    kind, phrase = when.kind, when.phrase
    numbers = [int(n) for n in re.findall(r"\d+", phrase)]
    if kind == "iso":
        year, month, day = numbers
    elif kind in ("num", "dotted"):
        month, day = _month_and_day(phrase, kind, when.modifier == "day first") or (0, 0)
        year = (numbers + [0])[2]
        year += 2000 if 0 < year < 100 else 0
    else:
        month = next(i for i, name in enumerate(_MONTHS, 1) if re.search(rf"\b{name}\b", phrase))
        day, year = (numbers + [0])[:2]
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    words = f"{_MONTHS[month - 1]} {day} {year or ''}".strip()
    # On or after today looking forward: dateparser's "future" is strictly after its base.
    found = _dateparser(words, today if past else today - dt.timedelta(days=1), past)
    if past and not year and found and (today - found).days > _LONG_AGO:
        # "the payment run on 12/23" said on December 10th: the coming one, not last year's (the year would be said)
        found = _dateparser(words, today - dt.timedelta(days=1), False)
    found = found if found and (found.month, found.day) == (month, day) else None
    if found and kind == "num" and year and when.modifier != "day first" and month != day and day <= 12 and (
            abs((found - today).days) > _FAR_OFF):
        # "is it okay when we pay until 08/01/2027?" said in December: 8 January, not August (a day-first writer who
        # wrote the year; "pay on 10/12" without one is an American's next October 12th)
        swapped = _calendar_date(replace(when, modifier="day first"), today, past)
        if swapped and abs((swapped - today).days) <= _NEAR:
            return swapped
    return found


_FAR_OFF, _NEAR = 150, 90  # days: a day and month read month first this far off, and day first this near
_LONG_AGO = 270  # days: a month and day without a year this far back means the coming one


@lru_cache(maxsize=4096)  # dateparser takes ~4 ms a phrase; "friday" said on a given day is read once
def _dateparser(phrase: str, base: dt.date, past: bool) -> dt.date | None:
    settings = {"PREFER_DATES_FROM": "past" if past else "future", "PREFER_DAY_OF_MONTH": "first",
                "RELATIVE_BASE": dt.datetime.combine(base, dt.time()), "DATE_ORDER": "MDY",
                "RETURN_AS_TIMEZONE_AWARE": False}
    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


_WEEKDAYS = _WEEKDAY.split("|")
_NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}


def _nth_weekday(modifier: str, today: dt.date, past: bool) -> dt.date | None:
    """ "first monday of january" (the coming January, or the last one looking back), "last friday of next month"."""
    nth, weekday, of = modifier.split(" ", 2)
    day_of_week = (MO, TU, WE, TH, FR, SA, SU)[_WEEKDAYS.index(weekday)](_NTH[nth])
    first = today.replace(day=1)
    if of.endswith("month"):
        months = [first + relativedelta(months=1)] if of.startswith("next") else [first]
    else:
        month = _MONTHS.index(of) + 1
        months = [dt.date(year, month, 1) for year in (today.year - 1, today.year, today.year + 1)]
    days = [month + relativedelta(day=31 if _NTH[nth] < 0 else 1, weekday=day_of_week) for month in months]
    if len(days) == 1:
        return days[0]
    return max((day for day in days if day <= today), default=None) if past else \
        min((day for day in days if day >= today), default=None)


def _week(modifier: str, today: dt.date) -> dt.date:
    if modifier == "next":
        return today + dt.timedelta(days=7 - today.weekday())
    if modifier == "last":
        return today - dt.timedelta(days=today.weekday() + 7)
    return today + dt.timedelta(days=(4 - today.weekday()) % 7)  # this week: the coming Friday


_WORKING = "working day"
_OF_NEXT_WEEK = re.compile(r"\b(?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
                           r"\s+of\s+(?:the\s+)?next\s+week\b")
_IN_A_WEEK = re.compile(r"\b(?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
                        r"\s+in\s+(?:a|one)\s+week\b")


def _end_of(what: str, today: dt.date, past: bool) -> dt.date:
    what = what.replace("this ", "").strip()
    if what == "year":
        return dt.date(today.year - (1 if past and today.month < 12 else 0), 12, 31)
    if what == "week":
        return _week("this", today)
    if what in _MONTHS:
        month = _MONTHS.index(what) + 1
        year = today.year + (0 if month >= today.month else 1)
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    first = today.replace(day=1)
    if what.startswith("next"):
        first = (first + dt.timedelta(days=32)).replace(day=1)
    if what.startswith("last"):  # "as of the end of last month"
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _next_first(today: dt.date, always_next: bool) -> dt.date:
    if today.day == 1 and not always_next:
        return today
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _day_of_month(day: int, today: dt.date, past: bool) -> dt.date | None:
    if not 1 <= day <= 31:
        return None
    year, month = today.year, today.month
    for _ in range(13):
        if day <= calendar.monthrange(year, month)[1]:
            candidate = dt.date(year, month, day)
            if (candidate <= today) if past else (candidate >= today):
                return candidate
        year, month = divmod(year * 12 + month - 1 + (-1 if past else 1), 12)
        month += 1
    return None


PATTERNS = (DATE_PATTERN.pattern, MONTH_PATTERN.pattern)
