"""Sign-in for staff: a session cookie checked on every console request, roles, security headers.

The cookie holds a random token (HttpOnly, SameSite=Lax, Secure when the console is served over https);
`core.staff.users` keeps its digest and ends it after idleness or at the latest after a working day.

Signing in is `core.staff.signing_in`'s: the password, then for those with two-factor sign-in the code from their app
(or a recovery code), or setting the app up first when their role must use it (ARAGENT_CONSOLE_REQUIRE_2FA). Between
the steps a second cookie (path /console/login, ten minutes) carries a token that no page accepts. Too many attempts
are refused before anything is checked (429, "Too many attempts; try again in …"): core.staff.sign_in_guard.
A session from before a role had to use two-factor sign-in reaches no page but the account's until it is set up.
"""

from __future__ import annotations

import datetime as dt
import math
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

from channels.web.console.pages import back, page
from core import staff
from core.bootstrap import Services
from core.staff import Refusal, SignedIn, StaffView

SESSION_COOKIE = "aragent_console"
STEP_COOKIE = "aragent_console_step"  # between the password and the code
LOGIN_PATH = "/console/login"
CODE_PATH = "/console/login/code"
ENROL_PATH = "/console/login/two-factor"
ACCOUNT_TWO_FACTOR = "/console/account/two-factor"
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


def now() -> dt.datetime:
    """The console's clock, in one place: a test travels it (time_machine), the code never reads another."""
    return dt.datetime.now(dt.UTC)


class EnrolFirst(NotAuthorizedException):
    """The user's role must use two-factor sign-in and they have not set it up: the account page first."""


def _services(connection: ASGIConnection) -> Services:
    return connection.app.state.services  # type: ignore[no-any-return]


