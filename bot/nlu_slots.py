"""Invoice references, amounts and list selectors in a (normalized) message.

Each finder returns what it found and the text with those spans replaced by a placeholder, so the next
finder cannot read an amount as an invoice number and the intent rules can see "pay _invoice_".
Rules (the contract of `aragent parse`):
- the numbers said in words are digits already where they are a slot (bot.nlu_text.words_as_digits, text2num):
  "twelve hundred" reads "1200 dollars", "invoice ten forty two" "invoice 1042";
- an invoice reference is a number written after "invoice"/"inv"/"bill", "#", "no." or "number" (3+ digits),
  and the numbers listed right after one ("inv 1042 n 1043", "invoices 1042, 1043 & 1044"): these are never
  money, whatever the dialogue finds; or any bare number of 4+ digits that is not money, a date, a quantity
  ("100 cases", "bills 48 units") or another kind of number (PO, check, RMA, account or customer id, card
  ending, phone, routing, SKU, PO box, a street number, a zip code after the state); "104233/104234" is
  two; the generic prefix is dropped ("INV-1042" → "1042"), an ERP prefix is kept upper-cased ("cm-104002" →
  "CM-104002"), a reference with a year keeps it ("INV-2026-0311" → "2026-0311"); a bare number of three
  digits ("pay 500") could be money or an invoice: it is neither, and the bot asks;
- an invoice the customer says not to pay or did not mean is excluded ("don't pay 1042 yet, just 1043", "I
  meant 1043, not 1042", "everything except 1042"); a refusal stated about one ("I'm not paying 1050 until…")
  is a dispute about it and stays named;
- an amount has a currency sign or word ("$500", "500 bucks", "usd 500"), cents ("500.00"), thousands
  commas ("1,200"), a k or a grand ("1.2k", "2 grand"), is spelled out with a magnitude or a currency
  ("twelve hundred", "five hundred dollars"), has a cue ("deposit 500", "payment of 500", "but only 600")
  or sits before the invoice it is for ("pay 500 on 1042"); a malformed or over-precise amount, a shortfall
  alone ("less $40", "short by $40": beside it, the sum paid is the amount), two different amounts or a spelled-out
  number in a message that counts goods
  give no amount: the bot asks rather than guesses about money. An amount named but not paid is no amount and
  no second one: "instead of $4,100", "billed at $18.00", "the $47.12 service charge", "$38 per unit" (but "pay
  the $500 balance" pays it). A zero or negative amount is kept as typed, apart from the payable one, so that
  the bot refuses it rather than quoting something else;
- the digits are read by Babel in the customer's locale (en_US unless the engine knows better), and in the
  other convention when the customer's own cannot read them: "1,500" is 1500 and "1,50" is 1.50 to an American,
  "1.500" is 1500 to a German; a reading with more than two decimals ("1.500" to an American, "1,500" to a
  German) could be the other convention's thousands and gives no amount, and so does "$1,50" (US order, a
  decimal comma: $150? $1,500?). A currency written as a code or sign other than "$" ("EUR", "€", "USD")
  comes back with the amount, so that the bot can refuse another one;
- a selector is `overdue` ("past-due", "past terms", "get caught up"), `oldest` (not "at the earliest"), `all`
  (not "not paying the whole thing"), a 1-based position ("the second one", "number 2", "option 2", "#2",
  "pay 2", or a bare "2" as the whole message), or several as "2,3" ("pay 2 and 3", "1, 4 and 8", "pay 1st
  and 3rd", "items 2 and 4", "number two and number three").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import NumberFormatError, get_decimal_symbol, parse_decimal
from text_to_num import text2num  # type: ignore[import-untyped]

MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")

# North American numbers, and international ones written with their "+": "+49 89 1234 5678"
PHONE = re.compile(r"(?<![\w$])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?![\w.,]?\d)"
                   r"|(?<![\w$])\+(?!1\b)\d{2,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?![\w.,]?\d)")
# "call me back bout my acct. 555 0192": a local number, seven digits, after a word of calling
_LOCAL_PHONE = re.compile(r"(?P<lead>\b(?:call|phone|cell|reach|text|tel|mobile|ring|number|at)\b[^_]{0,30}?)"
                          r"(?<![\w$#-])(?:\d{3,5}[\s.-])?\d{3}[\s.-]\d{4}(?![\w.,-]?\d)")


# A European number after a word of calling ("Rückruf unter 0171 5522 981": call back at …, "06 4418 2290"), or
# after "tel."/"tlf." ("Tlf. 86 12 34 56"): digits in groups, eight or more of them (or seven after "tel").
_EU_PHONE = re.compile(r"(?P<lead>\b(?:call|phone|cell|reach|text|mobile|ring|number|at)\b[^\d_]{0,30}?)"
                       r"(?<![\w$#-])(?P<number>0\d{1,4}(?:[\s/.-]\d{2,8}){1,4})(?![\w.,-]?\d)"
                       r"|(?P<tel>\b(?:tel|tlf|tfn|telefon|fax|mob|mobil)\b\.?:?\s*)"
                       r"(?P<dialled>\+?\d{1,5}(?:[\s/.-]\d{2,8}){1,5})(?![\w.,-]?\d)")
_PHONE_DIGITS = 8


def mask_phones(text: str) -> str:
    """The message with its phone numbers masked: none of their digits is an invoice or a sum."""
    text = _LOCAL_PHONE.sub(lambda match: f"{match['lead']} _phone_ ", PHONE.sub(" _phone_ ", text))
    return _EU_PHONE.sub(_european_phone, text)


def _european_phone(match: re.Match[str]) -> str:
    number, lead = (match["number"], match["lead"]) if match["number"] else (match["dialled"], match["tel"])
    needed = _PHONE_DIGITS - (1 if match["tel"] else 0)
    return f"{lead} _phone_ " if sum(ch.isdigit() for ch in number) >= needed else match.group()


_PREFIXED_INVOICE = re.compile(
    r"(?:\binvoices?|\binv|\bbills?)(?![a-z])\s*(?:(?:number|no|num|nbr|nr)\b\.?|n\.(?=\s*\d))?\s*[#:]?\s*-?\s*"
    r"(?P<id>[a-z]{1,4}/(?:19|20)\d\d/\d{1,2}/\d{1,8}(?![\d/])|[a-z]{0,3}-?(?:19|20)\d\d/\d{3,8}(?![\d/])"
    r"|[a-z]{0,3}-?\d[\w-]*)"
    r"|#\s*(?P<hash>\d{3,20}[\w-]*)"
    r"|\b(?:no\.|nr\.?|nbr\.?|number)\s*#?\s*(?P<no>(?:19|20)\d\d-\d{3,8}|\d{3,20})(?![\w.,]\d|\w)"
)
_CODE = r"usd|us\$|eur|euros?|gbp|cad|sek|nok|dkk|kr|kroner|kronor|pln|zł|złotych"
CURRENCY_WORD = rf"(?:[$€£]|{_CODE}|dollars?|bucks|dlrs)"
LISTED_BETWEEN = re.compile(r"\s*(?:,|&|\+|\band\b|\bor\b|\bn\b)\s*(?:and\s+)?")  # "1042, 1043 and 1044"
# A bare reference: a year and a number ("2026-0311"), 4+ digits, or an ERP's letters and digits ("cm-104002").
# A year and a number written with a slash is one reference too ("2026/1187", "ft-2026/1182": LABELS.md).
# So is a series, a year, a month and a number ("FV/2026/11/087").
_REFERENCE = (r"[a-z]{1,4}/(?:19|20)\d\d/\d{1,2}/\d{1,8}(?![\d/])"
              r"|(?:[a-z]{1,3}-)?(?:19|20)\d\d/\d{3,8}(?![\d/])|(?:19|20)\d\d-\d{3,8}|\d{4,20}"
              r"|[a-z]{1,3}-\d{3,20}(?:-\d{2,8})?")
# "inv 1042 n 1043", "invoices 1042, 1043 & #1044": the numbers listed after a reference are references too.
_LISTED_AFTER = re.compile(
    r"(?P<head>_invoice_\s*(?:,\s*(?:and\s+)?|&\s*|\+\s*|\b(?:and|n|or)\s+)(?:#\s*)?)"
    rf"(?P<id>{_REFERENCE})(?![\w/]|[.,]\d)(?!\s*(?:k\b|{CURRENCY_WORD}(?!\w))(?!\s*[$€£]?\s*\d))")
# "RUM 2026-FR-00871": a number inside a longer reference is none
_BARE_INVOICE = re.compile(rf"(?<![\w#$.,/-])(?P<id>{_REFERENCE})(?![\w/]|[.,]\d|-[a-z]+-)")
# 104233/104234: two invoices (a year and a number, "2026/1187", is one: _REFERENCE)
_SLASH_LIST = re.compile(r"(?<![\w/-])(?!(?:19|20)\d\d/\d{3,8}(?![\d/]))\d{4,20}(?:\s*/\s*\d{4,20})+(?![\w/])")
_NOT_AN_INVOICE_BEFORE = re.compile(
    r"\b(?:po|pos|p\.o\.|purchase orders?|order|account|customer|check|cheque|ck|rma|ref|reference|confirmation|conf"
    r"|ending|ending in|finish in|finishing in|finish with|finishes with|finishing with|last four|last 4|zip|phone"
    r"|ticket|case|tracking|card|visa|mastercard"
    r"|amex|box|suite|apt"
    r"|sku|part|model|serial|routing|aba|iban|swift|sort code|trace|cust|ends|ends in|ending with|claim|ra"
    r"|return authorization|warranty|quote|quotation|estimate|expires|expiring|expiry|expiration|exp"
    r"|vendor|supplier|contract|job|work order|batch|bol|bill of lading|license|tax id|ein|store|remittance|advice"
    r"|packing slip|slip|ps|delivery note|vat id|check request|payment request|agreement|ral|lockbox|lock box"
    r"|returns? note|ach|dt|delivery ticket|item|receipt\s*(?:#|no\.?|number|nr\.?)|cert|certificate|lieferschein"
    r"|albaran|albarán|cmr|ddt|bl|cro|scheck|scheck-nr|avis-nr|pakbon|lot|nif|nif-iva|receiving report"
    r"|voucher|avis(?: de paiement)?|zahlungsavis|ext|extension|client|client id|check run|payment run"
    r"|report|receiver|waybill|payment no|payment nr|payment number|payment id|ocr|ocr-number|ocr-nummer|ocr-nr"
    r"|kid|kid-nr"
    r"|referanse|referens|referentie|końcówka|koncowka|bankgiro"
    r"|plusgiro"
    r"|exemption)\.?"
    r"\s*(?:numbers?|nos?\.?|nr\.?|nbr\.?|num|ids?|codes?|refs?)?\s*(?:with (?:you|us)\s*)?"
    r"(?:for (?:those|these|them|it|this|that|both)\s*)?,?\s*\(?\s*[:#]?\s*"
    r"(?:(?:it is|its|is|are|was|were)\s*)?(?:on (?:our|your|my) (?:side|end)\s*:?\s*)?(?:like\s*)?"
    r"(?:#?\d[\w-]*\s*(?:,|/|&|\band\b)\s*)*$")  # "PO numbers are 88123 / 88140"
# An ERP's reference to something that is not an invoice: sales/purchase/work order, quote, return, delivery note.
_NOT_AN_INVOICE_PREFIX = re.compile(r"(?:so|po|wo|q|qt|rma|ra|dn|bol|ord|ro|v|ap|c|wt|ft|rr|fc)-", re.IGNORECASE)
# A street number ("4410 industrial pkwy") and a zip code after a city and state ("dayton oh 45414").
_STREET_AFTER = re.compile(r"^\s+(?:(?!(?:on|for|the|and|is|was|by|to|of|from|in|at|please)\b)[a-z]+\.?\s+){1,2}"
                           r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|parkway|pkwy|highway"
                           r"|hwy|court|ct)\b"
                           r"|^\s+(?:hwy|highway|route|rte|us|county (?:rd|road)|state (?:rd|road)|sr|fm)\.?"
                           r"\s+\d{1,4}\b")
_STATES = ("al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny nc nd oh"
           " ok or pa ri sc sd tn tx ut vt va wa wv wi wy")
# "dayton oh 45414", "dallas, tx 75265"
_ZIP_BEFORE = re.compile(rf"(?:,\s*[a-z][a-z .]*\s|[a-z]{{3,}},\s*)(?:{_STATES.replace(' ', '|')})\s*,?\s*$")
# A European address: "Hauptstr. 12, 80331 München", "via Roma 4, 20121 Milano": the postcode after the street.
_EU_STREET_BEFORE = re.compile(r"(?:str\.?|stra(?:ß|ss)e|weg|platz|gasse|allee|ring|damm|rue|via|straat|laan|vej|calle"
                               r"|avenida|plaza|carrer|rua|ul\.)"
                               r"(?:\s+[a-zà-ÿ]+){0,2}"
                               r"\s*\d+[a-z]?\s*,\s*$")  # "Hauptstr. 12, 80331", "Via Roma 112, 20121"
_STREET_FIRST_BEFORE = re.compile(r"(?:\b\d+[a-z]?,?\s+(?:rue|place|avenue|av\.|boulevard|bd|chemin|allée|allee|quai"
                                  r"|impasse)\b[^,\d]{0,40}|\b(?:rua|avenida|calle|via)\s+[^,\d]{1,30}\s\d+[a-z]?)\s*,\s*$")
_COMPANY_BEFORE = re.compile(r"\b(?:ag|gmbh|sa|s\.a\.|sl|s\.l\.|srl|s\.r\.l\.|bv|b\.v\.|nv|sarl|oy|ab|as|aps|kg)"
                             r"\s*,\s*$")  # "Keller & Söhne AG, 8005 Zürich"
_MORE_POSITIONS = re.compile(r"\s*(?:,|&|and|n)\s*(?:number\s+|no\.?\s*)?\d{1,2}\b(?![\d.,])"
                             r"|\s+(?:of|on|from) (?:the|your|that|this) list\b")
_LONG_AGO_AFTER = re.compile(r"^\s*(?:days|weeks|months)\s+ago\b")  # "6650 weeks ago": an invoice, paid long ago
PAID_BY_THEM = r"(?:i|we)\s+(?:paid|sent|wired|mailed|transferred)\b"  # "the 1200 i paid": a sum, said after it
_SUM_PAID_AFTER = re.compile(rf"\s+{PAID_BY_THEM}")
# "the 2027 orders", "our 2026 supply agreement": a year
_YEAR_AFTER = re.compile(r"\s+(?:orders?|budget|season|fiscal|year|taxes|tax|audit|contracts?|pricing|prices|price list"
                         r"|catalog|program|rates?|books|forecast|file|files|records|supply|agreement)\b")
_YEAR_BEFORE = re.compile(r"\b(?:in|since|during|year|of|for|from|closing out|close out|closing|close|new|starting"
                          r"|start|until|till|end of|into)\s*$")  # "happy new 2027", "not starting 2027 with you"
_QUANTITY_AFTER = re.compile(r"^\s*(?:cases?|units?|pcs|pieces?|boxes|box|items?|pallets?|lbs?|each|ea|qty|%"
                             r"|percent|days?|weeks?|cartons?|bags?|bottles?|rolls?|sets?(?! (?:for|up|to|on)\b)"
                             r"|pairs?|dozen|gallons?|kg"
                             r"|tons?|crates?|drums?|bundles?|packs?|kits?|ft|feet|foot|inch|inches|yards?|yds"
                             r"|meters?|metres?|sheets?|lf|sq)\b")
# "don't pay 1042", "I meant 1043, not 1042", "all except 1042", "not to be applied to 7781": the references after
# these words, and those listed with them, are the ones the customer does not mean. A refusal ("we are not paying
# 2265 yet", "we won't pay 1050") leaves out the invoice only beside another one to pay: alone, it is a dispute
# about that invoice ("I'm not paying 1050 until someone explains the freight").
_SAID_REFERENCE = (r"(?:(?:the|for|on|to|invoices?|inv|bills?|number|no\.?|fattura|facture|factura|rechnung)\b[\s#:.-]*"
                   r"|#\s*)*(?:[a-z]{1,4}/|[a-z]{0,3}-?)\d[\w-]*(?:/\d[\w-]*)*")
_SAID_REFERENCES = rf"\s+(?P<refs>{_SAID_REFERENCE}(?:{LISTED_BETWEEN.pattern}{_SAID_REFERENCE})*)"
_EXCLUDING = re.compile(
    r"(?:\bnot|(?<!\bi )(?<!\bwe )(?<!\bthey )\bdo not (?:you dare )?(?:want to )?"
    r"(?:pay|charge|schedule|include|process|debit|apply (?:it|this|that|them|anything|any of it) (?:to|on|against))"
    r"|\bnot (?:to be )?(?:applied|used|put) (?:to|on|against|toward)|\bskip(?:ping)?|\bexcept(?: for)?|\bexcluding"
    r"|\bnot (?:include|including|count|counting)"
    r"|\bother than|\binstead of|\bleave out|\bleave(?= (?:invoice |inv |#)?[a-z]{0,3}-?\d)|\bhold off on(?: paying"
    r"| charging)?|\bapart from"
    r"|\bwith the exception of"
    r"|\b(?:all|everything|every one) but"
    r"|\b(?:we are|we're|i am|i'm) holding(?: off on)?"
    r"|\bdo not (?:allocate|apply) (?:it|this|that|them|anything) (?:to|on|against))" + _SAID_REFERENCES)
_NOT_WANTED = re.compile(r"\bdo not want" + _SAID_REFERENCES  # "we do NOT want 9902 paid yet - only 9904"
                         + r"(?=\s+(?:paid|charged|processed|debited|included|touched|scheduled)\b)")
_LEFT_ALONE = re.compile(r"\bleave(?: the(?: _date_| \S+)? (?:one|payment))?(?: for| on)?" + _SAID_REFERENCES
                         + r"(?=\s*,?\s*(?:alone|out|off|aside|open|unpaid|for now|for later|as (?:scheduled|is)"
                         r"|for next (?:week|month|year)"
                         rf"|(?:for|until|till) (?:{'|'.join(MONTH_NAMES)})|until later)\b)")  # "leave 9135 alone"
_REFUSING = re.compile(r"\b(?:(?:am|are|is|we|i) not (?:paying|going to pay)|will not pay|not paying)(?: for)?"
                       + _SAID_REFERENCES)
# Set aside beside others to pay, so left out then, like a refusal: "hold 30112", "do not touch 3314", "88121 is on
# hold", "si-50331 stays scheduled", "4403 i will mail a check", and a first try corrected: "pay 6019 no sorry 6091".
_SET_ASIDE = re.compile(r"\b(?:hold|(?:do|better) not (?:you )?(?:dare )?touch|never touch|dare touch"
                        r"|(?:i |we |and )will (?:handle|cover|take care of|settle))"
                        + _SAID_REFERENCES)
# References joined by "and" ("78817 and 78830 are still with our buyer"); not a comma, which lists what is paid before
# the one set aside ("pay 4402 and 4405, 4403 ill mail a check").
_SAID_LIST = rf"{_SAID_REFERENCE}(?:\s+(?:and|&)\s+{_SAID_REFERENCE}|\s+(?=\d{{4}})\d[\w-]*)*"  # "1185 1190 and 1204"
_SET_ASIDE_AFTER = re.compile(
    # "the newest one (41290) I'll handle by check", "the 2200 one ill do by check", "1905 invoice no I mean …"
    rf"(?<![\w-])(?P<refs>{_SAID_LIST})\)?(?:\s*\([^()]{{0,30}}\))?(?:\s+(?:one|invoice|bill))?"
    r"(?:\s+(?:today|now|tomorrow|_date_)(?=\s+(?:no|nope|oops|sorry|wait)\b))?"
    r"(?:\s+(?:on|for|set for|scheduled for)\s+(?:the\s+)?(?:\d\d? [a-z]+(?: \d{4})?|[\w/.-]{1,10})"
    r"(?=\s+(?:should|can|stays?|remains?|will)\b))?"
    # "the facture 4423 of 19/10 was already paid"
    r"(?:\s+(?:of|from|dated|from the)\s+(?:\d\d? [a-z]+(?: \d{4})?|[\w/.-]{1,10})"
    r"(?=\s+(?:was|were|is|are|has|have|should|will)\b))?"
    r"(?:\s*:)?(?:\s*,?\s+|(?=[.,]))"
    r"(?:(?:is|are) (?:still )?(?:on hold|with|pending|disputed|awaiting)"
    # "- 41147 ($1,045.00): on hold", "20462 is being held until …", "27745 can stay", "52230 we will pay after"
    r"|on hold\b|(?:is|are) being held\b|can stay\b|(?:we|i) paid (?:this|it|that)\b"
    r"|(?:we|i) will pay (?:it |this one |that one )?(?:after|later)\b"
    # "40012 … will be paid in January", "12251 is being returned to you", "41133 we still wait the correct price",
    # "30588 … should NOT be included in this run"
    r"|(?:will be paid|is to be paid) (?:in (?:our )?(?:" + "|".join(MONTH_NAMES) + r"|the new year|a later)|next"
    r"|later|after"
    r"|separately)\b|(?:is|are|will be) (?:being )?returned\b"
    r"|(?:we|i) (?:still )?(?:wait|are waiting|am waiting)\b"
    r"|(?:should|will|must|can) not be (?:included|paid|charged|scheduled|processed|debited)"
    # "66325 we're still reviewing", "30830 please not", "66215 not yet please",
    # "61177 we pay in next month", "70230 … should remain as is", "40225 … can stay as it is"
    r"|(?:we|i) (?:are|am|re|m) (?:still )?(?:reviewing|checking)|please not|not yet"
    r"|(?:we|i) (?:will )?pay(?: it| this one| that one)? (?:in |on )?(?:next (?:week|month)|later)"
    r"|(?:should|can|will) (?:remain|stay)(?: as (?:it )?is)?"
    r"|(?:is|are) (?:still )?(?:under review|in review|in approval|awaiting approval|pending approval"
    r"|in clarification|being reviewed|being checked|being handled separately|handled separately|with (?:our|the)"
    r"|waiting (?:on|for)"
    r"|not (?:approved|included|due yet|correct|right)|incorrect|wrong)"
    # a letter's "INV-20377 and INV-20391 should be set aside for now", "2219 should wait until the credit…", "the
    # balance on 39910 will follow in January", "61140 has not been approved", "4420 we must check internally first"
    r"|(?:should|will|can|must|has to|have to)(?: \w+)? (?:be set aside|be held|wait|stay|remain|follow"
    r"|be (?:paid|handled|settled|addressed) separately)\b"
    r"|(?:has|have) not (?:yet )?(?:been )?(?:approved|checked|released)"
    # "55622 was already paid by check", "FA-3322 is fine but we pay it ourselves", "5083 we contest"
    r"|(?:was|were|has been|have been) (?:already )?(?:paid|settled)\b|(?:is|are) already (?:paid|settled)\b"
    # "20422 we're paying by check this week", "4480 i mailed a chk for already", "INV-33120 is excluded", "2209 is
    # not ok"
    r"|(?:we|i) (?:are|am) (?:paying|sending|mailing)(?: it| this| that| this one)? (?:by|with|via) "
    r"(?:check|cheque|chk|wire|transfer|bank transfer|ach)\b"
    r"|(?:we|i) (?:already )?(?:mailed|sent|wired) (?:a|the) (?:check|cheque|chk|wire|payment) for\b"
    r"|(?:is|are) (?:excluded|not ok|not okay|not fine)\b|(?:should|must|can|will) be (?:excluded|left out)\b"
    # "28809 is being settled by wire separately", "1904, void it"
    r"|(?:is|are) being (?:settled|paid)(?: by \w+(?: \w+)?)? separately\b|void (?:it|that one|this one)\b"
    # "83319 I need to check with our controller", "4415 we're holding that one", "2026/1201 we keep back"
    r"|(?:i|we) (?:need|have|must) to (?:check|confirm|verify|clarify)\b|(?:we|i) (?:are|am) holding\b"
    r"|(?:we|i) (?:keep|hold) (?:it |that one |this one )?back\b"
    r"|(?:is|are) (?:internally )?not yet (?:approved|checked|released)\b"
    r"|is for the order we returned"
    r"|(?:is|are) (?:fine|ok|okay|correct) but (?:we|i) (?:will )?(?:pay|transfer|settle|wire|send)"
    r"|(?:we|i) (?:contest|dispute)|(?:we|i) (?:are|am) (?:disputing|contesting)\b"
    r"|(?:we|i) (?:will )?(?:pay|must check|need to check|check|still control|control)\b(?: \w+){0,2} (?:by )?"
    r"(?:ourselves|ourself|myself|internally"
    r"|separately)"
    r"|(?:stays?|remains?|can wait|stays? scheduled)\b"
    r"|(?:will go|goes|is going) out with our\b"
    r"|(?:we|i) (?:keep|put|hold) (?:it|them|that one|this one) on hold\b"
    r"|will be paid (?:by|with) (?:transfer|check|cheque|wire) (?:ourselves|separately)\b"
    r"|(?:we|i) (?:will )?pay (?:it|this one|that one) at (?:the|its) due date\b"
    # "83040 will go in our first January run", "85530 will be paid by check", "the 4415 one wait till i check"
    r"|will (?:go|be) (?:in|into|out in|included in|part of) (?:our|the) (?:[\w-]+ ){0,2}(?:run|batch)\b"
    r"|will be (?:paid|settled) (?:by|with|via) (?:check|cheque)\b(?!\s+(?:on|by|this|next|today|tomorrow|_date_)\b)"
    r"|will be (?:paid|settled) (?:by|with|via) (?:transfer|bank transfer|wire|ach) (?:on our side|by us|ourselves)\b"
    r"|(?:one )?wait(?:s)? (?:till|until|for)\b"
    rf"|(?:we|i) (?:will )?pay (?:it |this one |that one )?in (?:{'|'.join(MONTH_NAMES)})\b"
    # "FV/2026/11/101 our parent company will settle directly"
    r"|(?:will settle|will pay|will be (?:settled|paid)) (?:it )?(?:directly|direct|separately)\b"
    r"|(?:i|we) will (?:handle|mail|send|pay|cover|take care of|settle|transfer|wire|do)\b"
    r"(?!\s+(?:invoice\s*|inv\s*|#\s*)?[a-z]{0,3}-?\d)"
    r"|(?:i|we) (?:do not|will not|can not|cannot|are not going to) pay\b"  # "the invoice 3325 we don't pay"
    r"|not\s*[,.;]"  # "the invoice 6672 not, we returned those goods"
    r"|[.,(]*\s*(?:-+\s*)?(?:actual(?:ly)?\s*,?\s*)?(?:no|nope|oops|sorry|wait|my bad|wrong one|correction|typo)\b"
    r"(?:[\s,.-]*(?:no|sorry|wait|my bad|wrong one|i mean|i meant|correction|typo)\b)*"
    r"[\s,.:]*(?=(?:the\s+)?(?:invoice\s*|inv\s*|#\s*)?[a-z]{0,3}-?\d))")

_EUROPEAN = r"\d{1,3}(?:\.\d{3})+,\d\d"  # 1.500,00
_NUMBER = rf"{_EUROPEAN}|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:[.,]\d+)?|\.\d+"
_CURRENCIES = {"€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "gbp": "GBP", "usd": "USD",
               "us$": "USD", "cad": "CAD", "sek": "SEK", "nok": "NOK", "dkk": "DKK",
               "pln": "PLN", "zł": "PLN", "złotych": "PLN"}
# "$", "dollars", "bucks" and "kr" name no one currency
_AMOUNT = re.compile("|".join((
    # "INV 22871 - $980.00", "collect 2026-0412 today - 1.234,56 €": a dash after a word lists, it is no minus
    rf"(?P<neg1>(?<![\w)])-\s*)?(?P<c1>[$€£])\s*(?P<neg2>-\s*)?(?P<n1>{_NUMBER})(?P<k1>k)?(?!\w|\.\d)",
    # "PO 4410-22 $ 412.00": a dollar sign before the next number is that number's (a euro sign follows its number)
    rf"(?P<neg3>(?<![\w-])-\s*)?(?<![\w.,/#])(?P<n2>{_NUMBER})(?P<k2>k)?\s*(?P<c2>{CURRENCY_WORD})(?!\w)"
    # "Rechnung 93001 EUR 1.402,50": a currency code before a number is that number's
    r"(?!(?<=\$)\s*\d)(?!(?<![$€£])\s+\d[\d.,]*\d)",
    rf"\b(?P<c3>{_CODE})\s*(?P<n3>{_NUMBER})(?P<k3>k)?\b",
    r"(?<![\w.,/#-])(?P<n4>\d+(?:\.\d+)?)(?P<k4>k)\b",
    rf"(?<![\w.,/#-])(?P<n5>{_EUROPEAN}|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+\.\d{{1,3}})(?![\w.,]*\d)"
    r"(?!\s*(?:%|percent))",
    r"(?<![\w-])(?P<neg6>-)(?P<n6>\d[\d,.]*)\b",  # "-5"; "… - 6 of the 36 units" is a dash
    r"(?P<cue>\b(?:amount(?: of| is| was| will be)?|total of|sum of|payment of|deposit(?: of)?"
    r"|prepay(?:ment)?(?: of)?|put|add)\s+)"
    # "put 8115 thru tomorrow", "put 8132 on the first": an invoice put through, not a sum put on the account
    r"(?!(?<=\bput )\d{4,}(?![\d.,])\s+(?:thru|through\b|(?:on\s+|for\s+)?_date_\s*(?:please|pls|thanks|thx)?[.!]*\s*$"
    r"|on (?:the|my|our) (?:card|visa|amex|mastercard|credit card)\b))"
    # "schedule payment of 9012 for the 10th", "future-date payment of 58831 to the end of the month": an invoice
    r"(?!(?<=\bpayment of )\d{4,5}(?![\d.,])\s+(?:for|to|on)\s+(?:the\s+)?(?:_date_|end)\b)"
    rf"(?P<n7>{_NUMBER})\b(?![.,]\d)(?!-\d)(?!\s*(?:,|and|&)\s*\d{{4}})(?!\s*(?:%|percent|times?|invoices?|bills?|cases?|units?|pcs|pieces?|boxes|box|items?|pallets?|bags?"
    rf"|cartons?|rolls?|sheets?|feet|ft|lbs?|gallons?)\b)(?:\s*(?P<c7>[€£]|{_CODE})(?!\w))?",
    # "but only 600": three digits or more, so "pay only 2 invoices" stays a count
    r"(?P<cue9>\b(?:(?:pay|paying|but|for) (?:only|just)|only (?:pay|paying|send|sending)"
    # ", just 500 tho" (a sum by its form: ", just 1043" names an invoice)
    r"|(?<=[,;:] )(?:only|just)(?=\s+(?:\d{3}(?:\.\d\d)?\b(?![.,]?\d)|\d{1,3}(?:,\d{3})+|\d+\.\d\d))"
    r"|but(?=\s+[\d.,]+\s+only\b))"
    r"\s+)"
    r"(?P<n9>\d{1,3}(?:,\d{3})+(?:\.\d\d)?|\d{3,}(?:\.\d\d)?|\d+\.\d\d)\b(?![.,]\d)(?!\s*(?:,|and|&)\s*\d{4})"
    r"(?!\s*(?:%|percent|cases?|units?|pcs|pieces?|boxes|box|items?|pallets?|invoices?|bills?|ones?|of(?!\s+it\b))\b)",
    r"(?<![\w.,/#$-])(?<!line )(?<!item )(?<!number )(?<!option )(?<!number was )(?<!number is )(?P<n8>\d+(?:\.\d+)?)"
    r"(?=\s+(?:on|to|toward|towards|against|for)\s+(?:_invoice_|[a-z]{1,3}-\d{3,}|#?\d{3,}"
    r"(?![\d.,]*\s*(?:dollars?|bucks|usd|eur)\b))"
    r"|\s+(?:on|to|into|onto|toward|towards)\s+(?:the\s+|my\s+|our\s+)?account\b"
    r"|\s+(?:on|for)\s+_date_\s+(?:for|on|to|toward|towards|against)\s+(?:_invoice_|inv|invoice))",
    # "will send 800 on the 5th", "take 500 out": three digits are never an invoice, so money after these verbs
    r"(?P<cue10>\b(?:send|sending|drop|dropping|take|taking|wire|wiring|transfer|transferring|pay|paying|charge"
    r"|remit|make it|make that|schedule|sched|(?<![\w'] )do)(?:\s+(?:u|you|ya|me|us))?\s+)"
    r"(?P<n10>\d{3}(?:\.\d\d)?)\b(?![.,]\d)(?!\s*(?:%|percent|cases?|units?|pcs|pieces?|boxes|box|items?|pallets?)\b)",
    # "can u take 1500 on friday", "ill have the 3400 to u": a round sum sent is no invoice (find_bare_invoices)
    r"(?P<cue14>\b(?:(?:can|could) (?:u|you|ya) (?:take|do)|take|send|sending|paying|wire|wiring|drop|dropping"
    r"|(?:have|get)(?: (?:u|you|ya))? the)"
    r"(?:\s+(?:u|you|ya))?\s+)(?P<n14>[1-9]\d?00)\b(?![.,]\d)",
    # "so it comes to 1480", "that makes it 649.99", "charge only 2100", "pay 5102 1460 only": the sum paid
    r"(?P<cue12>\b(?:comes? to|makes? it|so (?:it )?is|so (?:that is|its|thats)|charge only|take only|only charge"
    r"|only take|(?:which|that) (?:is|comes to)(?=\s+\d{3}(?:\.\d\d)?\b(?![.,]?\d)))\s+)"
    r"(?P<n12>\d{3,6}(?:\.\d\d)?)\b(?![.,]\d)(?!\s*(?:%|percent|cases?|units?|pcs|pieces?|boxes|box|items?|pallets?)\b)"
    r"|(?:(?<=_invoice_ )|(?<=\d\d\d\d ))(?P<n13>\d{3,6}(?:\.\d\d)?)(?=\s+only\b)",
    # "u charged me 45 too much": the sum said to be too much, without its sign
    r"(?<![\w.,/#$-])(?P<n15>\d{1,6}(?:\.\d\d)?)(?=\s+too much\b)",
    # "ill send like 1500 friday", "we can pay around 2500": a rough figure is a sum (LABELS.md), never an invoice
    r"(?P<cue11>\b(?:send|sending|pay|paying|wire|wiring|transfer|transferring|drop|dropping|mail|mailing|remit"
    r"|(?:check|cheque|payment)(?:\s+_date_)?\s+for)"
    r"(?:\s+(?:u|you|ya))?\s+(?:like|about|around|roughly|approx(?:imately)?|close to)\s+)"
    r"(?P<n11>\d{3,6}(?:\.\d\d)?)\b(?![.,]\d)(?!\s*(?:%|percent|cases?|units?|pcs|pieces?|boxes|box|items?|pallets?)\b)",
)))
# An amount named, not paid: "instead of $4,100", "the $47.12 service charge", "$38 per unit" (but "pay the $500
# balance" pays it).
_NOT_PAID_BEFORE = re.compile(r"(?:@|\b(?:(?:instead of|rather than)(?: the)?(?: [a-z]+)?"
                              r"|(?:(?<!\btwo )(?<!\b2 )(?<!double )(?<!duplicate )(?<!separate )(?<!make the )"
                              r"(?<!make a )charges?"
                              r"|surcharges?|fees?|penalty|penalties"
                              r"|price|cost"
                              r"|discount|deduction|rate|freight|shipping|tax|vat"
                              r"|handling|delivery)(?: on (?:it|this|that|the invoice))? of|vs\.?"
                              r"|versus|(?:units?|cases?|is|are|was|were|billed|priced|quoted|charged|invoiced|listed)"
                              # "… 4410 and 4415 today. Total is 2.340,80 EUR": a sentence of its own says the sum
                              r" at|lists?|says|(?:balance|price|cost|(?<![.!?] )(?<![.!?]  )(?<!^)total)"
                              r" (?:is|was|of|shows?|showing|says|at)"
                              r"|both for|each for|(?:transactions?|payments?|charges?|anything|amounts?)"
                              r" (?:over|above|exceeding|of more than)"
                              # "fuel surcharge $62.50", "the whole balance, $3,480.15", "credit memo CM-1 ($212.50)"
                              r"|surcharges?:?|fees?:?|(?:whole|full|entire|total|open) balance\s*[,:(-]?(?:\s*the)?"
                              r"|(?:whole|full|entire|total) (?:open |outstanding |remaining )?amount(?: of)?"
                              r"|credit (?:memo|note)(?:\s+(?:_invoice_|[a-z]{1,3}-?\d[\w-]*))?\s*\("
                              r"|(?:[,.;]\s*|(?<=\d )|(?<=_amount_ ))not(?: the)?"  # "only 2.100 dollar, not 2.350",
                              # "$1,100. not $1,240", "thats $1,150 not $1,310": refused
                              # "(billed $2,356.90, less $238.50 for 3 damaged cartons)": the invoice's figures
                              r"|[,;]\s*billed|(?<=\()billed|\bless(?: the)?"
                              # "remitting $2,310.00 against $2,565.00"
                              r"|\bagainst(?: the| an? )?(?: invoice(?:d| total)?)?"
                              r"|(?:a )?(?:couple|few|several)(?: of)?"  # "a couple thousand": no exact sum
                              # "Deduction taken: $156.40", "the other $145 is for the cases your driver dropped",
                              # "agreed at 8 euro", "our own customer owes us forty grand"
                              r"|deduction(?: taken)?:?|the other|agreed(?: at)?|owes? (?:us|me|them)"
                              r"|(?:by|with) (?:check|cheque|ck)\s*#?\s*\d*\s*\("
                              r"|(?:customer|client|customers|clients)(?: s|'s)?|full price\s*\("
                              r"|(?:anything|amounts?|payments?) (?:over|above|under|below)"
                              r"|according to (?:our|my) (?:books|records)(?:,? (?:it is|that is|this is))?"
                              r"|(?:charges?|charged|billed|bills|invoiced)\s+(?:us\s+)?(?:for\s+)?(?:the\s+)?"
                              r"(?:transport|freight|shipping|packaging|handling|delivery)"
                              # "our monthly volume runs around $18,000", "a credit note for the $240.00",
                              # "tax 8% = 312 dollars", "19% VAT (EUR 836,00)"
                              r"|(?:volume|spend|spending|purchases|billing|usage)\b(?: \w+){0,2}?"
                              r" (?:runs?|averages?|is)"
                              r"(?: at)?(?: around| about| roughly)?|\baverag(?:e|es|ing)(?: of| around| about)"
                              r"|credit (?:note|memo) (?:for|of)(?: the)?"
                              r"|(?:have|has|got) (?:a |the |our )?credit (?:of|for)"
                              r"|(?:tax|vat|gst|hst)(?:es)?\b[^.()]{0,12}(?:=|\()\s*(?:eur|usd|gbp)?))"
                              r"\s*$")
# "four thousand something", "nine hundred odd": no exact sum (LABELS.md, rough and vague sums)
_VAGUE_AFTER = re.compile(r"\s*(?:dollars?\s+)?(?:and\s+)?(?:something|odd|change)\b")
_DESCRIBED_AFTER = re.compile(r"^\s*(?:(?!(?:on|to|toward|towards|against|for|of|off|from|in|into|please|plus|less"
                              r"|after|minus|with|incl|including|net|before|without|and|excluding|excl)\b)"
                              r"[\"']?[a-z][a-z-]*\s+){0,2}"
                              r"[\"']?(?:charges?(?!\s+(?:the|my|our|it|to|your)\b)|surcharges?|fees?|freight|shipping|handling"
                              r"|balance|line|debit memo|(?:billed|invoiced)(?!\s+(?:to|on|via|through|from)\b)"
                              r"|(?:tax(?:es)?|vat|gst|hst)(?!\s+(?:included|incl|inclusive|in))"
                              r"|credit memo|memo"
                              r"|(?:per|a|an) (?:unit|case|item|piece|box|bag|carton|foot|ft|hour|lb|pallet|roll|sheet)"
                              r"|each(?! time)|quoted)\b"
                              r"|^\s*/\s*(?:ft|foot|unit|each|ea|case|bag|box|lb|hr|hour)\b"
                              # "billed us $2,340 in freight"
                              # "the $80.00 early-order discount"; not "$1,176 after discount"
                              r"|^\s*(?:(?!(?:after|less|minus|with|net|before|incl|including|plus|and)\b)[a-z][a-z-]*\s+)"
                              r"{1,2}(?:discount|deduction)\b"
                              # "$112.40 of sales tax", "$185 for 'expedited shipping'", "1,234.56 for freight"
                              r"|^\s*(?:of|for) [\"']?(?:[a-z-]+ )?(?:sales tax|tax|vat|freight|shipping|handling|fees?"
                              r"|surcharges?)\b"
                              r"|^\s*in (?:freight|fees?|charges?|surcharges?|shipping|interest|late fees?"
                              r"|(?:sales )?tax(?:es)?|vat)\b")
_PER_UNIT = re.compile(r"^\s*(?:(?:per|a|an|each|/)\s*(?:unit|case|item|piece|box|bag|carton|foot|ft|lb|hour|hr)\b"
                       r"|each\b(?! time))")  # "twelve fifty a unit": a price, not an invoice
_CENTS_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
                "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
# "2300 dollars and fifty cents" (the dollars are digits already: bot.nlu_text): 2300.50.
# "2300 dollars and fifty cents", "1187 and forty cents" (eleven eighty seven…), a check's "1475 and 50/100 dollars"
_DOLLARS_AND_CENTS = re.compile(r"(?<![\d.,])(?P<dollars>\d[\d,]*)\s*(?:dollars?|bucks)?\s+and\s+"
                                rf"(?:(?P<cents>\d{{1,2}}|(?:(?:{'|'.join(_CENTS_WORDS)})[\s-]?){{1,2}}?)\s*cents?\b"
                                r"|(?P<fraction>\d\d)/100(?:\s*dollars?)?\b)")
# "312 dollars 50" (said "three hundred twelve dollars fifty"): the cents after the dollars
_DOLLARS_THEN_CENTS = re.compile(r"(?<![\d.,])(?P<dollars>\d[\d,]*)\s*dollars?\s+"
                                 rf"(?P<cents>[1-9]\d|(?:{'|'.join(_CENTS_WORDS[19:])})(?:[\s-](?:{'|'.join(_CENTS_WORDS[:9])}))?"
                                 r"|(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))"
                                 r"\b(?![\d.,/])(?P<fraction>)"
                                 r"(?!\s*(?:cents?|percent|%|units?|cases?|pieces?|pcs|boxes|items?|pallets?|days?)\b)")
# A later part, not what is paid now: "the remaining $1,148.22 will follow", "$2,200.00 of $2,640.00".
_LATER_PART_BEFORE = re.compile(r"\b(?:the\s+)?(?:remaining|remainder|rest|other half|balance of it)"
                                r"(?:\s+of)?(?:\s+it)?"
                                r"(?:\s+balance)?\s*(?:of\s+|is\s+)?$|\d\s*k?\s+(?:of|out of)\s+(?:the\s+)?$")
_SPACED_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3}) (\d{3})"
                               rf"(?=(?:[.,]\d\d)?\s*{CURRENCY_WORD}(?!\w))")
# "SEK 48 750,00", "kr 5 000", "NOK 23 600": the code before the number
_CODE_SPACED_THOUSANDS = re.compile(rf"(?P<code>(?:\b(?:{_CODE})\.?|[$€£])\s*)(\d{{1,3}}) (\d{{3}})(?![\d]| \d{{3}}\b)")
_NET_BEFORE = re.compile(r"\bnet(?: amount| payment| total| paid| remitted| to pay)?\s*(?:of\s*)?(?:eur|usd|\$|€)?"
                         r"\s*[:=]?\s*$")
# "Total: $3,155.20", "Total authorised today: $2,672.40"; not an invoice's own total in brackets ("(total $7,480.00")
_TOTAL_BEFORE = re.compile(r"(?<!\()\btotal(?: paid| amount| due| to pay| remitted| authori[sz]ed(?: today)?)?\s*"
                           r"(?:eur|usd|\$|€)?\s*[:=]?\s*$")
_BRACKETED_TOTAL = re.compile(r"\(\s*(?:invoice\s+)?total\s*:?\s*$")  # "… $2,500.00 against 0511 (total $7,480.00"
_BESIDE_INVOICE = re.compile(r"(?:\b[a-z]{0,3}-?\d{4,}|_invoice_)\s*(?:\(\s*|[-–:]\s*|\s+of\s+)?(?:[$€£]\s*)?$")
# "no wait make it 650", "sorry, i mean 1,250": the sum said before is taken back
_CORRECTION_BEFORE = re.compile(r"(?:\bmake (?:it|that)|\bchange (?:it|that) to|\b(?:no|nope|sorry|wait|oops|correction"
                                r"|i mean|i meant))[\s,.!:-]*$"
                                r"|\bcorrection\s*[:,-]\s*(?:the )?(?:correct |approved |right )?amount is\s*$")
_PAY_VERB_BEFORE = re.compile(r"(?<!\bnot )\b(?:net amount|net|in the amount of|pay|paying|paid|charge|charging|take"
                              r"|taking|remit|remitting|process"
                              r"|processing"
                              r"|apply|applying|debit|debiting|send|sending|wire|wiring|transfer|transferring)\b"
                              r"(?:\s+(?!(?:and|but|not)\b)\S+){0,3}\s*$")
_EUROPEAN_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_PAYING_BEFORE = re.compile(r"(?<!\bnot )\b(?:pay|paying|pay off|cover|covering)\s+"
                            r"(?:the\s+|that\s+|this\s+|my\s+|our\s+)?$")
_ALONE = re.compile(  # a message that is only an amount: "500", "-5", "$1,200", "1.500,00 EUR"
    rf"(?P<neg1>-)?\s*(?P<c1>[$€£])?\s*(?P<neg2>-)?\s*(?P<n>{_NUMBER})\s*(?P<c2>{CURRENCY_WORD})?[.!]*")
# Number words: the words a typo is corrected to ("hundrd" → "hundred"); text2num reads them (bot.nlu_text).
_NUMBER_VOCABULARY = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
                      " sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety"
                      " hundred thousand grand")
_SHORTFALL_BEFORE = re.compile(r"\b(?:less|minus|short by|short|short paying by|short-paying by|short paid by|take out"
                               r"|(?:have |has )?deducted|deducting|short[- ]paying\s+(?:\S+\s+){0,3}by"
                               r"|taking out|we keep|keeping"
                               r"|underpaying by|deduct|deducting|knock off|knocking off|take off"
                               r"|taking off|discount of|without the|off by)\s*(?:the\s+)?$")
_CENT = Decimal("0.01")

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_ORDINAL = "|".join(_ORDINALS) + r"|1st|2nd|3rd|[4-9]th|10th"
_POSITION = re.compile(
    rf"\b(?:the\s+)?(?P<ord>{_ORDINAL})\s+(?:one|invoice|item|bill|entry|line|option|choice"
    r"|(?:from|on|of|in) (?:the|your|that|this) list)\b"
    r"|(?:\b(?:number|no\.?|option|item|line|choice)|#)\s*(?P<num>\d{1,2})\b(?!\s*(?:days?|weeks?))"
    r"(?!\s+(?:on|of|in)\s+(?:the\s+)?(?:_invoice_|invoice))"  # "line 3 on invoice 9134": a line of it
    r"|\b(?:number|option|item|line|choice)\s+(?P<numword>[a-z]+)\b"
    rf"|\b(?:pay|schedule|charge|debit|process|go ahead with|proceed with)\s+(?:the\s+)?"
    rf"(?P<after_pay>\d{{1,2}}|{_ORDINAL})\s*(?:please|now|[.!?](?![\w,])|$|(?:on|for|by)\s+_date_"
    r"|(?:w|with|on|by) (?:the |my |our )?(?:card|visa|amex|mastercard|ach|bank|account)\b)"
    # "the 2", and in another language "la 2", "die 2" (a reply to a list: bot.nlu_languages)
    rf"|^\s*(?:(?:the|la|le|el|il|die|de|het)\s+)?(?P<alone>\d{{1,2}}|{_ORDINAL})(?:\s+(?:one|please))?\s*[.!]*\s*$"
    # "yes, the second", "ok the 3rd please": a yes to one position of the list shown
    rf"|^\W*(?:yes|yep|yeah|ok|okay|sure)\W+the\s+(?P<yes_one>{_ORDINAL})(?:\s+(?:one|please))?\s*[.!]*\s*$"
)
_PICK = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{'|'.join(_ORDINALS)})"
_SEVERAL = re.compile(  # "pay 2 and 3", "1, 4 and 8", "the first and third", "ok pay 1st and 3rd": the whole message
    rf"^\s*(?:(?:ok|okay|yes|so|um|uh|yep|yeah|yea|sure|thanks|thank you|go ahead|proceed|confirmed|but|just|only)"
    rf"[\s,.!]+)*(?:(?:please\s+)?(?:pay|payment|schedule|sched"
    r"|do)\s+)?(?:the\s+|numbers?\s+)?"
    rf"(?P<several>#?{_PICK}(?:\s*(?:,|&|\+|\band\b|\bn\b)\s*(?:and\s+)?(?:the\s+)?#?{_PICK})+)"
    r"(?:\s+(?:ones?|invoices?|bills?))?(?:\s+(?:from|on|of) (?:that|the|this|your) list)?"
    rf"(?:\s*,?\s*not\s+(?:the\s+)?(?:#?\d{{1,2}}|{_ORDINAL})(?:\s+one)?)?"  # "ok do 3 and 4 from that list, not 1"
    r"(?:\s+(?:on\s+|for\s+|by\s+)?_date_)?(?:[\s,]+(?:please|pls|go|thanks|now|do it|yes|ok|okay|go ahead"
    r"|(?:with |w |on |by )?(?:the |my )?(?:visa|card|amex|mastercard|ach|checking|bank)))*"
    r"\s*[.!]*\s*$")
_SAID_POSITION = "one|two|three|four|five|six|seven|eight|nine|ten|" + "|".join(_ORDINALS)
# "items 2 and 4", "number two and number three": positions listed anywhere in the message.
_LISTED_POSITIONS = re.compile(
    # "the invoices listed, schedule 2 and 3": a word said as a position, not any word
    r"(?:\b(?:items?|numbers?|options?|lines?|choices?|positions?|invoices|bills)|\bnos?\.)\s+(?P<several>(?:\d{1,2}|"
    + _SAID_POSITION + r")\b(?:(?:,\s*|\s*&\s*|\s+and\s+)"
    r"(?:and\s+)?(?:(?:items?|numbers?|options?|lines?|choices?)\s+)?(?:\d{1,2}|" + _SAID_POSITION + r")\b)+)"
    r"|\b(?:pay|charge|schedule|process|copies of|copy of|go ahead with|proceed with|payment|do|confirm|approve"
    r"|accept)\b"
    r"(?:\s+(?:my|the|our)\s+(?:card|account|visa|amex))?"
    r"(?:\s+for)?\s+"
    r"(?P<verb_listed>\d{1,2}(?:\s*(?:,|&|\+|\band\b|\bn\b)\s*(?:and\s+)?\d{1,2})+)\b"
    r"(?![.,]\d|\s*(?:%|(?!(?:as|is)\b)[a-z]+s\b|k\b))"
    # "von Ihrer Liste bitte die 1 und die 3 bezahlen" (the 1 and the 3): "the" before each says a position
    # "yes to 1 and 4", "y 1+3", "yes to one and four": a yes to positions of the list shown
    r"|^\W*(?:yes|y|yep|yeah|yea|ok|okay|sure)\W+(?:to\s+|for\s+|on\s+)?(?P<yes_listed>(?:\d{1,2}|"
    + _SAID_POSITION + r")(?:\s*(?:,|&|\+|\band\b|\bn\b)\s*(?:and\s+)?(?:\d{1,2}|" + _SAID_POSITION + r"))+)\b"
    r"(?![.,]\d|\s*(?:%|[a-z]+s\b|k\b))(?=\s*(?:[.!;,]|$|(?:please|thanks|now|today|but|w|with|only)\b))"
    r"|\bthe\s+(?P<the_listed>\d{1,2}(?:\s*(?:,|\band\b)\s*(?:and\s+)?the\s+\d{1,2})+)\b"
    r"(?![.,]\d|\s*(?:%|[a-z]+s\b|k\b))"
    # "a copy of three and four": positions in words after a copy
    r"|\bcop(?:y|ies) of\s+(?P<copies>(?:one|two|three|four|five|six|seven|eight|nine|ten)"
    r"(?:\s*(?:,|&|\band\b|\bn\b)\s*(?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten))+)\b"
    # "the second and fourth invoices on your list", "the 1st and 3rd ones": ordinals listed before what they count
    rf"|\bthe\s+(?P<ordinals>(?:{_ORDINAL})(?:\s+one)?(?:\s*(?:,|&|\band\b)\s*(?:and\s+)?(?:the\s+)?(?:{_ORDINAL}))+)"
    r"(?:\s+(?:ones?|invoices?|bills?|items?|(?:of|on|from|in) (?:the|your|that|this) list"
    # "bitte die zweite und dritte abbuchen": the verb after them (bot.nlu_languages)
    r"|(?:pay|debit|charge|collect|settle|schedule)\b|please\b|pls\b|now\b|today\b|w\b|with\b"
    r"|(?:on|for)\s+_date_)"
    r"|\s*(?:[.!?,;]|$))"
    # "#3 and #5 from that list": one or two digits after # are positions (an invoice has more)
    r"|(?P<hashes>#\d{1,2}(?:\s*(?:,|&|\band\b)\s*(?:and\s+)?#\d{1,2})+)\b")
# "the first four on that list": the first n positions.
_FIRST_N = re.compile(r"\b(?:the\s+)?(?:first|top)\s+(?P<n>two|three|four|five|six|[2-9])\b"
                      r"(?=\s+(?:ones|invoices|bills|items|on|from|in|of)\b"
                      # "pay the first two w the visa", "charge the first two at this time"
                      r"|\s+(?:w|with|at|now|today|please|pls|plz|(?:for|on|by)\s+_date_|_date_|my|but|and)\b"
                      r"|\s*(?:[.,!?;]|$))")
_OVERDUE = re.compile(r"\b(?:overdue|past[\s-]due|(?<=are )past do(?= |$)|(?<=are )in delay|past terms"
                      r"|late (?:ones?(?! time)|invoices?|bills?|items?|stuff)"
                      r"|delinquent"
                      r"|(?:that is|that are|thats|which is|which are|what is|what are|who are|whatever is"
                      r"|whatever) late"
                      r"|(?:invoices?|bills?) late)\b"
                      r"(?!\s+(?:notice|reminder|letter|message|text|email|notification|warning)s?\b)"
                      r"|\bhow much (?:are|r|is|am) (?:we|i|us) (?:late|behind)\b"
                      r"|\b(?:be|get|gets|become|bring (?:it|us|me|the account|our account|my account)"
                      r"|be again|be back|gets? (?:us|me|the account))\s+current\b"
                      r"|\b(?:am i|are we|r we)(?: \w+)? late on\b"
                      r"|\b(?:be|get|getting|all|(?:get|getting|have) (?:you|ya|you guys|the account|it|us))"
                      r"\s+caught up\b"
                      r"|\bcatch(?:ing)? up\b(?! on (?:the|our|my) (?:books|bookkeeping|accounts|records|email)"
                      r"| on (?:everything|it all|all of it)\b)"
                      r"|\b(?:be|get|getting) up to date\b"
                      r"|\bhow far behind\b|\b(?:are|is|am) (?:we|i) (?:behind|current)\b|\bbehind by\b"
                      r"|\b(?:passed|past|after|over) (?:the|their|its) due dates?\b"
                      r"|\b(?:and|that|which) (?:are|is) late\b"
                      r"|\binvoices?\b[^.?]{0,20}\b(?:are|is) (?:already |still )late\b"
                      r"|\b(?:which|what) (?:bills|invoices|ones) (?:are|r) late\b"
                      # "how much is late right now", "what must we pay to be not late anymore"
                      r"|\bhow much (?:is|are) (?:still |actually |really )?late\b"
                      r"|\b(?:be|are) not late (?:anymore|any more)\b"
                      r"|\b(?:which|what) (?:bills|invoices|ones) (?:am i|are we|r we) late on\b"
                      r"|\b\d{2,3}\s*\+?\s*days? (?:late|past)\b")
# "the two oldest", "the 3 oldest invoices", "the oldest two": that many, oldest first
_OLDEST_FEW = re.compile(r"\b(?:(?P<n>two|three|four|five|[2-9])\s+(?:oldest|earliest|most old)"
                         r"|(?:oldest|earliest)\s+(?P<m>two|three|four|five|[2-9])(?!\s*(?:days?|weeks?|months?)\b))\b")
_OLDEST = re.compile(r"(?<!\bat the )\b(?:oldest|earliest|most old)\b"
                     r"(?!\s+(?:convenience|possible|opportunity|chance))")
_ALL = re.compile(
    r"\b(?:pay|clear|settle|paying)\b(?:\s+(?:it|them|off|for))?\s+(?:all|everything)\b"
    r"|\b(?:pay|clear|settle|paying|payment|process|schedule|charge|send|show|list|email|breakdown)\b"
    r"(?:\s+\S+){0,4}?\s+(?<!on top of )"
    r"everything\b"
    r"|\ball\s+(?:of\s+)?(?:them|em|it|my|our|the(?!\s+(?:team|best|staff|folks|people|crew|guys|same)\b)|open"
    r"|invoices|bills|outstanding)\b|\b(?:it|them|em) all\b"
    r"|\b(?:pay|clear|settle|paying)\b[^.?!]{0,15}\b(?:full|whole|entire|total) (?:balance|amount)\b"
    r"|\b(?:pay|clear|settle)(?: off)?(?: my| our| the)?(?: current| full| whole| entire| total| remaining)? balance\b"
    r"|\bpay(?: off)? what (?:i|we) owe\b|\b(?:whole|hole|entire) (?:thing|lot)\b"
    r"|\bcatch(?:ing)? up on (?:everything|it all|all of it)\b"
    r"|\b(?:pay|paying|settle|clear|split|spread|break up|take|charge|plan for|payment plan for)\b(?:\s+\S+){0,2}?"
    r"\s+what is (?:left|remaining)\b"
    r"|\b(?:pay|debit|charge|collect|process|run|settle|clear|schedule)\s+(?:\S+\s+){0,2}?"
    r"the open (?:invoices|bills|items)\b"
    r"|\b(?:the rest|all) of what (?:i|we) owe\b"
    r"|\btake\b(?:\s+\S+){0,3}?\s+(?:for|of)\s+everything\b|\bevery (?:single )?one\b(?!\s+of\s+(?:those|these)\b)"
    r"|(?<!\bby )\bevery (?:single )?(?:open |unpaid |outstanding )?(?:invoice|bill)\b"
    r"|\b(?:full|whole|hole|entire)(?: \w+)?(?: open| outstanding| remaining)? balance\b"
    r"|(?<!and )(?<!then )\b(?:the|our|my) remaining balance\b"  # not the later part: "… and the remaining balance"
    r"|\bthe (?:full|whole|entire) (?:hole |whole )?(?:open |outstanding )?amount\b"
    # "the outstanding amount", "the open amount of 12.600,00 EUR", "pay now the all balance"
    r"|\bthe (?:total |full |complete |entire )?(?:outstanding|open) (?:amount|balance)\b|\bthe all balance\b")
_NOT_BEFORE = re.compile(r"\bnot\s+(?:\S+\s+){0,2}$")  # "not paying the whole thing", "can not pay the full amount"


# "pay the rest", "I'll send the remainder friday": what is left on the account, when nothing else is paid beside it
_THE_REST = re.compile(r"\b(?:pay|paying|settle|clear|send|sending|remit|wire|mail|schedule|charge|cover"
                       r"|get (?:you|u|ya))\b"
                       r"(?:\s+(?:off|over|in))?\s+(?:the|our|my)\s+(?:rest|remainder|remaining)\b"
                       r"(?!\s+of\s+(?:the\s+)?(?:order|goods|items|shipment|delivery|parts|pallets?|cases?)\b)")
_PART_NOW = re.compile(r"\b(?:half|part|partial|some|portion|deposit|down payment|first payment|installments?"
                       r"|instalments?)\b")


def means_the_rest(text: str) -> bool:
    """Whether the message pays "the rest" with nothing paid beside it (the caller checks no invoice or sum)."""
    return bool(_THE_REST.search(text)) and not _PART_NOW.search(text)


def all_as_owed(text: str) -> bool:
    """Whether "all" is said only as what is owed ("pay what we owe in some parts"): on a plan, no choice
    (LABELS.md)."""
    said = [found.group() for found in _ALL.finditer(text)]
    return bool(said) and all(re.search(r"\bwhat (?:i|we) owe\b", words) for words in said)


def names_everything(text: str) -> bool:
    """Whether the message speaks of the whole balance, even as what cannot be paid at once ("we can not pay the
    whole balance in one go": a plan for all of it)."""
    return bool(_WHOLE_BALANCE.search(text))


_WHOLE_BALANCE = re.compile(r"\b(?:whole|full|entire|total|complete|all the|all our|all my|our|my|the remaining"
                            r"|the open|the outstanding)"
                            r" (?:open |outstanding |remaining )?(?:balance|amount)\b"
                            r"|\b(?:whole|entire) (?:thing|lot)\b"
                            r"|\ball of it\b|\bthe (?:\w+ )?total(?: of)?\b|\bthe (?:whole|full|entire)\s+_amount_")


def _set_aside(text: str, named: list[str]) -> list[str]:
    """The invoices named that the customer refuses or sets aside ("4471 is being handled separately")."""
    return (_said_in(_REFUSING, text, named) + _said_in(_SET_ASIDE, text, named)
            + _said_in(_SET_ASIDE_AFTER, text, named) + _set_aside_in_own_words(text, named))


# What a letter says of one invoice, in the words from it to the next invoice named or the end of its sentence
# (a list's dash starts another): "- INV-88102 this was paid 10/14 with check #10388", "Invoice 93027 is not yet due
# and will be included in our January run", "7790 is a dup of 7781 dont touch it", "4422 don't, that ones got the
# wrong price", "no, 44131 is not part of this".
_SENTENCE_END = re.compile(r"[.!?;](?!\d)|\s[-–]\s(?=[a-z]*\s*\d)")
_OWN_WORDS_SET_ASIDE = re.compile(
    r"^\W*(?:\)\s*)?(?:\(?[$€£]?[\d,.]+\)?\s*)?[:,-]?\s*(?:this one |that one |this |that |it |the )?(?:"
    r"you can forget(?: about)?\b|(?:we|i) (?:are|am) (?:still )?(?:waiting|checking|reviewing)\b"
    r"|(?:we|i) (?:still )?wait\b"
    r"|(?:we|i) will pay (?:it |this one |that one )?(?:ourselves|myself|separately|by (?:check|transfer|wire))\b"
    r"|(?:paid|transferred|settled) (?:we|i)\b|falls due\b"  # a Nordic "betalte vi", "förfaller" carried over
    r"|(?:was|were|has been|have been|is|are) (?:already )?(?:paid|settled|scheduled)\b"
    r"|(?:we|i) (?:have |had )?(?:already (?:paid|made the payment|make the payment|transferred)"
    r"|(?:paid|pay|made the payment|make the payment|transferred)(?: it| this| that)? already)\b"
    r"|(?:is|are) (?:not (?:yet )?due|not due yet)\b|(?:is|are) pas\b"  # Dutch "is pas in januari vervallen"
    r"|(?:is|are) not part of\b|(?:is|are) (?:a )?(?:dup|dupe|duplicate)s?\b"
    r"|(?:please )?hold\b|on hold\b"
    r"|(?:please )?do not(?: \w+)?\W*$|(?:please )?do not\s*[,;]"
    r"|(?:please )?do not (?:schedule|pay|charge|touch|process|debit|draft|include)\b"
    r"|(?:have|has) (?:we|i) already(?: \w+){0,4}? (?:paid|transferred|settled|sent)\b"
    r"|(?:is|are) (?:wrong|not (?:correct|right)|incorrect)\b"
    r"|(?:my|our) (?:partner|owner|boss|colleague) will pay\b"
    r"|will be included in\b|will be paid (?:on|at|in|when) (?:normal terms|the due date|its due date|due)\b"
    r")")


# "… ($612.00) do NOT pay 88127": the words before the next invoice are said of it
_SAID_OF_THE_NEXT = re.compile(r"(?:please\s+)?(?:do not|hold|not|skip|except)(?:\s+\w+)?[\s#:-]*"
                               r"(?:(?:the\s+)?(?:invoices?|inv|bills?)[\s#:-]*)?$")
_LISTED_AGAIN = re.compile(r"\s*(?:,|&|\+|\band\b|\bor\b|\bn\b)\s*(?:and\s+)?(?:(?:the\s+)?(?:invoices?|inv|bills?)\b)?"
                           r"[\s#:-]*")
_COMPARED_BEFORE = re.compile(r"\b(?:of|than|like|as|with|from|to)\s+(?:the\s+)?(?:invoice|inv|#)?[\s#-]*$")


def _set_aside_in_own_words(text: str, named: list[str]) -> list[str]:
    """The invoices named whose own words set them aside (_OWN_WORDS_SET_ASIDE): read only in a letter naming
    several, where the others are what it asks for."""
    if len(named) < 2:
        return []
    found = sorted((match.start(), match.end(), number) for number in named
                   for match in re.finditer(rf"(?<![\d/])(?<!\d-){re.escape(number.lower())}(?![\w/-])", text))
    aside = []
    for (start, end, number), earlier, later in zip(found, [None, *found], [*found[1:], None], strict=False):
        if _COMPARED_BEFORE.search(text, 0, start) or (earlier and _LISTED_AGAIN.fullmatch(text[earlier[1]:start])):
            continue  # "7790 is a dup of 7781": said of 7790; "7810 and 7814 dont charge": said of both
        stop = _SENTENCE_END.search(text, end)
        until = min(later[0] if later else len(text), stop.start() if stop else len(text))
        own = _SAID_OF_THE_NEXT.sub("", text[end:until]) if later and until == later[0] else text[end:until]
        if _OWN_WORDS_SET_ASIDE.match(own) and number not in aside:
            aside.append(number)
    return aside


def excluded_invoices(text: str, invoices: Iterable[str], *, chosen: bool = False) -> tuple[str, ...]:
    """The invoices among those found that the customer says not to pay or did not mean (the module's rules).
    `chosen`: the message also chooses invoices by a selector ("all that are past due"), beside which a refusal
    leaves its invoice out as it does beside another invoice."""
    named = list(invoices)
    excluded = [number for cue in (_EXCLUDING, _LEFT_ALONE, _NOT_WANTED) for number in _said_in(cue, text, named)]
    excluded += mistyped(text, named)
    refused = _set_aside(text, named)
    if refused and (chosen or len(set(named) - set(excluded) - set(refused)) > 0):
        excluded += refused  # "pay 2261 in full; we are NOT paying 2265 yet"
    return tuple(number for number in named if number in excluded)


# A reference typed wrong and corrected: two alike (the same digits swapped, or one digit off) with a word of correcting
# between them. The later one is meant ("30551 … sorry, I mean 30515"), unless it is the one said to be the slip
# ("covers 63318 (sorry, I wrote 63381 in my last email, that was a typo)").
_CORRECTING = re.compile(r"\b(?:sorry|oops|typo|i mean|i meant|correction|my bad|wrong one|wrong number|write wrong"
                         r"|wrote wrong|typed wrong|mistake|should be|should read"
                         r"|no wait|wait no|nope|no no"
                         r"|fat finger(?:ed|s)?)\b")
_THE_SLIP_BEFORE = re.compile(r"\b(?:i|we) (?:wrote|typed|put|said)\s*(?:invoice\s*|inv\s*|#\s*)?$|\bnot\s*$")
_THE_SLIP_AFTER = re.compile(r"^[^.;!?]{0,40}?\b(?:was|is) (?:a |the )?(?:typo|mistake|wrong number|wrong one)\b")


def mistyped(text: str, named: list[str]) -> list[str]:
    """The references among `named` that the customer typed wrong and corrected in the same message."""
    def at(number: str) -> re.Match[str] | None:
        return re.search(rf"(?<![\w-]){re.escape(number.lower())}(?![\w-])", text)

    found = sorted((match.start(), match, number) for number in named if (match := at(number)) is not None)
    said = [(match, number) for _, match, number in found]
    slips = []
    for (one, first), (two, second) in pairwise(said):  # each with the next one written
        if len(first) != len(second) or not (
                sorted(first) == sorted(second) or sum(a != b for a, b in zip(first, second, strict=True)) == 1):
            continue
        if not _CORRECTING.search(text, one.end(), two.start()) and not _THE_SLIP_AFTER.match(text[two.end():]):
            continue
        said_wrong = _THE_SLIP_BEFORE.search(text[:two.start()]) or _THE_SLIP_AFTER.match(text[two.end():])
        slips.append(second if said_wrong else first)
    return slips


# Said to be wrong, refused or to be voided: in a dispute, the invoices it is about ("we will not pay 55120 until it is
# corrected; 55102 and 55117 are fine", "7790 is a duplicate", "please void 71466, we already paid 71450").
_WRONG_AFTER = re.compile(
    rf"(?<![\w-])(?P<refs>{_SAID_LIST})\s*,?\s+(?:(?:is|are) (?:wrong|not (?:correct|right|ours|mine)|a duplicate"
    r"|duplicates?|(?:somebody|someone) else)|(?:is |are )?(?:a )?(?:dup|dupe|duplicate)s?(?: of)?"
    r"|(?:i|we) (?:do not|will not|not|never|can not) pay)\b")
_VOIDING = re.compile(r"\b(?:void|cancel|credit|remove|delete)" + _SAID_REFERENCES)


_FINE_AFTER = re.compile(rf"(?<![\w-])(?P<refs>{_SAID_LIST})"
                         r"(?:(?:\s+(?:on|from|for|of|in) [^.,;?!\d]{0,25}?)?\s*,?\s+"
                         r"(?:is|are|looks?|seems?) (?:correct|fine|ok|okay|right|good|in order|ours|mine"
                         r"|approved)\b"
                         # "4425 ok", "- 40318: fine, it will go out with our next run"
                         r"|\s*:?\s+(?:ok|okay|fine|correct|good)\b(?:\s*[.,;]|$))")
# ("55001 is correct, but 55020 is not ours", "70951 on the same PO is correct")


_PAID_ALREADY = re.compile(r"\b(?:already|we have already|we already) (?:received and |received and already )?paid"
                           r"(?: for)?(?: the same order)?" + _SAID_REFERENCES
                           + rf"|\balready\s+(?P<before>{_SAID_REFERENCE})\s+(?:(?:received\s+)?and\s+)?paid\b")


# "it's the same order as 81549", "the same delivery as invoice 90405": the one it copies is not the one in dispute
_COPIED = re.compile(r"\b(?:same (?:delivery|order|shipment|goods|lines|po|items) as|(?:is|it is) the same (?:like|as)"
                     r"|identical (?:to|with))" + _SAID_REFERENCES)


def disputed_among(text: str, invoices: Iterable[str]) -> tuple[str, ...]:
    """Of the invoices a dispute names, those it says are wrong or refuses (or all but those it says are fine); all
    of them when it singles none out."""
    named = list(invoices)
    wrong = {number for cue in (_REFUSING, _WRONG_AFTER, _VOIDING) for number in _said_in(cue, text, named)}
    # "55102 and 55117 are fine", "45018 is a duplicate, we already received and paid 44990"
    fine = {number for cue in (_FINE_AFTER, _PAID_ALREADY, _COPIED) for number in _said_in(cue, text, named)}
    wrong = (wrong - fine) or {number for number in named if number not in fine}
    return tuple(number for number in named if number in wrong) if 0 < len(wrong) < len(named) else tuple(named)


def _said_in(cue: re.Pattern[str], text: str, invoices: list[str]) -> list[str]:
    """The invoices among `invoices` named in the references after `cue`."""
    said = [match["refs"] or match.groupdict().get("before") or "" for match in cue.finditer(text)]
    return [number for number in invoices
            if any(re.search(rf"(?<!\d){re.escape(number.lower())}(?!\d)", refs) for refs in said)]


def find_prefixed_invoices(text: str) -> tuple[list[str], str]:
    found: list[str] = []
    text = _SLASH_LIST.sub(lambda match: re.sub(r"\s*/\s*", " and ", match.group()), text)

    def take(match: re.Match[str]) -> str:
        if (match.group("hash") or match.group("no")) and _NOT_AN_INVOICE_BEFORE.search(text[:match.start()]):
            return match.group()  # check #8812, PO #5521, account number 104233
        if _QUANTITY_AFTER.match(text[match.end():]) and not _LONG_AGO_AFTER.match(text[match.end():]):
            return match.group()  # "INV-4471 bills 48 units": a count (but "I paid 6650 weeks ago")
        if re.fullmatch(r"\d{1,2}", match.group("id") or "") and (
                re.match(r"(?:invoices|bills)\b", match.group()) or _MORE_POSITIONS.match(text[match.end():])):
            return match.group()  # "invoices 2 and 4 from your summary", "invoice number 1 and 3 of the list":
            # positions in a list (find_selector)
        found.append(_invoice_number(match.group("id") or match.group("hash") or match.group("no")))
        return " _invoice_ "

    masked = _PREFIXED_INVOICE.sub(take, text)
    while listed := _LISTED_AFTER.search(masked):  # in any order: the caller orders them as written
        found.append(_invoice_number(listed.group("id")))
        masked = masked[:listed.start()] + listed.group("head") + " _invoice_ " + masked[listed.end():]
    return found, masked


_TAX_FORM_AFTER = re.compile(r"(?:-?(?:misc|nec|k)\b|s\b|\s+(?:forms?|records?|reporting|reconciliation|purposes"
                             r"|filings?"
                             r"|and year"
                             r"|and tax))")


_SPLIT_BEFORE = re.compile(r"\b(?:split|divide|break|spread|chop)(?: up)?(?: the| that| our| my)?\s*[$€£]?\s*$")
_SPLIT_AFTER = re.compile(r"(?:\s*(?:dollars|euros?|bucks))?\s+(?:up\s+)?(?:in|into|over|across)\s+"
                          r"(?:\d+|two|three|four|five|six"
                          r"|seven|eight|nine|ten|twelve|a few|several|equal|monthly)\b")
_CUES = ("cue", "cue9", "cue10", "cue11", "cue12", "cue14")  # the words before a sum that say it is paid (_AMOUNT)
_ROUND_SUM = re.compile(r"[1-9]\d?00")
_SENDING_BEFORE = re.compile(r"\b(?:(?:can|could) (?:u|you|ya) (?:take|do)|take|send|sending|paying|wire|wiring|drop"
                             r"|dropping"
                             r"|(?:have|get)(?: (?:u|you|ya))? the)(?:\s+(?:u|you|ya))?\s+$")  # the cue14 of _AMOUNT


def find_bare_invoices(text: str) -> tuple[list[str], str]:
    found: list[str] = []

    def take(match: re.Match[str]) -> str:
        before, after, number = text[:match.start()], text[match.end():], match.group("id")
        if _NOT_AN_INVOICE_BEFORE.search(before) or _STREET_AFTER.match(after) or _PER_UNIT.match(after) or (
                _QUANTITY_AFTER.match(after) and not _LONG_AGO_AFTER.match(after)):
            return match.group()
        if _SUM_PAID_AFTER.match(after) and re.search(r"\bthe\s*$", before):
            return match.group()  # "what's left after the 1200 i paid": a sum paid
        if re.fullmatch(r"(?:19|20)\d\d", number) and (_YEAR_BEFORE.search(before) or _YEAR_AFTER.match(after)):
            return match.group()
        if number == "1099" and _TAX_FORM_AFTER.match(after):
            return match.group()  # "for our 1099 and year-end records": the US tax form
        if _ROUND_SUM.fullmatch(number) and _SENDING_BEFORE.search(before):
            return match.group()  # "can u take 1500 on friday", "ill have the 3400 to u": a round sum, sent
        if _SPLIT_BEFORE.search(before) and _SPLIT_AFTER.match(after) and (
                re.fullmatch(r"[1-9]\d{0,2}0{2,}", number) or re.search(r"[$€£]\s*$", before)):
            return match.group()  # "split the 2400 into three": the balance by its figure (LABELS.md, 2026-12-29)
        if _NOT_AN_INVOICE_PREFIX.match(number):
            return match.group()  # "SO-88231", "RMA-2231": an order, a return, a quote
        if re.fullmatch(r"\d{5}", number) and (_ZIP_BEFORE.search(before) or (
                _EU_STREET_BEFORE.search(before) and re.match(r"\s+[^\W\d_]+", after))):
            return match.group()
        if re.fullmatch(r"\d{4,5}", number) and _STREET_FIRST_BEFORE.search(before) and re.match(
                r"(?:-\d{3})?\s+[^\W\d_]{3,}", after):
            return match.group()  # "3 place du Marché, 33000 Bordeaux", "Rua Augusta 50, 1100-053 Lisboa": a postcode
        if re.fullmatch(r"\d{4,5}", number) and _COMPANY_BEFORE.search(before) and re.match(r"\s+[^\W\d_]{3,}", after):
            return match.group()  # "Keller & Söhne AG, 8005 Zürich": a postcode after the company's name
        if re.fullmatch(r"\d{4}", number) and re.search(r"\s\d{1,4}[a-z]?\s*,\s*$", before) and (
                re.match(r"\s?[a-z]{2}\s+[^\W\d_]{3,}", after) or _EU_STREET_BEFORE.search(before)):
            return match.group()  # "Keizersgracht 210, 1016 DZ Amsterdam", "Linzer Str. 40, 4020 Linz": a postcode
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
    sums: int = 0  # how many different sums the message names, paid or not ("$52 a unit, we agreed $47": two)
    refused: Decimal | None = None  # the one sum said not to be paid ("we are not paying the $1,140.00 for …")

    @property
    def payable(self) -> Decimal | None:
        return self.value if self.value is not None and self.value > 0 else None

    @property
    def unpayable(self) -> Decimal | None:
        """Zero or negative: refused by the bot with what it can take, never dropped for the full amount."""
        return self.value if self.value is not None and self.value <= 0 else None


@lru_cache(maxsize=256)
def locale_for(timezone: str | None, country: str) -> str:
    """The Babel locale a customer writes numbers and dates in: the most likely language of the territory of their
    time zone (Europe/Berlin → de_DE, Europe/London → en_GB), else of the seller's country (US → en_US)."""
    territory = get_global("zone_territories").get(timezone or "")
    if territory in (None, "ZZ", "001"):
        territory = country
    try:
        return str(Locale.parse(f"und_{territory.upper()}"))
    except (UnknownLocaleError, ValueError):
        return "en_US"


# "we are not paying the $1,140.00 for the returned chairs", "not a cent of that $540", "not the extra $710.00": the sum
# a dispute refuses; not a fee refused with its price ("not paying the $45 fuel surcharge": the fee is what is wrong)
_REFUSED_BEFORE = re.compile(r"\b(?:not|never|(?:will|do|can) not)\s+(?:be\s+)?"
                             r"(?:(?:paying|pay|remit|remitting)\s+"
                             r"(?:(?:a cent|one cent|a penny|one penny|anything|any)\s+of\s+)?"
                             r"(?:for\s+)?(?:the|that|this|those)?\s*(?:extra|additional)?"
                             r"|(?:paying\s+|pay\s+)?(?:a cent|one cent|a penny|one penny) of\s+(?:the|that|this)?"
                             r"|the (?:extra|additional))\s*"
                             r"(?:(?:for\s+)?(?:the\s+)?(?:\d+\s+)?(?:[a-z]+\s+){0,3}\(\s*)?$")
_A_FEE_AFTER = re.compile(r"\s*(?:\S+\s+){0,2}?(?:fees?|surcharges?|handling|freight|shipping|interest|charges?)\b")


_NO_CENTS = re.compile(r"(\d),-(?![\d-])")


def find_amount(text: str, *, locale: str = "en_US") -> tuple[Amount, str]:
    """The one amount the message names; none when it names none, several or a malformed one."""
    values: list[Decimal | None] = []
    paid: list[Decimal | None] = []  # those said right after a paying verb ("take $1,405.00", "charge $500")
    named: list[Decimal | None] = []  # the amounts named and not paid ("billed at $18.00")
    currencies: set[str] = set()
    text = _DOLLARS_AND_CENTS.sub(_with_cents, text)
    text = _DOLLARS_THEN_CENTS.sub(_with_cents, text)
    text = _SPACED_THOUSANDS.sub(r"\1\2", text)  # "1 350 dollar": thousands set apart by a space
    text = _CODE_SPACED_THOUSANDS.sub(r"\g<code>\2\3", text)
    text = _NO_CENTS.sub(r"\1,00", text)  # "3.200,- EUR": no cents

    def take(match: re.Match[str]) -> str:
        groups = match.groupdict()
        number = next(groups[f"n{i}"] for i in range(1, 16) if groups[f"n{i}"] is not None)
        cued = any(groups[name] for name in _CUES)  # "pay 31144 but only 900"
        if not cued and (_BESIDE_INVOICE.search(text[:match.start()]) or _BRACKETED_TOTAL.search(text[:match.start()])):
            beside.append(_money(number, False, locale=locale, dollar_first=groups["c1"] == "$"))
        if _TOTAL_BEFORE.search(text[:match.start()]):
            totals.append(_money(number, False, locale=locale, dollar_first=groups["c1"] == "$"))
        if _NET_BEFORE.search(text[:match.start()]):
            nets.append(_money(number, False, locale=locale, dollar_first=groups["c1"] == "$"))
        before, after = text[:match.start()], text[match.end():]
        if _REFUSED_BEFORE.search(before) and not _A_FEE_AFTER.match(after):
            refused.append(_money(number, any(groups.get(f"k{i}") for i in range(1, 5)), locale=locale,
                                  dollar_first=groups["c1"] == "$"))
        later = _LATER_PART_BEFORE.search(before) and not _PAY_VERB_BEFORE.search(before)  # "remit the remaining"
        if _NOT_PAID_BEFORE.search(before) or later or _VAGUE_AFTER.match(after) or (
                _DESCRIBED_AFTER.match(after) and not _PAYING_BEFORE.search(before)):
            named.append(_money(number, any(groups.get(f"k{i}") for i in range(1, 5)), locale=locale,
                                dollar_first=groups["c1"] == "$"))
            return " _amount_ "  # named, not paid
        dash = groups.get("neg1") or groups.get("neg3") or ""
        negative = any(groups.get(name) for name in ("neg1", "neg2", "neg3", "neg6")) and not (
            dash[1:2].isspace() and re.search(r"[\w)]\s+-*\s*$", text[:match.start()]))  # "INV 22871 -- $980": a list
        thousands = any(groups.get(f"k{i}") for i in range(1, 5))
        sign = next((groups[name] for name in ("c1", "c2", "c3", "c7") if groups[name]), "")
        value = _money(number, thousands, locale=locale, dollar_first=groups["c1"] == "$")
        if _SHORTFALL_BEFORE.search(before):
            named.append(value)  # "short by $180": what is not paid; "… please process $1,020.00" is
            return " _amount_ "
        if value is None and _EUROPEAN_THOUSANDS.fullmatch(number) and (
                groups["c1"] or groups["c2"] or groups["c3"] or groups["c7"]
                or re.match(rf"\s*{CURRENCY_WORD}(?!\w)", after)):
            value = _money(number, thousands, locale="de_DE")  # "3.000 euro", "$1.250": thousands (LABELS.md)
        if _CORRECTION_BEFORE.search(before):
            values.clear()  # "pay 600 on 9102. no wait make it 650": the last one said
            paid.clear()
        values.append(-value if value and negative else value)
        if _PAY_VERB_BEFORE.search(before):
            paid.append(values[-1])
        currencies.update([_CURRENCIES[sign]] if sign in _CURRENCIES else [])
        cue = next((groups[name] for name in _CUES if groups[name]), "")
        return f"{cue} _amount_ "

    refused: list[Decimal | None] = []
    beside: list[Decimal | None] = []  # "4401 (980,00 €), 4415 (1.450,00 €)": each invoice's own total
    totals: list[Decimal | None] = []  # "Total paid EUR 2.015,50" under a table
    nets: list[Decimal | None] = []  # "Net amount $1,087.50 (invoice $1,240.00 less credit $152.50)": the sum paid
    masked = _AMOUNT.sub(take, text)
    distinct, every = set(values), frozenset(values + named)
    if beside and distinct - set(beside):
        distinct -= set(beside)  # "… so 2.430,00 €": the sum paid, not the invoices' totals beside their numbers
    elif beside:
        paid.clear()  # "process 66019 ($540.00) and 66020 ($1,212.30)": each its own total, none said paid (LABELS.md)
    if len(distinct) > 1 and len(set(nets) & distinct) == 1:
        distinct = set(nets) & distinct
    if len(distinct) > 1 and len(set(paid) & distinct) == 1 and len(set(paid)) == 1:
        distinct = set(paid)  # "we will pay $2,880.00 now … (total $3,150.00)": the sum said paid, not the total
    if len(distinct) > 1 and len(set(totals) & distinct) == 1:
        distinct = set(totals) & distinct  # a table's "Total paid": the sum of the lines, with a credit note's minus
    if len(distinct) > 1 and None not in distinct:
        distinct = _the_sum_paid(distinct, set(paid))
    said_refused = refused[0] if len(set(refused)) == 1 else None
    if len(distinct) != 1 or None in distinct or len(currencies) > 1:
        return Amount(sums=len(every), refused=said_refused), masked
    return Amount(distinct.pop(), currencies.pop() if currencies else None, len(every), said_refused), masked


def _the_sum_paid(sums: set[Decimal | None], paid: set[Decimal | None]) -> set[Decimal | None]:
    """Of several sums, the one paid: a total that is the sum of the others (invoices listed with their amounts and
    "Total: $3,155.20"), else the only one said after a paying verb ("$95 for freight … take $1,405.00"); else all
    (ambiguous: no amount)."""
    values = sorted(value for value in sums if value is not None)
    if len(values) > 2 and values[-1] == sum(values[:-1]):
        return {values[-1]}
    return paid if len(paid) == 1 else sums


def _with_cents(match: re.Match[str]) -> str:
    """ "2300 dollars and fifty cents" → "2300.50 dollars" (the dollars in digits already: bot.nlu_text)."""
    cents = match["cents"] or match["fraction"]
    if not cents.isdigit():
        try:
            cents = str(text2num(cents, "en"))
        except ValueError:
            return match.group()
    return f"{match['dollars']}.{int(cents):02d} dollars" if int(cents) < 100 else match.group()


def amount_alone(text: str, *, locale: str = "en_US") -> Amount:
    """A message that is just a number, read as money: the answer to "how much?" ("500", "-5", "1.500,00")."""
    match = _ALONE.fullmatch(text.strip().lower())
    if not match:
        return Amount()
    value = _money(match.group("n"), False, locale=locale, dollar_first=match.group("c1") == "$")
    sign = match.group("c1") or match.group("c2") or ""
    return Amount(-value if value and (match.group("neg1") or match.group("neg2")) else value,
                  _CURRENCIES.get(sign))


def _money(number: str, thousands: bool, *, locale: str, dollar_first: bool = False) -> Decimal | None:
    """The number as money (zero included), or None when malformed, over-precise or read two ways."""
    value = _decimal(number, locale)
    if value is not None and not thousands and _places(value) > 2:
        return None  # "1.500" to an American: $1.50, or 1,500 written the European way? "10.5555": over-precise
    if value is None:
        other = _OTHER_CONVENTION.get(get_decimal_symbol(locale), "en_US")
        value = _decimal(number, other)
        if value is None or (not thousands and _places(value) not in (0, 2)):
            return None  # "1,5" to an American: neither their way nor money written the other way
        if dollar_first and get_decimal_symbol(other) == "," and "." not in number:
            return None  # "$1,50": US order, so a thousands comma mistyped ($150? $1,500?)
    value *= 1000 if thousands else 1
    return value.quantize(_CENT) if value == value.quantize(_CENT) else None


# The other way of writing numbers, tried when the customer's own cannot read them: a decimal comma for those
# who write a decimal point, and the reverse.
_OTHER_CONVENTION = {".": "de_DE", ",": "en_US"}


@lru_cache(maxsize=4096)
def _decimal(number: str, locale: str) -> Decimal | None:
    try:
        return parse_decimal(number, locale, strict=True)  # strict: "1,50" is no en_US number, not 150
    except (NumberFormatError, ArithmeticError, ValueError):
        return None


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def find_selector(text: str) -> tuple[str | None, str]:
    if _OVERDUE.search(text):
        return "overdue", text
    if few := _OLDEST_FEW.search(text):
        return f"oldest:{_position(few['n'] or few['m'])}", text
    if _OLDEST.search(text):
        return "oldest", text
    if any(not _NOT_BEFORE.search(text[:found.start()]) for found in _ALL.finditer(text)):
        # "all of them except the last one": which are left the list shown tells, not the message (LABELS.md)
        return (None if _BUT_A_POSITION.search(text) else "all"), text
    if first := _FIRST_N.search(text):
        count = _position(first["n"]) or 0
        return (",".join(str(position) for position in range(1, count + 1)),
                text[:first.start()] + " _selector_ " + text[first.end():])
    for several in (_SEVERAL.search(text), _LISTED_POSITIONS.search(text)):
        if several is None:
            continue
        group = next((name for name in ("ordinals", "verb_listed", "hashes", "copies", "the_listed", "yes_listed")
                      if several.groupdict().get(name)),
                     "several")
        picks = re.findall(r"\d{1,2}(?:st|nd|rd|th)?|[a-z]+", several.group(group))
        skipped = _LISTING_WORDS | ({"one"} if group == "ordinals" else set())  # "the second one and the third one"
        positions = [_position(pick) for pick in picks if pick not in skipped]
        if all(positions) and 0 not in positions:
            return (",".join(str(position) for position in positions),
                    text[:several.start(group)] + " _selector_ " + text[several.end(group):])
    for match in _POSITION.finditer(text):
        if _NOT_BEFORE.search(text[max(0, match.start() - 12):match.start()]):
            continue  # "y, not #2": the one left out
        name = next(name for name, group in match.groupdict().items() if group is not None)
        position = _position(match.group(name))
        if position is None:
            continue  # "number please": no position
        if position < 1:
            return None, text
        if name == "alone":
            return str(position), text  # the whole message: "1" and "2" also answer a yes/no question
        return str(position), text[:match.start(name)] + " _selector_ " + text[match.end(name):]
    return None, text


_BUT_A_POSITION = re.compile(rf"\b(?:except|but not|apart from|other than|besides)\s+(?:the\s+)?(?:last|{_ORDINAL}"
                             r"|#?\d{1,2}\b(?![.,]\d))")
# "the last one" of a list quoted under the message (the_last_listed)
_THE_LAST = re.compile(r"\bthe last(?: one| invoice| item)?\b(?! (?:time|week|month|year|payment|reminder|statement))")
_QUOTED_POSITIONS = re.compile(r"^\s*>?\s*(\d{1,2})[.)]\s", re.M)


def the_last_listed(text: str, quoted: str) -> tuple[str | None, str]:
    """ "Please pay the last one" above a quoted list ("> 1) 60448 - $742.19", "> 3) 60471 - $95.60"): its last
    position, with the words masked; None when no list of two or more is quoted."""
    positions = [int(position) for position in _QUOTED_POSITIONS.findall(quoted)]
    if len(positions) < 2 or (last := _THE_LAST.search(text)) is None:
        return None, text
    return str(max(positions)), text[:last.start()] + " _selector_ " + text[last.end():]


_LISTING_WORDS = frozenset(("and", "n", "the", "item", "items", "number", "numbers", "option", "options", "line",
                            "lines", "choice", "choices"))


def oldest_count(selector: str | None) -> int | None:
    """How many invoices an "oldest" selector takes ("oldest" 1, "oldest:2" 2); None for another selector."""
    if selector == "oldest":
        return 1
    if selector and selector.startswith("oldest:"):
        return int(selector.partition(":")[2])
    return None


def _position(word: str) -> int | None:
    """ "third", "3rd", "3" or, after "number"/"option", "three": the position; None for another word."""
    if word in _ORDINALS:
        return _ORDINALS.index(word) + 1
    if word[0].isdigit():
        return int(re.sub(r"\D", "", word))
    try:
        spelled = text2num(word, "en")
    except ValueError:
        return None
    return spelled if 1 <= spelled <= 10 else None


PATTERNS = tuple(p.pattern for p in (_PREFIXED_INVOICE, _NOT_AN_INVOICE_BEFORE, _QUANTITY_AFTER, _AMOUNT,
                                     _SHORTFALL_BEFORE, _POSITION, _SEVERAL, _OVERDUE, _OLDEST, _ALL, _EXCLUDING))
PATTERNS += (_NUMBER_VOCABULARY,)
