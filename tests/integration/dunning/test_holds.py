"""Dunning holds ("Mahnstopp") on SQLite and PostgreSQL: a customer on hold is skipped with the reason, an invoice on
hold is left out of what is asked, a hold ends by itself after its last day, staff replace and lift holds (each
audited), and a message still waiting for a customer put on hold is taken back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.bootstrap import Services
from core.dunning import all_holds, holds_for, lift_hold, put_on_hold
from core.dunning.held_off import SOURCES, HeldOff, held_off
from core.dunning.models import DunningNotice
from core.dunning.run import cancel_paid_dunning
from core.kernel.errors import Invalid, NotFound
from core.kernel.models import AuditEvent
from core.staff import AuditFilter, describe, search_audit
from tests.books import TEST_ACTOR, invoice, load
from tests.integration.dunning.test_dunning import STAGE_1, STAGE_3, D, day, doc_id, dun, messages, owing


@pytest.fixture(autouse=True)
def auto_class(services: Services) -> None:
    assert not load(services.db, "classes", [{"code": "AUTO", "allow_auto_statement": "true"}]).rejected


def test_a_customer_on_hold_is_skipped_with_the_reason_until_the_hold_ends(services: Services) -> None:
    owing(services.db, "HOLD", ("500.00", STAGE_3))
    owing(services.db, "FREE", ("500.00", STAGE_3))
    hold = put_on_hold(services.db.uow(), "HOLD", "  insolvency   talks ", TEST_ACTOR, until=day(10), today=D)
    assert (hold.customer, hold.invoice, hold.reason, hold.until, hold.status) == (
        "HOLD", None, "insolvency talks", day(10), "active")
    first = dun(services)
    assert first["HOLD"].to_json() == {
        "customer": "HOLD", "stage": 3, "balance": "500.00", "days_over_terms": 31, "channel": None,
        "status": "skipped", "reason": "on hold until 2026-12-02: insolvency talks"}
    assert first["FREE"].status == "queued" and messages(services.db, "HOLD") == []
    assert dun(services, day(10), "HOLD")["HOLD"].reason == "on hold until 2026-12-02: insolvency talks"
    # The day after its last day the hold has ended by itself: no job, and it reads as ended.
    assert dun(services, day(11), "HOLD")["HOLD"].status == "queued"
    assert holds_for(services.db.uow(), "HOLD", day(11)) == []
    [ended] = holds_for(services.db.uow(), "HOLD", day(11), past=True)
    assert (ended.id, ended.status) == (hold.id, "ended")
    assert [h.customer for h in all_holds(services.db.uow(), D)] == ["HOLD"]


def test_an_open_ended_hold_holds_until_staff_lift_it(services: Services) -> None:
    owing(services.db, "STOP", ("80.00", STAGE_3))
    put_on_hold(services.db.uow(), "STOP", "legal review", TEST_ACTOR, today=D)
    assert dun(services, day(400), "STOP")["STOP"].reason == "on hold: legal review"
    [lifted] = lift_hold(services.db.uow(), "STOP", TEST_ACTOR, today=day(400))
    assert lifted.status == "lifted" and lifted.lifted_by == TEST_ACTOR.name
    assert dun(services, day(400), "STOP")["STOP"].status == "queued"


def test_an_invoice_on_hold_is_left_out_of_what_is_asked(services: Services) -> None:
    db = services.db
    owing(db, "PART", ("500.00", STAGE_3), ("100.00", STAGE_1))
    owing(db, "WHOLE", ("300.00", STAGE_3))
    put_on_hold(db.uow(), "PART", "credit note on its way", TEST_ACTOR, invoice="PART-1", until=day(30), today=D)
    put_on_hold(db.uow(), "WHOLE", "PO mismatch", TEST_ACTOR, invoice="WHOLE-1", today=D)
    results = dun(services)
    assert results["PART"].to_json() == {
        "customer": "PART", "stage": 1, "balance": "100.00", "days_over_terms": 15, "channel": "email",
        "status": "queued", "reason": "first notice; left out: 1 held off (PART-1 on hold until 2026-12-22: credit "
                                      "note on its way)"}
    assert results["WHOLE"].to_json()["reason"] == "nothing left to ask for: 1 held off (WHOLE-1 on hold: PO mismatch)"
    with db.uow() as uow:
        asked = uow.session.scalars(select(DunningNotice.invoice_ids)).all()
    assert asked == [[doc_id(db, "PART-2")]]
    [message] = messages(db, "PART")
    assert "PART-1" not in message.body_text and "$100.00" in message.body_text
    # The account's view shows both holds: the account's first (none here), then each invoice's.
    assert [(h.invoice, h.status) for h in holds_for(db.uow(), "PART", D)] == [("PART-1", "active")]


def test_holds_are_replaced_lifted_refused_and_audited(services: Services) -> None:
    db = services.db
    owing(db, "AUD", ("500.00", STAGE_3))
    owing(db, "OTHER", ("10.00", STAGE_3))
    invoice(db, "AUD-CM", "50.00", "2026-11-01", customer="AUD", type="credit")
    first = put_on_hold(db.uow(), "AUD", "waiting for the ERP fix", TEST_ACTOR, until=day(5), today=D)
    second = put_on_hold(db.uow(), "AUD", "insolvency talks", TEST_ACTOR, until=day(20), today=D)
    assert [(h.id, h.status) for h in holds_for(db.uow(), "AUD", D, past=True)] == [
        (second.id, "active"), (first.id, "lifted")]
    for refused, match in (
        (lambda: put_on_hold(db.uow(), "AUD", "   ", TEST_ACTOR, today=D), "a reason"),
        (lambda: put_on_hold(db.uow(), "AUD", "x", TEST_ACTOR, until=day(-1), today=D), "in the past"),
        (lambda: put_on_hold(db.uow(), "AUD", "x" * 501, TEST_ACTOR, today=D), "at most 500"),
    ):
        with pytest.raises(Invalid, match=match):
            refused()
    for number in ("OTHER-1", "AUD-CM", "NOPE"):  # another customer's, a credit, none such
        with pytest.raises(NotFound):
            put_on_hold(db.uow(), "AUD", "x", TEST_ACTOR, invoice=number, today=D)
    with pytest.raises(NotFound, match="dunning hold on AUD-1 of customer AUD"):
        lift_hold(db.uow(), "AUD", TEST_ACTOR, invoice="AUD-1", today=D)
    lift_hold(db.uow(), "AUD", TEST_ACTOR, today=D)
    with pytest.raises(NotFound, match="dunning hold on the account"):
        lift_hold(db.uow(), "AUD", TEST_ACTOR, today=D)
    rows = search_audit(db.uow(), AuditFilter(action="dunning.hold", customer_code="AUD")).rows
    sentences = [describe(r) for r in rows]
    assert sorted(sentences) == sorted([
        "Put the account on dunning hold until Nov 27, 2026: waiting for the ERP fix",
        "Replaced the dunning hold on the account: waiting for the ERP fix",
        "Put the account on dunning hold until Dec 12, 2026: insolvency talks",
        "Lifted the dunning hold on the account: insolvency talks",
    ])
    with db.uow() as uow:
        assert uow.session.scalar(select(AuditEvent.actor).where(AuditEvent.action == "dunning.hold_put")
                                  .limit(1)) == TEST_ACTOR.name


def test_a_message_still_waiting_is_taken_back_once_the_customer_or_its_invoices_are_on_hold(
        services: Services) -> None:
    db = services.db
    for code in ("ACCT", "INVS", "KEEP"):
        owing(db, code, ("100.00", STAGE_3))
    assert [r.status for r in dun(services).values()] == ["queued"] * 3
    put_on_hold(db.uow(), "ACCT", "insolvency talks", TEST_ACTOR, today=D)
    put_on_hold(db.uow(), "INVS", "credit note on its way", TEST_ACTOR, invoice="INVS-1", today=D)
    assert cancel_paid_dunning(db, TEST_ACTOR, today=D) == 2
    assert [m.status for code in ("ACCT", "INVS", "KEEP") for m in messages(db, code)] == [
        "canceled", "canceled", "pending"]
    with db.uow() as uow:
        details = uow.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "outbox.canceled")).all()
    assert sorted(d["reason"] for d in details) == ["held off: every invoice the notice asks for is on hold",
                                                    "on hold: insolvency talks"]


def test_another_source_of_held_invoices_plugs_into_the_run_s_one_gathering(services: Services) -> None:
    owing(services.db, "PLAN", ("500.00", STAGE_3))
    put_on_hold(services.db.uow(), "PLAN", "insolvency talks", TEST_ACTOR, today=D)
    plan_invoice = doc_id(services.db, "PLAN-1")

    def plans(_session, _ids, _as_of):  # type: ignore[no-untyped-def]
        return HeldOff(invoices={plan_invoice: "in instalment plan 7"})

    with services.db.uow() as uow:
        found = held_off(uow.session, None, D, sources=[*SOURCES, plans])
    customer_id = next(iter(found.customers))
    assert found == HeldOff({customer_id: "on hold: insolvency talks"}, {plan_invoice: "in instalment plan 7"})