def signed_in(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """Every console page but the sign-in form: a live session, or off to sign in."""
    services = _services(connection)
    user = staff.session_user(services.db.uow(), connection.cookies.get(SESSION_COOKIE, ""), now=now(),
                                      idle_minutes=services.settings.console_idle_minutes)
    if user is None:
        raise NotAuthorizedException("sign in first")
    connection.scope["staff"] = user  # type: ignore[typeddict-unknown-key]
    if not user.two_factor and staff.must_use_two_factor(user.role, services.settings.console_require_2fa) \
            and not connection.url.path.startswith("/console/account"):
        raise EnrolFirst("set up two-factor sign-in first")


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
    if isinstance(_exc, EnrolFirst):
        return add_security_headers(back(ACCOUNT_TWO_FACTOR, notice="Your role must use two-factor sign-in: set it "
                                                                   "up here to go on."))
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


def too_many(refused: Refusal) -> str:
    """What a refused attempt is told: how long to wait (and, when locked, who can lift it sooner)."""
    seconds = refused.seconds
    wait = f"{seconds} second{'s' if seconds != 1 else ''}" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
    locked = " This account is locked after too many failed attempts; an admin can unlock it sooner." \
        if refused.locked else ""
    return f"Too many attempts; try again in {wait}.{locked}"


def _address(request: Request) -> str:
    """The client's address (behind a proxy, uvicorn's --forwarded-allow-ips makes it the real one)."""
    return request.client.host if request.client else ""


def _policy(request: Request) -> staff.SignInPolicy:
    return staff.SignInPolicy.of(_services(request).settings)


def _with_session(response: Response, request: Request, signed: SignedIn) -> Response:
    settings = _services(request).settings
    response.set_cookie(Cookie(key=SESSION_COOKIE, value=signed.token, path="/console", httponly=True,
                               samesite="lax", secure=settings.public_url.startswith("https://"),
                               max_age=settings.console_session_hours * 3600))
    response.delete_cookie(STEP_COOKIE, path=LOGIN_PATH)
    return response


def _refused(request: Request, template: str, refused: Refusal, **context: object) -> Template:
    response = page(template, request, status_code=429, error=too_many(refused), **context)
    response.headers["Retry-After"] = str(refused.seconds)
    return response


def _start_again() -> Redirect:
    return Redirect(f"{LOGIN_PATH}?notice={quote('That sign-in has expired; sign in again.')}", status_code=303)


Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Next = Annotated[str | None, QueryParameter(name="next")]


class SignInController(Controller):
    path = "/console"
    include_in_schema = False

    @get("/login", sync_to_thread=False)
    def form(self, request: Request, next_page: Next = None) -> Template:
        return page("console/login.html", request, next=_safe_next(next_page), username="")

    @post("/login", sync_to_thread=True, status_code=303)
    def sign_in(self, request: Request, data: Form) -> Response:
        services, username = _services(request), data.get("username", "")
        answer = staff.sign_in(services.db.uow(), username, data.get("password", ""), now=now(),
                               policy=_policy(request), address=_address(request),
                               user_agent=request.headers.get("user-agent", ""))
        target = _safe_next(data.get("next"))
        if answer is None:
            return page("console/login.html", request, status_code=401, next=target, username=username,
                        error="Wrong username or password.")
        if isinstance(answer, Refusal):
            return _refused(request, "console/login.html", answer, next=target, username=username)
        if isinstance(answer, staff.SecondStep):
            response = Redirect(f"{ENROL_PATH if answer.enrol else CODE_PATH}?next={quote(target)}", status_code=303)
            response.set_cookie(Cookie(key=STEP_COOKIE, value=answer.token, path=LOGIN_PATH, httponly=True,
                                       samesite="lax", secure=services.settings.public_url.startswith("https://"),
                                       max_age=600))
            return response
        return _with_session(Redirect(target, status_code=303), request, answer)

    @get("/login/code", sync_to_thread=True)
    def code_form(self, request: Request, next_page: Next = None) -> Response:
        pending = staff.pending_sign_in(_services(request).db.uow(), request.cookies.get(STEP_COOKIE, ""), now=now())
        if pending is None or pending.enrol:
            return _start_again()
        return page("console/account/code.html", request, next=_safe_next(next_page), who=pending.user)

    @post("/login/code", sync_to_thread=True, status_code=303)
    def code(self, request: Request, data: Form) -> Response:
        services, token, target = _services(request), request.cookies.get(STEP_COOKIE, ""), _safe_next(data.get("next"))
        pending = staff.pending_sign_in(services.db.uow(), token, now=now())
        if pending is None or pending.enrol:
            return _start_again()
        answer = staff.second_step(services.db.uow(), token, data.get("code", ""), now=now(), policy=_policy(request),
                                   address=_address(request), user_agent=request.headers.get("user-agent", ""))
        if answer is None:
            return page("console/account/code.html", request, status_code=401, next=target, who=pending.user,
                        error="That code is not right. Type the code your app shows now, or a recovery code.")
        if isinstance(answer, Refusal):
            return _refused(request, "console/account/code.html", answer, next=target, who=pending.user)
        if answer.recovery_left is None:
            return _with_session(Redirect(target, status_code=303), request, answer)
        # A recovery code used: the phone may be lost. The account page, where new codes or a new app are set up.
        return _with_session(back("/console/account", notice=f"Signed in with a recovery code; "
                                                             f"{answer.recovery_left} left."), request, answer)

    @get("/login/two-factor", sync_to_thread=True)
    def enrol_form(self, request: Request, next_page: Next = None) -> Response:
        return self._enrol_page(request, _safe_next(next_page))

    @post("/login/two-factor", sync_to_thread=True, status_code=303)
    def enrol(self, request: Request, data: Form) -> Response:
        services, token, target = _services(request), request.cookies.get(STEP_COOKIE, ""), _safe_next(data.get("next"))
        finished = staff.finish_enrolment(services.db.uow(), token, data.get("code", ""), now=now(),
                                          policy=_policy(request), address=_address(request),
                                          user_agent=request.headers.get("user-agent", ""))
        if finished is None:
            return self._enrol_page(request, target, error="That code is not right. Type the code your app shows "
                                                           "now for this account.")
        signed, codes = finished
        return _with_session(page("console/account/recovery_codes.html", request, codes=codes, next=target,
                                  title="Recovery codes"), request, signed)

    def _enrol_page(self, request: Request, target: str, error: str | None = None) -> Response:
        services, policy = _services(request), _policy(request)
        pending = staff.pending_sign_in(services.db.uow(), request.cookies.get(STEP_COOKIE, ""), now=now())
        if pending is None or not pending.enrol:
            return _start_again()
        enrolment = staff.start_enrolment(services.db.uow(), pending.user.username, key=policy.key,
                                          issuer=policy.issuer)
        return page("console/account/setup.html", request, status_code=401 if error else 200, error=error,
                    enrolment=enrolment, action=ENROL_PATH, next=target, who=pending.user, required=True,
                    title="Set up two-factor sign-in")

    @post("/logout", sync_to_thread=True, status_code=303)
    def sign_out(self, request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE, "")
        if token:
            staff.sign_out(_services(request).db.uow(), token, now=now())
        response = Redirect(f"{LOGIN_PATH}?notice=Signed+out.", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/console")
        return response
