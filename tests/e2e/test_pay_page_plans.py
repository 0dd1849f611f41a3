"""A plan's missed instalment paid by the customer through the "Pay online" link its notice carries: the page offers
exactly that instalment, the payment carries exactly its lines, the plan goes on, and nothing is charged twice (not
by a replayed confirm, not by the retry planned for the declined charge)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import time_machine
from litestar.testing import TestClient
from sqlalchemy import select

from channels.web.app import create_app
from core import payments, staff
from core.bootstrap import Services
from core.kernel import Actor
from core.kernel.models import AuditEvent
from core.kernel.money import Money
from core.ledger.models import Payment, PaymentPlan, PlanInstalment
from core.outbox.models import OutboxMessage
from core.payments.adapters.sandbox import SandboxProcessor
from core.payments.adapters.sandbox_models import SandboxCharge
from core.payments.models import PaymentAttempt, PaymentLine
from tests import books
from tests.books import TEST_ACTOR
from tests.e2e import test_pay_page
from tests.e2e.test_pay_page import add_card, confirm, csrf, deliver, hidden_fields, open_amounts, path_of

sandbox = test_pay_page.sandbox
TODAY = dt.date(2026, 11, 22)
AT = dt.datetime(2026, 11, 22, 15, 0, tzinfo=dt.UTC)
STAFF = Actor("user:alice", "console")
PAY_URL = re.compile(r"(?:Pay online|Your account online): (http://\S+/pay/[\w.-]+)")


@pytest.fixture
def client(services: Services, sandbox: SandboxProcessor) -> Iterator[TestClient]:
    """ACME owes INV-1 $1,000.00 and INV-2 $250.00 (for a plan) and INV-3 $80.00 (outside it)."""
    assert not books.load(services.db, "classes", [{"code": "AUTO", "allow_auto_statement": "true"}]).rejected
    books.customer(services.db, "ACME", name="Acme Corp", email="ap@acme.example", **{"class": "AUTO"})
    for number, amount, due in (("INV-1", "1000.00", "2026-09-01"), ("INV-2", "250.00", "2026-09-20"),
                                ("INV-3", "80.00", "2026-10-01")):
        books.invoice(services.db, number, amount, due, customer="ACME")
    with time_machine.travel(AT, tick=False), TestClient(create_app(services)) as client:
        yield client


def make_plan(services: Services) -> int:
    """3 instalments on ACME's default card (the first card saved): $416.68, $416.66, $416.66."""
    plan_id, _ = payments.plan_on_behalf(services.db.uow, services.processor, customer_code="ACME", asked=3, now=AT,
                                         today=TODAY, actor=STAFF, branding=services.branding,
                                         defaults=services.settings.plan_defaults, note="agreed by phone",
                                         numbers=["INV-1", "INV-2"])
    return plan_id


def check(services: Services, on: dt.date) -> list[str]:
    return payments.check_plans(services.db.uow, on, TEST_ACTOR, services.branding, services.settings)


def link_in(services: Services, reason: str) -> str:
    with services.db.uow() as uow:
        body = uow.session.scalars(select(OutboxMessage.body_text).where(OutboxMessage.reason == reason)
                                   .order_by(OutboxMessage.id.desc())).first()
    found = PAY_URL.search(body or "")
    assert found, body
    return path_of(found.group(1))


def offered(page: str) -> list[str]:
    return re.findall(r'name="instalment-(\d+-\d+)"', page)


def instalment(services: Services, plan_id: int, seq: int) -> tuple[int, str]:
    with services.db.uow() as uow:
        row = uow.session.execute(select(PlanInstalment.payment_id, Payment.status).join(
            Payment, Payment.id == PlanInstalment.payment_id).where(PlanInstalment.plan_id == plan_id,
                                                                   PlanInstalment.seq == seq)).one()
        return row[0], row[1]


def lines_of(services: Services, payment_id: int) -> list[tuple[int, int, str | None]]:
    with services.db.uow() as uow:
        return [(line.invoice_id, line.amount_minor, line.short_reason) for line in uow.session.scalars(
            select(PaymentLine).where(PaymentLine.payment_id == payment_id).order_by(PaymentLine.invoice_id))]


