"""The signed-in user's own account: two-factor sign-in (set up, new recovery codes, turn off)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from channels.web.console.auth import ACCOUNT_TWO_FACTOR, now
from channels.web.console.pages import back, page, services_of
from channels.web.console.pages import staff as signed_in_user
from core import staff

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
ACCOUNT = "/console/account"


def _policy(request: Request) -> staff.SignInPolicy:
    return staff.SignInPolicy.of(services_of(request).settings)


def _required(request: Request) -> bool:
    return staff.must_use_two_factor(signed_in_user(request).role, services_of(request).settings.console_require_2fa)


class AccountController(Controller):
    path = "/account"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def account(self, request: Request) -> Template:
        me = signed_in_user(request)
        return page("console/account/index.html", request, section="account", title="Your account",
                    status=staff.two_factor_status(services_of(request).db.uow(), me.username),
                    required=_required(request))

    @get("/two-factor", sync_to_thread=True)
    def setup(self, request: Request) -> Response:
        return self._setup_page(request)

    @post("/two-factor", sync_to_thread=True, status_code=303)
    def confirm(self, request: Request, data: Form) -> Response:
        me, policy = signed_in_user(request), _policy(request)
        codes = staff.confirm_enrolment(services_of(request).db.uow(), me.username, data.get("code", ""), now=now(),
                                        key=policy.key)
        if codes is None:
            return self._setup_page(request, error="That code is not right. Type the code your app shows now.")
        return page("console/account/recovery_codes.html", request, section="account", title="Recovery codes",
                    codes=codes, next=ACCOUNT)

    @post("/two-factor/recovery-codes", sync_to_thread=True, status_code=303)
    def recovery_codes(self, request: Request, data: Form) -> Response:
        me = signed_in_user(request)
        codes = staff.new_recovery_codes(services_of(request).db.uow(), me.username, data.get("code", ""), now=now(),
                                         key=_policy(request).key)
        if codes is None:
            return back(ACCOUNT, error="That code is not right: no new recovery codes were made.")
        return page("console/account/recovery_codes.html", request, section="account", title="Recovery codes",
                    codes=codes, next=ACCOUNT)

    @post("/two-factor/off", sync_to_thread=True, status_code=303)
    def turn_off(self, request: Request, data: Form) -> Redirect:
        me, settings = signed_in_user(request), services_of(request).settings
        done = staff.turn_off(services_of(request).db.uow(), me.username, data.get("code", ""), now=now(),
                              key=_policy(request).key, required_from=settings.console_require_2fa)
        if not done:
            return back(ACCOUNT, error="That code is not right: two-factor sign-in is still on.")
        return back(ACCOUNT, notice="Two-factor sign-in is off: you sign in with your password alone.")

    def _setup_page(self, request: Request, error: str | None = None) -> Response:
        me, policy = signed_in_user(request), _policy(request)
        if me.two_factor:
            return back(ACCOUNT, notice="Two-factor sign-in is already on.")
        enrolment = staff.start_enrolment(services_of(request).db.uow(), me.username, key=policy.key,
                                          issuer=policy.issuer)
        return page("console/account/setup.html", request, status_code=422 if error else 200, error=error,
                    section="account", title="Set up two-factor sign-in", enrolment=enrolment,
                    action=ACCOUNT_TWO_FACTOR, next=ACCOUNT, who=me, required=_required(request))
