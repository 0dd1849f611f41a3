"""The agent console under /console: server-rendered pages for staff (templates/console/).

Every page but sign-in needs a live staff session (`auth.signed_in`); every form carries a CSRF token
(Litestar's CSRF middleware, on this router only: the API and the webhooks prove themselves otherwise);
every response carries the security headers. An area adds its controllers to `CONTROLLERS`.
"""

from __future__ import annotations

import hashlib

from litestar import Request, Response, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.response import Redirect
from litestar.static_files import create_static_files_router

from channels.web.console import auth
from channels.web.console.areas import CONTROLLERS
from channels.web.console.pages import STATIC, back, page
from core.bootstrap import Services
from core.documents import link_secret
from core.kernel import Conflict, Invalid, NotFound

CSRF_COOKIE = "aragent_csrf"


@get("/", sync_to_thread=False, include_in_schema=False)
def home() -> Redirect:
    return Redirect("/console/companies")


def _referer_path(request: Request) -> str:
    referer = request.headers.get("referer", "")
    path = "/" + referer.split("://", 1)[1].split("/", 1)[-1] if "://" in referer else referer
    return path.split("?", 1)[0] if path.startswith("/console") else "/console"


def on_rule_broken(request: Request, exc: Invalid | Conflict) -> Response:
    """A form that breaks a rule goes back where it came from, saying what to change; nothing was done."""
    if request.method == "GET":
        status = 409 if isinstance(exc, Conflict) else 422
        return auth.add_security_headers(page("console/error.html", request, status_code=status,
                                              title="Cannot do that", message=str(exc)))
    return auth.add_security_headers(back(_referer_path(request), error=str(exc)))


def on_not_found(request: Request, exc: NotFound) -> Response:
    return auth.add_security_headers(page("console/error.html", request, status_code=404, title="Not found",
                                          message=str(exc)))


def console_router(services: Services) -> Router:
    secret = hashlib.sha256(b"console-csrf:" + link_secret(services.settings).encode()).hexdigest()
    csrf = CSRFConfig(secret=secret, cookie_name=CSRF_COOKIE, cookie_path="/console", cookie_httponly=True,
                      cookie_samesite="strict", cookie_secure=services.settings.public_url.startswith("https://"))
    pages = Router(path="/console", route_handlers=[home, *CONTROLLERS], guards=[auth.signed_in])
    return Router(
        path="/",
        route_handlers=[
            auth.SignInController, pages,
            create_static_files_router(path="/console/static", directories=[STATIC], include_in_schema=False),
        ],
        middleware=[DefineMiddleware(CSRFMiddleware, config=csrf)],
        after_request=auth.add_security_headers,
        exception_handlers={
            NotAuthorizedException: auth.to_sign_in,
            PermissionDeniedException: auth.forbidden,
            Invalid: on_rule_broken,
            Conflict: on_rule_broken,
            NotFound: on_not_found,
        },
        include_in_schema=False,
    )
