"""A pasted email read as its request: the greeting line, the sign-off (with the name, title and company under
it) and the small talk taken away.

Bookkeepers paste whole emails: "Hi,\\n\\n…the request…\\n\\nThanks,\\nMaria Delgado\\nDelgado Foods". The
"Thanks," of a sign-off is not thanks, the company name is not an introduction, and a phone number in the
signature is not what the message is about. Only a letter loses anything: a message of one line is kept as typed,
and a sign-off is recognised only on a line of its own, near the end, with one to seven short lines (a name,
a title, a company, an address) under it: "pay 1042\nthanks" keeps its thanks. A short line with a phone, an email
address, a street address or a zip code is letterhead wherever it stands: its numbers are no invoices.
"""

from __future__ import annotations

import re

_GREETING = re.compile(r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings|hi there|hello there"
                       r"|to whom it may concern"
                       # a letter in another language (bot.nlu_languages reads its request)
                       r"|sehr geehrte[rs]?|guten (?:tag|morgen)|hallo|liebe[rs]?|moin|bonjour|bonsoir|madame|monsieur"
                       r"|buen(?:os|as) (?:días|dias|tardes)|buenas|hola|estimad[oa]s?|señor(?:es|a)?|buongiorno|salve"
                       r"|gentil[ei]|spettabile|egregi[oa]|beste|geachte|goedemorgen|goedemiddag|olá|bom dia|boa tarde"
                       r"|prezad[oa]s?|hej|hei|kære|god dag|goddag|dzień dobry"
                       r"|szanowni państwo)\b[^\n]{0,40}$", re.IGNORECASE)
_SIGN_OFF = re.compile(r"^\s*(?:thanks|thank you|many thanks|thanks again|thanks in advance|thank you in advance"
                       r"|best|best regards|kind regards|warm regards|regards|cheers|sincerely|yours truly"
                       r"|yours sincerely|respectfully|all the best|take care|mit freundlichen grüßen|cordialement"
                       r"|saludos|thx|ty"
                       # in other languages
                       r"|(?:mit )?(?:freundlichen|freundliche|viele|beste|liebe|herzliche) grüßen?|grüße|gruß|mfg|lg"
                       r"|(?:bien )?cordialement|bien à vous|salutations(?: distinguées)?|merci(?: d'avance)?"
                       r"|(?:un )?saludos?(?: cordiales)?|atentamente|gracias|cordiali saluti|distinti saluti|saluti"
                       r"|(?:un )?cordiale saluto|grazie(?: mille)?|(?:met )?vriendelijke groet(?:en)?|groet(?:en|jes)?"
                       r"|mvg|bedankt|dank u(?: wel)?|atenciosamente|(?:com os )?(?:melhores )?cumprimentos"
                       r"|obrigad[oa]|(?:med )?(?:vänliga|venlig|vennlig|vennlige) (?:hälsningar|hilsen|hilsener)"
                       r"|hälsningar|hilsen|mvh|tack|takk|tak|danke(?: schön)?|vielen dank|pozdrawiam"
                       r"|z poważaniem)\b[\s,.!-]*$", re.IGNORECASE)
_SIGNATURE_LINES = 7
# The small talk of a business letter: it names weeks and months ("I'm covering for our bookkeeper this week", "it's
# been a busy month") that are not the dates the letter is about, and thanks that are not a thank-you message.
_SMALL_TALK = re.compile(
    r"^\s*(?:i |we )?hope (?:you|your|all|this|everyone)\b|^\s*sorry for the (?:slow|late|delayed) (?:reply|response)"
    r"|\b(?:i'?m|i am) covering for\b|^\s*thanks? (?:you )?(?:so much |very much )?for (?:your|the) (?:patience"
    r"|help|reminder|message|note|email|quick)|^\s*following up on\b|\bit'?s been a busy\b"
    r"|^\s*(?:i'?m|i am|we'?re|we are) catching up on\b|^\s*(?:happy|merry) (?:holidays|friday|monday)\b",
    re.IGNORECASE)
# "Following up on our call — please schedule …": the request after a colon or a dash
# "… and wanted to get the October statement"
_AFTER_A_BREAK = re.compile(r":|\s[—–-]+\s|\s*[—–]\s*"
                            r"|\s+and (?=(?:wanted|want|need|needed|would like|i need|we need)\b)")
