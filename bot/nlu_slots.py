"""Invoice references, amounts and list selectors in a (normalized) message.

Each finder returns what it found and the text with those spans replaced by a placeholder, so the next
finder cannot read an amount as an invoice number and the intent rules can see "pay _invoice_".
Rules (the contract of `aragent parse`):
- an invoice reference is a number written after "invoice"/"inv"/"bill", "#", "no." or "number" (3+ digits),
  and the numbers listed right after one ("inv 1042 n 1043", "invoices 1042, 1043 & 1044"): these are never
  money, whatever the dialogue finds; or any bare number of 4+ digits that is not money, a date, a quantity
  ("100 cases") or another kind of number (PO, check, RMA, account, card ending, phone); "104233/104234" is
  two; the generic prefix is dropped ("INV-1042" → "1042"), an ERP prefix is kept upper-cased ("cm-104002" →
  "CM-104002"); a bare number of three digits ("pay 500") could be money or an invoice: it is neither, and the
  bot asks;
- an amount has a currency sign or word ("$500", "500 bucks", "usd 500"), cents ("500.00"), thousands
  commas ("1,200"), a k or a grand ("1.2k", "2 grand"), is spelled out with a magnitude or a currency
  ("twelve hundred", "five hundred dollars"), has a cue ("deposit 500", "payment of 500", "but only 600")
  or sits before the invoice it is for ("pay 500 on 1042"); a malformed or over-precise amount, a shortfall
  ("less $40", "short by $40"), two different amounts or a spelled-out number in a message that counts goods
  give no amount: the bot asks rather than guesses about money. A zero or negative amount is kept as typed,
  apart from the payable one, so that the bot refuses it rather than quoting something else;
- European amounts: a comma followed by exactly two digits ending the number is a decimal comma ("1,50",
  "1.500,00 USD"), followed by three a thousands comma ("1,500"); "1.500" (a dot and three digits) and "$1,50"
  (US order, two digits after the comma) read two ways and give no amount. A currency written as a code or
  sign other than "$" ("EUR", "€", "USD") comes back with the amount, so that the bot can refuse another one;
- a selector is `overdue`, `oldest`, `all`, a 1-based position ("the second one", "number 2", "option 2",
  "#2", "pay 2", or a bare "2" as the whole message), or several as "2,3" ("pay 2 and 3", "1, 4 and 8").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.kernel import MoneyError, parse_amount

PHONE = re.compile(r"(?<![\w$])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?![\w.,]?\d)")
_PREFIXED_INVOICE = re.compile(
    r"(?:\binvoices?|\binv|\bbills?)(?![a-z])\s*(?:(?:number|no|num|nbr)\b\.?)?\s*[#:]?\s*-?\s*(?P<id>[a-z]{0,3}-?\d[\w-]*)"
    r"|#\s*(?P<hash>\d{3,20}[\w-]*)"
    r"|\b(?:no\.|nr\.?|nbr\.?|number)\s*#?\s*(?P<no>\d{3,20})(?![\w.,]\d|\w)"
)
# "inv 1042 n 1043", "invoices 1042, 1043 & #1044": the numbers listed after a reference are references too.
_LISTED_AFTER = re.compile(
    r"(?P<head>_invoice_\s*(?:,\s*(?:and\s+)?|&\s*|\+\s*|\b(?:and|n|or)\s+)(?:#\s*)?)"
    r"(?P<id>\d{4,20}|[a-z]{1,3}-\d{3,20})(?![\w/]|[.,]\d)(?!\s*(?:k\b|[$€£]|usd|eur|euros?|gbp|cad|dollars?|bucks))")
_BARE_INVOICE = re.compile(r"(?<![\w#$.,/-])(?P<id>\d{4,20}|[a-z]{1,3}-\d{3,20})(?![\w/]|[.,]\d)")
_SLASH_LIST = re.compile(r"(?<![\w/])\d{4,20}(?:\s*/\s*\d{4,20})+(?![\w/])")  # 104233/104234: two invoices
_NOT_AN_INVOICE_BEFORE = re.compile(
    r"\b(?:po|p\.o\.|purchase order|order|account|customer|check|cheque|ck|rma|ref|reference|confirmation|conf"
    r"|ending|ending in|last four|last 4|zip|phone|ticket|case|tracking|card|visa|mastercard|amex)"
    r"\s*(?:number|no\.?|num)?\s*[:#]?\s*(?:is\s*)?$")
_YEAR_BEFORE = re.compile(r"\b(?:in|since|during|year|of|for)\s*$")
_QUANTITY_AFTER = re.compile(r"^\s*(?:cases?|units?|pcs|pieces?|boxes|box|items?|pallets?|lbs?|each|ea|qty|%"
                             r"|percent|days?|weeks?)\b")

_EUROPEAN = r"\d{1,3}(?:\.\d{3})+,\d\d"  # 1.500,00
_NUMBER = rf"{_EUROPEAN}|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:[.,]\d+)?|\.\d+"
_CODE = r"usd|us\$|eur|euros?|gbp|cad"
_CURRENCY_WORD = rf"(?:[$€£]|{_CODE}|dollars?|bucks|dlrs)"
_CURRENCIES = {"€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "gbp": "GBP", "usd": "USD",
               "us$": "USD", "cad": "CAD"}  # "$", "dollars" and "bucks" name no one currency
_AMOUNT = re.compile("|".join((
    rf"(?P<neg1>-\s*)?(?P<c1>[$€£])\s*(?P<neg2>-\s*)?(?P<n1>{_NUMBER})(?P<k1>k)?(?![\w.])",
    rf"(?P<neg3>(?<![\w-])-\s*)?(?<![\w.,/#])(?P<n2>{_NUMBER})(?P<k2>k)?\s*(?P<c2>{_CURRENCY_WORD})(?!\w)",
    rf"\b(?P<c3>{_CODE})\s*(?P<n3>{_NUMBER})(?P<k3>k)?\b",
    r"(?<![\w.,/#-])(?P<n4>\d+(?:\.\d+)?)(?P<k4>k)\b",
    rf"(?<![\w.,/#-])(?P<n5>{_EUROPEAN}|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+\.\d{{1,3}})(?![\w.,]*\d)",
    r"(?<![\w-])(?P<neg6>-)\s*(?P<n6>\d[\d,.]*)\b",
    r"(?P<cue>\b(?:amount(?: of)?|total of|sum of|payment of|deposit(?: of)?|prepay(?:ment)?(?: of)?|put|add)\s+)"
    rf"(?P<n7>{_NUMBER})\b(?![.,]\d)(?!\s*(?:%|percent))(?:\s*(?P<c7>[€£]|{_CODE})(?!\w))?",
    # "but only 600": three digits or more, so "pay only 2 invoices" stays a count
    r"(?P<cue9>\b(?:(?:pay|paying|but|for) (?:only|just)|only (?:pay|paying|send|sending))\s+)"
    r"(?P<n9>\d{1,3}(?:,\d{3})+(?:\.\d\d)?|\d{3,}(?:\.\d\d)?|\d+\.\d\d)\b(?![.,]\d)"
    r"(?!\s*(?:%|percent|cases?|units?|pcs|pieces?|boxes|box|items?|pallets?|invoices?|bills?|ones?|of)\b)",
    r"(?<![\w.,/#$-])(?P<n8>\d+(?:\.\d+)?)(?=\s+(?:on|to|toward|towards|against|for)\s+(?:_invoice_|#?\d{3,}))",
)))
_ALONE = re.compile(  # a message that is only an amount: "500", "-5", "$1,200", "1.500,00 EUR"
    rf"(?P<neg1>-)?\s*(?P<c1>[$€£])?\s*(?P<neg2>-)?\s*(?P<n>{_NUMBER})\s*(?P<c2>{_CURRENCY_WORD})?[.!]*")
_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_MAGNITUDES = {"hundred": 100, "thousand": 1000, "grand": 1000}
_NUMBER_WORD = "|".join(_UNITS + _TENS + list(_MAGNITUDES))
# Numbers spelled out ("twelve hundred", "two thousand five hundred") or with a magnitude word ("2 grand"):
# money only with a magnitude or a currency after it, never a bare "two" (a position, a count).
_SPELLED = re.compile(
    rf"(?<![\w.,])(?P<sign>[$€£]\s*)?(?:(?P<digits>\d+(?:\.\d+)?)\s*(?P<mag>hundred|thousand|grand)"
    rf"|(?P<words>(?:a\s+)?(?:{_NUMBER_WORD})(?:(?:\s+|-)(?:and\s+)?(?:{_NUMBER_WORD}))*))\b"
    rf"(?P<currency>\s*{_CURRENCY_WORD}(?!\w))?")
_COUNTED = re.compile(rf"(?:\d|\b(?:{_NUMBER_WORD}))\s+(?:cases?|units?|pcs|pieces?|boxes|box|items?|pallets?)\b")
_SHORTFALL_BEFORE = re.compile(r"\b(?:less|minus|short by|short|deduct|deducting|knock off|knocking off|take off"
                               r"|taking off|discount of|without the|off by)\s*$")
_CENT = Decimal("0.01")

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_ORDINAL = "|".join(_ORDINALS) + r"|1st|2nd|3rd|[4-9]th|10th"
_POSITION = re.compile(
    rf"\b(?:the\s+)?(?P<ord>{_ORDINAL})\s+(?:one|invoice|item|bill|entry|line|option|choice)\b"
    r"|(?:\b(?:number|no\.?|option|item|line|choice)|#)\s*(?P<num>\d{1,2})\b(?!\s*(?:days?|weeks?))"
    rf"|\b(?:number|option|item|line|choice)\s+(?P<numword>{'|'.join(_UNITS[1:11])})\b"
    rf"|\b(?:pay|schedule)\s+(?:the\s+)?(?P<after_pay>\d{{1,2}}|{_ORDINAL})\s*(?:please|now|[.!?](?![\w,])|$)"
    rf"|^\s*(?:the\s+)?(?P<alone>\d{{1,2}}|{_ORDINAL})(?:\s+(?:one|please))?\s*[.!]*\s*$"
)
_PICK = rf"(?:\d{{1,2}}|{'|'.join(_ORDINALS)})"
_SEVERAL = re.compile(  # "pay 2 and 3", "1, 4 and 8", "the first and third": the whole message
    rf"^\s*(?:(?:please\s+)?(?:pay|schedule)\s+)?(?:the\s+|numbers?\s+)?"
    rf"(?P<several>{_PICK}(?:\s*(?:,|&|\+|\band\b|\bn\b)\s*(?:and\s+)?(?:the\s+)?{_PICK})+)"
    r"(?:\s+(?:ones?|invoices?|bills?))?(?:\s+_date_)?(?:\s+please)?\s*[.!]*\s*$")
_OVERDUE = re.compile(r"\b(?:overdue|past due|late (?:ones?|invoices?|bills?|items?)|delinquent)\b"
                      r"(?!\s+(?:notice|reminder|letter|message|text|email|notification|warning)s?\b)"
                      r"|\b(?:be|get|bring (?:it|us|me|the account))\s+current\b")
_OLDEST = re.compile(r"\b(?:oldest|earliest)\b(?!\s+(?:convenience|possible|opportunity|chance))")
_ALL = re.compile(
    r"\b(?:pay|clear|settle|paying)\b(?:\s+(?:it|them|off|for))?\s+(?:all|everything)\b"
    r"|\b(?:pay|clear|settle|paying|schedule|charge|send|show|list|email)\b(?:\s+\S+){0,3}?\s+everything\b"
    r"|\ball\s+(?:of\s+)?(?:them|it|my|our|the|open|invoices|bills|outstanding)\b|\b(?:it|them) all\b"
    r"|\b(?:pay|clear|settle|paying)\b[^.?!]{0,15}\b(?:full|whole|entire|total) (?:balance|amount)\b"
    r"|\b(?:pay|clear|settle)(?: off)?(?: my| our| the)?(?: current| full| whole| entire| total| remaining)? balance\b"
    r"|\bpay(?: off)? what (?:i|we) owe\b|\b(?:whole|entire) (?:thing|lot)\b")


def find_prefixed_invoices(text: str) -> tuple[list[str], str]:
    found: list[str] = []
    text = _SLASH_LIST.sub(lambda match: re.sub(r"\s*/\s*", " and ", match.group()), text)

    def take(match: re.Match[str]) -> str:
        if (match.group("hash") or match.group("no")) and _NOT_AN_INVOICE_BEFORE.search(text[:match.start()]):
            return match.group()  # check #8812, PO #5521, account number 104233
        found.append(_invoice_number(match.group("id") or match.group("hash") or match.group("no")))
        return " _invoice_ "

    masked = _PREFIXED_INVOICE.sub(take, text)
    while listed := _LISTED_AFTER.search(masked):  # in any order: the caller orders them as written
        found.append(_invoice_number(listed.group("id")))
        masked = masked[:listed.start()] + listed.group("head") + " _invoice_ " + masked[listed.end():]
    return found, masked


def find_bare_invoices(text: str) -> tuple[list[str], str]:
    found: list[str] = []

    def take(match: re.Match[str]) -> str:
        before, after, number = text[:match.start()], text[match.end():], match.group("id")
        if _NOT_AN_INVOICE_BEFORE.search(before) or _QUANTITY_AFTER.match(after):
            return match.group()
        if re.fullmatch(r"(?:19|20)\d\d", number) and _YEAR_BEFORE.search(before):
            return match.group()
        found.append(_invoice_number(number))
        return " _invoice_ "

    return found, _BARE_INVOICE.sub(take, text)


def _invoice_number(text: str) -> str:
    return text.strip("-").upper()


@dataclass(frozen=True)
class Amount:
    """The one amount a message names, with its sign as typed, and the currency it names (an ISO code) if any."""

    value: Decimal | None = None
    currency: str | None = None

    @property
    def payable(self) -> Decimal | None:
        return self.value if self.value is not None and self.value > 0 else None

    @property
    def unpayable(self) -> Decimal | None:
        """Zero or negative: refused by the bot with what it can take, never dropped for the full amount."""
        return self.value if self.value is not None and self.value <= 0 else None


def find_amount(text: str) -> tuple[Amount, str]:
    """The one amount the message names; none when it names none, several or a malformed one."""
    values: list[Decimal | None] = []
    currencies: set[str] = set()
    text = _SPELLED.sub(_spelled_out, text)

    def take(match: re.Match[str]) -> str:
        groups = match.groupdict()
        number = next(groups[f"n{i}"] for i in range(1, 10) if groups[f"n{i}"] is not None)
        negative = any(groups.get(name) for name in ("neg1", "neg2", "neg3", "neg6"))
        thousands = any(groups.get(f"k{i}") for i in range(1, 5))
        shortfall = bool(_SHORTFALL_BEFORE.search(text[:match.start()]))
        sign = next((groups[name] for name in ("c1", "c2", "c3", "c7") if groups[name]), "")
        value = None if shortfall else _money(number, thousands, dollar_first=groups["c1"] == "$")
        values.append(-value if value and negative else value)
        currencies.update([_CURRENCIES[sign]] if sign in _CURRENCIES else [])
        return f"{groups['cue'] or groups['cue9'] or ''} _amount_ "

    masked = _AMOUNT.sub(take, text)
    distinct = set(values)
    if len(distinct) != 1 or None in distinct or len(currencies) > 1:
        return Amount(), masked
    return Amount(distinct.pop(), currencies.pop() if currencies else None), masked


def amount_alone(text: str) -> Amount:
    """A message that is just a number, read as money: the answer to "how much?" ("500", "-5", "1.500,00")."""
    match = _ALONE.fullmatch(text.strip().lower())
    if not match:
        return Amount()
    value = _money(match.group("n"), False, dollar_first=match.group("c1") == "$")
    sign = match.group("c1") or match.group("c2") or ""
    return Amount(-value if value and (match.group("neg1") or match.group("neg2")) else value,
                  _CURRENCIES.get(sign))


def _spelled_out(match: re.Match[str]) -> str:
    """ "twelve hundred" → "1200 dollars"; anything that is not clearly money is left as written."""
    if not match.group("currency") and _COUNTED.search(match.string):
        return match.group()  # "two hundred cases", and "billed for three hundred" next to it: a count
    if match.group("digits"):
        value = Decimal(match.group("digits")) * _MAGNITUDES[match.group("mag")]
        return f"{value.normalize():f} dollars"
    words = re.split(r"[\s-]+", match.group("words"))
    if not (match.group("currency") or set(words) & set(_MAGNITUDES)) or words[-1] in ("a", "and"):
        return match.group()
    total = current = 0
    for word in words:
        if word in ("a", "and"):
            continue
        if word in _UNITS or word in _TENS:
            current += _UNITS.index(word) if word in _UNITS else 10 * (_TENS.index(word) + 2)
        elif word == "hundred":
            current = (current or 1) * 100
        else:
            total, current = total + (current or 1) * 1000, 0
    return f"{total + current} dollars"


def _money(number: str, thousands: bool, dollar_first: bool = False) -> Decimal | None:
    """The number as money (zero included), or None when malformed, over-precise or read two ways."""
    if re.fullmatch(r"\d{1,3}\.\d{3}", number):
        return None  # "1.500": $1.50, or 1,500 written the European way?
    if re.fullmatch(rf"{_EUROPEAN}|\d+,\d\d", number):
        if dollar_first and "." not in number:
            return None  # "$1,50": US order, so a thousands comma mistyped ($150? $1,500?)
        number = number.replace(".", "").replace(",", ".")
    try:
        value = parse_amount(number) * (1000 if thousands else 1)
    except (MoneyError, InvalidOperation):
        return None
    if value != value.quantize(_CENT):
        return None
    return value.quantize(_CENT)


def find_selector(text: str) -> tuple[str | None, str]:
    if _OVERDUE.search(text):
        return "overdue", text
    if _OLDEST.search(text):
        return "oldest", text
    if _ALL.search(text):
        return "all", text
    if several := _SEVERAL.search(text):
        picks = re.findall(_PICK, several.group("several"))
        positions = [str(_ORDINALS.index(p) + 1 if p in _ORDINALS else int(p)) for p in picks]
        if "0" not in positions:
            return ",".join(positions), text[:several.start("several")] + " _selector_ " + text[several.end("several"):]
    match = _POSITION.search(text)
    if not match:
        return None, text
    name = next(name for name, group in match.groupdict().items() if group is not None)
    word = match.group(name)
    position = (_ORDINALS.index(word) + 1 if word in _ORDINALS else _UNITS.index(word) if word in _UNITS
                else int(re.sub(r"\D", "", word)))
    if position < 1:
        return None, text
    if name == "alone":
        return str(position), text  # the whole message: "1" and "2" also answer a yes/no question
    return str(position), text[:match.start(name)] + " _selector_ " + text[match.end(name):]


PATTERNS = tuple(p.pattern for p in (_PREFIXED_INVOICE, _NOT_AN_INVOICE_BEFORE, _QUANTITY_AFTER, _AMOUNT,
                                     _SHORTFALL_BEFORE, _POSITION, _SEVERAL, _OVERDUE, _OLDEST, _ALL)) + (_NUMBER_WORD,)
