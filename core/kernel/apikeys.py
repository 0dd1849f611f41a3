"""API keys for integrations. The key is shown once; only its SHA-256 is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Conflict, NotFound
from core.kernel.models import ApiKey

PREFIX = "ark_"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(uow: UnitOfWork, name: str, actor: Actor) -> str:
    key = PREFIX + secrets.token_urlsafe(32)
    with uow:
        if uow.session.scalar(select(ApiKey).where(ApiKey.name == name)) is not None:
            raise Conflict(f"an API key named {name!r} exists; revoke it or pick another name")
        uow.session.add(ApiKey(name=name, prefix=key[:10], key_hash=_digest(key)))
        audit.record(uow.session, actor, "api_key.created", customer_id=None, subject=f"api_key:{name}")
        uow.commit()
    return key


def revoke_api_key(uow: UnitOfWork, name: str, actor: Actor) -> None:
    with uow:
        found = uow.session.scalar(select(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None)))
        if found is None:
            raise NotFound("API key", name)
        found.revoked_at = dt.datetime.now(dt.UTC)
        audit.record(uow.session, actor, "api_key.revoked", customer_id=None, subject=f"api_key:{name}")
        uow.commit()


def list_api_keys(uow: UnitOfWork) -> list[tuple[str, str, dt.datetime, dt.datetime | None]]:
    with uow:
        rows = uow.session.scalars(select(ApiKey).order_by(ApiKey.name))
        return [(k.name, k.prefix, k.created_at, k.revoked_at) for k in rows]


def authenticate(uow: UnitOfWork, key: str) -> str | None:
    """The key's name when it is valid and not revoked, else None."""
    if not key.startswith(PREFIX):
        return None
    with uow:
        found = uow.session.scalar(
            select(ApiKey).where(ApiKey.key_hash == _digest(key), ApiKey.revoked_at.is_(None))
        )
        return found.name if found else None
