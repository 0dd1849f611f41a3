"""Message normalization for understanding: one canonical, lower-case spelling of what the customer typed.

Emoji become words (👍 → yes), contractions and SMS shorthand are spelled out (pls → please, stmt →
statement, cant → can not) and misspelled keywords are corrected against the vocabulary the rules use
(balence → balance, recieve → receive) with rapidfuzz edit distances. Digits, `$`, `#`, `/` and `-` are
kept as typed: the slot extractors read them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

_EMOJI = {
    "👍": " yes ", "👌": " ok ", "✅": " yes ", "✔": " yes ", "☑": " yes ", "🆗": " ok ",
    "👎": " no ", "❌": " no ", "🚫": " no ", "✖": " no ", "🙏": " please ", "❓": " ? ", "🛑": " stop ",
}
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"'})

_SHORTHAND = {
    # politeness and pronouns
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
    "invcs": "invoices", "pmt": "payment", "pymt": "payment", "pymnt": "payment", "pmnt": "payment",
    "paymt": "payment", "pmts": "payments", "pymts": "payments", "acct": "account", "acc": "account",
    "accnt": "account", "acnt": "account", "amt": "amount", "hist": "history", "dep": "deposit",
    "cc": "credit card", "rep": "representative", "chk": "check", "chq": "check", "pd": "paid", "payed": "paid",
    "unsub": "unsubscribe", "msg": "message", "msgs": "messages", "txt": "text", "txts": "texts",
    "txting": "texting",
    # time
    "tmrw": "tomorrow", "tmr": "tomorrow", "tmrrw": "tomorrow", "tmw": "tomorrow", "tmro": "tomorrow",
    "tomoro": "tomorrow", "tomo": "tomorrow", "tdy": "today", "wk": "week", "wks": "weeks", "nxt": "next",
    "eom": "end of month", "eow": "end of week", "rn": "right now", "asap": "asap",
    "mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday", "weds": "wednesday",
    "thu": "thursday", "thur": "thursday", "thurs": "thursday", "fri": "friday",
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june", "jul": "july",
    "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november",
    "dec": "december",
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
"""
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
]
_WORD = re.compile(r"(?<![0-9])[a-z]+(?![0-9])")
MAX_LENGTH = 2000  # longer than any SMS or chat message: bounds the work one message can cause


def normalize(text: str, vocabulary: frozenset[str]) -> str:
    """The canonical spelling of a message: lower case, words spelled out and corrected."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    for emoji, word in _EMOJI.items():
        text = text.replace(emoji, word)
    text = "".join(_plain_char(ch) for ch in text[:MAX_LENGTH])
    for pattern, spelled in _DIGIT_WORDS + _CONTRACTIONS:
        text = pattern.sub(spelled, text)
    text = _WORD.sub(lambda m: canonical_word(m.group(), vocabulary), text)
    return re.sub(r"\s+", " ", text).strip()


def _plain_char(ch: str) -> str:
    if unicodedata.category(ch) in ("So", "Sk", "Cf", "Mn", "Co", "Cs", "Cc"):
        return " "  # other emoji, skin tones, joiners, control characters
    digit = unicodedata.decimal(ch, None)
    return ch if digit is None else str(digit)  # ١٢٣ → 123


@lru_cache(maxsize=8192)
def canonical_word(word: str, vocabulary: frozenset[str]) -> str:
    if word in _SHORTHAND:
        return _SHORTHAND[word]
    if len(word) < 4 or word in vocabulary or word in _KEEP:
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


def vocabulary_of(patterns: Iterable[str], extra: Iterable[str] = ()) -> frozenset[str]:
    """Every word of four letters or more that the rules spell out: the words typos are corrected to."""
    words: set[str] = set(extra)
    for source in patterns:
        source = re.sub(r"\\[a-zA-Z]|\(\?P<\w+>", " ", source)  # escapes and group names are not words
        words.update(re.findall(r"(?<![a-z])[a-z]{4,}(?![a-z])", source))
    return frozenset(words)