def counts(services: Services) -> tuple[int, int]:
    """(payments, charges the processor saw)."""
    with services.db.uow() as uow:
        made = len(uow.session.scalars(select(Payment.id)).all())
        return made, len(uow.session.scalars(select(SandboxCharge.id)).all())


def review(client: TestClient, link: str, method: int, form: dict[str, str]) -> str:
    page = client.get(link)
    answer = client.post(f"{link}/review", data={"_csrf_token": csrf(page.text), "method": str(method), **form})
    assert answer.status_code == 200, answer.text
    return answer.text


def test_a_missed_instalment_is_paid_once_through_the_notices_link_and_the_plan_goes_on(client, services, sandbox):
    short_of_funds = add_card(services, "ACME", token="tok_card_insufficient")  # 4000 0000 0000 9995
    plan_id = make_plan(services)  # the first instalment, due today, is charged at once: declined
    deliver(client, sandbox)
    scheduled_first, status = instalment(services, plan_id, 1)
    assert status == "failed"
    assert check(services, TODAY) == [f"plan {plan_id}: instalment 1 missed"]

    link = link_in(services, "plan_missed")
    page = client.get(link)
    assert page.status_code == 200
    assert offered(page.text) == [f"{plan_id}-1"]  # exactly that instalment; not the plan's invoices one by one
    assert f"Instalment 1 of 3 (plan #{plan_id}) — $416.68 — due Nov 22, 2026, missed" in page.text
    assert "Pays INV-1 as your plan agreed" in page.text
    assert 'name="pick-INV-1"' not in page.text and 'name="pick-INV-2"' not in page.text
    assert 'name="pick-INV-3"' in page.text
    page_csrf = csrf(page.text)  # a plan's invoice asked for outside its instalment (a forged form): refused
    forged = client.post(f"{link}/review", data={"_csrf_token": page_csrf, "method": str(short_of_funds),
                                                 "pick-INV-2": "yes"})
    assert forged.status_code == 422 and "instalment plan" in forged.text

    # The same declining card again: declined, the instalment stays missed and is offered again; the plan holds.
    declined = review(client, link, short_of_funds, {f"instalment-{plan_id}-1": "41668"})
    assert hidden_fields(declined)["total"] == "416.68"
    assert confirm(client, link, declined) == 303
    deliver(client, sandbox)
    assert instalment(services, plan_id, 1)[1] == "failed"
    assert check(services, TODAY) == []
    assert payments.plan_view(services.db.uow(), "ACME", plan_id).instalments[0].status == "missed"
    assert offered(client.get(link).text) == [f"{plan_id}-1"]

    visa = add_card(services, "ACME", token="tok_visa")
    shown = review(client, link, visa, {f"instalment-{plan_id}-1": "41668"})
    assert "Instalment 1 of 3" in shown and hidden_fields(shown)["total"] == "416.68" and "$416.68" in shown
    before = open_amounts(services)
    assert confirm(client, link, shown) == 303
    deliver(client, sandbox)

    paid_by, status = instalment(services, plan_id, 1)
    assert status == "succeeded" and paid_by != scheduled_first
    assert lines_of(services, paid_by) == lines_of(services, scheduled_first)  # exactly the instalment's lines
    after = open_amounts(services)
    assert before["INV-1"] - after["INV-1"] == 41668
    assert after["INV-2"] == before["INV-2"] and after["INV-3"] == before["INV-3"]
    with services.db.uow() as uow:
        payment = uow.session.get(Payment, paid_by)
        assert payment is not None and (payment.channel, payment.amount) == ("pay_link", Money.of("416.68", "USD"))
        assert uow.session.scalar(select(AuditEvent.actor).where(
            AuditEvent.action == "plan.instalment_paid_online")) == "customer:ACME (pay link)"
    view = payments.plan_view(services.db.uow(), "ACME", plan_id).instalments[0]
    assert (view.status, view.online, view.payment_id) == ("succeeded", True, paid_by)  # the console's Plans panel

    made = counts(services)
    replay = client.post(f"{link}/confirm", data=hidden_fields(shown), follow_redirects=False)
    assert replay.status_code == 303 and counts(services) == made and open_amounts(services) == after

    assert check(services, TODAY + dt.timedelta(days=1)) == []  # no break: the plan goes on
    with services.db.uow() as uow:
        assert uow.session.scalar(select(PaymentPlan.status).where(PaymentPlan.id == plan_id)) == "current"
    assert instalment(services, plan_id, 2)[1] == "scheduled" and instalment(services, plan_id, 3)[1] == "scheduled"

    staff.add_user(services.db.uow(), "agent", "correct horse battery", "agent", TEST_ACTOR)
    client.get("/console/login")
    signed = client.post("/console/login", data={"username": "agent", "password": "correct horse battery",
                                                 "_csrf_token": client.cookies.get("aragent_csrf")},
                         follow_redirects=False)
    assert signed.status_code == 303
    panel = client.get("/console/customers/ACME").text
    row = re.search(r'<tr data-instalment="1">.*?</tr>', panel.split('id="plans"')[1], re.S)
    assert row and f">{paid_by}</a>" in row.group(0) and "paid online by the customer" in row.group(0)


