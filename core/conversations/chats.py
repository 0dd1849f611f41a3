"""Conversations and their transcript: who a chat acts for, where its dialogue stands, every message in and out.

A message arrives (`receive`): its conversation is found or opened and the inbound turn written, unless the
provider delivered the same message before (UNIQUE(channel, provider_id) makes that a no-op), and the
sender's pace is counted for the rate limit. The bot then answers, and `reply` writes the answer's turns
together with the dialogue's new state and context, in one transaction.

A transcript never holds what looks like a card or account number: `redact` blanks 12-19 digit runs
(spaces and dashes allowed between the digits) before any turn is written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.conversations.models import Conversation, ConversationTurn
from core.conversations.reviews import ForReview
from core.conversations.reviews import add as keep_for_review
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.card_numbers import scrub_card_numbers
from core.kernel.db import UnitOfWork, as_utc
from core.kernel.errors import NotFound
from core.ledger.models import Contact, Customer
from core.ledger.posting import customer_by_code

RATE_WINDOW = dt.timedelta(minutes=1)
REDACTED = "[number removed]"
_CARD_LIKE = re.compile(r"(?<![\d])\d(?:[ -]?\d){11,18}(?![\d])")


def redact(text: str) -> tuple[str, bool]:
    """The text with card- or account-like digit runs blanked, and whether there were any."""
    clean, found = _CARD_LIKE.subn(REDACTED, text)
    return clean, bool(found)


def utc(moment: dt.datetime) -> dt.datetime:
    """A moment in UTC: a naive one (SQLite's, or a caller's) is taken as UTC already."""
    return as_utc(moment).astimezone(dt.UTC)


@dataclass(frozen=True)
class ConversationView:
    id: int
    channel: str
    external_id: str
    customer_id: int | None
    contact_id: int | None
    state: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def linked(self) -> bool:
        return self.customer_id is not None

    @classmethod
    def of(cls, row: Conversation) -> ConversationView:
        return cls(row.id, row.channel, row.external_id, row.customer_id, row.contact_id, row.state,
                   dict(row.context or {}))


@dataclass(frozen=True)
class CustomerBrief:
    id: int
    code: str
    name: str
    currency: str
    timezone: str


def customer_brief(uow: UnitOfWork, customer_id: int) -> CustomerBrief:
    """The customer a conversation acts for, as a turn reads it (when it was linked by this very message)."""
    with uow:
        customer = uow.session.get(Customer, customer_id)
        if customer is None:
            raise NotFound("customer", customer_id)
        return CustomerBrief(customer.id, customer.code, customer.name, customer.currency, customer.timezone)


@dataclass(frozen=True)
class Arrival:
    conversation: ConversationView
    turn_id: int
    recent: int  # messages from this sender within RATE_WINDOW, this one included
    redacted: bool  # a card-like number was blanked out of the transcript
    # Read in the same transaction, so a turn needs no more of its own: the number's SMS opt-out (when the
    # caller gave the number) and the linked customer.
    sms_opted_out: bool | None = None
    customer: CustomerBrief | None = None


def _conversation(uow: UnitOfWork, channel: str, external_id: str) -> tuple[Conversation, Customer | None]:
    """The sender's conversation (locked) with the customer it acts for, in one query; opened on first contact
    (two first messages at once open it once)."""
    query = (select(Conversation, Customer).outerjoin(Customer, Customer.id == Conversation.customer_id)
             .where(Conversation.channel == channel, Conversation.external_id == external_id)
             .with_for_update(of=Conversation))
    found = uow.session.execute(query).first()
    if found is not None:
        return found[0], found[1]
    try:
        with uow.session.begin_nested():
            opened = Conversation(channel=channel, external_id=external_id, state="idle", context={})
            uow.session.add(opened)
        return opened, None
    except IntegrityError:
        found = uow.session.execute(query).first()
        assert found is not None  # the other insert won, and it is committed
        return found[0], found[1]


def _pace_and_opt_out(session: Session, conversation_id: int, now: dt.datetime,
                      sms_phone: str | None) -> tuple[int, bool | None]:
    """One query: the sender's messages within RATE_WINDOW, and whether the number's contacts all said STOP."""
    recent = (select(func.count()).select_from(ConversationTurn)
              .where(ConversationTurn.conversation_id == conversation_id, ConversationTurn.direction == "in",
                     ConversationTurn.created_at > now - RATE_WINDOW).scalar_subquery())
    if sms_phone is None:
        return int(session.scalar(select(recent)) or 0), None
    contacts = (select(func.count()).select_from(Contact).where(Contact.phone == sms_phone).scalar_subquery())
    still_in = (select(func.count()).select_from(Contact)
                .where(Contact.phone == sms_phone, Contact.sms_opt_out.is_(False)).scalar_subquery())
    row = session.execute(select(recent, contacts, still_in)).one()
    return int(row[0] or 0), bool(row[1]) and not row[2]  # an unknown number has not opted out


def receive(uow: UnitOfWork, *, channel: str, external_id: str, text: str, provider_id: str | None,
            now: dt.datetime, sms_phone: str | None = None) -> Arrival | None:
    """Write the inbound turn; None when this provider id was received before (a repeated delivery).

    Four statements: the conversation with its customer, the turn, the pace with the SMS opt-out, the
    conversation's last-inbound time."""
    clean, redacted = redact(text)
    with uow:
        convo, customer = _conversation(uow, channel, external_id)
        # ON CONFLICT DO NOTHING, not a savepoint: one round trip, and a repeated delivery is simply not inserted.
        insert_new = postgresql_insert if uow.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        turn_id = uow.session.scalar(
            insert_new(ConversationTurn).values(conversation_id=convo.id, channel=channel, direction="in", text=clean,
                                            provider_id=provider_id, created_at=now)
            .on_conflict_do_nothing(index_elements=["channel", "provider_id"]).returning(ConversationTurn.id))
        if turn_id is None:
            return None  # UNIQUE(channel, provider_id): delivered before
        recent, opted_out = _pace_and_opt_out(uow.session, convo.id, now, sms_phone)
        convo.last_inbound_at = now
        view = ConversationView.of(convo)
        brief = CustomerBrief(customer.id, customer.code, customer.name, customer.currency,
                              customer.timezone) if customer else None
        uow.commit()
        return Arrival(view, turn_id, recent, redacted, opted_out, brief)


