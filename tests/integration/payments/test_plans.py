"""Instalment plans on SQLite and PostgreSQL: the policy and the plan nearest to what was asked, an agreement kept as
read, instalments as scheduled payments that pay the invoices exactly, dunning leaving plan invoices out, a missed
instalment told to the customer and staff, a plan broken after the grace (dunning resumes), staff's change and
cancel."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from core import payments
from core.bootstrap import Services
from core.conversations import open_conversation
from core.dunning.run import run_dunning
from core.kernel import Actor
from core.kernel.config import PlanDefaults
from core.kernel.db import Database
from core.kernel.errors import Conflict, Invalid
from core.kernel.models import AuditEvent
from core.kernel.money import Money
from core.ledger.models import Allocation, Document, Payment, PaymentPlan, PlanInstalment
from core.ledger.rules import AllocationRequest
from core.outbox.models import OutboxMessage
from core.payments.initiation import initiate_payment
from core.payments.models import PaymentAttempt, PaymentLine, PaymentMethod, PaymentQuote
from core.payments.processor import ProcessorEvent
from core.payments.settlement import apply_event
from tests.books import TEST_ACTOR, TEST_BRANDING, customer, invoice, load
from tests.integration.payments.test_payments import card

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 15, 0, tzinfo=dt.UTC)
CHAT = Actor("conversation:test", "telegram")
STAFF = Actor("user:alice", "console")
DEFAULTS = PlanDefaults()  # 3 instalments at most, each $50.00 or more, within 90 days, the first at once, 7 days grace


def usd(text: str) -> Money:
    return Money.of(text, "USD")


@pytest.fixture
def method(db: Database) -> int:
    """ACME (a class that is dunned) owing INV-1 $1,000.00 and INV-2 $250.00, both well past due, and a Visa."""
    assert not load(db, "classes", [{"code": "AUTO", "allow_auto_statement": "true"}]).rejected
    customer(db, "ACME", **{"class": "AUTO"})
    invoice(db, "INV-1", "1000.00", "2026-09-01")
    invoice(db, "INV-2", "250.00", "2026-09-20")
    return card(db)


def later_first(db: Database, **fields: object) -> None:
    """The AUTO class's own policy: up to 4 instalments of $100.00 or more within 120 days, the first later."""
    terms = {"max_instalments": 4, "min_instalment": usd("100.00"), "max_days": 120, "first_due_now": False,
             "grace_days": 5, **fields}
    payments.set_policy(db.uow(), "AUTO", actor=STAFF, **terms)  # type: ignore[arg-type]


def agree(services: Services, method: int, asked: int | None, *numbers: str,
          reply: str = "YES") -> payments.QuoteOutcome:
    offer = payments.offer_plan(services.db.uow(), customer_code="ACME", numbers=numbers or ("INV-1", "INV-2"),
                                asked=asked, today=TODAY, defaults=DEFAULTS)
    conversation = open_conversation(services.db.uow(), "telegram", "4242").id
    quote_id = payments.keep_offer(services.db.uow(), conversation_id=conversation, offer=offer, method_id=method,
                                   text="the plan as read", now=NOW, expires_at=NOW + dt.timedelta(minutes=10),
                                   actor=CHAT)
    return payments.confirm_quote(services.db.uow, services.processor, conversation_id=conversation,
                                  quote_id=quote_id, now=NOW, today=TODAY, reasons=("Other",), actor=CHAT,
                                  branding=services.branding, reply=reply)


def settle(db: Database, payment_id: int, kind: str = "payment.succeeded", on: dt.date = TODAY) -> str:
    at = dt.datetime.combine(on, dt.time(12), tzinfo=dt.UTC)
    event = ProcessorEvent(f"evt_{kind}_{payment_id}", kind, None, at,  # type: ignore[arg-type]
                           "insufficient funds" if kind == "payment.failed" else None, reference=str(payment_id))
    return apply_event(db.uow(), event, TEST_ACTOR, TEST_BRANDING)


def instalments(db: Database) -> list[tuple[int, dt.date, int, int | None, str | None]]:
    """(seq, date, amount, payment id, payment status) of the one plan."""
    with db.uow() as uow:
        rows = uow.session.execute(select(PlanInstalment.seq, PlanInstalment.due_on, PlanInstalment.amount_minor,
                                          PlanInstalment.payment_id, Payment.status)
                                   .outerjoin(Payment, Payment.id == PlanInstalment.payment_id)
                                   .order_by(PlanInstalment.seq)).all()
        return [tuple(row) for row in rows]  # type: ignore[misc]


def open_of(db: Database, number: str) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(Document.open_minor).where(Document.number == number)) or 0)


