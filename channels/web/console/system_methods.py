"""System → Payment Methods: every customer's saved methods in one list, found by company ID or name, with
Activate/Deactivate beside each (the customer's own Payment methods tab does the same for one customer).

Agents may use it as supervisors do: an agent already deactivates and reactivates a customer's methods on that
tab, this is the same action on the same rows (`core.payments.deactivate_method`/`reactivate_method`), and
each change is audited with who made it.

    GET  /console/system/payment-methods?q=&company=&status=&page=
    POST /console/system/payment-methods/{id}/deactivate | /activate   (form: company, back)
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, QueryParameter

from channels.web.console.pages import actor, back, page, services_of
from core import payments

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
LIST = "/console/system/payment-methods"
_KEPT = ("q", "company", "status", "page")  # what the list's address may carry back after a change


def _list_again(data: dict[str, str]) -> str:
    """The list as the agent left it: only the list's own filters come back from the form."""
    kept = [(key, value) for key, value in parse_qsl(data.get("back", "").lstrip("?")) if key in _KEPT]
    return LIST + ("?" + urlencode(kept) if kept else "")


class SystemMethodsController(Controller):
    path = "/system/payment-methods"

    @get("/", sync_to_thread=True)
    def index(
        self, request: Request, q: FromQuery[str] = "", company: FromQuery[str] = "", status: FromQuery[str] = "",
        number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
    ) -> Response:
        wanted = payments.MethodFilter(q, company, status)
        found = payments.all_methods(services_of(request).db.uow(), wanted, number)
        return page("console/system/payment_methods.html", request, section="system-methods",
                    title="Payment Methods", wanted=wanted, found=found, statuses=payments.METHOD_STATUSES,
                    here=request.url.query)

    @post("/{method_id:int}/deactivate", sync_to_thread=True, status_code=303)
    def deactivate(self, request: Request, method_id: FromPath[int], data: Form) -> Response:
        code = data.get("company", "")
        view = payments.deactivate_method(services_of(request).db.uow(), code, method_id, actor(request))
        return back(_list_again(data), notice=f"{view.label} of {code} deactivated: it is no longer offered for "
                                              "payments.")

    @post("/{method_id:int}/activate", sync_to_thread=True, status_code=303)
    def activate(self, request: Request, method_id: FromPath[int], data: Form) -> Response:
        code = data.get("company", "")
        view = payments.reactivate_method(services_of(request).db.uow(), code, method_id, actor(request))
        return back(_list_again(data), notice=f"{view.label} of {code} activated: it is offered for payments again.")
