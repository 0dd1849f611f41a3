"""Saved payment methods as a customer and an agent see them, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import String, Text, inspect, select, text

from core.kernel.audit import Actor
from core.kernel.db import Database
from core.kernel.errors import Conflict, Invalid, NotFound
from core.kernel.models import AuditEvent
from core.payments.methods import (
    AchAuthorization,
    MethodView,
    add_method,
    deactivate_method,
    list_methods,
    reactivate_method,
)
from core.payments.models import PaymentMethod
from core.payments.processor import SavedMethod
from tests.books import customer

AGENT = Actor("user:alice", "web")
CUSTOMER = Actor("contact:42", "portal")
VISA = SavedMethod(token="pm_visa_abc", kind="card", brand="visa", last4="4242", exp_month=3, exp_year=2030,
                   holder="Ann Buyer")
BANK = SavedMethod(token="ba_chase_xyz", kind="ach", brand="Chase", last4="6789", holder="Acme Ltd")
SIGNED = AchAuthorization("e_signature", "Ann Buyer", dt.datetime(2026, 11, 20, 15, 4, tzinfo=dt.UTC),
                          "203.0.113.7")
ON_CALL = AchAuthorization("tel_recorded", "call REC-2026-0042")


@pytest.fixture
def acme(db: Database) -> str:
    customer(db, "ACME")
    customer(db, "OTHER")
    return "ACME"


def add(db: Database, saved: SavedMethod, authorization: AchAuthorization | None = None,
        code: str = "ACME", actor: Actor = AGENT) -> MethodView:
    return add_method(db.uow(), customer_code=code, saved=saved, processor="sandbox", actor=actor,
                      authorization=authorization)


def audit_actions(db: Database) -> list[tuple[str, str, str]]:
    with db.uow() as uow:
        events = uow.session.scalars(select(AuditEvent).where(AuditEvent.action.like("payment_method.%"))
                                     .order_by(AuditEvent.id))
        return [(event.action, event.actor, event.channel) for event in events]


def test_a_card_is_saved_and_shown_by_brand_and_last_four(db: Database, acme: str) -> None:
    view = add(db, VISA)
    assert (view.label, view.exp, view.holder, view.active) == ("Visa •4242", "03/2030", "Ann Buyer", True)
    assert view.ach_authorization_kind is None
    assert list_methods(db.uow(), "ACME") == [view]
    assert list_methods(db.uow(), "OTHER") == []


def test_a_bank_account_without_authorization_is_refused(db: Database, acme: str) -> None:
    with pytest.raises(Invalid, match="ACH.*only with the customer's authorization") as refused:
        add(db, BANK)
    assert refused.value.field == "authorization"
    assert list_methods(db.uow(), "ACME", include_inactive=True) == []


def test_a_bank_account_with_the_customers_e_signature_is_saved_with_it(db: Database, acme: str) -> None:
    view = add(db, BANK, SIGNED, actor=CUSTOMER)
    assert (view.label, view.exp, view.ach_authorization_kind) == ("Chase •6789", None, "e_signature")
    with db.uow() as uow:
        stored = uow.session.get(PaymentMethod, view.id)
        assert stored is not None
        assert (stored.ach_authorization_reference, stored.ach_authorization_source) == ("Ann Buyer", "203.0.113.7")
        assert stored.ach_authorized_at is not None
        assert stored.ach_authorized_at.replace(tzinfo=None) == dt.datetime(2026, 11, 20, 15, 4)


@pytest.mark.parametrize(("incomplete", "missing"), [
    (AchAuthorization("e_signature", "", SIGNED.authorized_at, "203.0.113.7"), "typed"),
    (AchAuthorization("e_signature", "Ann Buyer", None, "203.0.113.7"), "time"),
    (AchAuthorization("e_signature", "Ann Buyer", SIGNED.authorized_at, ""), "IP address or channel"),
    (AchAuthorization("verbal", "said yes"), "not one of"),
])
def test_an_incomplete_e_signature_is_refused(db: Database, acme: str, incomplete: AchAuthorization,
                                              missing: str) -> None:
    with pytest.raises(Invalid, match=missing):
        add(db, BANK, incomplete)


@pytest.mark.parametrize("kind", ["tel_recorded", "written", "web"])
def test_an_agent_needs_a_reference_to_the_authorization_on_file(db: Database, acme: str, kind: str) -> None:
    with pytest.raises(Invalid, match="needs a reference to the authorization on file"):
        add(db, BANK, AchAuthorization(kind, "  "))
    view = add(db, BANK, AchAuthorization(kind, "call REC-2026-0042"))
    assert view.ach_authorization_kind == kind
    with db.uow() as uow:
        stored = uow.session.get(PaymentMethod, view.id)
        assert stored is not None
        assert stored.ach_authorization_reference == "call REC-2026-0042"
        assert stored.ach_authorization_source == "web"  # the agent's channel, when no other source is given
        assert stored.ach_authorized_at is not None


def test_saving_the_same_token_again_gives_back_the_same_method(db: Database, acme: str) -> None:
    first = add(db, VISA)
    again = add(db, VISA)
    assert again == first
    assert len(list_methods(db.uow(), "ACME")) == 1
    assert audit_actions(db) == [("payment_method.added", "user:alice", "web")]


def test_another_customers_token_is_not_shown_or_duplicated(db: Database, acme: str) -> None:
    add(db, VISA)
    with pytest.raises(Conflict, match="another customer"):
        add(db, VISA, code="OTHER")
    assert list_methods(db.uow(), "OTHER") == []


def test_deactivating_hides_the_method_but_keeps_it_on_file(db: Database, acme: str) -> None:
    card = add(db, VISA)
    bank = add(db, BANK, ON_CALL)
    gone = deactivate_method(db.uow(), "ACME", card.id, AGENT)
    assert not gone.active
    assert [m.id for m in list_methods(db.uow(), "ACME")] == [bank.id]
    everything = list_methods(db.uow(), "ACME", include_inactive=True)
    assert [(m.id, m.active) for m in everything] == [(card.id, False), (bank.id, True)]


def test_deactivating_twice_changes_nothing_and_audits_once(db: Database, acme: str) -> None:
    card = add(db, VISA)
    deactivate_method(db.uow(), "ACME", card.id, AGENT)
    assert not deactivate_method(db.uow(), "ACME", card.id, AGENT).active
    assert audit_actions(db) == [("payment_method.added", "user:alice", "web"),
                                 ("payment_method.deactivated", "user:alice", "web")]


def test_reactivating_offers_the_method_again(db: Database, acme: str) -> None:
    card = add(db, VISA)
    deactivate_method(db.uow(), "ACME", card.id, AGENT)
    back = reactivate_method(db.uow(), "ACME", card.id, AGENT)
    assert back.active and list_methods(db.uow(), "ACME") == [back]
    assert reactivate_method(db.uow(), "ACME", card.id, AGENT) == back  # already active: a no-op
    assert [action for action, _, _ in audit_actions(db)] == [
        "payment_method.added", "payment_method.deactivated", "payment_method.reactivated"]


def test_another_customers_method_is_not_found(db: Database, acme: str) -> None:
    card = add(db, VISA)
    for change in (deactivate_method, reactivate_method):
        with pytest.raises(NotFound, match="payment method"):
            change(db.uow(), "OTHER", card.id, AGENT)
    with pytest.raises(NotFound, match="customer NOPE"):
        list_methods(db.uow(), "NOPE")
    assert list_methods(db.uow(), "ACME") == [card]


def test_audit_events_say_who_through_which_channel_to_whom_and_what_changed(db: Database, acme: str) -> None:
    bank = add(db, BANK, SIGNED, actor=CUSTOMER)
    deactivate_method(db.uow(), "ACME", bank.id, AGENT)
    with db.uow() as uow:
        added, deactivated = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id).where(
            AuditEvent.action.like("payment_method.%")))
        assert (added.actor, added.channel, added.subject) == ("contact:42", "portal", f"payment_method:{bank.id}")
        assert added.customer_id == deactivated.customer_id is not None
        assert added.details["before"] is None and added.details["after"]["label"] == "Chase •6789"
        assert added.details["authorization"]["kind"] == "e_signature"
        assert added.details["authorization"]["source"] == "203.0.113.7"
        assert (deactivated.actor, deactivated.details["before"], deactivated.details["after"]) == (
            "user:alice", {"active": True}, {"active": False})


@pytest.mark.parametrize(("saved", "field"), [
    (SavedMethod(token="4242424242424242", kind="card", brand="visa", last4="4242"), "token"),
    (SavedMethod(token="4242 4242 4242 4242", kind="card", brand="visa", last4="4242"), "token"),
    (SavedMethod(token="pm_1", kind="card", brand="visa", last4="42424"), "last4"),
    (SavedMethod(token="pm_1", kind="card", brand="visa", last4="42"), "last4"),
    (SavedMethod(token="pm_1", kind="card", brand="4242-4242-4242-4242", last4="4242"), "brand"),
    (SavedMethod(token="ba_1", kind="ach", brand="Chase", last4="6789", holder="Acme 000123456789"), "holder"),
    (SavedMethod(token="pm_1", kind="card", brand="visa", last4="4242", exp_month=13, exp_year=2030), "exp_month"),
])
def test_anything_like_a_card_or_account_number_is_refused(db: Database, acme: str, saved: SavedMethod,
                                                           field: str) -> None:
    with pytest.raises(Invalid) as refused:
        add(db, saved, ON_CALL)
    assert refused.value.field == field
    assert list_methods(db.uow(), "ACME", include_inactive=True) == []


def test_an_authorization_reference_cannot_carry_an_account_number(db: Database, acme: str) -> None:
    with pytest.raises(Invalid, match="card or account number"):
        add(db, BANK, AchAuthorization("written", "form for account 021000021 000123456789"))


def test_no_card_or_account_number_reaches_the_database(db: Database, acme: str) -> None:
    """After every kind of save and refusal, no text in methods or audit events holds a 13-19 digit run."""
    card = add(db, VISA)
    add(db, BANK, SIGNED, actor=CUSTOMER)
    add(db, SavedMethod(token="ba_other", kind="ach", brand="", last4="1111"), ON_CALL, code="OTHER")
    deactivate_method(db.uow(), "ACME", card.id, AGENT)
    reactivate_method(db.uow(), "ACME", card.id, AGENT)
    for refused in (SavedMethod(token="4111111111111111", kind="card", brand="visa", last4="1111"),
                    SavedMethod(token="pm_x", kind="card", brand="visa", last4="4111111111111111")):
        with pytest.raises(Invalid):
            add(db, refused)
    dump = _text_dump(db, ["payment_methods", "audit_events"])
    assert "pm_visa_abc" in dump and "Chase" in dump  # the dump did read the rows
    assert re.findall(r"\d{13,19}", re.sub(r"[ -]", "", dump)) == []


def _text_dump(db: Database, tables: list[str]) -> str:
    """Every text and JSON column of the tables, as the database holds it."""
    columns = {table: [c["name"] for c in inspect(db.engine).get_columns(table)
                       if isinstance(c["type"], String | Text) or "JSON" in str(c["type"]).upper()]
               for table in tables}
    with db.engine.connect() as conn:
        rows = [
            str(value)
            for table, names in columns.items()
            for row in conn.execute(text(f"SELECT {', '.join(names)} FROM {table}"))  # noqa: S608 - our names
            for value in row
        ]
    return "\n".join(rows)


def test_a_phone_authorization_without_a_recording_emails_the_written_notice_with_the_method(
    db: Database, acme: str
) -> None:
    from core.outbox.models import OutboxMessage
    from core.payments.notices import Branding

    branding = Branding("Northwind Supply", "+1 312 555 0100", "")
    by_phone = AchAuthorization("tel_notice", "")
    with pytest.raises(Invalid, match="branding"):
        add(db, BANK, by_phone)
    view = add_method(db.uow(), customer_code="ACME", saved=BANK, processor="sandbox", actor=AGENT,
                      authorization=by_phone, branding=branding)
    with db.uow() as uow:
        notice = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.reason == "ach_authorization")).one()
        method = uow.session.get(PaymentMethod, view.id)
        assert method is not None
        assert (notice.channel, notice.recipient, notice.status) == ("email", "ap@acme.example", "approved")
        assert "Chase •6789" in notice.body_text and "Northwind Supply" in notice.subject
        assert method.ach_authorization_reference == f"notice #{notice.id} to ap@acme.example"

    customer(db, "NOMAIL", email="", phone="+13125550199")
    with pytest.raises(Invalid, match="email address"):
        add_method(db.uow(), customer_code="NOMAIL", saved=SavedMethod(token="ba_other", kind="ach", brand="Chase",
                                                                      last4="1111", holder="No Mail"),
                   processor="sandbox", actor=AGENT,
                   authorization=by_phone, branding=branding)
    assert list_methods(db.uow(), "NOMAIL") == []  # nothing saved without its notice
