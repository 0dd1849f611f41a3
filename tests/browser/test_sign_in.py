"""Sign-in, sessions, CSRF and roles, in the browser and as plain HTTP where a browser cannot misbehave."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, expect

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
