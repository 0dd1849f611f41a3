"""Autopay on the customer's pay page (behind the same signed "Pay online" link): see it, turn it on, turn it off.

    GET  /pay/{token}/autopay        status, the customer's methods and the exact words autopay runs by
    POST /pay/{token}/autopay        on: the method chosen and "I agree" ticked under those words (kept as the
                                     authorization, with the time and channel `pay_link`)
    POST /pay/{token}/autopay/off    off

The customer code comes from the signed link only. A bank account is refused here, as in the chat: automatic
debits need a recurring authorization in writing, which staff record.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Template

from core import payments
from core.bootstrap import Services
from core.documents import PayGrant, PayLinkRefused, link_secret, read_pay_token
from core.kernel import Actor, ARError, Invalid

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
_REFUSED = {"forged": "This link is not valid", "expired": "This link has expired"}


def _services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def words(services: Services, label: str) -> str:
    """What the customer agrees to, exactly as the page shows it."""
    rule = payments.autopay_rule(services.settings.autopay_notice_days)
    return (f"I authorize {services.settings.seller_name} to charge {label} for my invoices: {rule}. Disputed "
            "invoices are never charged automatically. I can turn autopay off at any time.")


def _page(request: Request, token: str, grant: PayGrant, status: int = 200, **context: Any) -> Template:
    services = _services(request)
    methods = [m for m in payments.list_methods(services.db.uow(), grant.customer_code)]
    return Template(template_name="pay/autopay.html", status_code=status, context={
        "token": token, "expires": grant.expires, "methods": methods,
        "customer": payments.customer_heading(services.db.uow(), grant.customer_code),
        "autopay": payments.autopay_status(services.db.uow(), grant.customer_code),
        "words": {m.id: words(services, m.label) for m in methods}, **context})


def _refused(reason: str) -> Template:
    return Template(template_name="pay/refused.html", status_code=410 if reason == "expired" else 403,
                    context={"title": _REFUSED[reason], "advice": "Ask us for a new link."})


class PayAutopayController(Controller):
    path = "/{token:str}/autopay"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def show(self, request: Request, token: FromPath[str]) -> Template:
        try:
            grant = read_pay_token(link_secret(_services(request).settings), token)
        except PayLinkRefused as refusal:
            return _refused(refusal.reason)
        return _page(request, token, grant)

    @post("/", sync_to_thread=True, status_code=200)
    def turn_on(self, request: Request, token: FromPath[str], data: Form) -> Template:
        services = _services(request)
        try:
            grant = read_pay_token(link_secret(services.settings), token)
        except PayLinkRefused as refusal:
            return _refused(refusal.reason)
        try:
            method = next((m for m in payments.list_methods(services.db.uow(), grant.customer_code)
                           if str(m.id) == data.get("method")), None)
            if method is None:
                raise Invalid("choose one of your saved cards", "method")
            if data.get("agree") != "yes":
                raise Invalid("tick “I agree” under the words autopay runs by", "agree")
            if method.kind == "ach":
                raise Invalid("a bank account can pay automatically only with a recurring debit authorization in "
                              "writing: call us to sign one, or choose a card", "method")
            actor = Actor(f"customer:{grant.customer_code} (pay link)", "pay_link")
            payments.enroll_autopay(services.db.uow(), customer_code=grant.customer_code, method_id=method.id,
                                    authorization=payments.AutopayAuthorization(
                                        actor.name, dt.datetime.now(dt.UTC), "pay_link",
                                        f"{words(services, method.label)} — ticked “I agree” on the pay page"),
                                    actor=actor)
        except ARError as refused:
            return _page(request, token, grant, 422, error=str(refused))
        return _page(request, token, grant, notice=f"Autopay is on with {method.label}.")

    @post("/off", sync_to_thread=True, status_code=200)
    def turn_off(self, request: Request, token: FromPath[str]) -> Template:
        services = _services(request)
        try:
            grant = read_pay_token(link_secret(services.settings), token)
        except PayLinkRefused as refusal:
            return _refused(refusal.reason)
        payments.turn_off_autopay(services.db.uow(), customer_code=grant.customer_code, now=dt.datetime.now(dt.UTC),
                                  actor=Actor(f"customer:{grant.customer_code} (pay link)", "pay_link"),
                                  reason="the customer turned it off on the pay page")
        return _page(request, token, grant, notice="Autopay is off: nothing will be charged automatically.")
