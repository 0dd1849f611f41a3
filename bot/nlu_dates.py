"""Dates and statement months in a message, resolved against `today`.

Finding a phrase and resolving it are two steps, because the direction depends on the whole message:
"the 15th" is the next 15th in "can't pay until the 15th" but the last one in "I paid it on the 15th".
Resolution rules (the contract of `aragent parse`):
- a weekday is the coming one, strictly after today ("friday" said on a Friday is a week later); "last
  friday" is the one before today; "next friday" is the coming one, like "friday";
- a calendar date without a year ("dec 5", "12/5") and a day of the month ("the 15th") are the next such
  day on or after today; a day that a month lacks is skipped ("the 30th" in February: March 30);
- "next week" is next Monday, "this week" the coming Friday, "last week" the Monday of the previous week;
- "end of month" is the month's last day, "first of the month" the next 1st, "in 2 weeks" 14 days on;
- a month without a day ("october statement") is the most recent such month not after today, or the
  next one not before today when the message looks forward (promises, payments).
Looking back (history, receipts, and anything already done: "I paid", "was paid", "we mailed") turns
every open-ended phrase into the most recent such day on or before today. Weekdays, relative days and
month names are read by dateparser with `today` as its fixed RELATIVE_BASE; a date it would read some
other way ("2/30" as 2030) is no date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import dateparser

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH = "|".join(_MONTHS)
_WEEKDAY = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a couple": 2, "couple of": 2, "another": 1}
_COUNT = r"\d{1,3}|a couple of|a couple|couple of|an|a|one|two|three|four|five|six|seven|eight|nine|ten"
_NOT_A_POSITION = r"(?!\s+(?:one|ones|invoice|invoices|item|items|bill|bills|entry|line|option|choice)\b)"

DATE_PATTERN = re.compile("|".join((
    r"(?P<iso>\b\d{4}-\d{1,2}-\d{1,2}\b)",
    r"(?P<num>(?<![\d/.,$])\d{1,2}/\d{1,2}(?:/\d{2}(?:\d{2})?)?(?![\d/]))",
    rf"(?P<md>\b(?:{_MONTH})\.?\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?)",
    rf"(?P<dm>\b(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH})\b(?:,?\s+\d{{4}}\b)?)",
    rf"(?P<end>\b(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<end_of>(?:this\s+|next\s+)?(?:month|week)|{_MONTH})\b"
    r"|\bmonth\s+end\b)",
    r"(?P<first>\b(?:the\s+)?(?:first|1st|beginning|start)\s+of\s+(?P<first_of>the|next|this)\s+month\b)",
    r"(?P<rel>(?<!\bnot )\b(?:day after tomorrow|tomorrow|today|tonight|yesterday|this (?:morning|afternoon|evening)"
    r"|later today)\b)",
    rf"(?P<ahead>\b(?:in|within)\s+(?:{_COUNT})\s+(?:more\s+)?(?:days?|weeks?)\b"
    rf"|\b(?:{_COUNT}|another)\s+more\s+(?:days?|weeks?)\b|\b(?:{_COUNT})\s+(?:days?|weeks?)\s+from\s+(?:now|today)\b)",
    rf"(?P<ago>\b(?:{_COUNT})\s+(?:days?|weeks?)\s+ago\b)",
    rf"(?P<weekday>\b(?:(?P<wd_mod>next|this coming|this|last|past)\s+)?(?:{_WEEKDAY})\b)",
    r"(?P<week>\b(?P<week_mod>next|this|last)\s+week\b)",
    rf"(?P<ordinal>\b(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)\b{_NOT_A_POSITION}"
    rf"|(?:(?<=\bon )|(?<=\bby )|(?<=until )|(?<=\btill )|(?<=after ))the first\b{_NOT_A_POSITION})",
)))
MONTH_PATTERN = re.compile(
    r"\b(?P<rel_mod>last|previous|past|this|current|next)\s+months?\b"
    rf"|\b(?P<name>(?:{_MONTH.replace('may|', '')}))\b(?:\s+(?P<year>\d{{4}})\b)?"
    r"|\b(?P<may>may)\s+(?P<may_year>\d{4})\b|(?:(?<=\bfor )|(?<=\bfrom ))(?P<may2>may)\b"
    r"|\b(?P<may3>may)(?=\s+(?:statement|statements|invoices|payments)\b)"
)


@dataclass(frozen=True)
class When:
    """A date or month phrase as found; `resolve` turns it into a date or a "YYYY-MM" month."""

    kind: str
    phrase: str
    modifier: str = ""


def find_dates(text: str) -> tuple[list[When], str]:
    """The date phrases in order, and the text with each replaced by `_date_`."""
    found: list[When] = []

    def take(match: re.Match[str]) -> str:
        kind = next(k for k in _KINDS if match.group(k) is not None)
        modifier = match.group("wd_mod") or match.group("week_mod") or match.group("end_of") \
            or match.group("first_of") or match.group("day") or ""
        if kind == "num" and not _valid_numeric(match.group()):
            return match.group()
        found.append(When(kind, match.group().strip(), modifier))
        return " _date_ "

    return found, DATE_PATTERN.sub(take, text)


def find_months(text: str) -> tuple[list[When], str]:
    found: list[When] = []

    def take(match: re.Match[str]) -> str:
        if match.group("rel_mod"):
            found.append(When("month_rel", match.group(), match.group("rel_mod")))
        else:
            name = match.group("name") or match.group("may") or match.group("may2") or match.group("may3")
            found.append(When("month", name, match.group("year") or match.group("may_year") or ""))
        return " _month_ "

    return found, MONTH_PATTERN.sub(take, text)


_KINDS = ("iso", "num", "md", "dm", "end", "first", "rel", "ahead", "ago", "weekday", "week", "ordinal")


def _valid_numeric(text: str) -> bool:
    month, day = (int(part) for part in text.split("/")[:2])
    return 1 <= month <= 12 and 1 <= day <= 31


def resolve_date(when: When, today: dt.date, past: bool) -> dt.date | None:
    kind, phrase, modifier = when.kind, when.phrase, when.modifier
    if kind == "weekday":
        backwards = modifier in ("last", "past") or (past and not modifier)
        return _dateparser(phrase.split()[-1], today, backwards)
    if kind in ("iso", "num", "md", "dm"):
        return _calendar_date(phrase, kind, today, past)
    if kind in ("rel", "ahead", "ago"):
        phrase = re.sub(r"\b(?:within|more|from now|from today)\b", "", phrase).replace("another", "1")
        phrase = re.sub(r"\b(?:tonight|later today|this (?:morning|afternoon|evening))\b", "today", phrase)
        for words, count in sorted(_COUNTS.items(), key=lambda item: -len(item[0])):
            phrase = re.sub(rf"\b{words}\b", str(count), phrase)
        if kind == "ahead" and not phrase.strip().startswith("in "):
            phrase = f"in {phrase}"
        return _dateparser(re.sub(r"\s+", " ", phrase).strip(), today, False)
    if kind == "week":
        return _week(modifier, today)
    if kind == "end":
        return _end_of(modifier or "month", today, past)
    if kind == "first":
        return _next_first(today, always_next=modifier == "next")
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


def _calendar_date(phrase: str, kind: str, today: dt.date, past: bool) -> dt.date | None:
    """A month and day, maybe a year: read here, so that dateparser cannot reinterpret "2/30" as 2030."""
    numbers = [int(n) for n in re.findall(r"\d+", phrase)]
    if kind == "iso":
        year, month, day = numbers
    elif kind == "num":
        month, day, year = (numbers + [0])[:3]
        year += 2000 if 0 < year < 100 else 0
    else:
        month = next(i for i, name in enumerate(_MONTHS, 1) if re.search(rf"\b{name}\b", phrase))
        day, year = (numbers + [0])[:2]
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    words = f"{_MONTHS[month - 1]} {day} {year or ''}".strip()
    # On or after today looking forward: dateparser's "future" is strictly after its base.
    found = _dateparser(words, today if past else today - dt.timedelta(days=1), past)
    return found if found and (found.month, found.day) == (month, day) else None


def _dateparser(phrase: str, base: dt.date, past: bool) -> dt.date | None:
    settings = {"PREFER_DATES_FROM": "past" if past else "future", "PREFER_DAY_OF_MONTH": "first",
                "RELATIVE_BASE": dt.datetime.combine(base, dt.time()), "DATE_ORDER": "MDY",
                "RETURN_AS_TIMEZONE_AWARE": False}
    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


def _week(modifier: str, today: dt.date) -> dt.date:
    if modifier == "next":
        return today + dt.timedelta(days=7 - today.weekday())
    if modifier == "last":
        return today - dt.timedelta(days=today.weekday() + 7)
    return today + dt.timedelta(days=(4 - today.weekday()) % 7)  # this week: the coming Friday


def _end_of(what: str, today: dt.date, past: bool) -> dt.date:
    what = what.replace("this ", "").strip()
    if what == "week":
        return _week("this", today)
    if what in _MONTHS:
        month = _MONTHS.index(what) + 1
        year = today.year + (0 if month >= today.month else 1)
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    first = today.replace(day=1)
    if what.startswith("next"):
        first = (first + dt.timedelta(days=32)).replace(day=1)
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