# A season's greeting before or after the request ("merry christmas, paying 1043 friday", "pay it. happy new year!")
# is no part of it: a message that is only the greeting stays one (it is answered as chit-chat).
_SEASONS_GREETING = re.compile(
    r"(?:^|(?<=[.!?])|(?<=[.!?] ))\s*(?:and\s+)?(?:a\s+)?(?:(?:merry|happy)\s+(?:christmas|xmas|holidays|new\s+year|"
    r"thanksgiving|hanukkah|easter)|season'?s\s+greetings)(?:\s+to\s+(?:you|all|everyone|the\s+team)(?:\s+there)?)?"
    r"(?:\s+(?:to\s+)?(?:you|all|everyone))?\s*(?:[,!.;:]+|\s+-+|$)\s*", re.IGNORECASE)
# "… on Friday. Thanks and have a nice weekend, Marta": the wish closing a one-line letter
_CLOSING_WISH = re.compile(r"(?<=[.!?])\s*(?:(?:thanks|thank you|thx)[\s,]+(?:and\s+)?)?have a"
                           r" (?:nice|good|great|lovely|happy) (?:weekend|day|week|evening|holiday)[^.!?\n]{0,25}$",
                           re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# Where a reply's quoted history starts: the mail program's line above it, or the first quoted line.
_QUOTE_START = re.compile(r"^\s*(?:on\b[^\n]{4,200}\bwrote:\s*$|-{2,}\s*(?:original message|forwarded message)\s*-{2,}"
                          r"|_{8,}\s*$|>|from:\s.+\n(?:.*\n){0,3}\s*(?:sent|date):\s)", re.IGNORECASE | re.MULTILINE)
# The customer's own lines pointing at the quoted message: "please pay the invoice below", "this one is paid".
_POINTS_AT_QUOTE = re.compile(
    r"\b(?:(?:one|ones|invoices?|bills?|payment)\s+(?:you\s+)?(?:mention(?:ed)?\s+)?(?:below|underneath)"
    r"|below\s+(?:invoices?|bills?)"
    r"|(?:this|that|these|those)\s+(?:one|ones|invoices?|bills?)|\b(?:both|all) of (?:these|those|them)\b"
    r"|(?:pay|paying|paid|charge|schedule|cancel|resend|send|process|void)\s+(?:it|them|this|that|these|those|both)\b"
    r"|^\s*see below\b"
    r"(?!\s+\w+\s+(?:to|by)\b)"
    r"|^\s*(?:\S+\s+){0,8}?(?:both|these|those|they) (?:are|were|have|will|of them)\b"  # "Both are approved"
    r"|(?:draft|debit|run|take|pull|apply|settle)\s+(?:it|them)\s+(?:on|for|today|now|as)\b"  # "draft it on Jan 29"
    r"|(?:reminder|email|notice|message|statement)\s+(?:below|underneath)\b"
    # "the two invoices in your reminder below", "the one in the reminder underneath"
    r"|(?:invoices?|bills?|ones?)\s+(?:in|from|on)\s+(?:your|the)\s+(?:reminder|email|message|notice|statement)"
    r"\s+(?:below|underneath))",
    re.IGNORECASE)
# A line of a signature or letterhead: a phone, an email address, a street address, a state and zip code.
_CONTACT_LINE = re.compile(
    r"\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|\b[\w.+-]+@[\w-]+\.[\w.]+\b|\b(?!PO\b|ID\b|NO\b|NR\b)[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"
    r"|\bP\.?O\.? Box\b|^\s*\d{1,6}\s+(?:[A-Z][\w.]*\s+){0,3}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Dr|Drive|Ln|Lane"
    r"|Way|Pkwy|Route|Hwy|Broadway|Court|Ct|Place|Pl)\b"
    # a European letterhead: a postcode before the town ("Via Roma 45, 20121 Milano", "1012 AB Amsterdam"), a phone
    # or fax, a company or bank number
    r"|(?:^|,\s*)(?:[A-Z]{1,2}-)?\d{4,5}(?:\s?[A-Z]{2})?\s+[A-ZÄÖÜÉÅØÆ][a-zäöüßéèàçñåøæ]+"
    r"|\b(?:Tel|Tlf|Tfn|Telefon|Tél|Fax|Mob|Mobil|Handy)\b\.?:?\s*\+?\(?\d"
    r"|\b(?:IBAN|KvK|USt-?IdNr|UID|NIF|CIF|P\.\s?IVA|SIRET|SIREN|HRB|Postfach|Postbus|Apartado|CVR|Org\.?\s?nr)"
    r"[.:]?\s*(?:[A-Z]{2}\s?)?\d")
_CONTACT_WORDS = 14  # a longer line with a phone in it is a sentence ("call me at 555-0101 about 1043")


# A reply written under the lines it quotes: the quoted lines first, then the customer's own.
_REPLY_BELOW = re.compile(r"(?P<quoted>(?:\s*>[^\n]*\n)+)(?P<own>\s*[^>\s][\s\S]*)")


def own_and_quoted(text: str) -> tuple[str, str]:
    """A reply split into what the customer wrote and the history quoted under it ("On Mon … wrote:", "> …",
    "-----Original Message-----", "From: … Sent: …"). Its numbers and dates are the seller's own reminder's, not
    the customer's request; a message that is all quote is kept whole."""
    start = _QUOTE_START.search(text)
    if start is not None and not text[:start.start()].strip() and (below := _REPLY_BELOW.match(text)):
        return below["own"].strip(), below["quoted"]  # "> Shall I charge $2,480.00 …?\n\nYes, please proceed."
    if start is None or not text[:start.start()].strip():
        return text, ""
    return text[:start.start()].rstrip(), text[start.start():]


def points_at_quote(own: str) -> bool:
    return bool(_POINTS_AT_QUOTE.search(own))


def without_greetings(text: str) -> str:
    """The message without a season's greeting opening or closing it, nor a closing "have a nice weekend", unless
    the greeting is all there is."""
    kept = _CLOSING_WISH.sub("", _SEASONS_GREETING.sub(" ", text)).strip()
    return kept if re.search(r"\w", kept) else text


def body(text: str) -> str:
    """The message without a letter's greeting line and sign-off; a one-line message unchanged."""
    lines = text.splitlines()
    if sum(1 for line in lines if line.strip()) < 2:
        return text
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines) and _GREETING.match(lines[start]) and not lines[start].rstrip().endswith("?"):
        greeting = lines[start]
        # "Hi, can you send 1042?" on one line keeps its request: only a greeting alone on its line goes.
        # "Hi," and "Madame, Monsieur," alone on their line
        if re.fullmatch(r"\s*\w+(?:\s+\w+){0,3}\s*[,!.:-]?\s*|\s*\w+,\s*\w+\s*[,:]\s*", greeting):
            start += 1
    end = len(lines)
    for index in range(len(lines) - 1, max(start, len(lines) - 1 - _SIGNATURE_LINES - 1), -1):
        if _SIGN_OFF.match(lines[index]) and index > start:
            below = [line for line in lines[index + 1:] if line.strip()]
            if 1 <= len(below) <= _SIGNATURE_LINES and all(len(line) <= 90 for line in below):
                end = index
                break
    kept = "\n".join(line for line in lines[start:end]
                     if not (_CONTACT_LINE.search(line) and len(line.split()) <= _CONTACT_WORDS)).strip()
    if start > 0 or end < len(lines):  # a letter: its small talk goes too
        kept = " ".join(_past_small_talk(sentence) for sentence in _SENTENCE_END.split(kept))
    return kept.strip() or text


def _past_small_talk(sentence: str) -> str:
    """A letter's sentence without its small talk: "Following up on your reminder: INV-51890 will be paid friday"
    keeps what follows the colon (or a dash); small talk alone goes."""
    if not _SMALL_TALK.search(sentence) or re.search(r"\d{4,}", sentence):
        return sentence  # "Thanks for your patience on invoices 62110 and 62145": it names what the letter is about
    parts = _AFTER_A_BREAK.split(sentence, maxsplit=1)
    return parts[1] if len(parts) == 2 else ""
