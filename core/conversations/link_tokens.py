"""One-time links: a token that links a chat to a customer, and the processor page where a customer adds a card.

Link token: random, URL-safe (A-Za-z0-9_-, 32 characters; Telegram's `/start` takes up to 64), expiring, used
once. Redeeming is one conditional update, so two chats racing with the same token cannot both win. An
unknown, expired or used token gets the same answer, None: the caller says nothing about why.

Method-entry link: the sandbox processor's one-time page (`/sandbox/methods/new?link=…`), signed as the
sandbox's own page checks it (`core.payments.method_links`): customer code, expiry and a nonce,
HMAC-SHA256 under a key derived from the sandbox webhook secret. The bot sends it so that a card or bank
account number is typed only on the processor's page, never in a chat.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import cast

from sqlalchemy import CursorResult, select, update

from core.conversations.models import LinkToken
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid, NotFound
from core.ledger.models import Contact
from core.ledger.posting import customer_by_code
from core.payments.processor import PaymentProcessor

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")
DEFAULT_TTL = dt.timedelta(hours=72)
METHOD_LINK_TTL = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    customer_code: str
    contact_id: int | None
    expires_at: dt.datetime


@dataclass(frozen=True)
class Redeemed:
    customer_id: int
    contact_id: int | None


def _primary_contact(uow: UnitOfWork, customer_id: int) -> int | None:
    return uow.session.scalar(select(Contact.id).where(Contact.customer_id == customer_id)
                              .order_by(Contact.is_primary.desc(), Contact.id).limit(1))


def issue(uow: UnitOfWork, customer_code: str, actor: Actor, *, ttl: dt.timedelta = DEFAULT_TTL,
          contact_id: int | None = None, now: dt.datetime | None = None) -> IssuedToken:
    """A fresh token for the customer (and a contact of theirs: by default the primary one)."""
    if ttl <= dt.timedelta(0):
        raise Invalid("a link token must live for some time", "ttl")
    moment = now or dt.datetime.now(dt.UTC)
    token = secrets.token_urlsafe(24)
    with uow:
        customer = customer_by_code(uow, customer_code)
        if contact_id is None:
            contact_id = _primary_contact(uow, customer.id)
        else:
            contact = uow.session.get(Contact, contact_id)
            if contact is None or contact.customer_id != customer.id:
                raise NotFound("contact", f"{contact_id} of customer {customer_code}")
        uow.session.add(LinkToken(token=token, customer_id=customer.id, contact_id=contact_id,
                                  expires_at=moment + ttl, created_by=actor.name, created_at=moment))
        audit.record(uow.session, actor, "link_token.issued", customer_id=customer.id, subject=f"contact:{contact_id}",
                     expires_at=(moment + ttl).isoformat(), token_prefix=token[:4])
        uow.commit()
    return IssuedToken(token, customer_code, contact_id, moment + ttl)


def redeem(uow: UnitOfWork, token: str, *, used_by: str, now: dt.datetime) -> Redeemed | None:
    """Use the token once; None when it is malformed, unknown, expired or already used."""
    if not TOKEN_SHAPE.fullmatch(token or ""):
        return None
    with uow:
        result = uow.session.execute(
            update(LinkToken).where(LinkToken.token == token, LinkToken.used_at.is_(None), LinkToken.expires_at > now)
            .values(used_at=now, used_by=used_by[:64])
        )
        if cast(CursorResult, result).rowcount != 1:
            return None
        row = uow.session.get(LinkToken, token)
        assert row is not None
        redeemed = Redeemed(row.customer_id, row.contact_id or _primary_contact(uow, row.customer_id))
        uow.commit()
        return redeemed


# -- the processor's page for a new payment method ------------------------------------------------------------


def method_entry_url(settings: Settings, processor: PaymentProcessor, customer_code: str, *,
                     now: dt.datetime | None = None, ttl: dt.timedelta = METHOD_LINK_TTL) -> str | None:
    """A one-time, expiring link to the configured processor's card/bank page for this customer, signed as that
    processor checks it; None when the processor's page is not wired here."""
    path = processor.method_entry_path(customer_code, now or dt.datetime.now(dt.UTC), int(ttl.total_seconds()))
    return None if path is None else f"{settings.public_url}{path}"


def send_method_link(uow: UnitOfWork, settings: Settings, processor: PaymentProcessor, customer_code: str, *,
                     conversation_id: int, actor: Actor, now: dt.datetime) -> str | None:
    """`method_entry_url` for a chat to send, its sending audited (who, which conversation, which channel)."""
    url = method_entry_url(settings, processor, customer_code, now=now)
    if url is None:
        return None
    with uow:
        customer = customer_by_code(uow, customer_code)
        audit.record(uow.session, actor, "payment_method.link_sent", customer_id=customer.id,
                     subject=f"conversation:{conversation_id}", channel=actor.channel)
        uow.commit()
    return url
