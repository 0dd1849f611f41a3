"""A customer's dunning holds over HTTP ("Mahnstopp"): /api/customers/{code}/dunning-holds.

GET lists them (in force on a date, or every one with `all=true`), POST puts one (on the account, or on one open
invoice), DELETE lifts the one of an id. Handlers translate; `core.dunning` decides and audits.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from channels.web.api import api_actor
from core import dunning
from core.bootstrap import Services

Svc = NamedDependency[Services]


class HoldIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str
    until: dt.date | None = None  # the last day it holds; none: until lifted
    invoice: str | None = None  # one open invoice's number; none: the whole account


class HoldOut(msgspec.Struct):
    id: int
    customer: str
    invoice: str | None
    reason: str
    until: dt.date | None
    status: str  # active | ended | lifted
    created_by: str
    created_at: dt.datetime
    lifted_by: str | None
    lifted_at: dt.datetime | None

    @classmethod
    def of(cls, hold: dunning.Hold) -> HoldOut:
        return cls(hold.id, hold.customer, hold.invoice, hold.reason, hold.until, hold.status, hold.created_by,
                   hold.created_at, hold.lifted_by, hold.lifted_at)


class DunningHoldController(Controller):
    path = "/api/customers/{code:str}/dunning-holds"
    tags = ["Dunning"]

    @get("/", sync_to_thread=True, summary="The customer's dunning holds in force (all=true: also ended or lifted)")
    def list_holds(self, code: FromPath[str], services: Svc, as_of: FromQuery[dt.date | None] = None,
                   past: Annotated[bool, QueryParameter(name="all")] = False) -> list[HoldOut]:
        found = dunning.holds_for(services.db.uow(), code, as_of or dt.date.today(), past=past)
        return [HoldOut.of(h) for h in found]

    @post("/", sync_to_thread=True, status_code=HTTP_201_CREATED,
          summary="Put the customer (or one open invoice) on dunning hold; one already on it is replaced")
    def put(self, code: FromPath[str], data: JSONBody[HoldIn], request: Request, services: Svc) -> HoldOut:
        return HoldOut.of(dunning.put_on_hold(services.db.uow(), code, data.reason, api_actor(request),
                                              until=data.until, invoice=data.invoice))

    @delete("/{hold_id:int}", sync_to_thread=True, status_code=HTTP_200_OK,
            summary="Lift a dunning hold: the next dunning run reminds the customer again")
    def lift(self, code: FromPath[str], hold_id: FromPath[int], request: Request, services: Svc) -> HoldOut:
        [lifted] = dunning.lift_hold(services.db.uow(), code, api_actor(request), hold_id=hold_id)
        return HoldOut.of(lifted)
