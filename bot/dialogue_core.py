"""What every dialogue step works with: the turn it answers, and the step's answer (replies and next state).

A step is a plain function `(turn, ctx) -> Step`. `ctx` is the conversation's context, a JSON-able dict the
step may change: what it keeps there is what the next message is read against —

    list            invoice numbers just shown, so "pay 2" / "the second one" means the second of them
    request         the payment being put together while the bot asks for what is missing (see flows_pay)
    choices         what a question offered (methods, scheduled payments), by position
    asked           a message read with doubt and the intents offered for it (bot.flows_clarify)
    quote_id        the quote waiting for YES or NO
    quoted          that quote as the customer read it: invoices, total, method, date (bot.quotes.Quoted)
    done_quote_id   the quote executed last, so a second YES says "already done" instead of paying again
    named           the invoices the last quote was for: "that one"; with `list`, "the other one"
    topic           the last request answered ("statement"), so "and september's?" asks the same of September
    autopay         the autopay question waiting for YES: the method and the words stated (bot.flows_autopay)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any

from bot.turns import Button, Inbound, Reply
from bot.understanding import Parsed
from core.bootstrap import Services
from core.conversations import ConversationView, CustomerBrief
from core.kernel import Actor

# A question's answers and a pressed button come back as these payloads: "yes:12", "reason:3", "pick:2" …
# Case does not matter: an SMS channel shows them for typing ("Reply REASON:1 for Damaged goods").
_PAYLOAD = re.compile(r"^\s*(yes|no|reason|method|pick|sched):([A-Za-z0-9_-]{1,40})\s*$", re.IGNORECASE)
# What a question (or a waiting quote) keeps in the context; forgotten when the dialogue is back to idle.
PENDING_KEYS = ("request", "choices", "quote_id", "quoted", "asked", "autopay")


# The customer a linked conversation acts for, as the inbound turn read it.
Account = CustomerBrief


@dataclass(frozen=True)
class Turn:
    services: Services
    conversation: ConversationView
    inbound: Inbound
    parsed: Parsed
    text: str  # as kept in the transcript
    now: dt.datetime
    today: dt.date
    account: Account
    actor: Actor

    @property
    def payload(self) -> tuple[str, str] | None:
        """A button's payload ("yes", "12"), or None for a typed message."""
        match = _PAYLOAD.match(self.inbound.text)
        return (match.group(1).lower(), match.group(2).lower()) if match else None

    def payload_of(self, kind: str) -> str | None:
        found = self.payload
        return found[1] if found and found[0] == kind else None

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.services.settings.short_pay_reasons


@dataclass
class Step:
    replies: list[Reply] = field(default_factory=list)
    state: str = "idle"
    corrected: bool = False  # the customer corrected the quote waiting for YES: kept for staff to review


def is_payload(text: str) -> bool:
    return bool(_PAYLOAD.match(text))


def say(text: str, *buttons: Button, state: str = "idle", **fields: Any) -> Step:
    return Step([Reply(text, tuple(buttons), **fields)], state)


def position(turn: Turn) -> int | None:
    """A 1-based position the customer picked: a `pick:N` button, "2", "the second one"."""
    picked = turn.payload_of("pick")
    if picked is not None and picked.isdigit():
        return int(picked)
    selector = turn.parsed.selector
    return int(selector) if selector is not None and selector.isdigit() else None


def prefixed(step: Step, lead: str) -> Step:
    """The step with `lead` put before its first reply."""
    if step.replies:
        step.replies[0] = replace(step.replies[0], text=lead + step.replies[0].text)
    return step
