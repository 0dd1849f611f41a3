"""Payment methods in the chat: which one pays, what is on file, and the link to add one.

    advance (flows_pay) ──▶ chosen │ the one the message named ("with mastercard 4444", "card 2") ──▶ quote
                                   │ else the default (core.payments' one rule), when it is sure ──▶ quote
                                   │ named but not on file, several fit, or the default a guess ──▶ ask ──▶ ask_method
                                   └ none on file ──▶ the processor's one-time page ──▶ idle
    ask_method ── a button, "4444", "the mastercard", "2" ──▶ answer ──▶ advance
    idle ──methods ("cards")──▶ the numbered list        idle ──add_method──▶ the one-time page ──▶ idle

Positions ("card 2") count the methods on file as the list shows them (oldest saved first), on every channel; in the
question, they count its buttons. A card or bank account number is typed only on the processor's page
(core.conversations.link_tokens.method_entry_url), never in a chat: the bot only ever shows brand and last 4.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot import dialogue_reads as reads
from bot import texts
from bot.dialogue_core import Step, Turn, say
from bot.turns import Button
from core.conversations import send_method_link
from core.payments import MethodsOnFile, MethodView

# The default's reasons a chat goes by without asking (core.payments.method_choice): paid with last, or the
# one not declined. A default by save date alone, among several, is a guess: the chat asks instead.
SURE = ("paid", "others_declined")
MARKS = {"paid": " (used last)", "others_declined": " (default)"}
_BRAND_NAMES = {"visa": "Visa", "mastercard": "Mastercard", "amex": "Amex", "discover": "Discover", "card": "card",
                "bank": "bank account"}


def matching(views: Sequence[MethodView], hint: str) -> list[MethodView]:
    """The methods a named phrase fits (bot.nlu_methods: "mastercard 4444", "visa", "#2"); positions count `views`."""
    found = list(views)
    for word in hint.split():
        if word.startswith("#"):
            index = int(word[1:]) - 1
            found = [m for m in found if 0 <= index < len(views) and views[index] == m]
        elif word.isdigit():
            found = [m for m in found if m.last4 == word]
        elif word == "card":
            found = [m for m in found if m.kind == "card"]
        elif word == "bank":
            found = [m for m in found if m.kind != "card"]
        else:
            found = [m for m in found if m.brand.lower().replace("american_express", "amex") == word]
    return found


def described(hint: str) -> str:
    """A named phrase said back: "a Mastercard ending in 4444", "card 2"."""
    words = hint.split()
    position = next((w[1:] for w in words if w.startswith("#")), None)
    if position is not None:
        return f"card {position}" if "bank" not in words else f"account {position}"
    brand = next((_BRAND_NAMES[w] for w in words if w in _BRAND_NAMES), "card")
    last4 = next((w for w in words if w.isdigit()), None)
    article = "an" if brand[0].lower() in "aeiou" else "a"
    return f"{article} {brand}" + (f" ending in {last4}" if last4 else "")


def chosen(on_file: MethodsOnFile, req: dict[str, Any]) -> MethodView | None:
    """The method picked or named, else the default when it is sure; None: ask (named but not exactly one on
    file, or several and the default a guess by date) or none on file."""
    found = next((m for m in on_file.active if m.id == req.get("method_id")), None)
    if found is not None:
        return found
    if hint := req.get("method_hint"):
        named = matching(on_file.active, hint)
        return named[0] if len(named) == 1 else None
    if on_file.because in SURE or len(on_file.active) == 1:
        return on_file.default
    return None


def ask(turn: Turn, ctx: dict[str, Any], on_file: MethodsOnFile) -> Step:
    """Which method: those the customer's words fit, else all on file; or the processor's page when there is none."""
    if on_file.default is None:
        return no_method(turn)
    hint = ctx.get("request", {}).get("method_hint")
    named = matching(on_file.active, hint) if hint else []
    if hint and not named:
        lead = f"I don't see {described(hint)} on file. Which card or bank account should I use?"
    elif hint:
        lead = f"More than one method on file fits {described(hint)}. Which one should I use?"
    else:
        lead = "Which card or bank account should I use?"
    offered = named if len(named) > 1 else list(on_file.active)
    ctx["choices"] = [m.id for m in offered]
    rows = [f"{i}. {m.label}" for i, m in enumerate(offered, start=1)]
    buttons = [Button(m.label, f"method:{m.id}") for m in offered]
    return say(f"{lead}\n" + "\n".join(rows) + "\nReply with the number or the last 4 digits — or NO to cancel.",
               *buttons, state="ask_method")


def answer(turn: Turn, ctx: dict[str, Any]) -> MethodView | None:
    """The method an answer to `ask` picks: its button, the number in the question's list, the last 4, the brand."""
    choices = [int(c) for c in ctx.get("choices", [])]
    views = [m for m in reads.methods(turn.services, turn.account).active if m.id in choices]
    views.sort(key=lambda m: choices.index(m.id))
    pressed = turn.payload_of("method")
    if pressed is not None:
        found = [m for m in views if str(m.id) == pressed]
    else:
        found = matching(views, _typed_hint(turn)) if _typed_hint(turn) else []
    return found[0] if len(found) == 1 else None