def reply(uow: UnitOfWork, conversation_id: int, turn_id: int, *, intent: str | None, texts: list[str],
          state: str, context: dict[str, Any], now: dt.datetime, review: ForReview | None = None) -> None:
    """Write the answer's turns with the dialogue's new state and context: all of it, or none; with `review`, the
    message is kept for staff to review (core.conversations.reviews) in the same transaction."""
    with uow:
        # The UPDATE takes the row lock a SELECT … FOR UPDATE would, and says which channel in the same trip; a Core
        # UPDATE passes the unit of work's card-number scrub by, so the context is scrubbed here.
        channel = uow.session.scalar(update(Conversation).where(Conversation.id == conversation_id)
                                     .values(state=state, context=scrub_card_numbers(dict(context)), updated_at=now)
                                     .returning(Conversation.channel))
        if channel is None:
            raise NotFound("conversation", conversation_id)
        uow.session.execute(update(ConversationTurn).where(ConversationTurn.id == turn_id).values(intent=intent))
        if texts:
            uow.session.execute(insert(ConversationTurn), [
                {"conversation_id": conversation_id, "channel": channel, "direction": "out",
                 "text": redact(text)[0], "created_at": now} for text in texts])
        if review is not None:
            keep_for_review(uow.session, turn_id, review)
        uow.commit()


def open_conversation(uow: UnitOfWork, channel: str, external_id: str) -> ConversationView:
    with uow:
        view = ConversationView.of(_conversation(uow, channel, external_id)[0])
        uow.commit()
        return view


