"""Autopay through the real channels (SMS through the signed Twilio webhook, Telegram through the secret-token
webhook): turned on by YES to the method and rule the bot states, the morning job schedules the invoice due in three
days and sends the notice, SKIP cancels that charge, "stop autopay" turns it off; money read from the ledger."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.outbox.models import OutboxMessage
from core.payments import autopay_status, run_autopay
from tests.books import TEST_BRANDING
from tests.e2e.test_conversation_scripts import TODAY, Line, api, line, open_of, paid  # noqa: F401  (the fixtures)


def test_autopay_on_by_yes_then_the_notice_skip_and_off(line: Line) -> None:  # noqa: F811
    asked = line.say("can you charge my card automatically when invoices are due")
    assert "Visa •4242" in asked and "Reply YES" in asked
    assert autopay_status(line.services.db.uow(), "ACME") is None  # nothing before the YES
    assert "Autopay is on with Visa •4242" in line.say("YES")
    assert autopay_status(line.services.db.uow(), "ACME").channel == line.channel  # type: ignore[union-attr]

    # 1050 ($2,400.00) falls due 10 days from today: the job seven days on schedules it and tells the customer.
    morning = TODAY + dt.timedelta(days=7)
    [made] = run_autopay(line.services.db.uow, line.services.settings, processor="sandbox", today=morning,
                         now=dt.datetime.combine(morning, dt.time(5, 30), tzinfo=dt.UTC), branding=TEST_BRANDING)
    assert paid(line.services) == [(240000, "scheduled")], made
    with line.services.db.uow() as uow:
        notice = uow.session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.reason == "autopay_notice"))
    assert notice is not None and "$2,400.00" in notice and "SKIP" in notice

    skipped = line.say("SKIP")
    assert "Skipped" in skipped and "$2,400.00" in skipped
    assert paid(line.services) == [(240000, "canceled")] and open_of(line.services, "1050") == 240000
    assert "Autopay is off" in line.say("stop autopay")
    assert autopay_status(line.services.db.uow(), "ACME") is None
