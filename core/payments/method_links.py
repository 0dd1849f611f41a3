"""One-time, signed links to the sandbox processor's page where a customer enters a card or bank account.

A link carries the customer code, an expiry and a random nonce (which the page records, making it
single-use) and, when staff open the page for a customer on the phone, what to add (card or bank account)
and the authorization the agent recorded for a debit by phone (TEL). All of it is signed with HMAC-SHA256
under a key derived from the sandbox webhook secret — a key of its own, so a link signature can never pass
as a webhook's. The web page reads links; the bot, the API and the console issue them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

LINK_PATH = "/sandbox/methods/new"
LINK_TTL = 1800  # seconds


class LinkError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # forged | expired | used


@dataclass(frozen=True)
class OnBehalf:
    """Staff open the processor's page for a caller: what to add, and for a bank account the authorization the
    agent recorded (`tel_recorded`: the call's recording; `tel_notice`: a written notice goes to the customer)."""

    kind: str  # card | ach
    authorization_kind: str = ""
    reference: str = ""
    recorded_by: str = ""  # the agent's actor name


@dataclass(frozen=True)
class LinkGrant:
    customer_code: str
    expires: int
    nonce: str
    on_behalf: OnBehalf | None = None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, payload: bytes) -> bytes:
    key = hmac.new(secret.encode(), b"aragent sandbox link", hashlib.sha256).digest()
    return hmac.new(key, payload, hashlib.sha256).digest()


def link_for(customer_code: str, secret: str, now: dt.datetime, ttl: int = LINK_TTL,
             on_behalf: OnBehalf | None = None) -> str:
    """A URL-safe, signed token: customer code, expiry, a random nonce and what staff opened it for."""
    expires = int(now.timestamp()) + ttl
    lines = [customer_code, str(expires), secrets.token_urlsafe(16)]
    if on_behalf is not None:
        lines.append(json.dumps([on_behalf.kind, on_behalf.authorization_kind, on_behalf.reference,
                                 on_behalf.recorded_by]))
    payload = "\n".join(lines).encode()
    return f"{_b64(payload)}.{_b64(_signature(secret, payload))}"


def read_link(link: str, secrets_: list[str], now: dt.datetime) -> LinkGrant:
    """The grant a link carries; LinkError('forged' | 'expired') otherwise. Any configured secret may have signed it."""
    try:
        payload_part, signature_part = link.split(".", 1)
        payload, signature = _unb64(payload_part), _unb64(signature_part)
        code, expires, nonce, *staff = payload.decode().split("\n")
        deadline = int(expires)
        on_behalf = OnBehalf(*(str(part) for part in json.loads(staff[0]))) if staff else None
    except (ValueError, TypeError, UnicodeDecodeError):
        raise LinkError("forged") from None
    if not any(hmac.compare_digest(signature, _signature(secret, payload)) for secret in secrets_):
        raise LinkError("forged")
    if now.timestamp() >= deadline:
        raise LinkError("expired")
    return LinkGrant(code, deadline, nonce, on_behalf)