def link(uow: UnitOfWork, conversation_id: int, *, customer_id: int, contact_id: int | None, now: dt.datetime,
         actor: Actor, how: str, telegram_user_id: int | None = None) -> ConversationView:
    """Let the conversation act for the customer; a Telegram user becomes the contact's chat for messages."""
    with uow:
        convo = uow.session.get(Conversation, conversation_id, with_for_update=True)
        if convo is None:
            raise NotFound("conversation", conversation_id)
        convo.customer_id, convo.contact_id, convo.linked_at = customer_id, contact_id, now
        convo.state, convo.context = "idle", {}
        if telegram_user_id is not None and contact_id is not None:
            # The user proved this chat is theirs; any other contact that named it no longer reaches it.
            uow.session.execute(update(Contact).where(Contact.telegram_user_id == telegram_user_id,
                                                      Contact.id != contact_id).values(telegram_user_id=None))
            uow.session.flush()
            uow.session.execute(update(Contact).where(Contact.id == contact_id)
                                .values(telegram_user_id=telegram_user_id))
        audit.record(uow.session, actor, "conversation.linked", customer_id=customer_id,
                     subject=f"conversation:{convo.id}", how=how, contact_id=contact_id, channel=convo.channel)
        view = ConversationView.of(convo)
        uow.commit()
        return view


def primary_contact(uow: UnitOfWork, customer_code: str) -> tuple[int, int | None]:
    """(customer id, contact id) of the customer's primary contact (else its first); no contact: None."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        contact_id = uow.session.scalar(select(Contact.id).where(Contact.customer_id == customer.id)
                                        .order_by(Contact.is_primary.desc(), Contact.id).limit(1))
        return customer.id, contact_id


def contacts_with_phone(uow: UnitOfWork, phone: str) -> list[tuple[int, int]]:
    """(customer id, contact id) of every contact with this E.164 number, primary contacts first."""
    with uow:
        rows = uow.session.execute(select(Contact.customer_id, Contact.id).where(Contact.phone == phone)
                                   .order_by(Contact.is_primary.desc(), Contact.id))
        return [(customer_id, contact_id) for customer_id, contact_id in rows]


def set_sms_opt_out(uow: UnitOfWork, phone: str, opted_out: bool, actor: Actor) -> int:
    """STOP or START from a number: every contact with it, whichever customer. Returns how many changed."""
    with uow:
        contacts = list(uow.session.scalars(select(Contact).where(Contact.phone == phone).with_for_update()))
        changed = [c for c in contacts if c.sms_opt_out != opted_out]
        for contact in changed:
            contact.sms_opt_out = opted_out
            audit.record(uow.session, actor, "contact.sms_opt_out" if opted_out else "contact.sms_opt_in",
                         customer_id=contact.customer_id, subject=f"contact:{contact.id}",
                         before={"sms_opt_out": not opted_out}, after={"sms_opt_out": opted_out})
        uow.commit()
        return len(changed)


def _opted_out(session: Session, phone: str) -> bool:
    """True when the number's contacts all said STOP (an unknown number has not)."""
    flags = list(session.scalars(select(Contact.sms_opt_out).where(Contact.phone == phone)))
    return bool(flags) and all(flags)


def end_handoff(uow: UnitOfWork, conversation_id: int, actor: Actor) -> bool:
    """Staff hand the conversation back to the bot; False when no person had it."""
    with uow:
        convo = uow.session.get(Conversation, conversation_id, with_for_update=True)
        if convo is None:
            raise NotFound("conversation", conversation_id)
        if convo.state != "agent":
            return False
        convo.state, convo.context = "idle", {}
        audit.record(uow.session, actor, "conversation.handoff_ended", customer_id=convo.customer_id,
                     subject=f"conversation:{convo.id}", channel=convo.channel)
        uow.commit()
        return True


@dataclass(frozen=True)
class TurnView:
    direction: str
    text: str
    intent: str | None
    provider_id: str | None


def transcript(uow: UnitOfWork, conversation_id: int) -> list[TurnView]:
    with uow:
        turns = uow.session.scalars(select(ConversationTurn).where(ConversationTurn.conversation_id == conversation_id)
                                    .order_by(ConversationTurn.id))
        return [TurnView(t.direction, t.text, t.intent, t.provider_id) for t in turns]
