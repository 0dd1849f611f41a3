"""Two-factor sign-in: a TOTP authenticator app (RFC 6238, pyotp), and one-time recovery codes for a lost phone.

Setting it up: a secret is made and shown (as text and as an otpauth:// link an app can take); it counts only once
a current code from the app confirms it. Then ten recovery codes are shown, once: only their SHA-256 is kept (each
has 80 random bits, beyond any guessing of a hash). A code from the app is accepted once (its time step is kept),
and one step early or late, for a phone whose clock is a little off.

The secret is kept sealed, not in plain text: a copy of the database alone does not give anyone the codes. The key
is `ARAGENT_CONSOLE_TOTP_KEY`, or one made once and kept in the data folder (`totp_key`; several machines must share
it). The seal is built from the standard library (the project ships no cipher library): a keystream of
HMAC-SHA256 blocks over a random nonce and a counter, then an HMAC-SHA256 tag over nonce and ciphertext
(encrypt-then-MAC, two keys derived from the one). A value starts `v1.`, so a later seal can be told apart.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

import pyotp
from sqlalchemy import delete, func, select, update

from core.kernel import audit
from core.kernel.config import Settings
from core.kernel.db import UnitOfWork
from core.kernel.errors import Conflict, Invalid
from core.staff.models import RecoveryCode, StaffSession, StaffUser
from core.staff.users import by_name, must_use_two_factor, view

RECOVERY_CODES = 10
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base 32: no i, l, o, u to misread
_SEAL = "v1."


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base 32, to type into an authenticator app
    uri: str  # otpauth://totp/…, what a QR code would carry


@dataclass(frozen=True)
class TwoFactorStatus:
    on: bool
    since: dt.datetime | None
    recovery_left: int


def sealing_key(settings: Settings) -> bytes:
    """The configured key, or one made once and kept in the data folder."""
    text = settings.console_totp_key
    if not text:
        path = Path(settings.data_dir) / "totp_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        text = path.read_text().strip()
    return hashlib.sha256(b"aragent totp key:" + text.encode()).digest()


def seal(key: bytes, text: str) -> str:
    nonce, plain = secrets.token_bytes(16), text.encode()
    body = bytes(a ^ b for a, b in zip(plain, _keystream(key, nonce, len(plain)), strict=True))
    tag = hmac.new(_subkey(key, b"authenticate"), nonce + body, hashlib.sha256).digest()[:16]
    return _SEAL + base64.urlsafe_b64encode(nonce + body + tag).decode()


def unseal(key: bytes, sealed: str) -> str:
    raw = base64.urlsafe_b64decode(sealed.removeprefix(_SEAL)) if sealed.startswith(_SEAL) else b""
    nonce, body, tag = raw[:16], raw[16:-16], raw[-16:]
    expected = hmac.new(_subkey(key, b"authenticate"), nonce + body, hashlib.sha256).digest()[:16]
    if len(raw) < 33 or not hmac.compare_digest(tag, expected):
        raise Invalid("this user's two-factor secret cannot be read with the console's key (was "
                      "ARAGENT_CONSOLE_TOTP_KEY changed?); an admin can reset their two-factor sign-in", "code")
    return bytes(a ^ b for a, b in zip(body, _keystream(key, nonce, len(body)), strict=True)).decode()


def start_enrolment(uow: UnitOfWork, username: str, *, key: bytes, issuer: str) -> Enrolment:
    """The secret being set up: made on the first visit, the same one after (the app may have it already)."""
    with uow:
        user = by_name(uow, username)
        if user.totp_confirmed_at is not None:
            raise Conflict("two-factor sign-in is already on for this user")
        if user.totp_secret is None:
            user.totp_secret = seal(key, pyotp.random_base32())
        secret = unseal(key, user.totp_secret)
        uow.commit()
    return Enrolment(secret, pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer))


def confirm_enrolment(uow: UnitOfWork, username: str, code: str, *, now: dt.datetime, key: bytes) -> list[str] | None:
    """A current code confirms the secret: two-factor sign-in is on, and here are the recovery codes (None: wrong)."""
    with uow:
        codes = confirm(uow, by_name(uow, username), code, now=now, key=key)
        uow.commit()
        return codes


def confirm(uow: UnitOfWork, user: StaffUser, code: str, *, now: dt.datetime, key: bytes) -> list[str] | None:
    if user.totp_confirmed_at is not None:
        raise Conflict("two-factor sign-in is already on for this user")
    if user.totp_secret is None:
        raise Invalid("start setting up two-factor sign-in first", "code")
    step = _matching_step(unseal(key, user.totp_secret), code, now, after=None)
    if step is None:
        return None
    user.totp_confirmed_at, user.totp_last_step = now, step
    audit.record(uow.session, view(user).actor, "user.two_factor_on", customer_id=None, subject=f"user:{user.username}")
    return _new_codes(uow, user, now)


def use_code(uow: UnitOfWork, user: StaffUser, code: str, *, now: dt.datetime, key: bytes) -> str | None:
    """The second factor at sign-in: "app" for a current app code, "recovery" for an unused recovery code (now used),
    None for anything else."""
    if user.totp_confirmed_at is None or user.totp_secret is None:
        return None
    typed = "".join(code.split())
    if typed.isdigit() and len(typed) == 6:
        step = _matching_step(unseal(key, user.totp_secret), typed, now, after=user.totp_last_step)
        if step is None:
            return None
        user.totp_last_step = step
        return "app"
    used = uow.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(typed),
                                   RecoveryCode.used_at.is_(None)).values(used_at=now)
        .execution_options(synchronize_session=False))
    if used.rowcount != 1:  # type: ignore[attr-defined]
        return None
    audit.record(uow.session, view(user).actor, "user.recovery_code_used", customer_id=None,
                 subject=f"user:{user.username}", left=recovery_left(uow, user.id))
    return "recovery"


def new_recovery_codes(uow: UnitOfWork, username: str, code: str, *, now: dt.datetime,
                       key: bytes) -> list[str] | None:
    """Ten fresh recovery codes for a current app code (the old ones stop working); None for a wrong code."""
    with uow:
        user = by_name(uow, username)
        if user.totp_confirmed_at is None:
            raise Invalid("two-factor sign-in is not on", "code")
        if use_code(uow, user, code, now=now, key=key) != "app":
            return None
        codes = _new_codes(uow, user, now)
        audit.record(uow.session, view(user).actor, "user.recovery_codes_renewed", customer_id=None,
                     subject=f"user:{user.username}")
        uow.commit()
        return codes


def turn_off(uow: UnitOfWork, username: str, code: str, *, now: dt.datetime, key: bytes, required_from: str) -> bool:
    """The user turns their own second factor off with a current app code; not when their role must use one."""
    with uow:
        user = by_name(uow, username)
        if must_use_two_factor(user.role, required_from):
            raise Invalid(f"the {user.role} role must use two-factor sign-in; if your phone is lost, ask an admin "
                          "to reset it", "code")
        if use_code(uow, user, code, now=now, key=key) != "app":
            return False
        _remove(uow, user)
        audit.record(uow.session, view(user).actor, "user.two_factor_off", customer_id=None,
                     subject=f"user:{user.username}")
        uow.commit()
        return True


def reset(uow: UnitOfWork, username: str, actor: audit.Actor, *, now: dt.datetime) -> bool:
    """An admin's reset for a lost phone: the user signs in with the password alone (or sets it up again, when
    their role must use it). True when it was on or being set up."""
    with uow:
        user = by_name(uow, username)
        was = user.totp_secret is not None
        _remove(uow, user)
        uow.session.execute(update(StaffSession).where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None),
                                                       StaffSession.stage != "signed_in")
                            .values(ended_at=now))
        audit.record(uow.session, actor, "user.two_factor_reset", customer_id=None, subject=f"user:{user.username}",
                     was_on=was)
        uow.commit()
        return was


def status(uow: UnitOfWork, username: str) -> TwoFactorStatus:
    with uow:
        user = by_name(uow, username)
        return TwoFactorStatus(user.totp_confirmed_at is not None, user.totp_confirmed_at,
                               recovery_left(uow, user.id))


def recovery_left(uow: UnitOfWork, user_id: int) -> int:
    return uow.session.scalar(select(func.count()).select_from(RecoveryCode)
                              .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))) or 0


def _matching_step(secret: str, code: str, now: dt.datetime, *, after: int | None) -> int | None:
    """The time step whose code this is (now, or one step either side), if not at or before the last one used."""
    totp, typed = pyotp.TOTP(secret), "".join(code.split())
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), typed):
            return step
    return None


def _new_codes(uow: UnitOfWork, user: StaffUser, now: dt.datetime) -> list[str]:
    uow.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
             for _ in range(RECOVERY_CODES)]
    uow.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(code), created_at=now) for code in codes)
    return codes


def _remove(uow: UnitOfWork, user: StaffUser) -> None:
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = None, None, None
    uow.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _digest(code: str) -> str:
    """A recovery code as typed, in any case, with or without dashes, an o for a 0 or an l for a 1."""
    plain = code.strip().lower().replace("-", "").replace(" ", "").translate(str.maketrans("oil", "011"))
    return hashlib.sha256(plain.encode()).hexdigest()


def _subkey(key: bytes, purpose: bytes) -> bytes:
    return hmac.new(key, purpose, hashlib.sha256).digest()


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    encrypt = _subkey(key, b"encrypt")
    blocks = (hmac.new(encrypt, nonce + n.to_bytes(4, "big"), hashlib.sha256).digest() for n in range(length // 32 + 1))
    return b"".join(blocks)[:length]
