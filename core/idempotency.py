"""Idempotency keys for requests that move money: the same key and body get the first answer again.

The record is inserted before the work starts; its primary key (caller, key) makes two racing copies
of one request do the work once — the second is told the first is still in progress.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from core.db import UnitOfWork
from core.errors import Conflict, Invalid
from core.model import IdempotencyRecord

MAX_KEY = 255


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    body: str


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def begin(uow: UnitOfWork, scope: str, key: str, digest: str) -> StoredAnswer | None:
    """None: go ahead (the key is now taken). A StoredAnswer: reply with it and do nothing."""
    if not key or len(key) > MAX_KEY:
        raise Invalid(f"an Idempotency-Key header (1-{MAX_KEY} characters) is required", "Idempotency-Key")
    with uow:
        found = uow.session.get(IdempotencyRecord, (scope, key))
        if found is None:
            uow.session.add(IdempotencyRecord(scope=scope, key=key, request_hash=digest))
            try:
                uow.commit()
            except IntegrityError:
                raise Conflict("a request with this Idempotency-Key is in progress; retry shortly") from None
            return None
        if found.request_hash != digest:
            raise Invalid("this Idempotency-Key was used with a different request body", "Idempotency-Key")
        if found.status_code is None:
            raise Conflict("a request with this Idempotency-Key is in progress; retry shortly")
        return StoredAnswer(found.status_code, found.response or "")


def finish(uow: UnitOfWork, scope: str, key: str, status_code: int, body: str) -> None:
    with uow:
        record = uow.session.get(IdempotencyRecord, (scope, key))
        assert record is not None
        record.status_code, record.response = status_code, body
        uow.commit()


def abandon(uow: UnitOfWork, scope: str, key: str) -> None:
    """Forget a key whose request failed unexpectedly (a crash, not a refusal), so a retry can run."""
    with uow:
        record = uow.session.get(IdempotencyRecord, (scope, key))
        if record is not None and record.status_code is None:
            uow.session.delete(record)
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
