"""A pasted email read as its request: the greeting line and the sign-off (with the name, title and company
under it) taken away.

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
    return kept or text
