"""Signed, expiring links to a document in the library: what an SMS carries instead of the PDF.

A link is `/d/<file id>.<expiry>.<signature>` (base 36, then 16 hex digits of an HMAC-SHA256 with the
link secret): short enough for a text message, useless once expired or altered, and it names no customer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from pathlib import Path

from core.kernel.config import Settings
from core.kernel.errors import Invalid

LINK_PATH = "/d/"
DEFAULT_TTL = dt.timedelta(days=14)
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def link_secret(settings: Settings) -> str:
    """The configured secret, or one made once and kept in the data folder."""
    if settings.link_secret:
        return settings.link_secret
    path = Path(settings.data_dir) / "link_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def base36(number: int) -> str:
    """A short, URL-safe number: lower-case base 36."""
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = _DIGITS[digit] + text
        if not number:
            return text


def _signature(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()[:16]


def document_token(secret: str, file_id: int, expires: dt.datetime) -> str:
    payload = f"{base36(file_id)}.{base36(int(expires.timestamp()))}"
    return f"{payload}.{_signature(secret, payload)}"


def document_link(settings: Settings, file_id: int, *, now: dt.datetime | None = None,
                  ttl: dt.timedelta = DEFAULT_TTL) -> str:
    expires = (now or dt.datetime.now(dt.UTC)) + ttl
    return f"{settings.public_url}{LINK_PATH}{document_token(link_secret(settings), file_id, expires)}"


def verify_document_token(secret: str, token: str, *, now: dt.datetime | None = None) -> int:
    """The file id a token grants, or a refusal that says only that the link is not (or no longer) valid."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise Invalid("this link is not valid")
    file_part, expiry_part, signature = parts
    if not hmac.compare_digest(signature, _signature(secret, f"{file_part}.{expiry_part}")):
        raise Invalid("this link is not valid")
    expires = dt.datetime.fromtimestamp(int(expiry_part, 36), dt.UTC)
    if (now or dt.datetime.now(dt.UTC)) >= expires:
        raise Invalid("this link has expired; ask us for a new one")
    return int(file_part, 36)
