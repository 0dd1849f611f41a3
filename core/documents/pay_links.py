"""Signed, expiring "Pay online" links: what statement and dunning messages carry to the customer's pay page.

A link is `/pay/<code>.<expiry>.<nonce>.<signature>`: the customer code (base64url), the expiry (base 36 seconds),
a random nonce naming this one link (a payment made through it spends it) and 128 bits of an HMAC-SHA256 under a
key of its own derived from the link secret (a document link's signature never passes as a pay link's). The code
is inside what is signed: a link for one customer can never be turned into another's.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from core.documents.links import base36, link_secret
from core.kernel.config import Settings

PAY_PATH = "/pay/"


class PayLinkRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # forged | expired


@dataclass(frozen=True)
class PayGrant:
    customer_code: str
    expires: dt.datetime
    nonce: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, payload: str) -> str:
    key = hmac.new(secret.encode(), b"aragent pay link", hashlib.sha256).digest()
    return _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest()[:16])


def pay_token(secret: str, customer_code: str, expires: dt.datetime, nonce: str | None = None) -> str:
    payload = f"{_b64(customer_code.encode())}.{base36(int(expires.timestamp()))}.{nonce or secrets.token_urlsafe(6)}"
    return f"{payload}.{_signature(secret, payload)}"


def pay_link(settings: Settings, customer_code: str, *, now: dt.datetime | None = None,
             secret: str | None = None) -> str:
    """A fresh link for the customer, living `settings.pay_link_days`. `secret`: the link secret, read once by a
    caller that makes many links (a dunning run)."""
    expires = (now or dt.datetime.now(dt.UTC)) + dt.timedelta(days=settings.pay_link_days)
    token = pay_token(secret or link_secret(settings), customer_code, expires)
    return f"{settings.public_url}{PAY_PATH}{token}"


def read_pay_token(secret: str, token: str, *, now: dt.datetime | None = None) -> PayGrant:
    """What a token grants; PayLinkRefused('forged' | 'expired') otherwise, which names no customer."""
    parts = token.split(".")
    if len(parts) != 4 or not all(parts):
        raise PayLinkRefused("forged")
    code_part, expiry_part, nonce, signature = parts
    if not hmac.compare_digest(signature, _signature(secret, f"{code_part}.{expiry_part}.{nonce}")):
        raise PayLinkRefused("forged")
    try:
        code = _unb64(code_part).decode()
        expires = dt.datetime.fromtimestamp(int(expiry_part, 36), dt.UTC)
    except (ValueError, UnicodeDecodeError, OverflowError):
        raise PayLinkRefused("forged") from None
    if (now or dt.datetime.now(dt.UTC)) >= expires:
        raise PayLinkRefused("expired")
    return PayGrant(code, expires, nonce)
