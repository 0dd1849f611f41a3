"""A pasted email read as its request: the greeting line, the sign-off (with the name, title and company under
it) and the small talk taken away.

Bookkeepers paste whole emails: "Hi,\\n\\n…the request…\\n\\nThanks,\\nMaria Delgado\\nDelgado Foods". The
"Thanks," of a sign-off is not thanks, the company name is not an introduction, and a phone number in the
signature is not what the message is about. Only a letter loses anything: a message of one line is kept as typed,
and a sign-off is recognised only on a line of its own, near the end, with one to four short lines (a name,
a title, a company) under it: "pay 1042\nthanks" keeps its thanks.
"""

from __future__ import annotations

import re

_GREETING = re.compile(r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings|hi there|hello there"
                       r"|to whom it may concern)\b[^\n]{0,40}$", re.IGNORECASE)
_SIGN_OFF = re.compile(r"^\s*(?:thanks|thank you|many thanks|thanks again|thanks in advance|thank you in advance"
                       r"|best|best regards|kind regards|warm regards|regards|cheers|sincerely|yours truly"
                       r"|yours sincerely|respectfully|all the best|take care|mit freundlichen grüßen|cordialement"
                       r"|saludos|thx|ty)\b[\s,.!-]*$", re.IGNORECASE)
_SIGNATURE_LINES = 4
# The small talk of a business letter: it names weeks and months ("I'm covering for our bookkeeper this week", "it's
# been a busy month") that are not the dates the letter is about, and thanks that are not a thank-you message.
_SMALL_TALK = re.compile(
    r"^\s*(?:i |we )?hope (?:you|your|all|this|everyone)\b|^\s*sorry for the (?:slow|late|delayed) (?:reply|response)"
    r"|\b(?:i'?m|i am) covering for\b|^\s*thanks? (?:you )?(?:so much |very much )?for (?:your|the) (?:patience"
    r"|help|reminder|message|note|email|quick)|^\s*following up on\b|\bit'?s been a busy\b"
    r"|^\s*(?:i'?m|i am|we'?re|we are) catching up on\b|^\s*(?:happy|merry) (?:holidays|friday|monday)\b",
    re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


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
        if re.fullmatch(r"\s*\w+(?:\s+\w+){0,3}\s*[,!.:-]?\s*", greeting):
            start += 1
    end = len(lines)
    for index in range(len(lines) - 1, max(start, len(lines) - 1 - _SIGNATURE_LINES - 1), -1):
        if _SIGN_OFF.match(lines[index]) and index > start:
            below = [line for line in lines[index + 1:] if line.strip()]
            if 1 <= len(below) <= _SIGNATURE_LINES and all(len(line) <= 60 for line in below):
                end = index
                break
    kept = "\n".join(lines[start:end]).strip()
    if start > 0 or end < len(lines):  # a letter: its small talk goes too
        kept = " ".join(sentence for sentence in _SENTENCE_END.split(kept) if not _SMALL_TALK.search(sentence))
    return kept.strip() or text
