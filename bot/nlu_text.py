"""Message normalization for understanding: one canonical, lower-case spelling of what the customer typed.

Emoji become words (👍 → yes), contractions and SMS shorthand are spelled out (pls → please, stmt →
statement, cant → can not) and misspelled keywords are corrected against the vocabulary the rules use
(balence → balance, recieve → receive) with rapidfuzz edit distances; a number word that text2num reads
("fifteenth") is never "corrected" to a nearby one ("fifteen"). Digits, `$`, `#`, `/` and `-` are kept as
typed: the slot extractors read them (bot.nlu_slots, bot.nlu_dates).

Numbers said in words are written in digits where they are a slot, read by text2num (`words_as_digits`):
- money spelled with a magnitude or a currency: "twelve hundred" → "1200 dollars", "fifty bucks", "two grand";
  not in a message that counts goods without a currency ("two hundred cases, billed for three hundred");
- an invoice number said after "invoice", in pairs or digit by digit as people read numbers out: "invoice twenty
  two thirty one" → 2231, "one oh four two three three" → 104233, "two thousand twenty six dash oh three one one"
  → 2026-0311, and those listed after it ("… and ten forty three");
- a number said in pairs ("sixty one thirty three" → 6133, but not a time: "at ten thirty") or digit by digit
  ("four five five one two"), which the slot finders then read as any number in digits;
- a day of the month: "the twenty second" → the 22nd, "december twenty two"; an ordinal a list position could be
  ("the fifth") only where it reads as a day ("on the fifth", "the fifth of december", "december fifth");
- any other number word stays a word: "two invoices", "the second one", "pay three", "one fifty".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from difflib import SequenceMatcher
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from text_to_num import alpha2digit, text2num  # type: ignore[import-untyped]

from bot import nlu_languages
from bot.nlu_slots import CURRENCY_WORD, LISTED_BETWEEN

_EMOJI = {
    "👍": " yes ", "👌": " ok ", "✅": " yes ", "✔": " yes ", "☑": " yes ", "🆗": " ok ",
    "👎": " no ", "❌": " no ", "🚫": " no ", "✖": " no ", "🙏": " please ", "❓": " ? ", "🛑": " stop ",
}
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"'})

_SHORTHAND = {
    # politeness and pronouns
    "dbl": "double", "tonite": "tonight", "2nite": "tonight", "hunnit": "hundred", "hunned": "hundred",
    "hundo": "hundred",
    "yr": "year", "yrs": "years",
    "pls": "please", "plz": "please", "plse": "please", "pleez": "please", "u": "you", "ur": "your",
    "hlp": "help", "halp": "help",
    "thx": "thanks", "thnx": "thanks", "thanx": "thanks", "tnx": "thanks", "ty": "thanks", "thks": "thanks",
    # yes / no
    "ok": "ok", "k": "ok", "kk": "ok", "okk": "ok", "okie": "ok", "okey": "ok", "okay": "ok",
    "yea": "yes", "yeah": "yes", "yah": "yes", "ya": "yes", "yep": "yes", "yup": "yes", "yeh": "yes",
    "ye": "yes", "yes": "yes", "yess": "yes", "yesss": "yes", "yas": "yes", "yass": "yes", "yessir": "yes",
    "yessss": "yes", "yeahh": "yes", "r": "are",
    "nah": "no", "nope": "no", "naw": "no", "nop": "no", "noo": "no", "nooo": "no", "nvm": "never mind",
    "nevermind": "never mind",
    # accounts receivable words
    "bal": "balance", "blnc": "balance", "stmt": "statement", "stmnt": "statement", "stmts": "statements",
    "soa": "statement of account", "inv": "invoice", "invc": "invoice", "invs": "invoices",
    "invcs": "invoices", "mv": "move", "pmt": "payment", "pymt": "payment", "pymnt": "payment", "pmnt": "payment",
    "paymt": "payment", "pmts": "payments", "pymts": "payments", "acct": "account", "acc": "account",
    "accnt": "account", "acnt": "account", "amt": "amount", "hist": "history", "dep": "deposit",
    "cc": "credit card", "dew": "due",
    "rep": "representative", "chk": "check", "chq": "check", "ck": "check", "pd": "paid", "payed": "paid",
    "dmgd": "damaged", "dmg": "damaged", "rcvd": "received", "recvd": "received", "rec'd": "received",
    "recd": "received", "rcv": "receive", "rcvd?": "received",
    "unsub": "unsubscribe", "xcept": "except", "exept": "except", "excpt": "except",
    "msg": "message", "msgs": "messages", "txt": "text", "txts": "texts",
    "txting": "texting",
    # time
    "tmrw": "tomorrow", "tmrws": "tomorrow", "tomorrows": "tomorrow", "todays": "today",
    "tmr": "tomorrow", "tmrrw": "tomorrow", "tmw": "tomorrow", "tmro": "tomorrow",
    "tomoro": "tomorrow", "tomo": "tomorrow", "tdy": "today", "yday": "yesterday", "yest": "yesterday",
    "ystrdy": "yesterday", "yesterdays": "yesterday", "wk": "week", "wks": "weeks", "nxt": "next",
    "eom": "end of month", "eow": "end of week", "rn": "right now", "asap": "asap",
    "mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday", "weds": "wednesday",
    "thu": "thursday", "thur": "thursday", "thurs": "thursday", "fri": "friday", "sat": "saturday",
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june", "jul": "july",
    "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november",
    "dec": "december",
    # a voice transcript's hesitations: "the card ending in uh 6612" is a card ending
    "uh": "", "uhh": "", "um": "", "umm": "", "uhm": "", "erm": "",
    # contractions typed without the apostrophe
    "cant": "can not", "cannot": "can not", "wont": "will not", "dont": "do not", "didnt": "did not",
    "doesnt": "does not", "isnt": "is not", "wasnt": "was not", "arent": "are not", "werent": "were not",
    "havent": "have not", "hasnt": "has not", "couldnt": "could not", "wouldnt": "would not",
    "shouldnt": "should not", "im": "i am", "ive": "i have", "ill": "i will", "youre": "you are",
    "thats": "that is", "whats": "what is", "wats": "what is", "wat": "what", "whts": "what is",
    "lets": "let us", "gonna": "going to", "wanna": "want to", "gotta": "got to",
    "idk": "i do not know", "bc": "because", "cuz": "because", "coz": "because", "abt": "about",
    "thru": "through", "tho": "though",
}

# Words that are close to a keyword but mean something else: never "corrected".
_KEEP_WORDS = """
    said paid sent send late later date data bill till will well call card care cart hard held hold shop
    step stay state states status order older other others owner owes own them then than there their these
    those this that what when where which while with weak weekend money pays plays ways rate rates dues
    show shows know news next text test best rest last list lost cost post most much such each again
    against about above count voice choice recent season mystery despite fried sure pure cure ever even
    mail male sale sales sort short shot hour hours your yours fine find mind kind line lines time times
    price prices priced prior print ship shipped shipping weather whether parts part party thing things
    items item open opened month months debit credit check checks cheque cash funds fund wire think doing
    form small sound though water world years orders updated contacted numbers emails company companies
    upcoming reminder going coming thinking sorry worry hello hope hoped hoping maybe would could should
    shall from through later thank thanks trying tried wanted needed asked looking looked waiting waited
    working worked please place plays played making making taking giving given gave getting sending
    mailed mailing calling called texted texting email address office store stores truck trucks driver
    delivery deliveries delivered arrive arrived tracking track shipment shipments warehouse customer
    customers vendor vendors supplier suppliers manager boss team today tonight morning evening night
    holiday holidays vacation closed close closing hours weather people person persons anyone someone
    everyone nobody nothing something anything everything right left write wrote written read reading
    thought number phone cell mobile fax faxed copy copies file files folder report reports again about after
    settled meant mean means aside stays remains stayed addressed addresses handled cleared deduction deductions
    included includes color colors colour colours tile tiles better bitter butter
    black white blue green grey gray brown yellow orange pink silver beige
    marco marca marci mario maria marie marty junie julia julie julio jules augusto augusta mayer maya
