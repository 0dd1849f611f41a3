"""Sign-in for staff: a session cookie checked on every console request, roles, security headers.

The cookie holds a random token (HttpOnly, SameSite=Lax, Secure when the console is served over https);
`core.staff.users` keeps its digest and ends it after idleness or at the latest after a working day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Body, QueryParameter
from litestar.response import Redirect, Template

from channels.web.console.pages import page
from core import staff
from core.bootstrap import Services
from core.staff import StaffView

SESSION_COOKIE = "aragent_console"
LOGIN_PATH = "/console/login"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'self'; "
        "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _services(connection: ASGIConnection) -> Services:
    return connection.app.state.services  # type: ignore[no-any-return]


def signed_in(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """Every console page but the sign-in form: a live session, or off to sign in."""
    services = _services(connection)
    user = staff.session_user(services.db.uow(), connection.cookies.get(SESSION_COOKIE, ""), now=_now(),
                                      idle_minutes=services.settings.console_idle_minutes)
    if user is None:
        raise NotAuthorizedException("sign in first")
    connection.scope["staff"] = user  # type: ignore[typeddict-unknown-key]


def requires(role: str) -> Callable[[ASGIConnection, BaseRouteHandler], None]:
    """A guard for pages above the agent's role: `guards=[requires("supervisor")]` (after `signed_in`)."""

    def guard(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
        user = connection.scope.get("staff")  # type: ignore[typeddict-item]
        if not isinstance(user, StaffView) or not user.may(role):
            raise PermissionDeniedException(f"this page is for the {role} role and above")

    return guard


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def to_sign_in(request: Request, _exc: NotAuthorizedException) -> Response:
    """Not signed in (or the session ended): a page goes to the sign-in form and comes back after."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = request.headers.get("referer", "/console") or "/console"
        if "://" in target:
            target = "/" + target.split("://", 1)[1].split("/", 1)[-1]
    response = Redirect(f"{LOGIN_PATH}?next={quote(target)}", status_code=303)
    return add_security_headers(response)


def forbidden(request: Request, exc: PermissionDeniedException) -> Response:
    """A role below the page's, or a form without its CSRF token: a page that says so, status 403."""
    message = exc.detail
    if "CSRF" in message:
        message = "This form has expired or did not come from the console. Go back, reload the page and try again."
    return add_security_headers(page("console/error.html", request, status_code=403, title="Not allowed",
                                     message=message))


def _safe_next(target: str | None) -> str:
    """Only a path on this console: never an open redirect to another site."""
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return "/console"


class SignInController(Controller):
    path = "/console"
    include_in_schema = False

    @get("/login", sync_to_thread=False)
    def form(
        self, request: Request, next_page: Annotated[str | None, QueryParameter(name="next")] = None
    ) -> Template:
        return page("console/login.html", request, next=_safe_next(next_page), username="")

    @post("/login", sync_to_thread=True, status_code=303)
    def sign_in(
        self, request: Request,
        data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response:
        services = _services(request)
        signed = staff.sign_in(services.db.uow(), data.get("username", ""), data.get("password", ""),
                                       now=_now(), hours=services.settings.console_session_hours,
                                       user_agent=request.headers.get("user-agent", ""))
        target = _safe_next(data.get("next"))
        if signed is None:
            return page("console/login.html", request, status_code=401, next=target,
                        username=data.get("username", ""), error="Wrong username or password.")
        response = Redirect(target, status_code=303)
        response.set_cookie(Cookie(key=SESSION_COOKIE, value=signed.token, path="/console", httponly=True,
                                   samesite="lax", secure=services.settings.public_url.startswith("https://"),
                                   max_age=services.settings.console_session_hours * 3600))
        return response

    @post("/logout", sync_to_thread=True, status_code=303)
    def sign_out(self, request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE, "")
        if token:
            staff.sign_out(_services(request).db.uow(), token, now=_now())
        response = Redirect(f"{LOGIN_PATH}?notice=Signed+out.", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/console")
        return response
