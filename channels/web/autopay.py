"""/api/customers/{code}/autopay and /api/autopay: enroll a saved method, see, skip, turn off. Handlers translate;
core decides. The API records the authorization it is given: who agreed, when, on which channel, in what words.
"""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody

from channels.web.api import Svc, api_actor
from channels.web.methods import PaymentMethod
from core import payments


class Charge(msgspec.Struct):
    id: int
    payment_id: int
    due_on: dt.date
    amount: str
    currency: str
    invoices: list[str]
    status: str
    skipped_at: dt.datetime | None

    @classmethod
    def of(cls, charge: payments.UpcomingCharge) -> Charge:
        return cls(charge.id, charge.payment_id, charge.due_on, str(charge.amount.amount), charge.amount.currency,
                   list(charge.invoices), charge.status, charge.skipped_at)


class Autopay(msgspec.Struct):
    customer: str
    active: bool
    method: PaymentMethod | None = None
    authorized_by: str | None = None
    authorized_at: dt.datetime | None = None
    channel: str | None = None
    authorization_text: str | None = None
    ach_recurring_reference: str | None = None
    ended_at: dt.datetime | None = None
    charges: list[Charge] = msgspec.field(default_factory=list)

    @classmethod
    def of(cls, code: str, view: payments.AutopayView | None) -> Autopay:
        if view is None:
            return cls(code, False)
        return cls(code, view.active, PaymentMethod.of(view.method), view.authorized_by, view.authorized_at,
                   view.channel, view.authorization_text, view.ach_recurring_reference, view.ended_at,
                   [Charge.of(charge) for charge in view.charges])


class AutopayEnroll(msgspec.Struct, forbid_unknown_fields=True):
    """The method and the customer's authorization: who gave it (`authorized_by`), in what words or reference
    (`text`), on which channel, when (default: now); a bank account also the recurring authorization on file."""

    method_id: int
    authorized_by: str
    text: str
    channel: str = "api"
    authorized_at: dt.datetime | None = None
    ach_recurring_reference: str = ""


class AutopaySkip(msgspec.Struct, forbid_unknown_fields=True):
    charge_id: int | None = None  # None: the next charge waiting


class AutopayController(Controller):
    path = "/api/customers/{code:str}/autopay"
    tags = ["Autopay"]

    @get("/", sync_to_thread=True, summary="The customer's autopay: method, authorization, charges")
    def show(self, code: FromPath[str], services: Svc) -> Autopay:
        return Autopay.of(code, payments.autopay_status(services.db.uow(), code))

    @put("/", sync_to_thread=True, status_code=200,
         summary="Enroll a saved method in autopay, or change the enrolled one (ACH needs a recurring authorization)")
    def enroll(self, code: FromPath[str], data: JSONBody[AutopayEnroll], request: Request, services: Svc) -> Autopay:
        authorization = payments.AutopayAuthorization(
            data.authorized_by, data.authorized_at or dt.datetime.now(dt.UTC), data.channel, data.text,
            data.ach_recurring_reference)
        view = payments.enroll_autopay(services.db.uow(), customer_code=code, method_id=data.method_id,
                                       authorization=authorization, actor=api_actor(request))
        return Autopay.of(code, view)

    @post("/off", sync_to_thread=True, status_code=200,
          summary="Turn autopay off; its charges not yet made are canceled")
    def off(self, code: FromPath[str], request: Request, services: Svc) -> Autopay:
        payments.turn_off_autopay(services.db.uow(), customer_code=code, now=dt.datetime.now(dt.UTC),
                                  actor=api_actor(request))
        return Autopay.of(code, None)

    @post("/skip", sync_to_thread=True, status_code=200, summary="Skip one autopay charge before its date")
    def skip(self, code: FromPath[str], data: JSONBody[AutopaySkip], request: Request, services: Svc) -> Charge:
        return Charge.of(payments.skip_autopay(services.db.uow(), customer_code=code, now=dt.datetime.now(dt.UTC),
                                               actor=api_actor(request), charge_id=data.charge_id))


class AutopayListController(Controller):
    path = "/api/autopay"
    tags = ["Autopay"]

    @get("/", sync_to_thread=True, summary="Every customer on autopay")
    def index(self, services: Svc) -> list[Autopay]:
        return [Autopay.of(view.customer_code, view) for view in payments.autopay_enrollments(services.db.uow())]
