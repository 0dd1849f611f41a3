"""Autopay in the chat: turn it on (after an exact YES), turn it off, skip the next charge.

    "set up autopay" ──▶ the method and the rule stated ──▶ confirm_autopay ── YES ──▶ enrolled ──▶ idle
                                                                          └─ NO, anything else ──▶ idle, nothing on
    "stop autopay", "turn off automatic payments" ──▶ off at once (and its charges not yet made canceled) ──▶ idle
    "SKIP" (the notice's answer), "skip the autopay" ──▶ the next autopay charge canceled ──▶ idle

The understanding reads autopay requests as `schedule` (on) and `cancel_scheduled` (off), as LABELS.md labels them;
the words about autopay (`AUTOPAY`) send them here rather than to scheduling or canceling one payment. Turning on
needs the customer's YES to the exact words shown (kept as the authorization, with the time and the channel);
turning off and skipping need none: they stop money moving. A bank account is refused in the chat: automatic
debits need a recurring authorization in writing, which staff record.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bot import dialogue_reads as reads
from bot import texts
from bot.dialogue_core import Step, Turn, say
from bot.flows_confirm import explicit_yes
from bot.flows_methods import matching
from bot.turns import Button
from core import payments
from core.kernel import ARError

STATE = "confirm_autopay"
ASK_TTL = dt.timedelta(minutes=10)  # as long as a payment quote
AUTOPAY = re.compile(r"\b(?:auto[ -]?pay\w*|automatic(?:ally)? (?:payments?|pay|charges?|debits?|billing)"
                     r"|(?:charge|debit|pay|bill)\w* (?:\w+ ){0,5}automatically|recurring (?:payments?|charges?))\b",
                     re.IGNORECASE)
_OFF = re.compile(r"\b(?:stop|cancel|turn(?:ing)? (?:it |that )?off|switch (?:it )?off|disable|end|quit|opt out"
                  r"|unenroll|take (?:us|me) off|remove|no more|no longer|(?:don'?t|do not) want|pause)\b",
                  re.IGNORECASE)
_SKIP = re.compile(r"^\s*(?:please\s+)?skip\b(?:\s+(?:it|this|that|this one|the next one|(?:the |this |my )?(?:next )?"
                   r"(?:autopay|auto pay|charge|payment)(?: charge| payment)?))?(?:\s+please)?[\s.!]*$", re.IGNORECASE)
_SKIP_WORD = re.compile(r"\bskip\b", re.IGNORECASE)
_ROUTED = ("schedule", "cancel_scheduled", "pay", "unknown", "add_method", "methods", "start", "help", "stop")


def route(turn: Turn) -> str | None:
    """on | off | skip, when the message is about autopay; None otherwise."""
    if turn.payload is not None:
        return None
    text = turn.inbound.text
    if _SKIP.match(text) or (_SKIP_WORD.search(text) and AUTOPAY.search(text)):
        return "skip"
    if not AUTOPAY.search(text) or turn.parsed.intent not in _ROUTED or turn.parsed.invoices:
        return None
    return "off" if _OFF.search(text) else "on"


def start(turn: Turn, ctx: dict[str, Any]) -> Step:
    """State the method and the rule; YES turns autopay on."""
    on_file = reads.methods(turn.services, turn.account)
    hint = turn.parsed.method
    named = matching(on_file.active, hint) if hint else []
    method = named[0] if len(named) == 1 else on_file.default
    if method is None:
        return say("You have no card on file for autopay. Say ADD CARD and I'll send you a secure link to add one.")
    if method.kind == "ach":
        return say(f"{method.label} is a bank account: automatic debits need your recurring debit authorization in "
                   f"writing, which we keep on file. Call us at {turn.services.settings.seller_phone} to sign one, or "
                   "choose a card: SET UP AUTOPAY WITH VISA.")
    current = payments.autopay_status(turn.services.db.uow(), turn.account.code)
    if current is not None and current.method.id == method.id:
        return say(f"Autopay is already on with {method.label}. Say STOP AUTOPAY to turn it off.")
    rule = payments.autopay_rule(turn.services.settings.autopay_notice_days)
    change = f" instead of {current.method.label}" if current is not None else ""
    words = (f"Autopay: we will charge {method.label}{change} for your invoices — {rule}. Disputed invoices are "
             "never charged automatically. Reply YES to turn autopay on, or NO.")
    ctx["autopay"] = {"method_id": method.id, "words": words, "until": (turn.now + ASK_TTL).isoformat()}
    return say(words, Button("YES, turn autopay on", "yes:autopay"), Button("NO", "no:autopay"), state=STATE)


def answer(turn: Turn, ctx: dict[str, Any]) -> Step | None:
    """The answer to the question `start` asked: YES in so many words (or its button) enrolls, exactly as stated."""
    asked = ctx.get("autopay")
    pressed = turn.payload_of("yes") == "autopay"
    if turn.payload_of("no") == "autopay" or turn.parsed.intent == "deny":
        ctx.pop("autopay", None)
        return say("OK — autopay stays off.")
    if asked is None or not (pressed or explicit_yes(turn.inbound.text)):
        return None  # anything else: the question is dropped and the message handled as a new request
    ctx.pop("autopay", None)
    if turn.now >= dt.datetime.fromisoformat(asked["until"]):
        return say("That question expired, so autopay is not on. Say SET UP AUTOPAY to start again.")
    authorization = payments.AutopayAuthorization(
        f"customer {turn.account.code} ({turn.actor.name})", turn.now, turn.actor.channel,
        f"{asked['words']} — answered: {turn.text}")
    try:
        view = payments.enroll_autopay(turn.services.db.uow(), customer_code=turn.account.code,
                                       method_id=int(asked["method_id"]), authorization=authorization,
                                       actor=turn.actor)
    except ARError as refused:
        return say(f"Autopay is not on: {refused}")
    return say(f"Autopay is on with {view.method.label}. Before each charge we'll send you a notice; reply SKIP to "
               "skip that one, or STOP AUTOPAY to turn it off.")


def off(turn: Turn, ctx: dict[str, Any]) -> Step:
    ended = payments.turn_off_autopay(turn.services.db.uow(), customer_code=turn.account.code, now=turn.now,
                                      actor=turn.actor, reason="the customer asked in the chat")
    if ended is None:
        return say("Autopay is not on for your account, so nothing will be charged automatically.")
    canceled = [c for c in ended.charges if c.skipped_at is not None and c.status == "canceled"
                and c.skipped_at == ended.ended_at]
    also = "".join(f" The charge of {texts.money(c.amount)} on {texts.day(c.due_on)} is canceled too."
                   for c in canceled)
    return say(f"Autopay is off: nothing more will be charged automatically to {ended.method.label}.{also} "
               "Say SET UP AUTOPAY to turn it on again.")


def skip(turn: Turn, ctx: dict[str, Any]) -> Step:
    try:
        skipped = payments.skip_autopay(turn.services.db.uow(), customer_code=turn.account.code, now=turn.now,
                                        actor=turn.actor)
    except ARError:
        return say("There is no autopay charge waiting to be skipped.")
    invoices = ", ".join(skipped.invoices)
    return say(f"Skipped: the autopay charge of {texts.money(skipped.amount)} on {texts.day(skipped.due_on)} will "
               f"not be made. {invoices} stay{'s' if len(skipped.invoices) == 1 else ''} open — say PAY to pay "
               "another way. Autopay stays on for later invoices.")


REQUESTS = {"on": start, "off": off, "skip": skip}