"""  # the last line: names a letter signs with, one letter from a month ("best regards, marco" is no March)
_KEEP = frozenset(_KEEP_WORDS.split())

_CONTRACTIONS = [
    (re.compile(r"\bcan't\b"), "can not"), (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\blet's\b"), "let us"), (re.compile(r"n't\b"), " not"), (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'m\b"), " am"), (re.compile(r"'re\b"), " are"), (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"\b(what|that|it|there|here|who|where|how)'s\b"), r"\1 is"),
    (re.compile(r"'s\b"), ""),  # possessive: friday's payment, this month's statement
    (re.compile(r"'"), ""),
]
_DIGIT_WORDS = [
    (re.compile(r"\b2mor+o+w*\b|\b2mrw\b"), "tomorrow"), (re.compile(r"\b2day\b"), "today"),
    (re.compile(r"\bb4\b"), "before"), (re.compile(r"\bw/o\b"), "without"), (re.compile(r"\bw/\s?"), "with "),
    # a voice transcript's homophone: "pay for thousand even" is four thousand
    (re.compile(r"\bfor (?=(?:hundred|thousand|grand)\b)"), "four "),
    # "invoice number for one seven seven": four, said before digits
    (re.compile(r"\b(number|invoice|no) for (?=(?:one|two|three|four|five|six|seven|eight|nine|zero|oh) "
                r"(?:one|two|three|four|five|six|seven|eight|nine|zero|oh)\b)"), r"\1 four "),
    # and "pay number too and three": a position
    (re.compile(r"\b(number|numbers|item|items|option|options) too\b"), r"\1 two"),
]
# A voice transcript spells a reference digit by digit: "invoice 2 2 0 9 1" is 22091 (four digits or more).
_SPELLED_DIGITS = re.compile(r"(?<![\d.,/$#])\b\d(?: \d){3,}\b(?![\d.,/%])")
# Numbers said in words (`words_as_digits`).
_POSITIONS = 10  # "the tenth one": as far as a list the bot shows goes (bot.nlu_slots); "the eleventh" is a day
_MONTH = "january|february|march|april|may|june|july|august|september|october|november|december"
_MAGNITUDE = re.compile(r"\b(?:hundred|thousand|million)\b")
_MAGNITUDES = {"hundred": 100, "thousand": 1000, "grand": 1000}
# "2 grand", "1.5 thousand": digits times a magnitude word, which text2num leaves apart ("2 1000").
_DIGITS_MAGNITUDE = re.compile(r"(?<![\w.,])(?P<digits>\d+(?:\.\d+)?)\s*(?P<mag>hundred|thousand|grand)\b(?!\s+total)")
_AND_A_HALF = re.compile(r"\b(?P<number>[a-z]+)\s+and a half\s+(?P<mag>grand|thousand)\b")
_POINT_THOUSANDS = re.compile(r"\b(?P<whole>one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}) point "
                              # "k" has become "ok" by now (_SHORTHAND)
                              r"(?P<tenth>one|two|three|four|five|six|seven|eight|nine|\d)\s*(?P<mag>k|ok|grand|thousand)\b")
_WORDS_GRAND = re.compile(r"\b(?P<number>[a-z]+(?:-[a-z]+)?)\s+grand\b(?!\s+total)")  # "two grand": two thousand
_DASH = re.compile(r"\s*(?:-|dash|hyphen)\s*")
_PHONE_BEFORE = re.compile(r"\b(?:at|call|phone|cell|mobile|number|reach|text)\b(?:\s+\S+){0,2}\s*$")  # a phone said
_TIME_BEFORE = re.compile(r"\b(?:at|by|around|about|till|until|before|after|from)\s+$")  # "at ten thirty"
_TIME_AFTER = re.compile(r"^\s*(?:am|pm|a\.m|p\.m|o'?clock|tonight|this (?:morning|afternoon|evening))\b")
_SAID_AFTER_INVOICE = re.compile(r"\b(?:invoices?|inv|bills?)\s*(?:number|no\.?|num|nbr)?\s*#?\s*$")
# Words before a sum said as people say prices, hundreds then tens ("only seven fifty", "the six fifty one for")
_MONEY_CUE_BEFORE = re.compile(r"\b(?:only|just|pay|paying|paid|amount(?: is| of)?|charges? of|payments? of|charged"
                               r"|like|one for|can do"
                               r"|remit|remitting"
                               r"|send|sending|the)\s+$")
# Words after which a number said in pairs is a sum, never a reference: "the amount is forty two fifty" is $4,250
_SUM_CUE_BEFORE = re.compile(r"\b(?:amount(?: is| of)|payment of|charges? of|total(?: is| of))\s+$")
# … and after which a price said as prices are ("seven fifty") is a sum: "run the card for seven fifty"
_FOR_A_SUM = r"(?:\s+\S+){0,4}?\s+for(?:\s+(?:like|about|around))?\s+$"
_PRICE_CUE_BEFORE = re.compile(rf"\b(?:check|cheque|card){_FOR_A_SUM}")
# … and a check's sum said in pairs: "a check for forty two fifty" (LABELS.md, spoken sums)
_CHECK_FOR_BEFORE = re.compile(rf"\b(?:check|cheque){_FOR_A_SUM}")
_CURRENCY_BEFORE = re.compile(r"[$€£]\s*$")
_CURRENCY_AFTER = re.compile(rf"^\s*{CURRENCY_WORD}(?!\w)")
_DAY_CUE_BEFORE = re.compile(rf"(?:\b(?:on|by|until|till|before|after|due|from)\s+(?:the\s+)?"
                             rf"|\b(?:{_MONTH})\.?\s+(?:the\s+)?)$")
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTH.replace('may|', '')})\.?\s+(?:the\s+)?$")
_MONTH_AFTER = re.compile(rf"^\s+of\s+(?:{_MONTH})\b")
# "on fifteen january", "we pay twenty second of december": a day said before its month, not "the two january invoices"
_MONTH_NEXT = re.compile(rf"^\s+(?:of\s+(?:this|next|the)\s+month\b|(?:of\s+)?(?:{_MONTH})\b)"
                         r"(?!\s+(?:invoices?|bills?|statements?|orders?|deliver\w*"
                         r"|shipments?|payments?|ones)\b)")
_POSITION_AFTER = re.compile(r"^\s+(?:ones?|invoices?|items?|bills?|entry|entries|lines?|options?|choices?|time)\b")
_SAID_NUMBER = re.compile(r"(?P<lead>\W*)(?P<value>\d+(?:\.\d+)?)(?P<ordinal>st|nd|rd|th)?(?P<trail>\W*)")
_COUNTED = re.compile(r"\d\s+(?:cases?|units?|pcs|pieces?|boxes|box|items?|pallets?)\b")
# "r-4471": a reference, not "are"; "réglerons": a word of another language, not "r" (are) and "glerons"
_WORD = re.compile(r"(?<![0-9])(?<![^\W\d_])(?![a-z]-\d)[a-z]+(?![0-9])(?![^\W\d_])")
MAX_LENGTH = 2000  # longer than any SMS or chat message: bounds the work one message can cause


_NUMERO = re.compile(r"\bn\.?\s?[°º]\s*")


def normalize(text: str, vocabulary: frozenset[str]) -> str:
    """The canonical spelling of a message: lower case, words spelled out and corrected, numbers in digits."""
    text = _NUMERO.sub("no. ", unicodedata.normalize("NFKC", text).translate(_QUOTES).lower())  # "n° 4471"
    text = nlu_languages.in_english(text)
    for emoji, word in _EMOJI.items():
        text = text.replace(emoji, word)
    text = "".join(_plain_char(ch) for ch in text[:MAX_LENGTH])
    for pattern, spelled in _DIGIT_WORDS + _CONTRACTIONS:
        text = pattern.sub(spelled, text)
    text = _WORD.sub(lambda m: canonical_word(m.group(), vocabulary), text)
    text = words_as_digits(re.sub(r"\s+", " ", text).strip())
    return _SPELLED_DIGITS.sub(lambda m: m.group().replace(" ", ""), text)



def words_as_digits(text: str) -> str:
    """The message with the numbers said in words written in digits where they are a slot (the module's rules):
    "pay twelve hundred" → "pay 1200 dollars", "invoice ten forty two" → "invoice 1042", "the twenty second" →
    "the 22nd". text2num reads the words; the words around them tell which are slots."""
    if " ones" in text:  # "the big ones eleven eighty seven": text2num reads "ones" as a 1
        return words_as_digits(text.replace(" ones", " onez")).replace(" onez", " ones")
    counts_goods = bool(_COUNTED.search(alpha2digit(text, "en", threshold=0)))
    text = _AND_A_HALF.sub(_and_a_half, text)  # "two and a half grand": 2.5 thousand
    text = _POINT_THOUSANDS.sub(_point_thousands, text)  # "one point five k": 1.5 thousand
    text = _WORDS_GRAND.sub(lambda m: f"{m['number']} thousand" if _is_number(m["number"]) else m.group(), text)
    text = _DIGITS_MAGNITUDE.sub(lambda m: _times_magnitude(m, counts_goods), text)
    text = _said_zeros(text)
    said = alpha2digit(text, "en", threshold=0)
    if said == text:
        return text
    words = [(word.start(), word.end()) for word in re.finditer(r"\S+", text)]
    digits = said.split()
    pieces: list[str] = []
    written_to, reference_end = 0, -1
    matcher = SequenceMatcher(None, [text[start:end] for start, end in words], digits, autojunk=False)
    for kind, first, last, digits_first, digits_last in matcher.get_opcodes():
        if kind != "replace":
            continue
        start, end = words[first][0], words[last - 1][1]
        between = text[reference_end:start] if reference_end >= 0 else None
        found = _digit_form(text, start, end, digits[digits_first:digits_last], counts_goods, between)
        if found is None:
            continue
        form, slot = found
        if slot == "reference" and between is not None and _DASH.fullmatch(between):
            pieces[-1] += "-" + form  # "two thousand twenty six dash oh three one one": 2026-0311
        else:
            pieces += [text[written_to:start], form]
        written_to, reference_end = end, end if slot == "reference" else -1
    return "".join(pieces) + text[written_to:]


def _digit_form(text: str, start: int, end: int, said: list[str], counts_goods: bool,
                after_reference: str | None) -> tuple[str, str] | None:
    """A run of number words (`said`: as text2num writes it) in digits with the slot it is ("day", "reference",
    "money", "digits"), or None to leave the words as written. `after_reference`: the text since the reference
    said just before, if any."""
    parts = [number for token in said if (number := _SAID_NUMBER.fullmatch(token))]
    if len(parts) != len(said):
        return None
    lead, trail = parts[0]["lead"], parts[-1]["trail"]
    before, after = text[:start], text[end:]
    if any(part["ordinal"] for part in parts):
        if len(parts) > 1 or not parts[0]["value"].isdigit() or _POSITION_AFTER.match(after):
            return None
        day = int(parts[0]["value"])
        if 1 <= day <= 31 and (day > _POSITIONS or _DAY_CUE_BEFORE.search(before) or _MONTH_AFTER.match(after)):
            return f"{lead}{day}{parts[0]['ordinal']}{trail}", "day"  # "the fifth one" stays a position
        return None
    values = [part["value"] for part in parts]
    joined = "".join(values)
    listed = after_reference is not None and bool(LISTED_BETWEEN.fullmatch(after_reference)
                                                  or _DASH.fullmatch(after_reference))
    if _SAID_AFTER_INVOICE.search(before) or listed:  # read out in pairs or digits: "ten forty two", "one oh four"
        digits_only = all(value.isdigit() and (len(value) <= 2 or not value[:-1].strip("0")) for value in values)
        if (len(values) == 1 or digits_only) and joined.isdigit() and (len(joined) >= 3 or listed):
            return f"{lead}{joined}{trail}", "reference"
        return None
    if len(values) >= 3 and all(len(value) == 1 or (len(value) == 2 and value[0] == "0") for value in values) and not (
            len(joined) in (7, 10) and _PHONE_BEFORE.search(before)):
        return f"{lead}{joined}{trail}", "digits"  # "four five five one two", "six zero nine one": digit by digit
    if (len(values) >= 2 and all(len(value) == 2 for value in values) and values[0][0] != "0"
            and not _TIME_BEFORE.search(before) and not _TIME_AFTER.match(after)):
        if len(values) <= 3 and (_SUM_CUE_BEFORE.search(before) or _CHECK_FOR_BEFORE.search(before)):
            # "the amount is forty two fifty", "a check for forty two fifty": $4,250
            cents = f".{values[2]}" if len(values) == 3 else ""
            return f"{lead}{values[0]}{values[1]}{cents} dollars{trail}", "money"
        return f"{lead}{joined}{trail}", "digits"  # "sixty one thirty three": 6133 read out in pairs
    if (2 <= len(values) <= 3 and len(values[0]) == 1 and values[0] != "0"
            and all(len(value) == 2 and value[0] != "0" for value in values[1:])
            and (_MONEY_CUE_BEFORE.search(before) or _PRICE_CUE_BEFORE.search(before))
            and not _TIME_AFTER.match(after)):
        cents = f".{values[2]}" if len(values) == 3 else ""  # "four twenty five ninety": 425.90
        return f"{lead}{values[0]}{values[1]}{cents} dollars{trail}", "money"  # "only seven fifty": $750
    if len(values) > 1:
        return None  # "one fifty": $1.50, $150 or two numbers
    currency = _currency_around(text, start, end)
    if _MAGNITUDE.search(text[start:end]) or currency:
        if counts_goods and not currency:
            return None  # "two hundred cases", and "billed for three hundred" next to it: a count
        return f"{lead}{values[0]}{'' if currency else ' dollars'}{trail}", "money"
    if _MONTH_BEFORE.search(before) and values[0].isdigit() and 1 <= int(values[0]) <= 31:
        return f"{lead}{values[0]}{trail}", "day"  # "december twenty two"
    if (_MONTH_NEXT.match(after) and values[0].isdigit() and 1 <= int(values[0]) <= 31
            and (int(values[0]) > _POSITIONS or _DAY_CUE_BEFORE.search(before))):
        return f"{lead}{values[0]}{trail}", "day"  # "on fifteen january"
    return None


_ONE_DIGIT = frozenset(["zero", "oh", "o", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])


def _said_zeros(text: str) -> str:
    """ "seventy three oh four", "2026 dash oh three": "oh" before a number word, after another or a dash, is a
    zero, which text2num reads; and so is an "oh" ending digits said one by one ("five one two two oh")."""
    words = text.split(" ")
    for at, word in enumerate(words):
        if word not in ("oh", "o") or at == 0 or words[at + 1:at + 2] == ["clock"]:
            continue
        ahead = next((later for later in words[at + 1:] if later not in ("oh", "o")), "")  # "eight two oh oh seven"
        if ((_is_number(ahead) and (_is_number(words[at - 1]) or _DASH.fullmatch(words[at - 1])))
                or (at >= 3 and all(before in _ONE_DIGIT for before in words[at - 3:at]))):
            words[at] = "zero"
    return " ".join(words)


def _and_a_half(match: re.Match[str]) -> str:
    try:
        whole = text2num(match["number"], "en")
    except ValueError:
        return match.group()
    return f"{whole}.5 {match['mag']}"


def _point_thousands(match: re.Match[str]) -> str:
    whole, tenth = (part if part.isdigit() else str(text2num(part, "en")) for part in (match["whole"], match["tenth"]))
    return f"{whole}.{tenth} thousand"


def _is_number(word: str) -> bool:
    return word == "a" or _spells_a_number(word)  # "a grand"


def _times_magnitude(match: re.Match[str], counts_goods: bool) -> str:
    """ "2 grand" → "2000 dollars", "$1.5 thousand" → "$1500"; as written in a message that counts goods."""
    currency = _currency_around(match.string, match.start(), match.end())
    if counts_goods and not currency:
        return match.group()
    value = Decimal(match["digits"]) * _MAGNITUDES[match["mag"]]
    return f"{value.normalize():f}{'' if currency else ' dollars'}"


def _currency_around(text: str, start: int, end: int) -> bool:
    return bool(_CURRENCY_BEFORE.search(text[:start]) or _CURRENCY_AFTER.match(text[end:]))


def _plain_char(ch: str) -> str:
    if unicodedata.category(ch) in ("So", "Sk", "Cf", "Mn", "Co", "Cs", "Cc"):
        return " "  # other emoji, skin tones, joiners, control characters
    digit = unicodedata.decimal(ch, None)
    return ch if digit is None else str(digit)  # ١٢٣ → 123


@lru_cache(maxsize=8192)
def canonical_word(word: str, vocabulary: frozenset[str]) -> str:
    if word in _SHORTHAND:
        return _SHORTHAND[word]
    if len(word) < 4 or word in vocabulary or word in _KEEP or _spells_a_number(word):
        return word
    allowed = 1 if len(word) < 7 else 2
    found = process.extract(word, sorted(vocabulary), scorer=OSA.distance, score_cutoff=allowed, limit=None)
    if not found:
        return word
    distance = found[0][1]
    nearest = sorted(((fuzz.ratio(word, choice), choice) for choice, score, _ in found if score == distance),
                     reverse=True)
    if len(nearest) > 1 and nearest[0][0] == nearest[1][0]:
        return word  # two keywords equally close: leave it as typed
    candidate = str(nearest[0][1])
    if len(word) == 4 and sorted(word) != sorted(candidate):
        return word  # four letters: only a swapped pair ("hlep") is safely a typo
    if distance == 2 and (word[0] != candidate[0] or fuzz.ratio(word, candidate) < 85):
        return word  # two edits only where the word keeps its shape ("tommorow", "wensday"), not "upcoming"
    return candidate


def _spells_a_number(word: str) -> bool:
    """ "fifteenth", "eleventh": a number word text2num reads is no typo of a nearby keyword ("fifteen")."""
    return alpha2digit(word, "en", threshold=0) != word


def vocabulary_of(patterns: Iterable[str], extra: Iterable[str] = ()) -> frozenset[str]:
    """Every word of four letters or more that the rules spell out: the words typos are corrected to."""
    words: set[str] = set(extra)
    for source in patterns:
        source = re.sub(r"\\[a-zA-Z]|\(\?P<\w+>", " ", source)  # escapes and group names are not words
        words.update(re.findall(r"(?<![a-z])[a-z]{4,}(?![a-z])", source))
    return frozenset(words)
