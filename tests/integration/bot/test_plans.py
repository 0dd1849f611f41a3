"""An instalment plan negotiated in the chat, on both backends: the plan within the class's policy (the nearest one
when asked for more, said plainly), every date and amount shown, YES agrees it exactly as read — the customer's words,
time and channel kept, the instalments scheduled — and NO leaves nothing behind."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.ledger.models import Payment, PaymentPlan, PlanInstalment
from tests.integration.bot.test_dialogue import NOW, Chat, count, settle

TODAY = NOW.date()


def test_split_into_three_payments_shows_every_date_and_amount_and_yes_schedules_them(chat: Chat) -> None:
    db = chat.services.db
    offered = chat.say("can I split this into 3 payments?")
    assert "Here is a payment plan for INV-1043, INV-1044 and INV-1042" in offered
    assert "1. today (Sun, Nov 22): $550.00" in offered
    assert "2. Tue, Dec 22, 2026: $550.00" in offered and "3. Thu, Jan 21, 2027: $550.00" in offered
    assert "Total: $1,650.00" in offered and "Method: Visa •4242" in offered
    assert chat.state() == "confirm_quote"
    assert "Reply YES to agree to the payment plan for $1,650.00" in chat.say("sounds fine i guess")
    agreed = chat.say("yes")
    assert "Agreed: your payment plan for $1,650.00 is set up" in agreed
    assert "first payment of $550.00 was charged to Visa •4242" in agreed
    settle(chat.services)
    with db.uow() as uow:
        plan = uow.session.scalars(select(PaymentPlan)).one()
        assert (plan.status, plan.agreed_channel, plan.agreed_reply) == ("current", "sms", "yes")
        assert plan.agreement_text == offered  # exactly what the customer read
        rows = uow.session.execute(select(PlanInstalment.due_on, Payment.amount_minor, Payment.status,
                                          Payment.scheduled_for)
                                   .join(Payment, Payment.id == PlanInstalment.payment_id)
                                   .order_by(PlanInstalment.seq)).all()
    assert [tuple(r) for r in rows] == [
        (TODAY, 55000, "succeeded", None),
        (TODAY + dt.timedelta(days=30), 55000, "scheduled", TODAY + dt.timedelta(days=30)),
        (TODAY + dt.timedelta(days=60), 55000, "scheduled", TODAY + dt.timedelta(days=60))]
    assert "already in a payment or a plan" in chat.say("can we do a payment plan for 1043")


def test_more_payments_than_the_policy_allows_gets_the_nearest_plan_and_no_leaves_nothing(chat: Chat) -> None:
    offered = chat.say("can we do a payment plan for 1043, 6 payments")
    assert "I can't split it into 6 payments: our terms allow at most 3. The nearest I can offer is 3." in offered
    assert "$83.34" in offered and "$83.33" in offered and "Total: $250.00" in offered
    assert "nothing was paid" in chat.say("no")
    assert count(chat.services.db, PaymentPlan) == 0 and count(chat.services.db, Payment) == 0