def _typed_hint(turn: Turn) -> str:
    """What an answer names: the parser's method phrase, or a bare "2" (position) or "4444" (last 4)."""
    typed = turn.inbound.text.strip().strip(".!")
    if turn.parsed.method:
        return turn.parsed.method
    if typed.isdigit() and len(typed) == 4:
        return typed
    selector = turn.parsed.selector
    if selector and selector.isdigit():
        return f"#{selector}"
    words = [w for w in typed.lower().replace("the ", "").split() if w in _BRAND_NAMES]
    return " ".join(words)


def no_method(turn: Turn) -> Step:
    if (url := method_link(turn)) is None:  # the processor's hosted page is not wired here
        return say(texts.ADD_METHOD_ELSEWHERE.format(phone=turn.services.settings.seller_phone))
    return say(texts.NEED_METHOD.format(url=url), link=url)


def method_link(turn: Turn) -> str | None:
    """A one-time link to the processor's page for a new card or bank account; the sending is audited."""
    return send_method_link(turn.services.db.uow(), turn.services.settings, turn.services.processor,
                            turn.account.code, conversation_id=turn.conversation.id, actor=turn.actor, now=turn.now)


def methods(turn: Turn, ctx: dict[str, Any]) -> Step:
    """The methods on file, numbered as "card 2" counts them, the default marked, and how to choose one."""
    on_file = reads.methods(turn.services, turn.account)
    if on_file.default is None:
        return say("You have no card or bank account on file. Say ADD CARD and I'll send you a secure link.")
    rows = [f"{i}. {m.label}" + (MARKS.get(on_file.because or "", "") if m == on_file.default else "")
            for i, m in enumerate(on_file.active, start=1)]
    if len(on_file.active) == 1:
        how = "I'll use it when you say PAY."
    else:
        other = on_file.active[-1] if on_file.active[-1] != on_file.default else on_file.active[0]
        example = other.label.replace(" •", " ").upper()
        how = (f"To pay with another, name it: PAY ALL WITH {example}, or WITH CARD {on_file.active.index(other) + 1}."
               if on_file.because in SURE else "I'll ask which one to use when you pay, or name it: "
               f"PAY ALL WITH {example}.")
    return say("On file:\n" + "\n".join(rows) + f"\n{how} Say ADD CARD to add another.")


def add_method(turn: Turn, ctx: dict[str, Any]) -> Step:
    if (url := method_link(turn)) is None:
        return say(texts.ADD_METHOD_ELSEWHERE.format(phone=turn.services.settings.seller_phone))
    return say(texts.ADD_METHOD.format(url=url), link=url)
