"""Webhook signatures in Stripe's scheme, used by both processor adapters.

Header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">[,v1=...]`. Several v1 values (and several
secrets on our side) are accepted so a secret can be rotated without dropping events. A timestamp more
than `tolerance` seconds old, or as far in the future, is refused: a captured request cannot be replayed
later, and a forged clock cannot make one live longer.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence

from core.kernel.errors import ARError

TOLERANCE_SECONDS = 300


class SignatureError(ARError):
    """The request is not provably from the processor; nothing in it is trusted."""


def compute(payload: bytes, secret: str, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The header value a processor would send for `payload`."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},v1={compute(payload, secret, stamp)}"


def _parse(header: str) -> tuple[int, list[str]]:
    stamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            stamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if stamp is None or not signatures:
        raise SignatureError("malformed signature header: expected t=…,v1=…")
    return stamp, signatures


def verify(
    payload: bytes, header: str | None, secrets: Sequence[str], *, now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> int:
    """Check `header` against every current secret; returns the signed timestamp or raises SignatureError."""
    if not header:
        raise SignatureError("missing signature header")
    if not secrets:
        raise SignatureError("no webhook secret is configured")
    stamp, signatures = _parse(header)
    current = time.time() if now is None else now
    if abs(current - stamp) > tolerance:
        raise SignatureError(f"signature timestamp is {int(current - stamp)} s off; more than {tolerance} s")
    expected = [compute(payload, secret, stamp) for secret in secrets]
    if not any(hmac.compare_digest(e, s) for e in expected for s in signatures):
        raise SignatureError("signature does not match the payload")
    return stamp
