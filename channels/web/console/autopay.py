"""The Autopay panel on the customer page: status, the method, who enrolled it and when; Enroll or Change method
with the customer's authorization as the agent records it (their words or the reference of the signed form, the
channel; a bank account also its recurring debit authorization on file), Turn off, and Skip for a charge announced.

    POST /console/customers/{code}/autopay                      enroll, or change the method
    POST /console/customers/{code}/autopay/off                  turn it off (its charges not yet made are canceled)
    POST /console/customers/{code}/autopay/charges/{id}/skip    skip one charge before its date
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect

from channels.web.console.pages import actor, back, services_of
from core import payments
from core.kernel import ARError, Invalid

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
# Where the customer gave the authorization the agent records.
CHANNELS = {"phone": "On a phone call", "email": "By email", "paper": "Signed paper form", "in_person": "In person"}
# How an enrollment the customer made themselves reads on the panel (the channels staff record are CHANNELS').
SELF_SERVE = {"pay_link": "on the pay page", "sms": "by SMS", "telegram": "on Telegram", "cli": "in the terminal chat",
              "console": "in the console", "api": "through the API"}


def autopay_on_page(request: Request, code: str) -> dict[str, Any]:
    """What the customer page's panel shows: `autopay` (or None), the methods to enroll, the rule, the channels."""
    services = services_of(request)
    return {"autopay": payments.autopay_status(services.db.uow(), code),
            "autopay_methods": payments.list_methods(services.db.uow(), code),
            "autopay_rule": payments.autopay_rule(services.settings.autopay_notice_days),
            "autopay_channels": CHANNELS, "autopay_channel_words": {**SELF_SERVE, **CHANNELS}}


def _page(code: str) -> str:
    return f"/console/customers/{code}"


class AutopayController(Controller):
    path = "/customers/{code:str}/autopay"
    include_in_schema = False

    @post("/", sync_to_thread=True, status_code=303)
    def enroll(self, request: Request, code: FromPath[str], data: Form) -> Redirect:
        who = actor(request)
        channel = data.get("channel", "")
        try:
            if channel not in CHANNELS:
                raise Invalid("say how the customer gave the authorization", "channel")
            method_id = int(data.get("method_id") or 0)
            authorization = payments.AutopayAuthorization(
                f"{who.name} for the customer ({CHANNELS[channel].lower()})", dt.datetime.now(dt.UTC), channel,
                data.get("text", "").strip(), data.get("ach_recurring_reference", "").strip())
            view = payments.enroll_autopay(services_of(request).db.uow(), customer_code=code, method_id=method_id,
                                           authorization=authorization, actor=who)
        except (ARError, ValueError) as refused:
            return back(_page(code), error=f"Autopay not changed: {refused}")
        return back(_page(code), notice=f"Autopay is on with {view.method.label}.")

    @post("/off", sync_to_thread=True, status_code=303)
    def off(self, request: Request, code: FromPath[str], data: Form) -> Redirect:
        ended = payments.turn_off_autopay(services_of(request).db.uow(), customer_code=code,
                                          now=dt.datetime.now(dt.UTC), actor=actor(request),
                                          reason=data.get("reason", "").strip())
        return back(_page(code), notice="Autopay turned off." if ended else "Autopay was not on.")

    @post("/charges/{charge_id:int}/skip", sync_to_thread=True, status_code=303)
    def skip(self, request: Request, code: FromPath[str], charge_id: FromPath[int]) -> Redirect:
        try:
            skipped = payments.skip_autopay(services_of(request).db.uow(), customer_code=code,
                                            now=dt.datetime.now(dt.UTC), actor=actor(request), charge_id=charge_id)
        except ARError as refused:
            return back(_page(code), error=str(refused))
        return back(_page(code), notice=f"Skipped the autopay charge of {skipped.amount.format()} on "
                                        f"{skipped.due_on:%b %-d, %Y}.")
