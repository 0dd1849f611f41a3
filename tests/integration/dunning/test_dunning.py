"""The dunning run on SQLite and PostgreSQL: who gets a notice and why the others do not, what lands in the
outbox, reruns, cadence and escalation, suppressions, cancel when paid, and staff-edited templates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from core.bootstrap import Services
from core.dunning.models import DunningNotice, DunningStage
from core.dunning.policy import policy_in_force
from core.dunning.run import DunningResult, cancel_paid_dunning, cancel_promise, record_promise, run_dunning
from core.dunning.template_preview import set_dunning_template
from core.kernel.db import Database
from core.kernel.errors import Invalid, NotFound
from core.kernel.models import AuditEvent
from core.kernel.money import Money
from core.ledger.models import Contact, Customer, CustomerClass, Document, InvoiceHold, Payment
from core.ledger.posting import record_payment
from core.ledger.rules import AllocationRequest
from core.outbox.models import OutboxMessage
from core.outbox.templates import get_template_text, list_templates, reset_template
from core.statements.cycle import run_statements
from core.statements.models import Statement
from tests.books import TEST_ACTOR, customer, invoice, load

D = dt.date(2026, 11, 22)
STAGE_1, STAGE_2, STAGE_3 = "2026-10-08", "2026-10-07", "2026-09-22"  # 15, 16 and 31 days over 30-day terms


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def owing(db: Database, code: str, *invoices: tuple[str, str], **fields: str) -> None:
    customer(db, code, **{"class": "AUTO", **fields})
    for n, (amount, date) in enumerate(invoices, start=1):
        invoice(db, f"{code}-{n}", amount, date, customer=code)


def dun(services: Services, on: dt.date = D, *codes: str) -> dict[str, DunningResult]:
    return {r.customer: r for r in run_dunning(services, on, TEST_ACTOR, customer_codes=list(codes) or None)}


def messages(db: Database, code: str) -> list[OutboxMessage]:
    with db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == code))
        found = list(uow.session.scalars(select(OutboxMessage).where(OutboxMessage.customer_id == customer_id)
                                         .order_by(OutboxMessage.id)))
        uow.session.expunge_all()  # read after the session is gone
        return found


def count(db: Database, model: type) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))  # type: ignore[no-any-return]


def doc_id(db: Database, number: str) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(Document.id).where(Document.number == number))  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def auto_class(db: Database) -> None:
    assert not load(db, "classes", [{"code": "AUTO", "allow_auto_statement": "true"}]).rejected


def test_who_is_dunned_and_why_the_others_are_not(services: Services) -> None:
    db = services.db
    owing(db, "OK", ("1200.50", STAGE_2), ("99.99", "2026-11-15"))
    owing(db, "OFF", ("500.00", "2026-09-01"), **{"class": ""})  # the DEFAULT class: automatic statements off
    owing(db, "NOOPT", ("10.00", STAGE_1), delivery="print")
    owing(db, "NOADDR", ("10.00", STAGE_1))
    owing(db, "OPTOUT", ("10.00", STAGE_1))
    owing(db, "EVEN", ("100.00", STAGE_3))
    owing(db, "CREDIT", ("100.00", STAGE_3))
    invoice(db, "CM-1", "100.00", "2026-11-01", customer="EVEN", type="credit")
    invoice(db, "CM-2", "40.00", "2026-11-01", customer="CREDIT", type="credit")
    customer(db, "IDLE", **{"class": "AUTO"})
    with db.uow() as uow:
        ids = dict(uow.session.execute(select(Customer.code, Customer.id)).all())
        uow.session.execute(update(Contact).where(Contact.customer_id == ids["NOADDR"]).values(email=None))
        uow.session.execute(update(Contact).where(Contact.customer_id == ids["OPTOUT"]).values(email_opt_out=True))
        uow.commit()
    assert {code: r.to_json() for code, r in dun(services).items()} == {
        "OK": {"customer": "OK", "stage": 2, "balance": "1300.49", "days_over_terms": 16, "channel": "email",
               "status": "queued", "reason": "first notice"},
        "OFF": {"customer": "OFF", "stage": 3, "balance": "500.00", "days_over_terms": 52, "channel": None,
                "status": "skipped", "reason": "class does not allow automatic statements"},
        "NOOPT": {"customer": "NOOPT", "stage": 1, "balance": "10.00", "days_over_terms": 15, "channel": None,
                  "status": "skipped", "reason": "no opt-in for email"},
        "NOADDR": {"customer": "NOADDR", "stage": 1, "balance": "10.00", "days_over_terms": 15, "channel": None,
                   "status": "skipped", "reason": "no email address"},
        "OPTOUT": {"customer": "OPTOUT", "stage": 1, "balance": "10.00", "days_over_terms": 15, "channel": None,
                   "status": "skipped", "reason": "opted out of email"},
        "EVEN": {"customer": "EVEN", "stage": None, "balance": "0.00", "days_over_terms": 31, "channel": None,
                 "status": "skipped", "reason": "balance is not above zero (credits and unapplied cash included)"},
        "CREDIT": {"customer": "CREDIT", "stage": 3, "balance": "60.00", "days_over_terms": 31, "channel": "email",
                   "status": "queued", "reason": "first notice"},
    }
    assert [m.recipient for m in messages(db, "OK")] == ["ap@ok.example"]
    assert dun(services, D, "IDLE")["IDLE"].to_json() == {
        "customer": "IDLE", "stage": None, "balance": "0.00", "days_over_terms": None, "channel": None,
        "status": "skipped", "reason": "nothing open"}


def test_a_queued_message_is_pending_names_amount_and_invoices_and_the_latest_statement(services: Services) -> None:
    db = services.db
    owing(db, "OK", ("1200.50", STAGE_2), ("99.99", "2026-11-15"))
    for statement_date in (dt.date(2026, 9, 30), dt.date(2026, 10, 31)):
        run_statements(db, services.settings, services.files, statement_date=statement_date, finance_charges_on=None,
                       actor=TEST_ACTOR)
    assert dun(services)["OK"].status == "queued"
    [message] = messages(db, "OK")
    with db.uow() as uow:
        october = uow.session.scalar(select(Statement.id).where(Statement.statement_date == dt.date(2026, 10, 31)))
        [notice] = uow.session.scalars(select(DunningNotice)).all()
        uow.session.expunge_all()
    assert (message.status, message.channel, message.template, message.reason) == (
        "pending", "email", "dunning.stage2.email", "dunning")
    assert message.respect_quiet_hours and message.statement_id == october and message.attachments == []
    assert message.dedupe_key == "dunning:OK:2026-11-22:email"
    assert message.subject == "Second notice from Northwind Supply Co.: $1,200.50 overdue on account OK"
    assert "Amount due: $1,300.49" in message.body_text and "OK-1  due Nov 6, 2026  $1,200.50" in message.body_text
    assert "Your statement of Oct 31, 2026 is attached." in message.body_text
    assert "<td>OK-1</td><td>Nov 6, 2026</td><td align=\"right\">$1,200.50</td>" in (message.body_html or "")
    assert (notice.stage, notice.channel, notice.outbox_id, notice.balance_minor, notice.days_over_terms) == (
        2, "email", message.id, 130049, 16)
    assert notice.invoice_ids == [doc_id(db, "OK-1")]  # the invoices it names: the overdue one, not OK-2 coming due


def test_a_class_policy_picks_its_channels_and_may_approve_at_once(services: Services) -> None:
    db = services.db
    assert not load(db, "classes", [{"code": "FAST", "allow_auto_statement": "true"}]).rejected
    with db.uow() as uow:
        fast = uow.session.scalar(select(CustomerClass.id).where(CustomerClass.code == "FAST"))
        uow.session.add_all([DunningStage(class_id=fast, stage=1, days_over_terms_above=None, name="Nudge",
                                          template="dunning.stage1", channels="sms;email", auto_approve=True),
                             DunningStage(class_id=fast, stage=2, days_over_terms_above=5, name="Chase",
                                          template="dunning.stage3", channels="sms;email", auto_approve=True)])
        uow.commit()
    for code in ("TEXT", "MAIL"):
        owing(db, code, ("80.00", STAGE_1), phone="+15105550123", delivery="sms;email", **{"class": "FAST"})
    with db.uow() as uow:
        mail = uow.session.scalar(select(Customer.id).where(Customer.code == "MAIL"))
        uow.session.execute(update(Contact).where(Contact.customer_id == mail).values(sms_opt_out=True))
        uow.commit()
    results = dun(services)
    assert (results["TEXT"].stage, results["TEXT"].channel, results["MAIL"].channel) == (2, "sms", "email")
    [text], [mail_message] = messages(db, "TEXT"), messages(db, "MAIL")
    assert (text.status, text.recipient, text.template) == ("approved", "+15105550123", "dunning.stage3.sms")
    assert "FINAL NOTICE" in text.body_text and "$80.00" in text.body_text and "TEXT-1" in text.body_text
    assert mail_message.status == "approved" and mail_message.body_html
    policy = policy_in_force(db.uow(), "FAST")
    assert policy.source == "class FAST" and [s.channels for s in policy.stages] == [("sms", "email")] * 2
    assert policy_in_force(db.uow(), "AUTO").source == "built-in seed default"
    with db.uow() as uow:  # a default policy of its own replaces the seed's for every class without one
        uow.session.add(DunningStage(class_id=None, stage=1, days_over_terms_above=None, template="dunning.stage1",
                                     channels="email", cadence_days=14))
        uow.commit()
    default = policy_in_force(db.uow(), "AUTO")
    assert default.source == "default policy" and [(s.stage, s.cadence_days) for s in default.stages] == [(1, 14)]


def test_a_rerun_of_the_date_queues_nothing_twice(services: Services) -> None:
    owing(services.db, "OK", ("100.00", STAGE_2))
    assert dun(services)["OK"].status == "queued"
    again = dun(services)["OK"]
    assert (again.status, again.reason, again.stage, again.channel) == (
        "skipped", "already queued for 2026-11-22", 2, "email")
    assert count(services.db, OutboxMessage) == 1 and count(services.db, DunningNotice) == 1


def test_cadence_holds_the_same_stage_back_and_escalation_goes_at_once(services: Services) -> None:
    owing(services.db, "LATE", ("100.00", STAGE_1))
    outcomes = [(r.status, r.stage, r.reason) for r in (dun(services, day(n))["LATE"] for n in (0, 1, 3, 8))]
    assert outcomes == [
        ("queued", 1, "first notice"),
        ("queued", 2, "escalated from stage 1"),
        ("skipped", 2, "stage 2 notice sent 2026-11-23; next not before 2026-11-30 (every 7 days)"),
        ("queued", 2, "last notice 2026-11-23"),
    ]
    assert [m.template for m in messages(services.db, "LATE")] == [
        "dunning.stage1.email", "dunning.stage2.email", "dunning.stage2.email"]


def hold(db: Database, number: str) -> None:
    """Put an invoice in a scheduled payment, as core.payments.initiation does."""
    with db.uow() as uow:
        doc = uow.session.scalar(select(Document).where(Document.number == number))
        assert doc is not None
        payment = Payment(customer_id=doc.customer_id, currency="USD", amount_minor=doc.open_minor, status="scheduled",
                          received_on=day(3), scheduled_for=day(3))
        uow.session.add(payment)
        uow.session.flush()
        uow.session.add(InvoiceHold(invoice_id=doc.id, payment_id=payment.id))
        uow.commit()


def short_pay(services: Services, code: str, number: str, amount: str, reason: str) -> None:
    paid = Money.of(amount, "USD")
    record_payment(services.db.uow(), customer_code=code, amount=paid, received_on=dt.date(2026, 10, 15),
                   requests=[AllocationRequest(number, paid, reason)], reasons=services.settings.short_pay_reasons,
                   actor=TEST_ACTOR)


def test_invoices_in_a_payment_and_amounts_in_dispute_are_left_out(services: Services) -> None:
    db = services.db
    owing(db, "HELD", ("500.00", STAGE_3), ("100.00", "2026-11-01"))
    owing(db, "ALLHELD", ("500.00", STAGE_3))
    owing(db, "DISP", ("1000.00", "2026-09-01"), ("200.00", STAGE_2))
    owing(db, "RETURNS", ("1000.00", "2026-09-01"))
    hold(db, "HELD-1")
    hold(db, "ALLHELD-1")
    short_pay(services, "DISP", "DISP-1", "600.00", "Damaged goods")  # 400.00 left, in dispute
    short_pay(services, "RETURNS", "RETURNS-1", "600.00", "Returned goods")  # not a dispute reason: still owed
    results = {code: (r.status, r.stage, str(r.balance.amount), r.reason) for code, r in dun(services).items()}
    assert results == {
        "HELD": ("queued", 1, "100.00", "first notice; left out: 1 in a scheduled or pending payment"),
        "ALLHELD": ("skipped", None, "0.00", "nothing left to ask for: 1 in a scheduled or pending payment"),
        "DISP": ("queued", 2, "200.00", "first notice; left out: 1 in dispute"),
        "RETURNS": ("queued", 3, "400.00", "first notice"),
    }
    with db.uow() as uow:
        asked = {n.customer_id: n.invoice_ids for n in uow.session.scalars(select(DunningNotice))}
    assert sorted(asked.values()) == sorted([[doc_id(db, "HELD-2")], [doc_id(db, "DISP-2")], [doc_id(db, "RETURNS-1")]])
    [held_message] = messages(db, "HELD")
    assert "HELD-1" not in held_message.body_text and "$100.00" in held_message.body_text


def test_a_promise_holds_dunning_off_until_its_date_plus_grace(services: Services) -> None:
    owing(services.db, "PROM", ("100.00", STAGE_3))
    owing(services.db, "WITHDRAWN", ("100.00", STAGE_3))
    promise = record_promise(services.db.uow(), "PROM", day(2), None, TEST_ACTOR, "telegram", today=D)
    assert promise.held_off_until == day(5) and promise.amount is None
    record_promise(services.db.uow(), "WITHDRAWN", day(2), Money.of("50", "USD"), TEST_ACTOR, today=D)
    assert len(cancel_promise(services.db.uow(), "WITHDRAWN", TEST_ACTOR)) == 1
    first = dun(services)
    assert first["PROM"].reason == "promised to pay by 2026-11-24; held off until 2026-11-27"
    assert first["WITHDRAWN"].status == "queued"
    assert dun(services, day(5))["PROM"].status == "skipped"
    assert dun(services, day(6))["PROM"].status == "queued"
    with pytest.raises(Invalid, match="in the past"):
        record_promise(services.db.uow(), "PROM", day(-1), None, TEST_ACTOR, today=D)


def test_a_message_still_waiting_is_canceled_once_the_customer_pays(services: Services) -> None:
    db = services.db
    for code in ("PAID", "DEPOSIT", "SCHEDULED", "KEEP"):
        owing(db, code, ("100.00", STAGE_2))
    assert [r.status for r in dun(services).values()] == ["queued"] * 4
    record_payment(db.uow(), customer_code="PAID", amount=Money.of("100", "USD"), received_on=day(1),
                   requests=[AllocationRequest("PAID-1")], reasons=services.settings.short_pay_reasons,
                   actor=TEST_ACTOR)
    record_payment(db.uow(), customer_code="DEPOSIT", amount=Money.of("150", "USD"), received_on=day(1),
                   requests=[], reasons=services.settings.short_pay_reasons, actor=TEST_ACTOR)
    hold(db, "SCHEDULED-1")  # a payment on its way counts as paid; if it fails, the next run asks again
    assert cancel_paid_dunning(db, TEST_ACTOR, today=day(1)) == 3
    assert [m.status for code in ("PAID", "DEPOSIT", "SCHEDULED", "KEEP") for m in messages(db, code)] == [
        "canceled", "canceled", "canceled", "pending"]
    with db.uow() as uow:
        audited = uow.session.scalar(select(func.count()).where(AuditEvent.action == "outbox.canceled"))
    assert audited == 3
    assert cancel_paid_dunning(db, TEST_ACTOR, today=day(1)) == 0


def test_a_template_override_is_used_and_a_broken_one_refused(services: Services) -> None:
    db = services.db
    name = "dunning.stage2.email.subject.txt"
    owing(db, "OK", ("1200.50", STAGE_2))
    with pytest.raises(Invalid, match=r"does not compile: line 1: .*"):
        set_dunning_template(db.uow(), name, "{% if amount_due %}Overdue", TEST_ACTOR)
    with pytest.raises(Invalid, match="unknown variable.*amount_owed"):
        set_dunning_template(db.uow(), name, "{{ amount_owed }}", TEST_ACTOR)
    with pytest.raises(Invalid, match="cannot be edited"):
        set_dunning_template(db.uow(), "statement.email.txt", "Hello", TEST_ACTOR)
    with pytest.raises(NotFound):
        set_dunning_template(db.uow(), "dunning.stage9.email.txt", "Hello", TEST_ACTOR)
    set_dunning_template(db.uow(), name, "Overdue: {{ amount_due }} for {{ customer_code }}", TEST_ACTOR)
    assert [t.name for t in list_templates(db.uow()) if t.overridden] == [name]
    assert dun(services)["OK"].status == "queued"
    assert [m.subject for m in messages(db, "OK")] == ["Overdue: $1,200.50 for OK"]
    assert reset_template(db.uow(), name, TEST_ACTOR) is True
    with db.uow() as uow:
        assert get_template_text(uow.session, name).startswith("Second notice from {{ seller }}")
