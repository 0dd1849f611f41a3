"""The sandbox processor's own entry page: a card or bank account goes in, a token comes out.

Conceptually this page belongs to the processor (like Stripe's hosted page), not to us: the number is used only
inside `SandboxProcessor.tokenize_*`, is never logged, stored or echoed back, and our side saves just the token.
A customer reaches it through a one-time, expiring link that staff or the bot asks for on the API.

    SANDBOX_PAGES  GET/POST /sandbox/methods/new?link=…   (the link is the credential: no API key)
    SANDBOX_API    POST /api/customers/{code}/methods/link (must sit in the API-key-guarded router)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery

from channels.web.api import Svc
from core import payments
from core.bootstrap import Services
from core.kernel import Actor, Conflict, Invalid, NotFound
from core.ledger import customer_by_code
from core.payments import LINK_PATH, LINK_TTL, LinkError, LinkGrant, SandboxProcessor

LINK_SCOPE = "sandbox-link"
_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parents[2] / "templates" / "sandbox"),
    autoescape=select_autoescape(["html"]),
)
# Shown for a forged, expired or used link alike in what it says about the customer: nothing.
_LINK_PROBLEMS = {
    "forged": "This link is not valid. Ask for a new one.",
    "expired": "This link has expired. Ask for a new one.",
    "used": "This link was already used. Ask for a new one if you need to add another method.",
}
ACH_TERMS = ("I authorize Sandbox Bank and the merchant to debit the bank account above for payments I approve, "
             "and to credit it to correct an error. I may revoke this authorization at any time by telling the "
             "merchant.")


def _consume(services: Services, grant: LinkGrant) -> None:
    if not payments.use_nonce_once(services.db.uow(), LINK_SCOPE, grant.nonce):
        raise LinkError("used")


def _grant(services: Services, link: str) -> LinkGrant:
    grant = _sandbox(services).read_method_link(link, dt.datetime.now(dt.UTC))
    if payments.nonce_is_used(services.db.uow(), LINK_SCOPE, grant.nonce):
        raise LinkError("used")
    return grant


# -- pages ---------------------------------------------------------------------------------------------------


def _page(template: str, status: int = 200, **context: Any) -> Response[str]:
    html = _TEMPLATES.get_template(template).render(**context)
    return Response(html, status_code=status, media_type=MediaType.HTML)


def _link_problem(error: LinkError) -> Response[str]:
    return _page("link_error.html", 409 if error.reason == "used" else 400, message=_LINK_PROBLEMS[error.reason])


# Only what may be shown again when the form comes back with an error: never a number, CVC or routing number.
_ECHOED = ("kind", "exp_month", "exp_year", "holder", "account_type", "bank_holder", "signature_name")


# How the page names the authorization staff recorded for a bank account added on a call.
TEL_AUTHORIZATIONS = {"tel_recorded": "the customer's consent on the recorded call",
                      "tel_notice": "the customer's consent on the call; a written notice is emailed to them"}


def _form(link: str, grant: LinkGrant, status: int = 200, error: str = "",
          data: dict[str, str] | None = None) -> Response[str]:
    kept = {name: (data or {}).get(name, "") for name in _ECHOED}
    if not kept["kind"] and grant.on_behalf is not None:
        kept["kind"] = grant.on_behalf.kind
    return _page("form.html", status, link=link, error=error, form=kept, terms=ACH_TERMS,
                 on_behalf=grant.on_behalf, customer=grant.customer_code, tel_authorizations=TEL_AUTHORIZATIONS)


FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class SandboxMethodPage(Controller):
    """The sandbox processor's own page: numbers typed here are tokenized and never reach our records."""

    path = LINK_PATH
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def show(self, services: Svc, link: FromQuery[str] = "") -> Response[str]:
        try:
            grant = _grant(services, link)
        except LinkError as error:
            return _link_problem(error)
        return _form(link, grant)

    @post("/", sync_to_thread=True)
    def save(self, services: Svc, request: Request, data: FormData) -> Response[str]:
        link = data.get("link", "")
        try:
            grant = _grant(services, link)
        except LinkError as error:
            return _link_problem(error)
        try:
            view = _tokenize_and_save(services, grant, data, _client_ip(request))
        except LinkError as error:
            return _link_problem(error)
        except (Invalid, Conflict, NotFound) as error:
            # The processor's messages never contain the number, so they are safe to show.
            return _form(link, grant, 422, str(error), data)
        return _page("saved.html", 201, label=view.label)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _tokenize_and_save(services: Services, grant: LinkGrant, data: dict[str, str], ip: str) -> payments.MethodView:
    processor = _sandbox(services)
    now = dt.datetime.now(dt.UTC)
    authorization = None
    staff = grant.on_behalf
    if data.get("kind") == "ach":  # checked before tokenizing: no orphan tokens
        authorization = _on_the_call(staff, now) if staff is not None else _e_signature(data, now, ip)
        token = processor.tokenize_bank_account(data.get("routing_number", ""), data.get("account_number", ""),
                                                data.get("bank_holder", ""), data.get("account_type", ""))
    else:
        token = processor.tokenize_card(data.get("number", ""), _int(data, "exp_month"), _int(data, "exp_year"),
                                        data.get("cvc", ""), data.get("holder", ""))
    saved = processor.save_method(token, grant.customer_code)
    _consume(services, grant)  # only now: a typo must not burn the link
    actor = (Actor(staff.recorded_by, "console") if staff is not None and staff.recorded_by
             else Actor(f"sandbox-link:{grant.customer_code}", "sandbox_page"))
    return payments.add_method(services.db.uow(), customer_code=grant.customer_code, saved=saved,
                              processor="sandbox", actor=actor, authorization=authorization,
                              branding=services.branding)


