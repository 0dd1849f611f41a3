"""One-time, signed links to the sandbox processor's page where a customer enters a card or bank account.

A link carries the customer code, an expiry and a random nonce (which the page records, making it
single-use), signed with HMAC-SHA256 under a key derived from the sandbox webhook secret — a key of its own,
so a link signature can never pass as a webhook's. The web page reads links; the bot and the API issue them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

LINK_PATH = "/sandbox/methods/new"
LINK_TTL = 1800  # seconds


class LinkError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # forged | expired | used


@dataclass(frozen=True)
class LinkGrant:
    customer_code: str
    expires: int
    nonce: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, payload: bytes) -> bytes:
    key = hmac.new(secret.encode(), b"aragent sandbox link", hashlib.sha256).digest()
    return hmac.new(key, payload, hashlib.sha256).digest()


def link_for(customer_code: str, secret: str, now: dt.datetime, ttl: int = LINK_TTL) -> str:
    """A URL-safe, signed token: customer code, expiry and a random nonce."""
    expires = int(now.timestamp()) + ttl
    payload = f"{customer_code}\n{expires}\n{secrets.token_urlsafe(16)}".encode()
    return f"{_b64(payload)}.{_b64(_signature(secret, payload))}"


def read_link(link: str, secrets_: list[str], now: dt.datetime) -> LinkGrant:
    """The grant a link carries; LinkError('forged' | 'expired') otherwise. Any configured secret may have signed it."""
    try:
        payload_part, signature_part = link.split(".", 1)
        payload, signature = _unb64(payload_part), _unb64(signature_part)
        code, expires, nonce = payload.decode().split("\n")
        deadline = int(expires)
    except (ValueError, UnicodeDecodeError):
        raise LinkError("forged") from None
    if not any(hmac.compare_digest(signature, _signature(secret, payload)) for secret in secrets_):
        raise LinkError("forged")
    if now.timestamp() >= deadline:
        raise LinkError("expired")
    return LinkGrant(code, deadline, nonce)
