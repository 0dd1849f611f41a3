"""A customer's Payment methods tab: the methods on file, deactivate/reactivate, add a card or an ACH account.

Both are added on the processor's own page (a one-time link opened in a new tab), so no card or account
number ever reaches our server; a bank account needs the caller's authorization first (`method_entry`).

    GET  /console/customers/{code}/methods
    POST /console/customers/{code}/methods/{id}/deactivate | /reactivate
"""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from channels.web.console.method_entry import LINK_MINUTES, TEL_AUTHORIZATIONS, entry_link
from channels.web.console.pages import actor, back, page, services_of
from core import payments
from core.payments import customer_heading, method_rows

# How the table names the authorization kept with a bank account.
AUTHORIZATION_KINDS = {"tel_recorded": "Recorded phone call", "tel_notice": "Phone call, written notice sent",
                       "written": "Signed written form", "web": "Web form on file", "e_signature": "E-signature"}


def _methods_page(request: Request, code: str) -> Response:
    services = services_of(request)
    customer = customer_heading(services.db.uow(), code)
    return page("console/customer/methods.html", request, section="companies", tab="methods",
                title=f"Payment methods · {customer.name}", customer=customer,
                rows=method_rows(services.db.uow(), code), card_url=entry_link(request, code, "card"),
                link_minutes=LINK_MINUTES, tel_authorizations=TEL_AUTHORIZATIONS,
                authorization_kinds=AUTHORIZATION_KINDS)


class MethodsController(Controller):
    path = "/customers/{code:str}/methods"

    @get("/", sync_to_thread=True)
    def index(self, request: Request, code: FromPath[str]) -> Response:
        return _methods_page(request, code)

    @post("/{method_id:int}/deactivate", sync_to_thread=True, status_code=303)
    def deactivate(self, request: Request, code: FromPath[str], method_id: FromPath[int]) -> Response:
        view = payments.deactivate_method(services_of(request).db.uow(), code, method_id, actor(request))
        return back(f"/console/customers/{code}/methods",
                    notice=f"{view.label} deactivated: it is no longer offered for payments.")

    @post("/{method_id:int}/reactivate", sync_to_thread=True, status_code=303)
    def reactivate(self, request: Request, code: FromPath[str], method_id: FromPath[int]) -> Response:
        view = payments.reactivate_method(services_of(request).db.uow(), code, method_id, actor(request))
        return back(f"/console/customers/{code}/methods", notice=f"{view.label} reactivated.")