def _sandbox(services: Services) -> SandboxProcessor:
    processor = services.processors.get("sandbox")
    if not isinstance(processor, SandboxProcessor):
        raise Invalid("the sandbox processor is not configured")
    return processor


def _int(data: dict[str, str], name: str) -> int:
    try:
        return int(data.get(name, "").strip())
    except ValueError:
        raise Invalid(f"{name.replace('_', ' ')} must be a number", field=name) from None


def _on_the_call(staff: payments.OnBehalf, now: dt.datetime) -> payments.AchAuthorization:
    """A bank account an agent types for a caller: the authorization is the one the agent recorded (TEL)."""
    if staff.authorization_kind not in TEL_AUTHORIZATIONS:
        raise Invalid("this page was opened for a card; to add a bank account for a caller, record the "
                      "authorization in the console first", field="authorization")
    who = staff.recorded_by.removeprefix("user:")
    return payments.AchAuthorization(staff.authorization_kind, staff.reference, now, f"phone call, taken by {who}")


def _e_signature(data: dict[str, str], now: dt.datetime, ip: str) -> payments.AchAuthorization:
    typed = data.get("signature_name", "").strip()
    if data.get("authorize") != "yes" or not typed:
        raise Invalid("to save a bank account, type your name and tick the box to authorize debits",
                      field="authorization")
    return payments.AchAuthorization("e_signature", typed, now, f"sandbox page, IP {ip}")


# -- the API side: staff or the bot ask for a link to send --------------------------------------------------


class MethodLinkController(Controller):
    path = "/api/customers/{code:str}/methods/link"
    tags = ["Payment methods"]

    @post("/", sync_to_thread=True, status_code=201,
          summary="A one-time link (30 minutes) where the customer adds a card or bank account on the sandbox page")
    def create(self, code: FromPath[str], services: Svc, request: Request) -> dict[str, str]:
        with services.db.uow() as uow:
            customer_by_code(uow, code)  # 404 for an unknown customer, before anything is signed
        path = _sandbox(services).method_entry_path(code, dt.datetime.now(dt.UTC), LINK_TTL)
        return {"url": f"{str(request.base_url).rstrip('/')}{path}"}


SANDBOX_PAGES = [SandboxMethodPage]
SANDBOX_API = [MethodLinkController]
