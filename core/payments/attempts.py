"""How the attempts at a scheduled charge read in payment history and on the console's payment page:
"Attempt 2 of 4 on 2026-12-09: declined, insufficient funds; next try 2026-12-12" (core.payments.retries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.payments.declines import decline_words
from core.payments.models import PaymentAttempt


@dataclass(frozen=True)
class AttemptView:
    attempt: int
    of: int
    on: dt.date
    payment_id: int | None  # the payment that made it; None while planned, or canceled before it was made
    outcome: str  # planned | charging | succeeded | failed | canceled
    text: str


def attempt_text(row: PaymentAttempt) -> str:
    head = f"Attempt {row.attempt} of {row.of_attempts}"
    if row.outcome == "planned":
        return f"{head} planned for {row.planned_on.isoformat()}"
    if row.outcome == "canceled":
        return f"{head} on {row.planned_on.isoformat()}: not charged, {row.note or 'canceled by the processor'}"
    if row.outcome != "failed":
        return f"{head} on {row.planned_on.isoformat()}: {'succeeded' if row.outcome == 'succeeded' else 'charging'}"
    after = f"next try {row.next_try_on.isoformat()}" if row.next_try_on else "not tried again"
    return f"{head} on {row.planned_on.isoformat()}: declined, {decline_words(row.failure_code)}; {after}"


def _view(row: PaymentAttempt) -> AttemptView:
    return AttemptView(row.attempt, row.of_attempts, row.planned_on, row.payment_id, row.outcome, attempt_text(row))


def attempt_texts(session: Session, payment_ids: list[int]) -> dict[int, str]:
    """The attempt line of each of these payments that was an attempt at a scheduled charge."""
    if not payment_ids:
        return {}
    rows = session.scalars(select(PaymentAttempt).where(PaymentAttempt.payment_id.in_(payment_ids)))
    return {row.payment_id: attempt_text(row) for row in rows if row.payment_id is not None}


def attempts_of(session: Session, payment_id: int) -> tuple[AttemptView, ...]:
    """Every attempt of the scheduled charge this payment belongs to (as its first payment or as an attempt)."""
    first = session.scalar(select(PaymentAttempt.first_payment_id).where(PaymentAttempt.payment_id == payment_id))
    if first is None:
        return ()
    rows = session.scalars(select(PaymentAttempt).where(PaymentAttempt.first_payment_id == first)
                           .order_by(PaymentAttempt.attempt))
    return tuple(_view(row) for row in rows)


def charge_standing(session: Session, payment_ids: list[int]) -> dict[int, str]:
    """Where each of these scheduled payments stands with its retries, for a reader that follows a scheduled payment
    (an instalment, an autopay charge): `retrying` while a retry is planned, else the latest attempt's outcome
    (`succeeded` when a retry paid it, `failed`, `canceled`, or `pending` while one is with the processor). A payment
    the scheduler has not charged yet is not in the answer: its own status says where it stands."""
    latest: dict[int, PaymentAttempt] = {}
    for row in session.scalars(select(PaymentAttempt).where(PaymentAttempt.first_payment_id.in_(payment_ids))
                               .order_by(PaymentAttempt.attempt)):
        latest[row.first_payment_id] = row
    words = {"planned": "retrying", "charging": "pending"}
    return {first: words.get(row.outcome, row.outcome) for first, row in latest.items()}
