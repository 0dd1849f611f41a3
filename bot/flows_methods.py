"""Payment methods in the chat: which one pays, what is on file, and the link to add one.

    advance (flows_pay) ──▶ chosen │ the default (core.payments' one rule) ──▶ quote
                                 several, the default a guess by date ──▶ ask_method (flows_answers) ──▶ advance
                                 none on file ──▶ the processor's one-time page ──▶ idle
    idle ──methods──▶ idle        idle ──add_method──▶ the one-time page ──▶ idle

A card or bank account number is typed only on the processor's page (core.conversations.link_tokens.method_entry_url),
never in a chat: the bot only ever shows brand and last 4.
"""

from __future__ import annotations

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


def chosen(on_file: MethodsOnFile, req: dict[str, Any]) -> MethodView | None:
    """The method the customer picked, else the default; None: ask (several, the default a guess) or none on file."""
    found = next((m for m in on_file.active if m.id == req["method_id"]), None)
    if found is not None or on_file.because in SURE or len(on_file.active) == 1:
        return found or on_file.default
    return None


def ask(turn: Turn, ctx: dict[str, Any], on_file: MethodsOnFile) -> Step:
    """Which method: the buttons of those on file, or the processor's page when there is none."""
    if on_file.default is None:
        return no_method(turn)
    ctx["choices"] = [m.id for m in on_file.active]
    buttons = [Button(m.label, f"method:{m.id}") for m in on_file.active]
    return say("Which card or bank account should I use?", *buttons, state="ask_method")


def no_method(turn: Turn) -> Step:
    if (url := method_link(turn)) is None:  # the processor's hosted page is not wired here
        return say(texts.ADD_METHOD_ELSEWHERE.format(phone=turn.services.settings.seller_phone))
    return say(texts.NEED_METHOD.format(url=url), link=url)


def method_link(turn: Turn) -> str | None:
    """A one-time link to the processor's page for a new card or bank account; the sending is audited."""
    return send_method_link(turn.services.db.uow(), turn.services.settings, turn.services.processor,
                            turn.account.code, conversation_id=turn.conversation.id, actor=turn.actor, now=turn.now)


def methods(turn: Turn, ctx: dict[str, Any]) -> Step:
    on_file = reads.methods(turn.services, turn.account)
    if on_file.default is None:
        return say("You have no card or bank account on file. Say ADD CARD and I'll send you a secure link.")
    marks = {"paid": " (used last)", "others_declined": " (default)"}
    rows = [m.label + (marks.get(on_file.because or "", "") if m == on_file.default else "") for m in on_file.active]
    return say("On file:\n" + texts.bullets(rows) + "\nSay ADD CARD to add another.")


def add_method(turn: Turn, ctx: dict[str, Any]) -> Step:
    if (url := method_link(turn)) is None:
        return say(texts.ADD_METHOD_ELSEWHERE.format(phone=turn.services.settings.seller_phone))
    return say(texts.ADD_METHOD.format(url=url), link=url)
