"""Payment methods in the chat: which one pays, what is on file, and the link to add one.

    advance (flows_pay) ──▶ pick: chosen │ used last │ the only one ──▶ quote
                                 several, none used yet ──▶ ask_method (flows_answers) ──▶ advance
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
from core import kernel
from core.conversations import method_entry_url
from core.payments import MethodView


def pick(turn: Turn, ctx: dict[str, Any], req: dict[str, Any]) -> MethodView | Step:
    """The method chosen, else the one used last, else the only one; several and none used → a question."""
    active = reads.methods(turn.services, turn.account)
    if not active:
        return no_method(turn)
    chosen = req["method_id"] or reads.default_method(turn.services, turn.account)
    found = next((m for m in active if m.id == chosen), None)
    if found is not None or len(active) == 1:
        return found or active[0]
    ctx["choices"] = [m.id for m in active]
    buttons = [Button(m.label, f"method:{m.id}") for m in active]
    return say("Which card or bank account should I use?", *buttons, state="ask_method")


def no_method(turn: Turn) -> Step:
    if (url := method_link(turn)) is None:  # the processor's hosted page is not wired here
        return say(texts.ADD_METHOD_ELSEWHERE.format(phone=turn.services.settings.seller_phone))
    return say(texts.NEED_METHOD.format(url=url), link=url)


def method_link(turn: Turn) -> str | None:
    """A one-time link to the processor's page for a new card or bank account; the sending is audited."""
    url = method_entry_url(turn.services.settings, turn.services.processor, turn.account.code, now=turn.now)
    if url is None:
        return None
    with turn.services.db.uow() as uow:
        kernel.record_audit(uow.session, turn.actor, "payment_method.link_sent", customer_id=turn.account.id,
                     subject=f"conversation:{turn.conversation.id}", channel=turn.inbound.channel)
        uow.commit()
    return url


def methods(turn: Turn, ctx: dict[str, Any]) -> Step:
    active = reads.methods(turn.services, turn.account)
    if not active:
        return say("You have no card or bank account on file. Say ADD CARD and I'll send you a secure link.")
    default = reads.default_method(turn.services, turn.account)
    rows = [m.label + (" (used last)" if m.id == default else "") for m in active]
    return say("On file:\n" + texts.bullets(rows) + "\nSay ADD CARD to add another.")


def add_method(turn: Turn, ctx: dict[str, Any]) -> Step:
    if (url := method_link(turn)) is None:
        return say(texts.ADD_METHOD_ELSEWHERE.format(phone=turn.services.settings.seller_phone))
    return say(texts.ADD_METHOD.format(url=url), link=url)
