"""Messages to review: kept with the answer, listed with what happened next, labelled or dismissed by staff (audited),
and the labelled ones as training rows (both backends)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.understanding import INTENTS
from core import conversations
from core.bootstrap import Services
from core.conversations import ForReview
from core.kernel.audit import Actor
from core.kernel.errors import Conflict, Invalid, NotFound
from core.kernel.models import AuditEvent

NOW = dt.datetime(2026, 11, 22, 15, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
SUPERVISOR = Actor("user:sam", "console")
NOT_UNDERSTOOD = ForReview("not understood", "unknown", 0.23, TODAY)


def say(services: Services, text: str, answer: str, *, sender: str = "+15105550123", n: int,
        review: ForReview | None = None) -> int:
    """The customer's message and the bot's answer, as the engine writes them; returns the inbound turn's id."""
    arrival = conversations.receive(services.db.uow(), channel="sms", external_id=sender, text=text,
                                    provider_id=f"SM{sender}{n}", now=NOW + dt.timedelta(minutes=n))
    assert arrival is not None
    conversations.reply(services.db.uow(), arrival.conversation.id, arrival.turn_id, intent="unknown",
                        texts=[answer], state="idle", context={}, now=NOW + dt.timedelta(minutes=n), review=review)
    return arrival.turn_id


def test_a_message_kept_with_the_answer_shows_what_the_bot_read_and_what_happened_next(services: Services) -> None:
    say(services, "the zorblax for our ledger", "Sorry, I didn't get that.", n=1, review=NOT_UNDERSTOOD)
    say(services, "what do I owe", "You owe $1,650.00.", n=2)
    say(services, "money stuff for 1043", "Do you want to pay it, or see it?", n=3,
        review=ForReview("asked which", "pay", 0.28, TODAY, ("pay", "invoices")))

    newest, oldest = conversations.messages_to_review(services.db.uow())
    assert (oldest.text, oldest.reason, oldest.guessed, oldest.status) == (
        "the zorblax for our ledger", "not understood", "unknown", "open")
    assert oldest.confidence == pytest.approx(0.23) and oldest.today == TODAY and oldest.channel == "sms"
    assert oldest.replies == ("Sorry, I didn't get that.",) and oldest.next_message == "what do I owe"
    assert (newest.reason, newest.options) == ("asked which", ("pay", "invoices"))
    assert newest.replies == ("Do you want to pay it, or see it?",) and newest.next_message is None


def test_the_message_is_kept_as_the_transcript_has_it_with_the_card_number_blanked(services: Services) -> None:
    turn = say(services, "charge 4242 4242 4242 4242 for the blue thing", "I can't take card numbers here.", n=1)
    kept_id = conversations.record_review(services.db.uow(), turn, NOT_UNDERSTOOD)
    assert conversations.record_review(services.db.uow(), turn, NOT_UNDERSTOOD) == kept_id  # kept once
    (kept,) = conversations.messages_to_review(services.db.uow(), status="all")
    assert "4242" not in kept.text and kept.text == conversations.transcript(services.db.uow(),
                                                                              kept.conversation_id)[0].text


def test_staff_label_a_message_with_its_intent_and_slots_audited_and_it_becomes_a_training_row(
        services: Services) -> None:
    say(services, "sort the 1043 thing by friday", "Sorry, I didn't get that.", n=1, review=NOT_UNDERSTOOD)
    (review,) = conversations.messages_to_review(services.db.uow())

    done = conversations.label_review(services.db.uow(), review.id, intent="schedule",
                                      slots={"invoices": "INV-1043, 1043", "amount": "$1,250", "date": "2026-11-27"},
                                      intents=INTENTS, actor=SUPERVISOR, now=NOW)

    assert (done.status, done.label_intent, done.reviewed_by) == ("labelled", "schedule", "user:sam")
    assert done.label_slots == {"invoices": ["INV-1043", "1043"], "amount": "1250.00", "date": "2026-11-27"}
    assert conversations.messages_to_review(services.db.uow()) == []  # no longer open
    assert conversations.labelled_reviews(services.db.uow()) == [
        {"text": "sort the 1043 thing by friday", "today": "2026-11-22", "intent": "schedule",
         "invoices": ["INV-1043", "1043"], "selector": None, "amount": "1250.00", "date": "2026-11-27", "month": None,
         "reason": None}]
    with services.db.uow() as uow:
        event = uow.session.execute(select(AuditEvent.actor, AuditEvent.subject, AuditEvent.details)
                                    .where(AuditEvent.action == "review.labelled")).one()
    assert (event.actor, event.subject) == ("user:sam", f"review:{review.id}")
    assert event.details["intent"] == "schedule" and event.details["guessed"] == "unknown"


