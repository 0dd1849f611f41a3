"""A payment's status only moves forward along its state machine."""

import pytest

from core.payments.states import FORWARD, can_move


@pytest.mark.parametrize("current, target", [
    ("scheduled", "pending"), ("scheduled", "canceled"), ("pending", "succeeded"), ("pending", "failed"),
    ("pending", "canceled"), ("succeeded", "returned"), ("succeeded", "refunded"), ("succeeded", "disputed"),
])
def test_forward_moves_are_allowed(current, target):
    assert can_move(current, target)


@pytest.mark.parametrize("current, target", [
    ("succeeded", "pending"), ("succeeded", "failed"), ("failed", "succeeded"), ("canceled", "pending"),
    ("returned", "succeeded"), ("pending", "scheduled"), ("pending", "returned"), ("succeeded", "succeeded"),
])
def test_backward_sideways_and_repeated_moves_are_refused(current, target):
    assert not can_move(current, target)


def test_every_status_has_a_row():
    from core.ledger.models import PAYMENT_STATUSES

    assert set(FORWARD) == set(PAYMENT_STATUSES)
