"""Signing in to the console: the password, then a second factor for those who have one (or must set one up).

    password ── wrong ──▶ None ("Wrong username or password")      any step, too many attempts:
       │ right                                                      Refusal, nothing checked (sign_in_guard)
       ├─ no second factor, none required ─────────────────────────────────────────▶ SignedIn
       ├─ second factor on ─▶ SecondStep "code" ─ app code or a recovery code ──────▶ SignedIn
       └─ role must use one, none yet ─▶ SecondStep "enrol" ─ secret shown, a code ─▶ SignedIn + recovery codes

A second step is a `staff_sessions` row of its own stage, with its own token: good for PENDING, accepted by no
page, ended when the step is done. The full session is a new row with a new token.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.card_numbers import blank_card_numbers
from core.kernel.config import Settings
from core.kernel.db import UnitOfWork, as_utc
from core.staff import sign_in_guard
from core.staff.models import StaffSession, StaffUser
from core.staff.sign_in_guard import GuardPolicy, Refusal
from core.staff.two_factor import confirm, recovery_left, sealing_key, use_code
from core.staff.users import (
    DUMMY_HASH,
    SignedIn,
    StaffView,
    find_session,
    must_use_two_factor,
    open_session,
    password_matches,
    rehash_if_needed,
    view,
)

PENDING = dt.timedelta(minutes=10)  # long enough to find the phone and set up the app
CODE, ENROL = "code", "enrol"


@dataclass(frozen=True)
class SignInPolicy:
    hours: int = 12  # a session's longest life
    guard: GuardPolicy = field(default_factory=GuardPolicy)
    two_factor_from: str = ""  # the lowest role that must use a second factor; "" none
    key: bytes = b""  # seals TOTP secrets (two_factor.sealing_key)
    issuer: str = "aragent console"  # the name an authenticator app shows

    @classmethod
    def of(cls, settings: Settings) -> SignInPolicy:
        return cls(hours=settings.console_session_hours, guard=GuardPolicy.of(settings),
                   two_factor_from=settings.console_require_2fa, key=sealing_key(settings),
                   issuer=f"{settings.seller_name} console")


@dataclass(frozen=True)
class SecondStep:
    """The password was right; `token` (a cookie of its own) leads to the code, or to setting up the app."""

    token: str
    enrol: bool


@dataclass(frozen=True)
class Pending:
    user: StaffView
    enrol: bool


def sign_in(uow: UnitOfWork, username: str, password: str, *, now: dt.datetime, policy: SignInPolicy | None = None,
            address: str = "", user_agent: str = "") -> SignedIn | SecondStep | Refusal | None:
    """The password step; None for a wrong username or password, or a deactivated user (audited either way)."""
    policy = policy or SignInPolicy()
    name = username.strip().lower()
    typed, where = blank_card_numbers(name[:60]), address[:100] or "unknown"  # whatever was typed is audited
    with uow:
        refused = sign_in_guard.check(uow.session, typed, where, now=now, policy=policy.guard)
        if refused:
            return _refused(uow, typed, where, refused)
        stored = uow.session.scalar(select(StaffUser.password_hash).where(StaffUser.username == name))
        uow.commit()
    right = password_matches(stored or DUMMY_HASH, password)  # outside the transaction: argon2 takes its time
    with uow:
        user = uow.session.scalar(select(StaffUser).where(StaffUser.username == name).with_for_update())
        if not right or user is None or not user.active:
            _failed(uow, typed, where, now=now, policy=policy, step="password")
            return None
        rehash_if_needed(user, password)
        sign_in_guard.given_back(uow.session, typed, where)
        if user.totp_confirmed_at is None and not must_use_two_factor(user.role, policy.two_factor_from):
            signed = _signed_in(uow, user, now=now, policy=policy, address=where, user_agent=user_agent)
            uow.commit()
            return signed
        stage = CODE if user.totp_confirmed_at is not None else ENROL
        token = open_session(uow, user, now=now, until=now + PENDING, user_agent=user_agent, stage=stage)
        audit.record(uow.session, view(user).actor, "user.password_accepted", customer_id=None,
                     subject=f"user:{user.username}", address=where, next=stage)
        uow.commit()
        return SecondStep(token, enrol=stage == ENROL)


def pending_sign_in(uow: UnitOfWork, token: str, *, now: dt.datetime) -> Pending | None:
    """Who is between the password and the code (or setting up the app), while the step is live."""
    with uow:
        found = _pending(uow, token, now, (CODE, ENROL))
        return None if found is None else Pending(view(found[1]), found[0].stage == ENROL)


def second_step(uow: UnitOfWork, token: str, code: str, *, now: dt.datetime, policy: SignInPolicy,
                address: str = "", user_agent: str = "") -> SignedIn | Refusal | None:
    """The code from the app, or a recovery code: a session; None for a wrong code (or a step no longer live)."""
    where = address[:100] or "unknown"
    with uow:
        found = _pending(uow, token, now, (CODE,))
        if found is None:
            return None
        step = found[0]
        user = uow.session.get(StaffUser, step.user_id, with_for_update=True, populate_existing=True)
        assert user is not None
        refused = sign_in_guard.check(uow.session, user.username, where, now=now, policy=policy.guard)
        if refused:
            return _refused(uow, user.username, where, refused)
        factor = use_code(uow, user, code, now=now, key=policy.key)
        if factor is None:
            _failed(uow, user.username, where, now=now, policy=policy, step="code")
            return None
        sign_in_guard.given_back(uow.session, user.username, where)
        step.ended_at = now
        left = recovery_left(uow, user.id) if factor == "recovery" else None
        signed = _signed_in(uow, user, now=now, policy=policy, address=where, user_agent=user_agent, factor=factor,
                            recovery_left=left)
        uow.commit()
        return signed


def finish_enrolment(uow: UnitOfWork, token: str, code: str, *, now: dt.datetime, policy: SignInPolicy,
                     address: str = "", user_agent: str = "") -> tuple[SignedIn, list[str]] | None:
    """Setting up the app as part of signing in: a right code turns it on; the session and the recovery codes."""
    with uow:
        found = _pending(uow, token, now, (ENROL,))
        if found is None:
            return None
        step, user = found
        codes = confirm(uow, user, code, now=now, key=policy.key)
        if codes is None:
            return None
        step.ended_at = now
        signed = _signed_in(uow, user, now=now, policy=policy, address=address[:100] or "unknown",
                            user_agent=user_agent, factor="app")
        uow.commit()
        return signed, codes


def _pending(uow: UnitOfWork, token: str, now: dt.datetime,
             stages: tuple[str, ...]) -> tuple[StaffSession, StaffUser] | None:
    found = find_session(uow, token) if token else None
    if found is None:
        return None
    step, user = found
    live = step.ended_at is None and now < as_utc(step.expires_at) and user.active
    return found if live and step.stage in stages else None


def _signed_in(uow: UnitOfWork, user: StaffUser, *, now: dt.datetime, policy: SignInPolicy, address: str,
               user_agent: str, factor: str | None = None, recovery_left: int | None = None) -> SignedIn:
    sign_in_guard.clear(uow.session, user.username, now=now)
    token = open_session(uow, user, now=now, until=now + dt.timedelta(hours=policy.hours), user_agent=user_agent)
    user.last_login_at = now
    audit.record(uow.session, view(user).actor, "user.signed_in", customer_id=None, subject=f"user:{user.username}",
                 address=address, **({"factor": factor} if factor else {}))
    return SignedIn(token, view(user), recovery_left)


def _refused(uow: UnitOfWork, username: str, address: str, refused: Refusal) -> Refusal:
    audit.record(uow.session, Actor(f"user:{username}", "console"), "user.sign_in_throttled", customer_id=None,
                 subject=f"user:{username}", address=address, reason=refused.reason, wait_seconds=refused.seconds)
    uow.commit()
    return refused


def _failed(uow: UnitOfWork, username: str, address: str, *, now: dt.datetime, policy: SignInPolicy,
            step: str) -> None:
    actor = Actor(f"user:{username}", "console")
    audit.record(uow.session, actor, "user.sign_in_failed", customer_id=None, subject=f"user:{username}",
                 address=address, step=step)
    if sign_in_guard.failed(uow.session, username, now=now, policy=policy.guard):
        audit.record(uow.session, actor, "user.locked", customer_id=None, subject=f"user:{username}",
                     address=address, until=(now + policy.guard.lock).isoformat())
    uow.commit()
