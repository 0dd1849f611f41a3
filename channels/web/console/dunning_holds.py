"""Dunning holds on the customer page ("Mahnstopp"): Put on hold and Lift hold, for supervisors and up, as every
other dunning action in the console (stages, templates, the outbox's approvals). Everyone sees the hold: the
banner on the customer page and the badge on the invoice row come from `holds_on_page`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect

from channels.web.console.auth import requires
from channels.web.console.pages import actor, back, form_date, services_of
from core import dunning

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def holds_on_page(request: Request, code: str) -> dict[str, Any]:
    """What a customer page shows: `account_hold` (or None) and `invoice_holds` by invoice number, in force today."""
    found = dunning.holds_for(services_of(request).db.uow(), code, dt.date.today())
    return {"account_hold": next((h for h in found if h.invoice is None), None),
            "invoice_holds": {h.invoice: h for h in found if h.invoice}}


class DunningHoldsController(Controller):
    path = "/customers/{code:str}/dunning-holds"
    guards = [requires("supervisor")]
    include_in_schema = False

    @post("/", sync_to_thread=True, status_code=303)
    def put(self, request: Request, code: FromPath[str], data: Form) -> Redirect:
        invoice = data.get("invoice", "").strip() or None
        hold = dunning.put_on_hold(services_of(request).db.uow(), code, data.get("reason", ""), actor(request),
                                   until=form_date(data.get("until"), "until"), invoice=invoice)
        what = f"Invoice {hold.invoice}" if hold.invoice else "Dunning for this customer"
        return back(f"/console/customers/{code}", notice=f"{what} is {hold.why}.")

    @post("/{hold_id:int}/lift", sync_to_thread=True, status_code=303)
    def lift(self, request: Request, code: FromPath[str], hold_id: FromPath[int]) -> Redirect:
        [lifted] = dunning.lift_hold(services_of(request).db.uow(), code, actor(request), hold_id=hold_id)
        what = f"invoice {lifted.invoice}" if lifted.invoice else "the account"
        return back(f"/console/customers/{code}", notice=f"Dunning hold on {what} lifted: the next run reminds "
                                                         "again what is owed.")
