"""What a failure code means in words; which method the console pre-selects; links staff open for a caller."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from core.payments.declines import decline, decline_words
from core.payments.method_choice import choose_default
from core.payments.method_links import LinkError, OnBehalf, link_for, read_link
from core.payments.methods import MethodView

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def test_failure_codes_read_as_words_and_say_whether_a_retry_may_work() -> None:
    assert decline_words("insufficient_funds") == "insufficient funds"
    assert decline("insufficient_funds").soft and not decline("stolen_card").soft
    assert decline("R01").soft and not decline("R02").soft
    assert decline_words("card_declined") == "the card issuer declined the charge"
    assert decline_words("some_new_code") == "some new code"  # unknown: readable, and taken as hard
    assert not decline("some_new_code").soft
    assert decline_words(None) == "no reason given"


def _method(method_id: int) -> MethodView:
    return MethodView(method_id, "card", "visa", f"{method_id:04d}", "12/2030", "Pat", True, f"Visa •{method_id}", None)


def test_the_console_never_preselects_a_method_whose_last_charge_failed() -> None:
    one, two = _method(1), _method(2)
    only_declined = choose_default([one], {1: (10, "failed")})
    assert only_declined.default == one and only_declined.preselected is None  # the chat may still ask about it
    both = choose_default([one, two], {1: (10, "succeeded"), 2: (11, "failed")})
    assert both.preselected == one and both.declined == frozenset({2})
    fresh = choose_default([one, two], {})
    assert fresh.preselected == two


def test_a_link_staff_open_carries_the_authorization_signed_with_it() -> None:
    staff = OnBehalf("ach", "tel_recorded", "CALL-1\nwith a newline", "user:alice")
    link = link_for("C-1", "s3cret", NOW, 60, staff)
    grant = read_link(link, ["s3cret"], NOW)
    assert grant.on_behalf == staff and grant.customer_code == "C-1"
    assert read_link(link_for("C-1", "s3cret", NOW, 60), ["s3cret"], NOW).on_behalf is None  # the customer's own

    payload, signature = link.split(".")
    lines = base64.urlsafe_b64decode(payload + "==").decode().split("\n")
    lines[-1] = json.dumps(["ach", "tel_recorded", "FORGED", "user:mallory"])
    tampered = base64.urlsafe_b64encode("\n".join(lines).encode()).rstrip(b"=").decode()
    with pytest.raises(LinkError, match="forged"):
        read_link(f"{tampered}.{signature}", ["s3cret"], NOW)
