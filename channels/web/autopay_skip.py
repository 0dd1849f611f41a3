"""The page behind an autopay notice's "skip" link: no session, the signed link names one charge.

    GET  /autopay/skip/{token}   what the link skips (date, amount, method, invoices), and a button; nothing changes
                                 (a link preview or a mail scanner opening it skips nothing)
    POST /autopay/skip/{token}   skips that charge (core.payments.skip_autopay), audited as the customer's, by link
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from litestar import Controller, Request, Response, Router, get, post
from litestar.config.csrf import CSRFConfig
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.params import FromPath
from litestar.response import Template

from channels.web.console.auth import add_security_headers
from core import payments
from core.bootstrap import Services
from core.documents import link_secret
from core.kernel import Actor, ARError

CSRF_COOKIE = "aragent_autopay_csrf"


def _services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def _page(status: int = 200, **context: Any) -> Template:
    return Template(template_name="pay/autopay_skip.html", context=context, status_code=status)


def _charge(request: Request, token: str) -> payments.ChargeView:
    services = _services(request)
    charge_id = payments.read_skip_token(link_secret(services.settings), token, dt.datetime.now(dt.UTC))
    return payments.autopay_charge(services.db.uow(), charge_id)


class SkipController(Controller):
    path = "/skip/{token:str}"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def show(self, request: Request, token: FromPath[str]) -> Template:
        try:
            shown = _charge(request, token)
        except ARError as refused:
            return _page(403, refused=str(refused))
        return _page(token=token, shown=shown)

    @post("/", sync_to_thread=True, status_code=200)
    def skip(self, request: Request, token: FromPath[str]) -> Template:
        try:
            shown = _charge(request, token)
            actor = Actor(f"customer:{shown.customer_code} (skip link)", "skip_link")
            payments.skip_autopay(_services(request).db.uow(), customer_code=shown.customer_code,
                                  now=dt.datetime.now(dt.UTC), actor=actor, charge_id=shown.charge.id)
        except ARError as refused:
            return _page(409, refused=str(refused))
        return _page(token=token, shown=payments.autopay_charge(_services(request).db.uow(), shown.charge.id),
                     done=True)


def _headers(response: Response[Any]) -> Response[Any]:
    response.headers["Referrer-Policy"] = "no-referrer"
    return add_security_headers(response)


def autopay_skip_router(services: Services) -> Router:
    secret = hashlib.sha256(b"autopay-csrf:" + link_secret(services.settings).encode()).hexdigest()
    csrf = CSRFConfig(secret=secret, cookie_name=CSRF_COOKIE, cookie_path="/autopay", cookie_httponly=True,
                      cookie_samesite="strict", cookie_secure=services.settings.public_url.startswith("https://"))
    return Router(path="/autopay", route_handlers=[SkipController],
                  middleware=[DefineMiddleware(CSRFMiddleware, config=csrf)], after_request=_headers,  # type: ignore[arg-type]
                  include_in_schema=False)
