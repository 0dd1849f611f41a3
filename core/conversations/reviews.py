"""Messages to review: what customers wrote that the bot read badly, labelled by staff to retrain it.

The bot puts a message here, in the transaction that writes its answer (`chats.reply`), for one of three reasons:
it did not understand it ("not understood"), it was unsure and asked which of a few things the customer meant
("asked which"), or the customer corrected a quote it made ("corrected"). Staff read it with what happened next
and either label it with what the customer meant (an intent, and the invoices, amount or date the message names)
or dismiss it. Labelled messages are training examples (`labelled_reviews`, in the lines of bot/nlu_data).

    open ──label──▶ labelled ──dismiss──▶ dismissed
      │               └──label again (a better label)──▶ labelled
      └──dismiss──▶ dismissed

Labelling and dismissing are audited. The intents a label may name are the bot's: the caller passes them in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import Session

from core.conversations.models import Conversation, ConversationTurn, MessageReview
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Conflict, Invalid, NotFound
from core.kernel.money import MoneyError, parse_amount
from core.ledger.models import Customer

REASONS = ("not understood", "asked which", "corrected")
STATUSES = ("open", "labelled", "dismissed")
_NUMBERS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class ForReview:
    """Why the bot's answer sends a message to review, and how it read the message."""

    reason: str  # one of REASONS
    intent: str  # what the bot guessed
    confidence: float  # 0–1
    today: dt.date  # the day the message was read against
    options: tuple[str, ...] = ()  # the intents the bot offered to choose from


@dataclass(frozen=True)
class ReviewView:
    id: int
    conversation_id: int
    channel: str
    customer_code: str | None
    text: str
    today: dt.date
    guessed: str
    confidence: float
    options: tuple[str, ...]
    reason: str
    status: str
    label_intent: str | None
    label_slots: dict[str, Any]
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    created_at: dt.datetime
    replies: tuple[str, ...] = ()  # what the bot answered
    next_message: str | None = None  # what the customer wrote next, if anything


def add(session: Session, turn_id: int, review: ForReview) -> int:
    """Keep the inbound turn for review in the caller's transaction; a turn kept already is not kept twice."""
    if review.reason not in REASONS:
        raise Invalid(f"unknown review reason {review.reason!r}", "reason")
    found = session.scalar(select(MessageReview.id).where(MessageReview.turn_id == turn_id))
    if found is not None:
        return found
    turn = session.get(ConversationTurn, turn_id)
    if turn is None or turn.direction != "in":
        raise NotFound("customer message", turn_id)
    row = MessageReview(conversation_id=turn.conversation_id, turn_id=turn.id, text=turn.text, today=review.today,
                        guessed_intent=review.intent, confidence=float(review.confidence),
                        options=list(review.options), reason=review.reason, status="open")
    session.add(row)
    session.flush()
    return row.id


def record_review(uow: UnitOfWork, turn_id: int, review: ForReview) -> int:
    """Keep a customer's message (an inbound turn, as the transcript has it) for staff to review."""
    with uow:
        review_id = add(uow.session, turn_id, review)
        uow.commit()
        return review_id


def label_slots(raw: Mapping[str, object]) -> dict[str, Any]:
    """The slots a label may give, in the training files' form: invoices as a list of strings, the amount as
    "1234.50" (positive), the date as YYYY-MM-DD. Empty ones are left out; anything else is refused."""
    unknown = set(raw) - {"invoices", "amount", "date"}
    if unknown:
        raise Invalid(f"a label gives invoices, an amount or a date, not {', '.join(sorted(unknown))}", "slots")
    slots: dict[str, Any] = {}
    invoices = raw.get("invoices") or ()
    if not isinstance(invoices, str | list | tuple):
        raise Invalid("invoices: the invoice numbers the message names, separated by commas", "invoices")
    numbers = _NUMBERS.split(invoices) if isinstance(invoices, str) else [str(n) for n in invoices]
    if found := [number.strip() for number in numbers if number.strip()]:
        slots["invoices"] = list(dict.fromkeys(found))
    amount = str(raw.get("amount") or "").strip()
    if amount:
        try:
            value = parse_amount(amount)
        except MoneyError:
            raise Invalid(f"amount: {amount!r} is not an amount", "amount") from None
        if value <= 0:
            raise Invalid("amount: an amount the customer means is greater than zero", "amount")
        slots["amount"] = f"{value.quantize(Decimal('0.01')):.2f}"
    date = raw.get("date") or ""
    if isinstance(date, dt.date):
        slots["date"] = date.isoformat()
    elif str(date).strip():
        try:
            slots["date"] = dt.date.fromisoformat(str(date).strip()).isoformat()
        except ValueError:
            raise Invalid(f"date: {date!r} is not a date (YYYY-MM-DD)", "date") from None
    return slots


def label_review(uow: UnitOfWork, review_id: int, *, intent: str, slots: Mapping[str, object],
                 intents: Collection[str], actor: Actor, now: dt.datetime) -> ReviewView:
    """Staff say what the customer meant; the message becomes a training example. `intents`: the bot's."""
    if intent not in intents:
        raise Invalid(f"{intent!r} is not an intent the bot knows", "intent")
    clean = label_slots(slots)
    with uow:
        row, customer_id = _locked(uow.session, review_id)
        if row.status == "dismissed":
            raise Conflict(f"message {review_id} was dismissed by {row.reviewed_by}")
        before = {"intent": row.label_intent, "slots": row.label_slots} if row.status == "labelled" else None
        row.status, row.label_intent, row.label_slots = "labelled", intent, clean
        row.reviewed_by, row.reviewed_at = actor.name, now
        audit.record(uow.session, actor, "review.labelled", customer_id=customer_id, subject=f"review:{row.id}",
                     guessed=row.guessed_intent, intent=intent, slots=clean, before=before)
        uow.commit()
    return _one(uow, review_id)