def test_an_instalment_waiting_for_its_retry_is_paid_online_and_the_retry_is_canceled(client, services, sandbox):
    payments.set_policy(services.db.uow(), "AUTO", max_instalments=3, min_instalment=Money.of("100.00", "USD"),
                        max_days=90, first_due_now=False, grace_days=5, actor=STAFF)
    add_card(services, "ACME", token="tok_card_insufficient_once")  # its first charge declines, the next succeed
    plan_id = make_plan(services)
    first_scheduled, status = instalment(services, plan_id, 1)
    due = TODAY + dt.timedelta(days=30)
    with time_machine.travel(dt.datetime.combine(due, dt.time(15), tzinfo=dt.UTC), tick=False):
        payments.charge_scheduled(services.db.uow, services.processor, due, TEST_ACTOR, services.branding)
        deliver(client, sandbox)
        assert instalment(services, plan_id, 1)[1] == "failed"
        assert check(services, due) == []  # a retry is planned: not missed
        link = link_in(services, "payment_failed")  # "we will try again on …; pay before then"
        page = client.get(link).text
        assert offered(page) == [f"{plan_id}-1"]
        assert f"Instalment 1 of 3 (plan #{plan_id}) — $416.68 — due Dec 22, 2026, declined, to be tried again" \
            in page

        visa = add_card(services, "ACME", token="tok_visa")
        shown = review(client, link, visa, {f"instalment-{plan_id}-1": "41668", "pick-INV-3": "yes"})
        assert hidden_fields(shown)["total"] == "496.68"
        before = open_amounts(services)
        assert confirm(client, link, shown) == 303
        deliver(client, sandbox)
        paid_by, status = instalment(services, plan_id, 1)
        assert status == "succeeded"
        with services.db.uow() as uow:
            retry = uow.session.scalars(select(PaymentAttempt).where(
                PaymentAttempt.first_payment_id == first_scheduled, PaymentAttempt.attempt == 2)).one()
            assert (retry.outcome, retry.note) == ("canceled", f"paid online in payment {paid_by}")
        after = open_amounts(services)
        assert before["INV-1"] - after["INV-1"] == 41668 and after["INV-3"] == 0

    made = counts(services)
    for day in range(1, 8):  # the retry's day comes and goes: nothing more is charged
        on = due + dt.timedelta(days=day)
        payments.charge_scheduled(services.db.uow, services.processor, on, TEST_ACTOR, services.branding)
        assert check(services, on) == []
    deliver(client, sandbox)
    assert counts(services) == made and open_amounts(services) == after
    assert instalment(services, plan_id, 2)[1] == "scheduled"
    assert [i.status for i in payments.plan_view(services.db.uow(), "ACME", plan_id).instalments] == \
        ["succeeded", "scheduled", "scheduled"]
