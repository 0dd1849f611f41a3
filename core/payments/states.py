"""The payment state machine. A status only moves forward; a late or repeated event changes nothing.

    scheduled ──▶ pending ──▶ succeeded ──▶ returned | refunded | disputed
        │            ├──────▶ failed
        └────────────┴──────▶ canceled
"""

from __future__ import annotations

FORWARD: dict[str, frozenset[str]] = {
    "scheduled": frozenset({"pending", "canceled", "failed"}),
    "pending": frozenset({"succeeded", "failed", "canceled"}),
    "succeeded": frozenset({"returned", "refunded", "disputed"}),
    "failed": frozenset(),
    "canceled": frozenset(),
    "returned": frozenset(),
    "refunded": frozenset(),
    "disputed": frozenset({"succeeded"}),  # a dispute won restores the payment
}
IN_FLIGHT = frozenset({"scheduled", "pending"})
ENDED_WITHOUT_MONEY = frozenset({"failed", "canceled"})


def can_move(current: str, target: str) -> bool:
    """True when `target` is a step forward from `current`; a repeat of `current` is not a move."""
    return target in FORWARD.get(current, frozenset())
