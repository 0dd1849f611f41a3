"""An instalment plan negotiated through the real channels (SMS through the signed Twilio webhook, Telegram through
the secret-token webhook), with the money outcome read from the ledger: the same words on both lines."""

from __future__ import annotations

from sqlalchemy import select

from core.ledger.models import PaymentPlan
from tests.e2e.test_conversation_scripts import Line, api, line, open_of, paid  # noqa: F401  (the fixtures)


def test_payment_plan_for_an_invoice_agreed_by_yes(line: Line) -> None:  # noqa: F811
    offer = line.say("can we do a payment plan for 1043")
    assert "Here is a payment plan for 1043" in offer
    assert "$283.34" in offer and offer.count("$283.33") == 2 and "Total: $850.00" in offer
    done = line.say("YES")
    assert "Agreed: your payment plan for $850.00 is set up" in done
    assert [amount for amount, _ in paid(line.services)] == [28334, 28333, 28333]
    assert [status for _, status in paid(line.services)][1:] == ["scheduled", "scheduled"]
    with line.services.db.uow() as uow:
        plan = uow.session.scalars(select(PaymentPlan)).one()
        assert (plan.status, plan.agreed_channel, plan.agreed_reply) == ("current", line.channel, "YES")
    assert "already in a payment" in line.say("pay 1043")
    assert open_of(line.services, "1042") == 120000  # the other invoices are not in the plan
