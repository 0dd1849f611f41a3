"""A customer's Payment methods tab: the methods on file, deactivate/reactivate, add a card or an ACH account.

A card is added on the processor's own page (a one-time link opened in a new tab), so no card number ever
reaches our server. An ACH account is saved from the processor's token with the authorization on file:
`core.payments.methods.add_method` refuses it without the authorization kind and a reference.

    GET  /console/customers/{code}/methods
    POST /console/customers/{code}/methods/ach
    POST /console/customers/{code}/methods/{id}/deactivate | /reactivate
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath

from channels.web.console.pages import actor, back, page, services_of
from core import payments
from core.conversations import METHOD_LINK_TTL, method_entry_url
from core.kernel import ARError, Invalid
from core.payments import customer_heading, method_rows

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
ACCOUNT_TYPES = ("checking", "savings")
AUTHORIZATION_KINDS = {"tel_recorded": "Recorded phone call", "written": "Signed written form",
                       "web": "Web form on file"}



def _methods_page(request: Request, code: str, form: dict[str, str], error: str | None = None,
                  status: int = 200) -> Response:
    services = services_of(request)
    customer = customer_heading(services.db.uow(), code)
    return page("console/customer/methods.html", request, status_code=status, section="companies", tab="methods",
                title=f"Payment methods · {customer.name}", customer=customer,
                rows=method_rows(services.db.uow(), code),
                card_url=method_entry_url(services.settings, services.processor, code),
                link_minutes=int(METHOD_LINK_TTL.total_seconds() // 60), form=form, account_types=ACCOUNT_TYPES,
                authorization_kinds=AUTHORIZATION_KINDS, error=error or request.query_params.get("error"))


def _add_ach(request: Request, code: str, data: dict[str, str]) -> payments.MethodView:
    """The processor tells us what the token is; the agent supplies only the authorization on file."""
    services = services_of(request)
    if data.get("account_type") not in ACCOUNT_TYPES:
        raise Invalid("choose the account type: checking or savings", "account_type")
    saved = services.processor.save_method(data.get("token", "").strip(), code)
    if saved.kind != "ach":
        raise Invalid("that token is a card, not a bank account; add cards with Add a card", "token")
    kind = data.get("authorization_kind", "")
    authorization = None if not kind else payments.AchAuthorization(
        kind, data.get("authorization_reference", ""), source=f"console, {data['account_type']} account")
    return payments.add_method(services.db.uow(), customer_code=code, saved=saved,
                              processor=services.processor.name, actor=actor(request), authorization=authorization)


class MethodsController(Controller):
    path = "/customers/{code:str}/methods"

    @get("/", sync_to_thread=True)
    def index(self, request: Request, code: FromPath[str]) -> Response:
        return _methods_page(request, code, {})

    @post("/ach", sync_to_thread=True, status_code=303)
    def add_ach(self, request: Request, code: FromPath[str], data: Form) -> Response:
        try:
            view = _add_ach(request, code, data)
        except ARError as refused:  # the form comes back as typed (no numbers are ever typed in it)
            return _methods_page(request, code, data, str(refused), 422)
        return back(f"/console/customers/{code}/methods", notice=f"{view.label} added.")

    @post("/{method_id:int}/deactivate", sync_to_thread=True, status_code=303)
    def deactivate(self, request: Request, code: FromPath[str], method_id: FromPath[int]) -> Response:
        view = payments.deactivate_method(services_of(request).db.uow(), code, method_id, actor(request))
        return back(f"/console/customers/{code}/methods",
                    notice=f"{view.label} deactivated: it is no longer offered for payments.")

    @post("/{method_id:int}/reactivate", sync_to_thread=True, status_code=303)
    def reactivate(self, request: Request, code: FromPath[str], method_id: FromPath[int]) -> Response:
        view = payments.reactivate_method(services_of(request).db.uow(), code, method_id, actor(request))
        return back(f"/console/customers/{code}/methods", notice=f"{view.label} reactivated.")
