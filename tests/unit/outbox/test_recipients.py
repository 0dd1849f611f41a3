"""Who receives a message, on plain values: the billing contact first, opt-outs honoured on every contact
that lists the address, the caller's own number when it may be used, the account's fax and mailing address."""

from __future__ import annotations

import pytest

from core.kernel.errors import Invalid
from core.ledger.models import Contact, Customer
from core.outbox import ContactPoint, Reach, address_for, reach_of

PRIMARY = ContactPoint(email="billing@acme.example", phone="+15105550100", telegram_user_id=11, is_primary=True,
                       contact_id=7)
OTHER = ContactPoint(email="owner@acme.example", phone="+15105550111", telegram_user_id=22, contact_id=3)


def test_the_billing_contact_comes_first_then_the_oldest_contact() -> None:
    reach = Reach((OTHER, PRIMARY))
    assert [address_for(channel, reach) for channel in ("email", "sms", "telegram")] == [
        ("billing@acme.example", ""), ("+15105550100", ""), ("11", "")]
    newer = ContactPoint(email="new@acme.example", contact_id=9)
    assert address_for("email", Reach((newer, OTHER))) == ("owner@acme.example", "")


def test_an_opted_out_email_falls_to_the_next_contact_and_says_why_when_none_is_left() -> None:
    unsubscribed = ContactPoint(email="billing@acme.example", email_opt_out=True, is_primary=True, contact_id=1)
    assert address_for("email", Reach((unsubscribed, OTHER))) == ("owner@acme.example", "")
    assert address_for("email", Reach((unsubscribed,))) == (None, "opted out of email")
    assert address_for("email", Reach((ContactPoint(phone="+15105550100"),))) == (None, "no email address")


def test_an_address_opted_out_on_one_contact_is_not_used_for_another_that_lists_it() -> None:
    unsubscribed = ContactPoint(email="AP@acme.example", email_opt_out=True, contact_id=1)
    same_inbox = ContactPoint(email="ap@acme.example", is_primary=True, contact_id=2)
    assert address_for("email", Reach((same_inbox, unsubscribed))) == (None, "opted out of email")
    stopped = ContactPoint(phone="+15105550100", sms_opt_out=True, contact_id=1)
    same_phone = ContactPoint(phone="+15105550100", is_primary=True, contact_id=2)
    assert address_for("sms", Reach((same_phone, stopped, OTHER))) == ("+15105550111", "")


def test_a_number_that_said_stop_is_never_picked_and_none_left_says_so() -> None:
    stopped = ContactPoint(phone="+15105550100", sms_opt_out=True, is_primary=True, contact_id=1)
    assert address_for("sms", Reach((stopped, OTHER))) == ("+15105550111", "")
    assert address_for("sms", Reach((stopped,))) == (None, "opted out of SMS")
    assert address_for("sms", Reach((stopped,)), preferred_phone="+15105550100") == (None, "opted out of SMS")
    assert address_for("sms", Reach((ContactPoint(email="ap@acme.example"),))) == (None, "no mobile number")


def test_the_callers_own_number_wins_by_sms_only_when_it_is_a_usable_number_on_file() -> None:
    reach = Reach((PRIMARY, OTHER))
    assert address_for("sms", reach, preferred_phone="+15105550111") == ("+15105550111", "")
    assert address_for("sms", reach, preferred_phone="+15105559999") == ("+15105550100", "")  # a stranger's
    assert address_for("email", reach, preferred_phone="+15105550111") == ("billing@acme.example", "")


def test_telegram_goes_to_the_first_linked_chat() -> None:
    assert address_for("telegram", Reach((ContactPoint(email="ap@acme.example"), OTHER))) == ("22", "")
    assert address_for("telegram", Reach()) == (None, "no linked Telegram chat")


def test_fax_and_print_go_to_the_account_itself() -> None:
    assert address_for("fax", Reach((PRIMARY,), fax="+15105550199")) == ("+15105550199", "")
    assert address_for("fax", Reach((PRIMARY,))) == (None, "no fax number")
    assert address_for("print", Reach(letter_to="Acme Corp")) == ("Acme Corp", "")
    assert address_for("print", Reach((PRIMARY,))) == (None, "no mailing address")
    with pytest.raises(Invalid, match="unknown channel 'pigeon'"):
        address_for("pigeon", Reach((PRIMARY,)))


def test_a_customer_reads_billing_contact_first_and_is_mailable_with_a_street_and_a_city_or_zip() -> None:
    acme = Customer(name="Acme Corp", fax="+15105550199", address_line1="1 Main St", postal_code="94607", contacts=[
        Contact(id=3, email="owner@acme.example"), Contact(id=7, email="billing@acme.example", is_primary=True)])
    reach = reach_of(acme)
    assert address_for("email", reach) == ("billing@acme.example", "")
    assert (address_for("fax", reach), address_for("print", reach)) == (("+15105550199", ""), ("Acme Corp", ""))
    no_town = Customer(name="Bolt Ltd", address_line1="2 Side St", contacts=[])
    no_street = Customer(name="Crux Inc", city="Oakland", postal_code="94607", contacts=[])
    assert [address_for("print", reach_of(c)) for c in (no_town, no_street)] == [(None, "no mailing address")] * 2
