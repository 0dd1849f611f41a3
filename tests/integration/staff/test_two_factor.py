"""Two-factor sign-in: setting up an authenticator app, the code after the password, recovery codes that work once,
roles that must use it, an admin's reset; the secret is stored sealed."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from sqlalchemy import select

from core import staff
from core.bootstrap import Services
from core.kernel import Invalid, SettingsError, load_settings
from core.kernel.audit import Actor
from core.kernel.models import AuditEvent
from core.staff.models import StaffUser
from core.staff.two_factor import seal, unseal

ADMIN = Actor("cli", "cli")
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
PASSWORD = "a long enough secret"
KEY = b"k" * 32
POLICY = staff.SignInPolicy(key=KEY)
STEP = dt.timedelta(seconds=30)


def enrolled(services: Services, name: str = "alice", role: str = "supervisor") -> tuple[pyotp.TOTP, list[str]]:
    """A user with two-factor sign-in on, set up at NOW: their app, and their recovery codes."""
    staff.add_user(services.db.uow(), name, PASSWORD, role, ADMIN)
    secret = staff.start_enrolment(services.db.uow(), name, key=KEY, issuer="Test").secret
    app = pyotp.TOTP(secret)
    codes = staff.confirm_enrolment(services.db.uow(), name, app.at(NOW), now=NOW, key=KEY)
    assert codes is not None
    return app, codes


def password_step(services: Services, at: dt.datetime, name: str = "alice",
                  policy: staff.SignInPolicy = POLICY) -> staff.SecondStep:
    step = staff.sign_in(services.db.uow(), name, PASSWORD, now=at, policy=policy)
    assert isinstance(step, staff.SecondStep)
    return step


def code_step(services: Services, token: str, code: str, at: dt.datetime) -> object:
    return staff.second_step(services.db.uow(), token, code, now=at, policy=POLICY, address="10.0.0.1")


def test_setting_up_then_signing_in_with_the_code_from_the_app(services: Services) -> None:
    staff.add_user(services.db.uow(), "alice", PASSWORD, "agent", ADMIN)
    enrolment = staff.start_enrolment(services.db.uow(), "alice", key=KEY, issuer="Northwind console")
    assert enrolment == staff.start_enrolment(services.db.uow(), "alice", key=KEY, issuer="Northwind console")
    assert enrolment.uri.startswith("otpauth://totp/Northwind%20console:alice?secret=")
    with services.db.uow() as uow:
        stored = uow.session.scalar(select(StaffUser.totp_secret).where(StaffUser.username == "alice"))
    assert stored is not None and enrolment.secret not in stored and unseal(KEY, stored) == enrolment.secret
    app = pyotp.TOTP(enrolment.secret)
    assert staff.confirm_enrolment(services.db.uow(), "alice", "000000", now=NOW, key=KEY) is None
    codes = staff.confirm_enrolment(services.db.uow(), "alice", app.at(NOW), now=NOW, key=KEY)
    assert codes is not None and len(set(codes)) == 10

    step = password_step(services, NOW)
    assert not step.enrol
    assert staff.session_user(services.db.uow(), step.token, now=NOW, idle_minutes=30) is None  # not a session
    assert code_step(services, step.token, app.at(NOW), NOW) is None  # the code that confirmed: used once
    signed = code_step(services, step.token, app.at(NOW + STEP), NOW + STEP)
    assert isinstance(signed, staff.SignedIn) and signed.user.two_factor
    assert staff.session_user(services.db.uow(), signed.token, now=NOW + STEP, idle_minutes=30) is not None
    assert code_step(services, step.token, app.at(NOW + 2 * STEP), NOW + 2 * STEP) is None  # the step is over
    with services.db.uow() as uow:
        events = list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert events[1:] == ["user.two_factor_on", "user.password_accepted", "user.sign_in_failed", "user.signed_in"]


def test_a_recovery_code_signs_in_once(services: Services) -> None:
    _, codes = enrolled(services)
    first = code_step(services, password_step(services, NOW).token, codes[0].upper().replace("-", " "), NOW)
    assert isinstance(first, staff.SignedIn) and first.recovery_left == 9
    again = password_step(services, NOW + STEP)
    assert code_step(services, again.token, codes[0], NOW + STEP) is None
    assert isinstance(code_step(services, again.token, codes[1], NOW + STEP), staff.SignedIn)
    assert staff.two_factor_status(services.db.uow(), "alice").recovery_left == 8


def test_new_recovery_codes_replace_the_old_ones(services: Services) -> None:
    app, codes = enrolled(services)
    assert staff.new_recovery_codes(services.db.uow(), "alice", "123456", now=NOW + STEP, key=KEY) is None
    fresh = staff.new_recovery_codes(services.db.uow(), "alice", app.at(NOW + STEP), now=NOW + STEP, key=KEY)
    assert fresh is not None and not set(fresh) & set(codes)
    assert code_step(services, password_step(services, NOW + STEP).token, codes[0], NOW + STEP) is None
    assert isinstance(code_step(services, password_step(services, NOW + STEP).token, fresh[0], NOW + STEP),
                      staff.SignedIn)


def test_wrong_codes_count_toward_the_guard_on_guessing(services: Services) -> None:
    app, _ = enrolled(services)
    step = password_step(services, NOW + STEP)
    for guess in ("111111", "222222", "333333"):
        assert code_step(services, step.token, guess, NOW + STEP) is None
    refused = code_step(services, step.token, app.at(NOW + STEP), NOW + STEP)  # right, but too soon: not looked at
    assert isinstance(refused, staff.Refusal) and refused.seconds == 1
    # The password step gives its attempt back but does not clear the count: a known password cannot reset it.
    moment = NOW + STEP + dt.timedelta(seconds=1)
    assert isinstance(staff.sign_in(services.db.uow(), "alice", PASSWORD, now=moment, policy=POLICY),
                      staff.SecondStep)
    assert isinstance(staff.sign_in(services.db.uow(), "alice", PASSWORD, now=moment, policy=POLICY),
                      staff.Refusal)


def test_roles_that_must_use_it_set_it_up_before_a_session(services: Services) -> None:
    policy = staff.SignInPolicy(key=KEY, two_factor_from="supervisor")
    staff.add_user(services.db.uow(), "ann", PASSWORD, "agent", ADMIN)
    staff.add_user(services.db.uow(), "sam", PASSWORD, "supervisor", ADMIN)
    assert isinstance(staff.sign_in(services.db.uow(), "ann", PASSWORD, now=NOW, policy=policy), staff.SignedIn)
    step = password_step(services, NOW, name="sam", policy=policy)
    assert step.enrol
    pending = staff.pending_sign_in(services.db.uow(), step.token, now=NOW)
    assert pending is not None and pending.enrol and pending.user.username == "sam"
    assert staff.session_user(services.db.uow(), step.token, now=NOW, idle_minutes=30) is None
    assert code_step(services, step.token, "123456", NOW) is None  # not the code step
    app = pyotp.TOTP(staff.start_enrolment(services.db.uow(), "sam", key=KEY, issuer="Test").secret)
    assert staff.finish_enrolment(services.db.uow(), step.token, "000000", now=NOW, policy=policy) is None
    finished = staff.finish_enrolment(services.db.uow(), step.token, app.at(NOW), now=NOW, policy=policy)
    assert finished is not None
    signed, codes = finished
    assert signed.user.two_factor and len(codes) == 10
    assert staff.session_user(services.db.uow(), signed.token, now=NOW, idle_minutes=30) is not None
    assert staff.pending_sign_in(services.db.uow(), step.token, now=NOW) is None  # the step is spent
    assert not password_step(services, NOW + STEP, name="sam", policy=policy).enrol  # now the code, as for anyone
    with pytest.raises(Invalid, match="must use two-factor"):
        staff.turn_off(services.db.uow(), "sam", app.at(NOW + STEP), now=NOW + STEP, key=KEY,
                       required_from="supervisor")
    # The step expires: ten minutes later the token leads nowhere.
    late = password_step(services, NOW + STEP, name="sam", policy=policy)
    assert staff.pending_sign_in(services.db.uow(), late.token, now=NOW + dt.timedelta(minutes=11)) is None


def test_an_admin_reset_turns_it_off_and_ends_the_step_in_progress(services: Services) -> None:
    app, _ = enrolled(services, role="agent")
    step = password_step(services, NOW + STEP)
    assert staff.reset_two_factor(services.db.uow(), "alice", ADMIN, now=NOW + STEP) is True
    assert staff.pending_sign_in(services.db.uow(), step.token, now=NOW + STEP) is None
    assert code_step(services, step.token, app.at(NOW + STEP), NOW + STEP) is None
    signed = staff.sign_in(services.db.uow(), "alice", PASSWORD, now=NOW + STEP, policy=POLICY)
    assert isinstance(signed, staff.SignedIn) and not signed.user.two_factor
    assert staff.reset_two_factor(services.db.uow(), "alice", ADMIN, now=NOW + STEP) is False
    with services.db.uow() as uow:
        reset = uow.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.two_factor_reset"))
        assert reset is not None and reset.actor == "cli" and reset.subject == "user:alice"


def test_a_user_may_turn_it_off_with_a_code_when_their_role_need_not_use_it(services: Services) -> None:
    app, _ = enrolled(services, role="agent")
    later = NOW + STEP
    assert not staff.turn_off(services.db.uow(), "alice", "123456", now=later, key=KEY, required_from="supervisor")
    assert staff.turn_off(services.db.uow(), "alice", app.at(later), now=later, key=KEY, required_from="supervisor")
    assert isinstance(staff.sign_in(services.db.uow(), "alice", PASSWORD, now=later, policy=POLICY), staff.SignedIn)


def test_a_sealed_secret_opens_only_with_its_key() -> None:
    sealed = seal(KEY, "JBSWY3DPEHPK3PXP")
    assert sealed.startswith("v1.") and "JBSWY3DPEHPK3PXP" not in sealed and sealed != seal(KEY, "JBSWY3DPEHPK3PXP")
    assert unseal(KEY, sealed) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(Invalid, match="cannot be read"):
        unseal(b"another key" * 3, sealed)
    with pytest.raises(Invalid):
        unseal(KEY, sealed[:-4] + "AAAA")


def test_the_setting_names_the_lowest_role_that_must_use_it() -> None:
    assert load_settings().console_require_2fa == ""
    assert load_settings(console_require_2fa="supervisor").console_require_2fa == "supervisor"
    assert load_settings(console_require_2fa="admin, supervisor").console_require_2fa == "supervisor"
    assert load_settings(console_require_2fa="true").console_require_2fa == "agent"
    assert load_settings(console_require_2fa="false").console_require_2fa == ""
    with pytest.raises(SettingsError, match="ARAGENT_CONSOLE_REQUIRE_2FA"):
        load_settings(console_require_2fa="boss")
    assert staff.must_use_two_factor("admin", "supervisor") and not staff.must_use_two_factor("agent", "supervisor")
    assert not staff.must_use_two_factor("admin", "")
