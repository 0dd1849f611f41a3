"""Signed links that skip one autopay charge: what the autopay notice carries beside "reply SKIP".

A link is `/autopay/skip/<charge id>.<expiry>.<signature>` (base 36 numbers, 128 bits of an HMAC-SHA256 under a key
of its own derived from the link secret, so no other link's signature passes as this one's). It names one charge
and lives until the day after the charge's date. Opening it shows what it skips; only the page's button skips.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

from core.documents.links import base36, link_secret
from core.kernel.config import Settings
from core.kernel.errors import Invalid

SKIP_PATH = "/autopay/skip/"


def _signature(secret: str, payload: str) -> str:
    key = hmac.new(secret.encode(), b"aragent autopay skip", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(hmac.new(key, payload.encode(), hashlib.sha256).digest()[:16]).rstrip(b"=").decode()


def skip_token(secret: str, charge_id: int, expires: dt.datetime) -> str:
    payload = f"{base36(charge_id)}.{base36(int(expires.timestamp()))}"
    return f"{payload}.{_signature(secret, payload)}"


def skip_link(settings: Settings, charge_id: int, due_on: dt.date) -> str:
    """The link for the charge, usable until the end of the day after its date."""
    expires = dt.datetime.combine(due_on + dt.timedelta(days=2), dt.time(), dt.UTC)
    return f"{settings.public_url}{SKIP_PATH}{skip_token(link_secret(settings), charge_id, expires)}"


def read_skip_token(secret: str, token: str, now: dt.datetime) -> int:
    """The charge the token names; Invalid when it is forged or expired (which names no charge)."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise Invalid("this link is not valid", "link")
    charge, expiry, signature = parts
    if not hmac.compare_digest(signature, _signature(secret, f"{charge}.{expiry}")):
        raise Invalid("this link is not valid", "link")
    try:
        charge_id, expires = int(charge, 36), dt.datetime.fromtimestamp(int(expiry, 36), dt.UTC)
    except (ValueError, OverflowError):
        raise Invalid("this link is not valid", "link") from None
    if now >= expires:
        raise Invalid("this link has expired: the charge it skipped is past", "link")
    return charge_id