def test_a_label_names_an_intent_the_bot_knows_and_slots_it_can_read(services: Services) -> None:
    say(services, "blorp", "Sorry, I didn't get that.", n=1, review=NOT_UNDERSTOOD)
    (review,) = conversations.messages_to_review(services.db.uow())
    label = conversations.label_review
    with pytest.raises(Invalid, match="not an intent"):
        label(services.db.uow(), review.id, intent="refund", slots={}, intents=INTENTS, actor=SUPERVISOR, now=NOW)
    with pytest.raises(Invalid, match="amount"):
        label(services.db.uow(), review.id, intent="pay", slots={"amount": "-5"}, intents=INTENTS, actor=SUPERVISOR,
              now=NOW)
    with pytest.raises(Invalid, match="date"):
        label(services.db.uow(), review.id, intent="pay", slots={"date": "friday"}, intents=INTENTS,
              actor=SUPERVISOR, now=NOW)
    with pytest.raises(Invalid, match="not reason"):
        label(services.db.uow(), review.id, intent="pay", slots={"reason": "Other"}, intents=INTENTS,
              actor=SUPERVISOR, now=NOW)
    with pytest.raises(NotFound):
        label(services.db.uow(), review.id + 99, intent="pay", slots={}, intents=INTENTS, actor=SUPERVISOR, now=NOW)
    assert [r.status for r in conversations.messages_to_review(services.db.uow())] == ["open"]  # nothing was done


def test_relabelled_then_dismissed_it_leaves_the_training_set_and_cannot_be_labelled_again(
        services: Services) -> None:
    say(services, "blorp", "Sorry, I didn't get that.", n=1, review=NOT_UNDERSTOOD)
    (review,) = conversations.messages_to_review(services.db.uow())
    label = conversations.label_review
    label(services.db.uow(), review.id, intent="balance", slots={}, intents=INTENTS, actor=SUPERVISOR, now=NOW)
    label(services.db.uow(), review.id, intent="unknown", slots={}, intents=INTENTS, actor=SUPERVISOR, now=NOW)
    assert [row["intent"] for row in conversations.labelled_reviews(services.db.uow())] == ["unknown"]

    dismissed = conversations.dismiss_review(services.db.uow(), review.id, actor=SUPERVISOR, now=NOW)

    assert dismissed.status == "dismissed" and conversations.labelled_reviews(services.db.uow()) == []
    with pytest.raises(Conflict, match="dismissed"):
        label(services.db.uow(), review.id, intent="balance", slots={}, intents=INTENTS, actor=SUPERVISOR, now=NOW)
    with pytest.raises(Conflict, match="dismissed"):
        conversations.dismiss_review(services.db.uow(), review.id, actor=SUPERVISOR, now=NOW)
    with services.db.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEvent.action).where(AuditEvent.subject == f"review:{review.id}")
                                           .order_by(AuditEvent.id)))
    assert actions == ["review.labelled", "review.labelled", "review.dismissed"]


def test_the_list_puts_open_messages_first_and_filters_by_status(services: Services) -> None:
    for n in range(1, 4):
        say(services, f"blorp {n}", "Sorry, I didn't get that.", n=n, review=NOT_UNDERSTOOD)
    newest = conversations.messages_to_review(services.db.uow())[0]
    conversations.dismiss_review(services.db.uow(), newest.id, actor=SUPERVISOR, now=NOW)

    assert [r.text for r in conversations.messages_to_review(services.db.uow(), status="all")] == [
        "blorp 2", "blorp 1", "blorp 3"]
    assert [r.text for r in conversations.messages_to_review(services.db.uow(), status="dismissed")] == ["blorp 3"]
    assert conversations.review_counts(services.db.uow()) == {"open": 2, "dismissed": 1}
    with pytest.raises(Invalid):
        conversations.messages_to_review(services.db.uow(), status="closed")