def check(services: Services, on: dt.date) -> list[str]:
    return payments.check_plans(services.db.uow, on, TEST_ACTOR, TEST_BRANDING, services.settings)


def dunned(services: Services, on: dt.date) -> tuple[str, str]:
    result = run_dunning(services, on, TEST_ACTOR, customer_codes=["ACME"])[0]
    return result.status, result.reason


def actions(db: Database) -> list[str]:
    with db.uow() as uow:
        return list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_plan_offered_is_the_nearest_within_the_policy_and_exact_to_the_cent(services: Services,
                                                                                method: int) -> None:
    db = services.db
    asked_five = payments.offer_plan(db.uow(), customer_code="ACME", numbers=["INV-2", "INV-1"], asked=5,
                                     today=TODAY, defaults=DEFAULTS)
    assert [n for n, _ in asked_five.invoices] == ["INV-1", "INV-2"]  # oldest due first
    assert [(i.due_on, i.amount) for i in asked_five.proposal.instalments] == [
        (TODAY, usd("416.68")), (TODAY + dt.timedelta(days=30), usd("416.66")),
        (TODAY + dt.timedelta(days=60), usd("416.66"))]
    assert "at most 3" in asked_five.proposal.adjusted and "nearest I can offer is 3" in asked_five.proposal.adjusted
    later_first(db, min_instalment=usd("500.00"))
    small = payments.offer_plan(db.uow(), customer_code="ACME", numbers=["INV-1", "INV-2"], asked=4, today=TODAY,
                                defaults=DEFAULTS)
    assert [i.amount for i in small.proposal.instalments] == [usd("625.00"), usd("625.00")]
    assert small.proposal.instalments[0].due_on == TODAY + dt.timedelta(days=30)  # the class's first is later
    assert "at least $500.00" in small.proposal.adjusted
    with pytest.raises(Invalid, match="too little to split"):
        payments.offer_plan(db.uow(), customer_code="ACME", numbers=["INV-2"], asked=2, today=TODAY,
                            defaults=DEFAULTS)


def test_yes_records_the_agreement_and_schedules_payments_that_pay_the_invoices_exactly(services: Services,
                                                                                      method: int) -> None:
    db = services.db
    later_first(db)
    outcome = agree(services, method, 3, reply="yes please")
    assert outcome.answer == "done", outcome.reason
    with db.uow() as uow:
        plan = uow.session.scalars(select(PaymentPlan)).one()
        assert (plan.status, plan.agreed_channel, plan.agreement_text, plan.agreed_reply) == (
            "current", "telegram", "the plan as read", "yes please")
        agreed_at = plan.agreed_at if plan.agreed_at.tzinfo else plan.agreed_at.replace(tzinfo=dt.UTC)  # SQLite
        assert agreed_at == NOW
        assert plan.total_minor == 125000
        lines = uow.session.execute(select(Document.number, func.sum(PaymentLine.amount_minor))
                                    .join(PaymentLine, PaymentLine.invoice_id == Document.id)
                                    .group_by(Document.number)).all()
        assert dict(lines) == {"INV-1": 100000, "INV-2": 25000}  # every invoice exactly, across the instalments
        reasons = set(uow.session.execute(select(Document.number, PaymentLine.short_reason)
                                          .join(PaymentLine, PaymentLine.invoice_id == Document.id)).all())
        assert reasons == {("INV-1", "Instalment plan"), ("INV-2", None)}  # INV-2 falls whole into instalment 3
    rows = instalments(db)
    assert [(seq, on, amount, status) for seq, on, amount, _, status in rows] == [
        (1, TODAY + dt.timedelta(days=30), 41668, "scheduled"), (2, TODAY + dt.timedelta(days=60), 41666, "scheduled"),
        (3, TODAY + dt.timedelta(days=90), 41666, "scheduled")]
    with db.uow() as uow:
        dates = uow.session.scalars(select(Payment.scheduled_for).order_by(Payment.id)).all()
        assert dates == [on for _, on, _, _, _ in rows]
    assert "plan.agreed" in actions(db)
    # the invoices are the plan's: no other payment takes them, and no second plan
    with pytest.raises(Conflict, match="instalment plan"):
        initiate_payment(db.uow(), customer_code="ACME", amount=usd("250.00"), requests=[AllocationRequest("INV-2")],
                         method_id=method, pay_on=TODAY, today=TODAY, processor="sandbox", reasons=("Other",),
                         actor=TEST_ACTOR)
    with pytest.raises(Conflict, match="instalment plan"):
        agree(services, method, 2)
    with pytest.raises(Conflict, match="an instalment of payment plan"):  # only the plan cancels its instalments
        payments.cancel_scheduled(db.uow(), "ACME", rows[1][3], STAFF)  # type: ignore[arg-type]


