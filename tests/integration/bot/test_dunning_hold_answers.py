"""A customer staff put on dunning hold hears nothing in chat that says reminders will come (SQLite and PostgreSQL):
a promise to pay and a dispute are recorded as ever, their answers leave reminders out, and the hold's reason,
which is internal, is never said."""

from __future__ import annotations

from core.dunning import put_on_hold
from tests.books import TEST_ACTOR
from tests.integration.bot.test_dialogue import NOW, Chat


def test_a_held_customer_is_not_told_reminders_will_come(chat: Chat) -> None:
    assert "We'll hold off reminders until" in chat.say("I'll pay on Friday")  # not on hold: the promise's date
    put_on_hold(chat.services.db.uow(), "ACME", "insolvency talks", TEST_ACTOR, today=NOW.date())
    promised = chat.say("I'll pay on Friday")
    assert "Fri, Nov 27, 2026" in promised and "Reminders to your account are paused meanwhile." in promised
    assert "hold off reminders" not in promised and "insolvency" not in promised
    disputed = chat.say("I dispute invoice 1042, the price is wrong")
    assert "A person will get back to you" in disputed
    assert "reminder" not in disputed.lower() and "insolvency" not in disputed
