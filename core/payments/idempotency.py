"""Idempotency keys for requests that move money: the same key and body get the first answer again.

The record is inserted before the work starts; its primary key (caller, key) makes two racing copies of one
request do the work once — the second is told the first is still in progress. A request can die half way (a
killed process, a lost database connection), so:

- the payment it writes is bound to the key in the payment's own transaction (`bind_payment`): once money may
  move, the key never lets go of that payment, and a retry answers with it instead of paying again;
- the key is held on a lease (`LEASE`): a retry after the lease finds either the payment the dead request
  committed (answered with it) or nothing (the retry takes the key and runs). Each holder has its own
  `attempt`, so a request that lost its lease can neither bind a payment nor write the answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import CursorResult, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.kernel.db import UnitOfWork, as_utc
from core.kernel.errors import Conflict, Invalid
from core.payments.models import IdempotencyRecord

MAX_KEY = 255
LEASE = dt.timedelta(seconds=30)  # far above a request's database work; the processor call comes after binding
IN_PROGRESS = "a request with this Idempotency-Key is in progress; retry shortly"


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    body: str


@dataclass(frozen=True)
class Claim:
    """The right to run a request under a key. `payment_id`: the request that held the key before died after
    writing this payment; answer with it (and finish the key), do not pay again."""

    scope: str
    key: str
    attempt: str
    payment_id: int | None = None


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def begin(uow: UnitOfWork, scope: str, key: str, digest: str, now: dt.datetime | None = None,
          lease: dt.timedelta = LEASE) -> Claim | StoredAnswer:
    """A Claim: go ahead (the key is now yours). A StoredAnswer: reply with it and do nothing."""
    if not key or len(key) > MAX_KEY:
        raise Invalid(f"an Idempotency-Key header (1-{MAX_KEY} characters) is required", "Idempotency-Key")
    moment, attempt = now or _now(), secrets.token_hex(8)
    with uow:
        found = uow.session.get(IdempotencyRecord, (scope, key), with_for_update=True)
        if found is None:
            uow.session.add(IdempotencyRecord(scope=scope, key=key, request_hash=digest, attempt=attempt,
                                              locked_at=moment))
            try:
                uow.commit()
            except IntegrityError:
                raise Conflict(IN_PROGRESS) from None
            return Claim(scope, key, attempt)
        if found.request_hash != digest:
            raise Invalid("this Idempotency-Key was used with a different request body", "Idempotency-Key")
        if found.status_code is not None:
            return StoredAnswer(found.status_code, found.response or "")
        locked_at = as_utc(found.locked_at or found.created_at)
        if moment < locked_at + lease:
            raise Conflict(IN_PROGRESS)
        # The request that held the key stopped answering for a whole lease: it died. Take the key over.
        found.attempt, found.locked_at = attempt, moment
        uow.commit()
        return Claim(scope, key, attempt, found.payment_id)


def bind_payment(session: Session, claim: Claim, payment_id: int) -> None:
    """In the payment's transaction: the key now answers with this payment. Refused (and the payment with it,
    since the caller's transaction fails) when the claim lost its lease to a retry."""
    bound = session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.scope == claim.scope, IdempotencyRecord.key == claim.key,
               IdempotencyRecord.attempt == claim.attempt, IdempotencyRecord.payment_id.is_(None),
               IdempotencyRecord.status_code.is_(None))
        .values(payment_id=payment_id))
    if not isinstance(bound, CursorResult) or bound.rowcount != 1:
        raise Conflict("a retry with the same Idempotency-Key took this request over; nothing was charged")


def finish(uow: UnitOfWork, claim: Claim, status_code: int, body: str) -> None:
    """Keep the answer for replays; a claim that lost its lease writes nothing (the new holder answers)."""
    with uow:
        uow.session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.scope == claim.scope, IdempotencyRecord.key == claim.key,
                   IdempotencyRecord.attempt == claim.attempt, IdempotencyRecord.status_code.is_(None))
            .values(status_code=status_code, response=body))
        uow.commit()


def abandon(uow: UnitOfWork, claim: Claim) -> None:
    """Let go of a key whose request failed unexpectedly (a crash, not a refusal), so a retry can run at once —
    unless the request wrote a payment: then the key keeps it, and a retry after the lease answers with it."""
    with uow:
        uow.session.execute(
            delete(IdempotencyRecord)
            .where(IdempotencyRecord.scope == claim.scope, IdempotencyRecord.key == claim.key,
                   IdempotencyRecord.attempt == claim.attempt, IdempotencyRecord.payment_id.is_(None),
                   IdempotencyRecord.status_code.is_(None)))
        uow.commit()


def is_used(uow: UnitOfWork, scope: str, key: str) -> bool:
    """Whether a one-time key (a link's nonce) was taken already."""
    with uow:
        return uow.session.get(IdempotencyRecord, (scope, key)) is not None


def use_once(uow: UnitOfWork, scope: str, key: str) -> bool:
    """Take a one-time key; False when it was taken before. The primary key refuses a second use, even by two
    requests at once."""
    with uow:
        uow.session.add(IdempotencyRecord(scope=scope, key=key, request_hash="", status_code=201))
        try:
            uow.commit()
        except IntegrityError:
            return False
    return True
