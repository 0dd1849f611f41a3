"""What the console shows of conversations: the list with who has each one, a transcript with times and who
wrote each message, a customer's contacts to issue a link token for, and the staff's demo chats.

A conversation's status for staff: "agent" (a person has it: state "agent" with a holder), "waiting" (the
customer asked for a person and no one took it yet), "bot".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select

from core.conversations.chats import ConversationView, utc
from core.conversations.models import Conversation, ConversationTurn
from core.conversations.takeover import AGENT_INTENT, holder
from core.kernel.db import UnitOfWork
from core.kernel.errors import NotFound
from core.ledger.models import Contact, Customer
from core.ledger.posting import customer_by_code

DEMO_CHANNEL = "demo"  # staff talking to the bot as a customer (the console's demo chat)


@dataclass(frozen=True)
class ConversationRow:
    id: int
    channel: str
    external_id: str
    state: str
    agent: str | None
    customer_code: str | None
    customer_name: str | None
    last_at: dt.datetime | None
    last_text: str = ""

    @property
    def status(self) -> str:
        return "agent" if self.agent else "waiting" if self.state == "agent" else "bot"


@dataclass(frozen=True)
class Line:
    kind: str  # in (the customer) | out (the bot) | agent (a person)
    text: str
    at: dt.datetime
    agent: str | None = None


@dataclass(frozen=True)
class ContactChoice:
    id: int
    label: str
    telegram_linked: bool


def _rows(uow: UnitOfWork, query, last_text: bool = True) -> list[ConversationRow]:  # type: ignore[no-untyped-def]
    rows = list(uow.session.execute(query))
    texts: dict[int, str] = {}
    if last_text and rows:
        ids = [row[0].id for row in rows]
        last = (select(func.max(ConversationTurn.id)).where(ConversationTurn.conversation_id.in_(ids))
                .group_by(ConversationTurn.conversation_id))
        found = uow.session.execute(select(ConversationTurn.conversation_id, ConversationTurn.text)
                                    .where(ConversationTurn.id.in_(last)))
        texts = {conversation_id: text for conversation_id, text in found}
    return [ConversationRow(c.id, c.channel, c.external_id, c.state, holder(c), code, name,
                            utc(last_at) if last_at else None, texts.get(c.id, "")) for c, code, name, last_at in rows]


def _listing(people_first: bool = False):  # type: ignore[no-untyped-def]
    """`people_first`: the conversations a person has or is asked for (state "agent") before the bot's."""
    last_at = (select(ConversationTurn.conversation_id, func.max(ConversationTurn.created_at).label("at"))
               .group_by(ConversationTurn.conversation_id).subquery())
    people = case((Conversation.state == "agent", 0), else_=1)
    latest = (func.coalesce(last_at.c.at, Conversation.created_at).desc(), Conversation.id.desc())
    order = (people, *latest) if people_first else latest
    return (select(Conversation, Customer.code, Customer.name, last_at.c.at)
            .outerjoin(Customer, Customer.id == Conversation.customer_id)
            .outerjoin(last_at, last_at.c.conversation_id == Conversation.id)
            .order_by(*order))


def conversations(uow: UnitOfWork, *, channel: str | None = None, needs_agent: bool = False,
                  customer_code: str | None = None, limit: int = 200) -> list[ConversationRow]:
    """Those a person has or is asked for first, then newest activity first. The staff's demo chats only when asked
    for by channel, or when one waits for a person: a handoff asked for in the demo chat waits like any other."""
    query = _listing(people_first=True).limit(limit)
    query = query.where(Conversation.channel == channel) if channel else \
        query.where(or_(Conversation.channel != DEMO_CHANNEL, Conversation.state == "agent"))
    if needs_agent:
        query = query.where(Conversation.state == "agent")
    with uow:
        if customer_code is not None:
            query = query.where(Conversation.customer_id == customer_by_code(uow, customer_code).id)
        rows = _rows(uow, query)
    return [row for row in rows if row.status == "waiting"] if needs_agent else rows


def conversation(uow: UnitOfWork, conversation_id: int) -> tuple[ConversationRow, list[Line]]:
    """One conversation and its transcript, oldest message first."""
    with uow:
        found = _rows(uow, _listing().where(Conversation.id == conversation_id), last_text=False)
        if not found:
            raise NotFound("conversation", conversation_id)
        return found[0], _lines(uow, conversation_id)


def _lines(uow: UnitOfWork, conversation_id: int) -> list[Line]:
    turns = uow.session.scalars(select(ConversationTurn).where(ConversationTurn.conversation_id == conversation_id)
                                .order_by(ConversationTurn.id))
    lines = []
    for turn in turns:
        intent = turn.intent or ""
        by = intent[len(AGENT_INTENT):] if turn.direction == "out" and intent.startswith(AGENT_INTENT) else None
        lines.append(Line("agent" if by else turn.direction, turn.text, utc(turn.created_at), by))
    return lines


def customer_name(uow: UnitOfWork, customer_code: str) -> str:
    with uow:
        return customer_by_code(uow, customer_code).name


def contacts(uow: UnitOfWork, customer_code: str) -> list[ContactChoice]:
    """The customer's contacts, primary first, labelled with what reaches them."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        found = uow.session.scalars(select(Contact).where(Contact.customer_id == customer.id)
                                    .order_by(Contact.is_primary.desc(), Contact.id))
        return [ContactChoice(c.id, " · ".join(p for p in (c.name, c.email, c.phone) if p) or f"Contact {c.id}",
                              c.telegram_user_id is not None) for c in found]


# ── The console's demo chat ─────────────────────────────────────────────────────────────────────────────


def customer_choices(uow: UnitOfWork, limit: int = 1000) -> list[tuple[str, str]]:
    with uow:
        found = uow.session.execute(select(Customer.code, Customer.name).order_by(Customer.code).limit(limit))
        return [(code, name) for code, name in found]


def acting_as(uow: UnitOfWork, customer_code: str) -> tuple[int, int | None]:
    """(customer id, primary contact id): who a demo chat speaks for."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        contact_id = uow.session.scalar(select(Contact.id).where(Contact.customer_id == customer.id)
                                        .order_by(Contact.is_primary.desc(), Contact.id).limit(1))
        return customer.id, contact_id


def latest_demo_chat(uow: UnitOfWork, sender_prefix: str) -> ConversationView | None:
    """The newest demo conversation whose sender starts with the prefix (a reset starts a new one)."""
    escaped = sender_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    with uow:
        found = uow.session.scalar(select(Conversation).where(
            Conversation.channel == DEMO_CHANNEL, Conversation.external_id.like(escaped + "%", escape="\\"))
            .order_by(Conversation.id.desc()).limit(1))
        return ConversationView.of(found) if found else None


def transcript(uow: UnitOfWork, conversation_id: int) -> list[Line]:
    with uow:
        return _lines(uow, conversation_id)
