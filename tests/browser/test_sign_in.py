"""Sign-in, sessions, CSRF and roles, in the browser and as plain HTTP where a browser cannot misbehave."""

from __future__ import annotations

import datetime as dt

import httpx
from playwright.sync_api import Browser, expect
from sqlalchemy import select, update

from core.staff import users as staff
from core.staff.models import StaffSession, StaffUser
from tests.browser.conftest import LiveConsole, sign_in


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
