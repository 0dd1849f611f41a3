"""The default-method rule (core.payments.method_choice.choose_default) on its own: which saved method a payment
uses when the payer names none, for every channel."""

from __future__ import annotations

import pytest

from core.payments.method_choice import choose_default
from core.payments.methods import MethodView


def saved(method_id: int, kind: str, brand: str, last4: str, label: str) -> MethodView:
    return MethodView(method_id, kind, brand, last4, None, "", True, label, None)


# Saved in this order (oldest first, as the active methods come).
VISA = saved(1, "card", "visa", "0002", "Visa •0002")
MASTERCARD = saved(2, "card", "mastercard", "4444", "Mastercard •4444")
BANK = saved(3, "ach", "", "6789", "Bank account •6789")


@pytest.mark.parametrize(("last_payment", "default", "because"), [
    ({}, BANK, "saved_last"),  # nothing paid yet: the one saved last, a guess a chat asks about
    ({1: (7, "succeeded")}, VISA, "paid"),  # the card that paid beats those saved after it
    ({1: (7, "succeeded"), 2: (9, "pending")}, MASTERCARD, "paid"),  # on its way counts: just chosen
    ({1: (9, "failed"), 2: (7, "succeeded")}, MASTERCARD, "paid"),  # the latest declined: the one that paid
    ({1: (9, "failed")}, BANK, "others_declined"),  # the customer: never the card just declined
    ({1: (9, "failed"), 2: (8, "returned"), 3: (5, "failed")}, BANK, "saved_last"),  # all declined: saved last
    ({2: (9, "canceled")}, MASTERCARD, "paid"),  # a scheduled payment canceled is no decline
])
def test_the_default_is_the_method_that_paid_last_else_the_newest_not_declined(
        last_payment: dict[int, tuple[int, str]], default: MethodView, because: str) -> None:
    chosen = choose_default([VISA, MASTERCARD, BANK], last_payment)
    assert (chosen.default, chosen.because) == (default, because)


def test_nothing_active_means_no_default() -> None:
    chosen = choose_default([], {})
    assert (chosen.active, chosen.default, chosen.because) == ((), None, None)
