"""The bot's one entry point: `handle(services, inbound)` → the replies, whatever the channel.

    inbound ──▶ receive (conversations.transcript): the turn written; a provider id seen before ──▶ [] (nothing done)
            ──▶ too many messages this minute ──▶ "slow down" once, then silence; nothing done
            ──▶ a card-like number ──▶ blanked in the transcript, a warning; nothing done
            ──▶ SMS STOP / START ──▶ opt-out recorded at once, the carrier-style answer (linked or not)
            ──▶ identity: link by token / shared contact / phone, or a reply that reveals nothing
            ──▶ the dialogue's step for the conversation's state (bot.dialogue_states)
            ──▶ reply (core.conversations.chats): the answer's turns, the new state and context, one transaction;
                with them, a message the bot read badly is kept for staff to review (bot.nlu_reviews)
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Any

import structlog

from bot import dialogue_reads, dialogue_states, identity, nlu_reviews, texts
from bot.dialogue_core import PENDING_KEYS, Step, Turn, is_payload
from bot.turns import Inbound, Reply
from bot.understanding import Parsed
from core import conversations
from core.bootstrap import Services
from core.conversations import Arrival
from core.kernel import Actor, ARError
from core.ledger import normalize_phone

log = structlog.get_logger("aragent.bot")

RATE_LIMIT = 20  # messages per sender per minute (core.conversations.RATE_WINDOW)
# States waiting for an answer keep what they asked about (ctx: request, choices, quote_id); others drop it.
WAITING_STATES = frozenset(dialogue_states.ANSWERS) - {"list_shown"}


def handle(services: Services, inbound: Inbound, *, now: dt.datetime | None = None) -> list[Reply]:
    moment = conversations.utc(now or dt.datetime.now(dt.UTC))
    sms_phone = _phone(services, inbound.sender) if inbound.channel == "sms" else None
    arrival = conversations.receive(services.db.uow(), channel=inbound.channel, external_id=inbound.sender,
                                    text=inbound.text, provider_id=inbound.provider_id, now=moment,
                                    sms_phone=sms_phone)
    if arrival is None:
        return []  # the provider delivered this message before: it was answered then
    convo = arrival.conversation
    if arrival.recent > RATE_LIMIT:
        replies = [Reply(texts.SLOW_DOWN)] if arrival.recent == RATE_LIMIT + 1 else []
        return _save(services, arrival, "rate_limited", replies, convo.state, convo.context, moment)
    if arrival.redacted:
        return _save(services, arrival, "redacted", [Reply(texts.CARD_WARNING)], convo.state, convo.context, moment)
    try:
        return _answer(services, inbound, arrival, moment)
    except Exception:
        log.exception("the bot failed to answer", conversation=convo.id, channel=inbound.channel)
        return _save(services, arrival, "error", [Reply(texts.OOPS)], convo.state, convo.context, moment)


def _answer(services: Services, inbound: Inbound, arrival: Arrival, now: dt.datetime) -> list[Reply]:
    convo = arrival.conversation
    parsed = _parsed(services, inbound, now.date(), arrival.customer)
    if inbound.channel == "sms" and parsed.intent in ("stop", "start"):
        idle = {k: v for k, v in convo.context.items() if k not in PENDING_KEYS}
        reply = _sms_opt(services, inbound, opted_out=parsed.intent == "stop")
        return _save(services, arrival, parsed.intent, [reply], "idle" if convo.state != "agent" else "agent", idle,
                     now)
    if inbound.channel == "sms" and arrival.sms_opted_out:
        return _save(services, arrival, parsed.intent, [], convo.state, convo.context, now)  # no texts after STOP
    gate = identity.admit(services, convo, inbound, now)
    if gate.replies is not None or gate.conversation.customer_id is None:
        linked = gate.conversation
        return _save(services, arrival, "link", gate.replies or [], linked.state, linked.context, now)
    brief = arrival.customer if arrival.customer and arrival.customer.id == gate.conversation.customer_id else None
    turn = _turn(services, inbound, gate.conversation, parsed, now, brief)
    ctx = dict(gate.conversation.context)
    try:
        step = dialogue_states.step(turn, ctx)
    except ARError as refused:  # a rule of the engine the dialogue did not foresee: said plainly, nothing done
        step = Step([Reply(f"Sorry, I can't do that: {refused}")])
    if step.state not in WAITING_STATES:
        for key in PENDING_KEYS:
            ctx.pop(key, None)
    return _save(services, arrival, parsed.intent, step.replies, step.state, ctx, now,
                 review=nlu_reviews.for_review(turn, step))


def _parsed(services: Services, inbound: Inbound, today: dt.date,
            customer: conversations.CustomerBrief | None) -> Parsed:
    if is_payload(inbound.text):
        return Parsed("unknown")  # a button's payload: read by the steps, never guessed at by the parser
    return dialogue_reads.understood(services, inbound.text, today, customer)


def _turn(services: Services, inbound: Inbound, convo: conversations.ConversationView, parsed: Parsed,
          now: dt.datetime, brief: conversations.CustomerBrief | None) -> Turn:
    assert convo.customer_id is not None
    # Read with the inbound turn when the conversation was linked already; just linked: read now.
    account = brief or dialogue_reads.account(services, convo.customer_id)
    today = now.astimezone(_zone(account.timezone)).date()
    if today != now.date() or brief is None:  # the customer's own day, and (just linked) their locale
        parsed = _parsed(services, inbound, today, account)
    clean, _ = conversations.redact(inbound.text)
    return Turn(services, convo, inbound, parsed, clean, now, today, account,
                Actor(f"conversation:{convo.id}", inbound.channel))


def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _phone(services: Services, sender: str) -> str:
    return _e164(sender, services.settings.default_country)


@functools.lru_cache(maxsize=4096)
def _e164(sender: str, country: str) -> str:
    # phonenumbers takes a good part of a millisecond per number, and a texting customer's number repeats.
    try:
        return normalize_phone(sender, country)
    except ARError:
        return sender


def _sms_opt(services: Services, inbound: Inbound, opted_out: bool) -> Reply:
    """STOP or START by text, recorded at once for every contact with the number, linked or not."""
    phone = _phone(services, inbound.sender)
    conversations.set_sms_opt_out(services.db.uow(), phone, opted_out, Actor(f"sms:{phone}", "sms"))
    template = texts.SMS_STOP if opted_out else texts.SMS_START
    return Reply(template.format(seller=services.settings.seller_name))


def _save(services: Services, arrival: Arrival, intent: str | None, replies: list[Reply], state: str,
          context: dict[str, Any], now: dt.datetime, review: conversations.ForReview | None = None) -> list[Reply]:
    conversations.reply(services.db.uow(), arrival.conversation.id, arrival.turn_id, intent=intent,
                        texts=[r.text for r in replies], state=state, context=context, now=now, review=review)
    return replies
