"""One rule for who receives a message, on SQLite and PostgreSQL: for one customer, statement delivery, the
send-now choices, a dunning notice, a payment notice and the phone line's "send it to me" all pick the same
address, and none of them ever picks an address that opted out."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from core.bootstrap import Services
from core.conversations import latest_statement, set_sms_opt_out
from core.dunning import run_dunning
from core.kernel.money import Money
from core.ledger.models import Contact, Customer
from core.ledger.rules import AllocationRequest
from core.outbox.models import OutboxMessage
from core.payments.initiation import initiate_payment
from core.payments.models import PaymentMethod
from core.payments.processor import ProcessorEvent
from core.payments.settlement import apply_event
from core.statements import DeliverySelection, deliver_statements, run_statements, send_options
from core.statements.send_now import ChannelChoice
from tests.books import TEST_ACTOR, customer, invoice, load

TODAY = dt.date(2026, 11, 22)
UNSUBSCRIBED, STOPPED = "ap@acme.example", "+15105550100"  # the primary contact's
OWNER_EMAIL, OWNER_PHONE = "owner@acme.example", "+15105550111"  # a second contact's


def acme_whose_billing_contact_opted_out(services: Services) -> None:
    db = services.db
    assert not load(db, "classes", [{"code": "AUTO", "allow_auto_statement": "true"}]).rejected
    customer(db, "ACME", email=UNSUBSCRIBED, phone=STOPPED, delivery="email;sms", **{"class": "AUTO"})
    invoice(db, "INV-1", "400.00", "2026-10-08")  # 15 days past its 30-day terms on TODAY: a stage 1 reminder
    with db.uow() as uow:
        acme = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
        uow.session.execute(update(Contact).where(Contact.customer_id == acme).values(email_opt_out=True))
        uow.session.add(Contact(customer_id=acme, name="Owner", email=OWNER_EMAIL, phone=OWNER_PHONE))
        uow.session.add(PaymentMethod(customer_id=acme, processor="sandbox", token="tok_visa", kind="card",
                                      brand="visa", last4="4242", exp_month=12, exp_year=2030))
        uow.commit()
    set_sms_opt_out(db.uow(), STOPPED, True, TEST_ACTOR)  # the billing contact texted STOP
    run_statements(db, services.settings, services.files, statement_date=dt.date(2026, 10, 31),
                   finance_charges_on=None, actor=TEST_ACTOR)


def a_failed_payment(services: Services) -> None:
    with services.db.uow() as uow:
        card = uow.session.scalar(select(PaymentMethod.id))
    started = initiate_payment(services.db.uow(), customer_code="ACME", amount=Money.of("400.00", "USD"),
                               requests=[AllocationRequest("INV-1")], method_id=card, pay_on=TODAY, today=TODAY,
                               processor="sandbox", reasons=("Other",), actor=TEST_ACTOR)
    declined = ProcessorEvent("evt_declined", "payment.failed", "py_1",
                              dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC), "card declined",
                              reference=str(started.payment_id))
    apply_event(services.db.uow(), declined, TEST_ACTOR, services.branding)


def queued(services: Services, reason: str) -> list[tuple[str, str]]:
    with services.db.uow() as uow:
        return [(m.channel, m.recipient) for m in uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.reason == reason).order_by(OutboxMessage.id))]


def test_every_producer_picks_the_same_address_and_never_one_that_opted_out(services: Services) -> None:
    acme_whose_billing_contact_opted_out(services)

    deliver_statements(services, DeliverySelection(), TEST_ACTOR)
    assert queued(services, "statement") == [("email", OWNER_EMAIL), ("sms", OWNER_PHONE)]
    assert send_options(services.db.uow(), "ACME").channels == [
        ChannelChoice("email", OWNER_EMAIL), ChannelChoice("sms", OWNER_PHONE)]

    [dunned] = run_dunning(services, TODAY, TEST_ACTOR)
    assert (dunned.status, dunned.stage) == ("queued", 1)
    assert queued(services, "dunning") == [("email", OWNER_EMAIL)]

    a_failed_payment(services)
    assert queued(services, "payment_failed") == [("email", OWNER_EMAIL)]

    # The phone line, called from the number that said STOP: that number is not the caller's to use.
    by_email, by_sms = (latest_statement(services.db.uow(), "ACME", channel, STOPPED) for channel in ("email", "sms"))
    assert (by_email and by_email.recipient, by_sms and by_sms.recipient) == (OWNER_EMAIL, OWNER_PHONE)

    with services.db.uow() as uow:
        everyone = set(uow.session.scalars(select(OutboxMessage.recipient)))
    assert everyone == {OWNER_EMAIL, OWNER_PHONE}
