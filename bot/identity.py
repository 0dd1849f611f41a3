"""Who a conversation acts for. It acts for a customer only once linked, and links only on proof:

    telegram  `/start <token>`: a one-time, expiring LinkToken (conversations.link_tokens) issued by staff or by email
              a shared contact: the contact's user id is the sender's own, and its phone is a contact's phone
    sms, cli  the sender's number is the phone of contacts of exactly one customer

Anyone else is told how to get linked, in words that reveal nothing: no name, no amount, not even whether
the number or chat is known. A bad token, someone else's contact and an unknown number read alike.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot import texts
from bot.turns import Inbound, Reply
from bot.understanding import parse
from core import conversations, ledger
from core.bootstrap import Services
from core.conversations import ConversationView, Hours
from core.kernel import Actor, Invalid
from core.ledger import normalize_phone

_START = re.compile(r"^\s*/start\s+([A-Za-z0-9_-]{1,64})\s*$")
PHONE_CHANNELS = ("sms", "cli")
# A channel able to offer Telegram's "share my phone number" keyboard reads this from Reply.extra.
REQUEST_CONTACT = {"request_contact": "Share my phone number"}


@dataclass(frozen=True)
class Gate:
    conversation: ConversationView
    replies: list[Reply] | None = None  # set: the message was about identity and is answered


def admit(services: Services, convo: ConversationView, inbound: Inbound, now: dt.datetime) -> Gate:
    """Link the conversation if this message proves who it is; refuse politely if it is not linked."""
    if inbound.channel == "telegram":
        token = _START.match(inbound.text)
        if token is not None:
            return _by_token(services, convo, inbound, token.group(1), now)
        if inbound.shared_phone is not None:
            return _by_shared_contact(services, convo, inbound, now)
    if convo.linked:
        return Gate(convo)
    if inbound.channel in PHONE_CHANNELS:
        found = _only_customer(services, inbound.sender)
        if found is not None:
            return Gate(_link(services, convo, inbound, found, now, "phone"))
    return Gate(convo, [_not_linked(services, inbound, now)])


def _not_linked(services: Services, inbound: Inbound, now: dt.datetime) -> Reply:
    """How to get linked; or, to someone asking for a person, how to reach one (nothing about any account)."""
    channel, intent, settings = inbound.channel, parse(inbound.text, today=now.date()).intent, services.settings
    if channel == "sms" and intent == "help":  # carriers: every number gets the brand, HELP and STOP
        return Reply(texts.sms_help(settings.seller_name, settings.seller_phone))
    if intent == "agent":
        hours = Hours(settings.business_hours, settings.seller_timezone).told_in(settings.seller_timezone, now)
        text = texts.AGENT_UNLINKED.format(seller=settings.seller_name, phone=settings.seller_phone,
                                           email=settings.seller_email, hours=hours)
        return Reply(texts.tidy(text), extra=dict(REQUEST_CONTACT) if channel == "telegram" else {})
    if channel == "telegram":
        return Reply(texts.NOT_LINKED_TELEGRAM, extra=dict(REQUEST_CONTACT))
    return Reply(texts.NOT_LINKED.format(phone=services.settings.seller_phone))


def _actor(convo: ConversationView) -> Actor:
    return Actor(f"conversation:{convo.id}", convo.channel)


def _telegram_user(inbound: Inbound) -> int | None:
    if inbound.sender_user_id is not None:
        return inbound.sender_user_id
    return int(inbound.sender) if inbound.sender.isdigit() else None  # a private chat's id is its user's id


def _link(services: Services, convo: ConversationView, inbound: Inbound, found: tuple[int, int | None],
          now: dt.datetime, how: str) -> ConversationView:
    customer_id, contact_id = found
    user = _telegram_user(inbound) if inbound.channel == "telegram" else None
    return conversations.link_customer(services.db.uow(), convo.id, customer_id=customer_id, contact_id=contact_id,
                                       now=now, actor=_actor(convo), how=how, telegram_user_id=user)


def _welcome(services: Services, linked: ConversationView) -> list[Reply]:
    name = ledger.customer_name_by_id(services.db.uow(), linked.customer_id) or "your account"
    return [Reply(texts.tidy(texts.LINKED.format(name=name)))]


def _by_token(services: Services, convo: ConversationView, inbound: Inbound, token: str, now: dt.datetime) -> Gate:
    redeemed = conversations.redeem_link_token(services.db.uow(), token, used_by=f"{inbound.channel}:{inbound.sender}",
                                               now=now)
    if redeemed is None:
        return Gate(convo, [Reply(texts.LINK_REFUSED.format(phone=services.settings.seller_phone))])
    linked = _link(services, convo, inbound, (redeemed.customer_id, redeemed.contact_id), now, "link_token")
    return Gate(linked, _welcome(services, linked))


def _by_shared_contact(services: Services, convo: ConversationView, inbound: Inbound, now: dt.datetime) -> Gate:
    own = inbound.shared_user_id is not None and inbound.shared_user_id == inbound.sender_user_id
    if not own:
        return Gate(convo, [Reply(texts.SHARE_OWN_CONTACT, extra=dict(REQUEST_CONTACT))])
    found = _only_customer(services, inbound.shared_phone or "")
    if found is None:
        return Gate(convo, [Reply(texts.CONTACT_REFUSED.format(phone=services.settings.seller_phone))])
    linked = _link(services, convo, inbound, found, now, "shared_contact")
    return Gate(linked, _welcome(services, linked))


def _only_customer(services: Services, phone: str) -> tuple[int, int | None] | None:
    """(customer, contact) when the number belongs to contacts of exactly one customer."""
    try:
        number = normalize_phone(phone, services.settings.default_country)
    except Invalid:
        return None
    matches = conversations.contacts_with_phone(services.db.uow(), number)
    customers = {customer_id for customer_id, _ in matches}
    return matches[0] if len(customers) == 1 else None