def test_a_first_instalment_due_now_is_charged_at_once(services: Services, method: int) -> None:
    assert agree(services, method, None).answer == "done"  # the defaults: 3, the first today
    first = instalments(services.db)[0]
    assert first[1] == TODAY and first[4] in ("pending", "succeeded")


def test_paid_instalments_complete_the_plan_and_the_ledger_is_exact(services: Services, method: int) -> None:
    db = services.db
    later_first(db)
    agree(services, method, 3)
    outcomes = []
    for _, on, _, payment_id, _ in instalments(db):
        assert payment_id is not None
        payments.charge_scheduled(db.uow, services.processor, on, TEST_ACTOR, TEST_BRANDING)
        settle(db, payment_id, on=on)
        outcomes += check(services, on)
    assert len(outcomes) == 1 and outcomes[0].endswith(": completed")
    assert open_of(db, "INV-1") == open_of(db, "INV-2") == 0
    with db.uow() as uow:
        assert uow.session.scalar(select(func.sum(Allocation.amount_minor))) == 125000
        assert uow.session.scalar(select(PaymentPlan.status)) == "completed"


def test_dunning_leaves_plan_invoices_out_and_resumes_when_a_missed_instalment_breaks_the_plan(
        services: Services, method: int) -> None:
    db = services.db
    later_first(db)
    assert dunned(services, TODAY)[0] == "queued"  # before the plan, the reminder goes out
    agree(services, method, 3)
    status, reason = dunned(services, TODAY + dt.timedelta(days=1))
    assert status == "skipped" and "nothing left to ask for" in reason
    first = instalments(db)[0]
    payments.charge_scheduled(db.uow, services.processor, first[1], TEST_ACTOR, TEST_BRANDING)
    settle(db, first[3], "payment.failed", on=first[1])  # type: ignore[arg-type]
    assert [line.split(": ", 1)[1] for line in check(services, first[1])] == ["instalment 1 missed"]
    with db.uow() as uow:
        notice = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.reason == "plan_missed")).one()
        assert notice.recipient == "ap@acme.example" and "/pay/" in notice.body_text
        assert "Instalment 1 of your payment plan ($416.68" in notice.body_text
    assert "plan.instalment_missed" in actions(db)  # what staff see in the customer's audit and Plans panel
    assert dunned(services, first[1] + dt.timedelta(days=1))[0] == "skipped"  # still current within the grace
    assert check(services, first[1] + dt.timedelta(days=4)) == []
    broken = check(services, first[1] + dt.timedelta(days=5))
    assert broken and "broken" in broken[0]
    with db.uow() as uow:
        plan = uow.session.scalars(select(PaymentPlan)).one()
        assert plan.status == "broken"
    assert [status for *_, status in instalments(db)] == ["failed", "canceled", "canceled"]
    assert dunned(services, first[1] + dt.timedelta(days=6))[0] == "queued"  # reminders resume
    assert open_of(db, "INV-1") == 100000


def test_staff_change_the_remaining_instalments_and_cancel_a_plan(services: Services, method: int) -> None:
    db = services.db
    later_first(db)
    agree(services, method, 2)
    first, second = instalments(db)
    settle(db, first[3], "payment.failed", on=first[1])  # type: ignore[arg-type]
    check(services, first[1])
    plan_id = payments.customer_plans(db.uow(), "ACME")[0].id
    on = first[1] + dt.timedelta(days=2)
    with pytest.raises(Invalid, match="add up to"):
        payments.change_plan(db.uow(), customer_code="ACME", plan_id=plan_id, instalments=[(on, usd("100.00"))],
                             today=first[1], processor="sandbox", actor=STAFF, defaults=DEFAULTS)
    payments.change_plan(db.uow(), customer_code="ACME", plan_id=plan_id,
                         instalments=[(on, usd("600.00")), (second[1], usd("650.00"))], today=first[1],
                         processor="sandbox", actor=STAFF, defaults=DEFAULTS)
    rows = instalments(db)
    assert [(seq, day, amount, status) for seq, day, amount, _, status in rows] == [
        (1, on, 60000, "scheduled"), (2, second[1], 65000, "scheduled")]
    view = payments.customer_plans(db.uow(), "ACME")[0]
    assert view.status == "current" and [i.status for i in view.instalments] == ["scheduled", "scheduled"]
    payments.cancel_plan(db.uow(), customer_code="ACME", plan_id=plan_id, reason="customer paid by wire", today=on,
                         actor=STAFF)
    assert payments.customer_plans(db.uow(), "ACME")[0].status == "canceled"
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Payment).where(Payment.status == "scheduled")) == 0
        assert uow.session.scalar(select(func.count()).select_from(PaymentQuote)) == 1
    assert {"plan.changed", "plan.canceled"} <= set(actions(db))