def dismiss_review(uow: UnitOfWork, review_id: int, *, actor: Actor, now: dt.datetime) -> ReviewView:
    """Nothing to learn from this message (chit-chat, a test); a labelled one leaves the training set."""
    with uow:
        row, customer_id = _locked(uow.session, review_id)
        if row.status == "dismissed":
            raise Conflict(f"message {review_id} was dismissed already by {row.reviewed_by}")
        before = row.status
        row.status, row.reviewed_by, row.reviewed_at = "dismissed", actor.name, now
        audit.record(uow.session, actor, "review.dismissed", customer_id=customer_id, subject=f"review:{row.id}",
                     guessed=row.guessed_intent, before=before, label=row.label_intent)
        uow.commit()
    return _one(uow, review_id)


def _locked(session: Session, review_id: int) -> tuple[MessageReview, int | None]:
    row = session.get(MessageReview, review_id, with_for_update=True)
    if row is None:
        raise NotFound("message to review", review_id)
    customer_id = session.scalar(select(Conversation.customer_id).where(Conversation.id == row.conversation_id))
    return row, customer_id


def labelled_reviews(uow: UnitOfWork) -> list[dict[str, Any]]:
    """The labelled messages as training rows, in the lines of bot/nlu_data/corpus.jsonl, oldest first."""
    with uow:
        rows = uow.session.scalars(select(MessageReview).where(MessageReview.status == "labelled")
                                   .order_by(MessageReview.id))
        return [{"text": r.text, "today": r.today.isoformat(), "intent": r.label_intent,
                 "invoices": list((r.label_slots or {}).get("invoices", [])), "selector": None,
                 "amount": (r.label_slots or {}).get("amount"), "date": (r.label_slots or {}).get("date"),
                 "month": None, "reason": None} for r in rows]


def review_counts(uow: UnitOfWork) -> dict[str, int]:
    with uow:
        found = uow.session.execute(select(MessageReview.status, func.count()).group_by(MessageReview.status))
        return {status: int(count) for status, count in found}


def messages_to_review(uow: UnitOfWork, *, status: str = "open", limit: int = 100) -> list[ReviewView]:
    """Open messages first, then the newest; `status` one of STATUSES, or "all"."""
    if status not in (*STATUSES, "all"):
        raise Invalid(f"unknown status {status!r}; use {', '.join(STATUSES)} or all", "status")
    query = _listing().order_by(case((MessageReview.status == "open", 0), else_=1), MessageReview.id.desc())
    if status != "all":
        query = query.where(MessageReview.status == status)
    with uow:
        return _views(uow.session, list(uow.session.execute(query.limit(limit))))


def _one(uow: UnitOfWork, review_id: int) -> ReviewView:
    with uow:
        return _views(uow.session, list(uow.session.execute(_listing().where(MessageReview.id == review_id))))[0]


def _listing():  # type: ignore[no-untyped-def]
    """Each review with its chat's channel and customer, and the id of the customer's next message (None: none yet)."""
    turn = ConversationTurn
    next_in = (select(func.min(turn.id)).where(turn.conversation_id == MessageReview.conversation_id,
                                               turn.direction == "in", turn.id > MessageReview.turn_id)
               .correlate(MessageReview).scalar_subquery())
    return (select(MessageReview, Conversation.channel, Customer.code, next_in)
            .join(Conversation, Conversation.id == MessageReview.conversation_id)
            .outerjoin(Customer, Customer.id == Conversation.customer_id))


def _views(session: Session, rows: list[Any]) -> list[ReviewView]:
    after = _what_happened_next(session, [(row[0], row[3]) for row in rows])
    return [ReviewView(r.id, r.conversation_id, channel, code, r.text, r.today, r.guessed_intent, r.confidence,
                       tuple(r.options or ()), r.reason, r.status, r.label_intent, dict(r.label_slots or {}),
                       r.reviewed_by, r.reviewed_at, r.created_at, *after.get(r.id, ((), None)))
            for r, channel, code, _next in rows]


def _what_happened_next(session: Session, reviews: list[tuple[MessageReview, int | None]],
                        ) -> dict[int, tuple[tuple[str, ...], str | None]]:
    """For each review: the bot's replies to the message and the customer's next message, in one query that reads
    only the turns between the message and the next one."""
    if not reviews:
        return {}
    turn = ConversationTurn
    spans = [and_(turn.conversation_id == r.conversation_id, turn.id > r.turn_id,
                  turn.id <= next_in if next_in is not None else true()) for r, next_in in reviews]
    found = list(session.execute(select(turn.conversation_id, turn.id, turn.direction, turn.text)
                                 .where(or_(*spans)).order_by(turn.id)))
    result = {}
    for review, next_in in reviews:
        between = [(turn_id, direction, text) for conversation_id, turn_id, direction, text in found
                   if conversation_id == review.conversation_id and turn_id > review.turn_id
                   and (next_in is None or turn_id <= next_in)]
        replies = tuple(text for turn_id, direction, text in between if direction == "out")
        following = next((text for turn_id, _direction, text in between if turn_id == next_in), None)
        result[review.id] = (replies, following)
    return result
