"""Disputes: what customers say they do not owe, held out of reminders and bulk payments until staff resolve them.
Open ones first (oldest first, the longest waiting on top); Resolve, with a note, lets the amount be asked for again."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from channels.web.console.pages import actor, back, page, services_of
from core import ledger

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
DISPUTES = "/console/disputes"
STATUSES = ("open", "resolved", "all")



class DisputesController(Controller):
    path = "/disputes"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def disputes(self, request: Request, status: FromQuery[str] = "open", customer: FromQuery[str] = "") -> Template:
        wanted = status if status in STATUSES else "open"
        found = ledger.disputes(services_of(request).db.uow(), status=wanted, customer_code=customer.strip().upper())
        return page("console/disputes/list.html", request, section="disputes", title="Disputes", disputes=found,
                    status=wanted, statuses=STATUSES, customer=customer)

    @post("/{dispute_id:int}/resolve", sync_to_thread=True, status_code=303)
    def resolve(self, request: Request, dispute_id: FromPath[int], data: Form) -> Redirect:
        done = ledger.resolve_dispute(services_of(request).db.uow(), dispute_id, actor(request),
                                      note=data.get("note", ""), now=dt.datetime.now(dt.UTC))
        held = f" {done.amount.format()} of {done.invoice} is asked for again." if done.invoice and done.amount else ""
        return back(DISPUTES, notice=f"Dispute {done.reference} ({done.customer_code}) resolved.{held}")