def test_staff_create_a_plan_within_the_policy_only(services: Services, method: int) -> None:
    db = services.db
    instalments_ = [payments.Instalment(1, TODAY + dt.timedelta(days=10), usd("1000.00")),
                    payments.Instalment(2, TODAY + dt.timedelta(days=40), usd("250.00"))]
    with pytest.raises(Invalid, match="first instalment due today"):
        payments.create_plan(db.uow, services.processor, customer_code="ACME", numbers=["INV-1", "INV-2"],
                             instalments=instalments_, method_id=method, total=usd("1250.00"), now=NOW, today=TODAY,
                             actor=STAFF, branding=TEST_BRANDING, defaults=DEFAULTS, note="agreed on the phone")
    later_first(db)
    with pytest.raises(Conflict, match="not the \\$1,200.00 reviewed"):
        payments.create_plan(db.uow, services.processor, customer_code="ACME", numbers=["INV-1", "INV-2"],
                             instalments=instalments_, method_id=method, total=usd("1200.00"), now=NOW, today=TODAY,
                             actor=STAFF, branding=TEST_BRANDING, defaults=DEFAULTS, note="agreed on the phone")
    plan_id, _ = payments.create_plan(
        db.uow, services.processor, customer_code="ACME", numbers=["INV-1", "INV-2"], instalments=instalments_,
        method_id=method, total=usd("1250.00"), now=NOW, today=TODAY, actor=STAFF, branding=TEST_BRANDING,
        defaults=DEFAULTS, note="agreed on the phone")
    view = payments.plan_view(db.uow(), "ACME", plan_id)
    assert (view.agreed_channel, view.created_by, view.agreed_reply) == ("console", "user:alice", "agreed on the phone")
    with db.uow() as uow:  # INV-1 in one go: no part payment reason on it
        reasons = dict(uow.session.execute(select(Document.number, PaymentLine.short_reason)
                                           .join(PaymentLine, PaymentLine.invoice_id == Document.id)).all())
        assert reasons == {"INV-1": None, "INV-2": None}


def test_one_call_puts_a_customer_on_the_nearest_plan_for_everything_open(services: Services, method: int) -> None:
    plan_id, outcome = payments.plan_on_behalf(
        services.db.uow, services.processor, customer_code="ACME", asked=2, now=NOW, today=TODAY, actor=STAFF,
        branding=TEST_BRANDING, defaults=DEFAULTS, note="demo: agreed on the phone")
    view = payments.plan_view(services.db.uow(), "ACME", plan_id)
    assert view.invoices == ("INV-1", "INV-2") and view.total == usd("1250.00")
    assert [i.amount for i in view.instalments] == [usd("625.00"), usd("625.00")]
    assert outcome.startswith(f"plan {plan_id}: agreed; first instalment")


def test_a_softly_declined_instalment_is_retried_not_missed_and_its_retry_pays_it(services: Services,
                                                                                   method: int) -> None:
    db = services.db
    later_first(db)
    with db.uow() as uow:
        customer_id = uow.session.scalar(select(PaymentMethod.customer_id).where(PaymentMethod.id == method))
        once = PaymentMethod(customer_id=customer_id, processor="sandbox", token="tok_card_insufficient_once",
                             kind="card", brand="visa", last4="1117", exp_month=12, exp_year=2034, active=True)
        uow.session.add(once)
        uow.commit()
        once_id = once.id
    agree(services, once_id, 3)
    first = instalments(db)[0]
    payments.charge_scheduled(db.uow, services.processor, first[1], TEST_ACTOR, TEST_BRANDING)
    assert first[3] is not None and instalments(db)[0][4] == "failed"
    assert check(services, first[1]) == []  # a retry is planned: not missed
    assert payments.customer_plans(db.uow(), "ACME")[0].instalments[0].status == "retrying"
    payments.charge_scheduled(db.uow, services.processor, first[1] + dt.timedelta(days=1), TEST_ACTOR, TEST_BRANDING)
    with db.uow() as uow:
        retry = uow.session.scalar(select(PaymentAttempt.payment_id).where(PaymentAttempt.attempt == 2))
    assert retry is not None
    settle(db, retry, on=first[1] + dt.timedelta(days=1))
    assert check(services, first[1] + dt.timedelta(days=30)) == []
    assert payments.customer_plans(db.uow(), "ACME")[0].instalments[0].status == "succeeded"
    assert open_of(db, "INV-1") == 100000 - 41668
