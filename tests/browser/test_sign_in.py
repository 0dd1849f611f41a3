"""Sign-in, sessions, CSRF and roles, in the browser and as plain HTTP where a browser cannot misbehave; the guard
against guessing and two-factor sign-in.

Every browser test signs in from 127.0.0.1, so the guard's count per address is shared by all of them: only
checked wrong passwords count (a refused attempt checks nothing, a right one gives its attempt back), a handful in
the whole run, far under the 20 an address gets before its waits begin. The tests that lock or slow down a
username use a username of their own.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pyotp
import time_machine
from playwright.sync_api import Browser, expect
from sqlalchemy import func, select, update

from core.kernel.audit import Actor
from core.kernel.models import AuditEvent
from core.staff import signing_in
from core.staff import users as staff
from core.staff.models import StaffSession, StaffUser
from tests.browser.conftest import PASSWORD, LiveConsole, sign_in


def test_wrong_password_is_refused_and_the_right_one_signs_in(browser: Browser, console: LiveConsole, shot) -> None:
    page = browser.new_page(base_url=console.url)
    page.goto("/console/")
    assert "/console/login" in page.url  # not signed in: off to the form, and back after
    shot(page, "sign-in")
    sign_in(page, console.url, "agent", "not the password")
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")
    sign_in(page, console.url, "agent")
    page.wait_for_url("**/console/companies**")
    expect(page.locator(".whoami")).to_contain_text("Test Agent")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("Signed out")
    page.goto("/console/")
    assert "/console/login" in page.url
    page.close()


def test_a_form_without_its_csrf_token_is_refused(console: LiveConsole) -> None:
    with httpx.Client(base_url=console.url, follow_redirects=False) as client:
        client.get("/console/login")  # sets the CSRF cookie
        token = client.cookies.get("aragent_csrf")
        assert token
        refused = client.post("/console/login", data={"username": "agent", "password": "correct horse battery"})
        assert refused.status_code == 403
        signed = client.post("/console/login", data={"username": "agent", "password": "correct horse battery",
                                                     "_csrf_token": token})
        assert signed.status_code == 303
        # Signed in, a state-changing form still needs its token.
        assert client.post("/console/logout").status_code == 403
        assert client.post("/console/logout", data={"_csrf_token": token}).status_code == 303


def test_console_responses_carry_security_headers(console: LiveConsole) -> None:
    response = httpx.get(f"{console.url}/console/login")
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_an_agent_cannot_open_admin_pages(signed_in) -> None:
    page = signed_in("agent")
    for path in ("/console/users", "/console/audit"):
        response = page.goto(path)
        assert response is not None and response.status == 403
        expect(page.locator("main")).to_contain_text("for the")
    assert page.locator("nav").get_by_role("link", name="Users").count() == 0


def test_an_admin_opens_the_users_page(signed_in) -> None:
    page = signed_in("admin")
    response = page.goto("/console/users")
    assert response is not None and response.status == 200


def test_an_agent_cannot_post_to_supervisor_or_admin_forms_even_with_a_valid_token(console: LiveConsole) -> None:
    """The role is checked on every request, not only by hiding links: a crafted form is refused too."""
    with httpx.Client(base_url=console.url, follow_redirects=False) as client:
        client.get("/console/login")
        token = client.cookies.get("aragent_csrf")
        client.post("/console/login", data={"username": "agent", "password": "correct horse battery",
                                            "_csrf_token": token})
        made_admin = client.post("/console/users/agent/role", data={"role": "admin", "_csrf_token": token})
        assert made_admin.status_code == 403
        added = client.post("/console/users", data={"username": "mallory", "full_name": "M", "role": "admin",
                                                    "password": "a long enough secret", "_csrf_token": token})
        assert added.status_code == 403
        approved = client.post("/console/outbox/bulk", data={"action": "approve", "message": "1",
                                                             "_csrf_token": token})
        assert approved.status_code == 403
    assert [u.username for u in staff.list_users(console.services.db.uow()) if u.username == "mallory"] == []
    agent = next(u for u in staff.list_users(console.services.db.uow()) if u.username == "agent")
    assert agent.role == "agent"


def test_an_expired_session_goes_back_to_sign_in(console: LiveConsole) -> None:
    """Idle past the limit: the next page asks to sign in again (the session row says so, not the cookie)."""
    with httpx.Client(base_url=console.url, follow_redirects=False) as client:
        client.get("/console/login")
        token = client.cookies.get("aragent_csrf")
        client.post("/console/login", data={"username": "supervisor", "password": "correct horse battery",
                                            "_csrf_token": token})
        assert client.get("/console/companies").status_code == 200
        with console.services.db.engine.begin() as conn:  # an hour without a request
            supervisor = select(StaffUser.id).where(StaffUser.username == "supervisor").scalar_subquery()
            conn.execute(update(StaffSession).where(StaffSession.user_id == supervisor)
                         .values(last_seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)))
        expired = client.get("/console/companies")
        assert expired.status_code == 303 and "/console/login?next=" in expired.headers["location"]


def _audited(console: LiveConsole, action: str, username: str) -> int:
    with console.services.db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.action == action, AuditEvent.subject == f"user:{username}")) or 0


def test_the_tenth_wrong_password_in_a_minute_is_refused_unchecked_and_an_admin_lifts_a_lock(
        browser: Browser, console: LiveConsole, signed_in, shot) -> None:
    name = "guess.target"
    staff.add_user(console.services.db.uow(), name, PASSWORD, "agent", Actor("test", "test"))
    page = browser.new_page(base_url=console.url)
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False):  # all within one instant, the server's too
        for attempt in range(1, 11):
            sign_in(page, console.url, name, f"wrong guess {attempt}")
            expected = "Wrong username or password" if attempt <= 3 else "Too many attempts; try again in 1 second"
            expect(page.get_by_role("alert")).to_contain_text(expected)
        sign_in(page, console.url, name)  # the right password, still too soon: refused, not looked at
        expect(page.get_by_role("alert")).to_contain_text("Too many attempts; try again in 1 second")
        assert "/console/login" in page.url
    shot(page, "sign-in-throttled")
    assert _audited(console, "user.sign_in_failed", name) == 3  # only three passwords were ever checked
    assert _audited(console, "user.sign_in_throttled", name) == 8

    # A slower guesser, who waits out every delay, is locked at the tenth failure; an admin lifts the lock.
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    for _ in range(7):
        signing_in.sign_in(console.services.db.uow(), name, "a patient guess", now=moment, address="198.51.100.4")
        moment += dt.timedelta(seconds=65)
    assert name in staff.locked_users(console.services.db.uow(), dt.datetime.now(dt.UTC))
    admin = signed_in("admin")
    admin.goto("/console/users")
    row = admin.locator(f"#users tr[data-user='{name}']")
    expect(row).to_contain_text("locked until")
    row.get_by_role("button", name="Unlock").click()
    expect(admin.get_by_role("status")).to_contain_text(f"{name} is unlocked")
    assert _audited(console, "user.unlocked", name) == 1
    sign_in(page, console.url, name)
    page.wait_for_url("**/console/companies**")
    page.close()


def test_setting_up_two_factor_sign_in_then_signing_in_with_a_code(browser: Browser, console: LiveConsole,
                                                                   signed_in, shot) -> None:
    name = "two.factor"
    staff.add_user(console.services.db.uow(), name, PASSWORD, "supervisor", Actor("test", "test"),
                   full_name="Tess Factor")
    context = browser.new_context(base_url=console.url)
    page = context.new_page()
    sign_in(page, console.url, name)
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    assert page.locator("#totp-uri").inner_text().startswith("otpauth://totp/")
    shot(page, "two-factor-setup")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    codes = page.get_by_role("list", name="Recovery codes").locator("li")
    expect(codes).to_have_count(10)
    recovery = codes.first.inner_text().strip()
    shot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="I have kept them").click()
    expect(page.locator("#two-factor")).to_contain_text("Recovery codes left: 10")
    page.get_by_role("button", name="Sign out").click()

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)):  # later: the app shows a new code
        sign_in(page, console.url, name)
        page.wait_for_url("**/console/login/code**")
        assert "aragent_console" not in {c["name"] for c in context.cookies()}  # no session before the code
        page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/console/companies**")
        expect(page.locator(".whoami")).to_contain_text("Tess Factor")
        page.get_by_role("button", name="Sign out").click()

        sign_in(page, console.url, name)  # a recovery code instead of the app: once
        page.get_by_label("Code").fill(recovery)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("status")).to_contain_text("Signed in with a recovery code; 9 left")

        admin = signed_in("admin")  # a lost phone: an admin resets it, and the password alone signs in
        admin.goto("/console/users")
        admin.on("dialog", lambda dialog: dialog.accept())
        admin.locator(f"#users tr[data-user='{name}']").get_by_role("button", name="Reset 2FA").click()
        expect(admin.get_by_role("status")).to_contain_text(f"Two-factor sign-in reset for {name}")
    assert not next(u for u in staff.list_users(console.services.db.uow()) if u.username == name).two_factor
    context.close()
