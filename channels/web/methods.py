"""/api/customers/{code}/methods: a customer's saved payment methods. Handlers translate; core decides.

In this slice the channel trusts the display fields it is sent with the processor token; a later piece resolves
the token through the processor (`PaymentProcessor.save_method`) instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from channels.web.api import Svc, api_actor
from core import payments
from core.payments import SavedMethod


class PaymentMethod(msgspec.Struct):
    id: int
    kind: str
    brand: str
    last4: str
    exp: str | None
    holder: str
    active: bool
    label: str
    ach_authorization_kind: str | None

    @classmethod
    def of(cls, view: payments.MethodView) -> PaymentMethod:
        return cls(view.id, view.kind, view.brand, view.last4, view.exp, view.holder, view.active, view.label,
                   view.ach_authorization_kind)


class AchAuthorizationIn(msgspec.Struct, forbid_unknown_fields=True):
    """e_signature: reference is the name the customer typed; tel_recorded | written | web: the reference on file."""

    kind: str
    reference: str = ""
    authorized_at: dt.datetime | None = None
    source: str = ""


class PaymentMethodCreate(msgspec.Struct, forbid_unknown_fields=True):
    # Unknown fields are refused so that a stray `number` or `account_number` is an error, never silently dropped.
    processor: str
    token: str
    kind: Literal["card", "ach"]
    last4: str
    brand: str = ""
    exp_month: int | None = None
    exp_year: int | None = None
    holder: str = ""
    authorization: AchAuthorizationIn | None = None

    def saved(self) -> SavedMethod:
        return SavedMethod(token=self.token, kind=self.kind, brand=self.brand, last4=self.last4,
                           exp_month=self.exp_month, exp_year=self.exp_year, holder=self.holder)

    def ach_authorization(self) -> payments.AchAuthorization | None:
        given = self.authorization
        if given is None:
            return None
        return payments.AchAuthorization(given.kind, given.reference, given.authorized_at, given.source)


class MethodController(Controller):
    path = "/api/customers/{code:str}/methods"
    tags = ["Payment methods"]

    @get("/", sync_to_thread=True, summary="The customer's saved payment methods")
    def index(
        self, code: FromPath[str], services: Svc, include_inactive: FromQuery[bool] = False
    ) -> list[PaymentMethod]:
        views = payments.list_methods(services.db.uow(), code, include_inactive=include_inactive)
        return [PaymentMethod.of(view) for view in views]

    @post("/", sync_to_thread=True, summary="Save a processor token (ACH needs the customer's authorization)")
    def add(
        self, code: FromPath[str], data: JSONBody[PaymentMethodCreate], request: Request, services: Svc
    ) -> PaymentMethod:
        view = payments.add_method(services.db.uow(), customer_code=code, saved=data.saved(),
                                  processor=data.processor, actor=api_actor(request),
                                  authorization=data.ach_authorization())
        return PaymentMethod.of(view)

    @post("/{method_id:int}/deactivate", sync_to_thread=True, status_code=200,
          summary="Stop offering a method (it stays on file)")
    def deactivate(
        self, code: FromPath[str], method_id: FromPath[int], request: Request, services: Svc
    ) -> PaymentMethod:
        return PaymentMethod.of(payments.deactivate_method(services.db.uow(), code, method_id, api_actor(request)))

    @post("/{method_id:int}/reactivate", sync_to_thread=True, status_code=200, summary="Offer a method again")
    def reactivate(
        self, code: FromPath[str], method_id: FromPath[int], request: Request, services: Svc
    ) -> PaymentMethod:
        return PaymentMethod.of(payments.reactivate_method(services.db.uow(), code, method_id, api_actor(request)))
