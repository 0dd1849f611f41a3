"""A customer's instalment plans over HTTP: /api/customers/{code}/plans.

The ERP or a collections tool does what staff do in the console: GET lists the plans with every instalment as it
stands; POST …/offer asks for the plan the class's policy allows (nothing is kept, no money moves); POST creates the
plan exactly as offered — the instalments and the total the customer agreed to, refused when the invoices changed
since — with how the customer agreed; POST …/{id}/cancel ends one. `core.payments` decides, charges and audits.
"""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from channels.web.api import api_actor
from channels.web.schemas import Amount
from core import payments
from core.bootstrap import Services
from core.kernel import Money
from core.ledger import customer_by_code

Svc = NamedDependency[Services]


class InstalmentJson(msgspec.Struct):
    seq: int
    due_on: dt.date
    amount: str
    status: str | None = None  # planned in an offer; the payment's status (or missed, canceled) in a plan
    payment_id: int | None = None


class OfferIn(msgspec.Struct, forbid_unknown_fields=True):
    invoices: list[str]  # open invoice numbers
    instalments: int | None = None  # how many the customer asked for; none: as many as the policy allows


class OfferOut(msgspec.Struct):
    customer: str
    invoices: list[str]
    currency: str
    total: str
    instalments: list[InstalmentJson]
    adjusted: str  # why the plan is not what was asked ("" when it is)


class InstalmentIn(msgspec.Struct, forbid_unknown_fields=True):
    due_on: dt.date
    amount: Amount


class PlanIn(msgspec.Struct, forbid_unknown_fields=True):
    invoices: list[str]
    instalments: list[InstalmentIn]
    total: Amount  # the exact total the customer agreed to
    method_id: int
    agreement: str  # how the customer agreed: the call, the email, their words


class CancelIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class PlanOut(msgspec.Struct):
    id: int
    customer: str
    status: str  # current | completed | broken | canceled
    currency: str
    total: str
    invoices: list[str]
    method: str
    agreed_at: dt.datetime
    agreed_channel: str
    terms_read: str  # the plan as the customer read it: every date and amount
    agreement: str | None  # their words (YES in a chat), or staff's note of how they agreed
    instalments: list[InstalmentJson]
    ended_on: dt.date | None
    end_reason: str | None

    @classmethod
    def of(cls, plan: payments.PlanView) -> PlanOut:
        return cls(plan.id, plan.customer_code, plan.status, plan.total.currency, str(plan.total.amount),
                   list(plan.invoices), plan.method, plan.agreed_at, plan.agreed_channel, plan.agreement_text,
                   plan.agreed_reply,
                   [InstalmentJson(i.seq, i.due_on, str(i.amount.amount), i.status, i.payment_id)
                    for i in plan.instalments], plan.ended_on, plan.end_reason)


class PlanController(Controller):
    path = "/api/customers/{code:str}/plans"
    tags = ["Payment plans"]

    @get("/", sync_to_thread=True, summary="The customer's plans, newest first, each instalment as it stands")
    def list_plans(self, code: FromPath[str], services: Svc) -> list[PlanOut]:
        return [PlanOut.of(plan) for plan in payments.customer_plans(services.db.uow(), code)]

    @post("/offer", sync_to_thread=True, status_code=HTTP_200_OK,
          summary="The plan the class's policy allows for these invoices (nearest to the instalments asked for)")
    def offer(self, code: FromPath[str], data: JSONBody[OfferIn], services: Svc) -> OfferOut:
        offer = payments.offer_plan(services.db.uow(), customer_code=code, numbers=data.invoices,
                                    asked=data.instalments, today=dt.date.today(),
                                    defaults=services.settings.plan_defaults)
        return OfferOut(code, [number for number, _ in offer.invoices], offer.total.currency,
                        str(offer.total.amount),
                        [InstalmentJson(i.seq, i.due_on, str(i.amount.amount), "planned")
                         for i in offer.proposal.instalments], offer.proposal.adjusted)

    @post("/", sync_to_thread=True, status_code=HTTP_201_CREATED,
          summary="Make the plan as agreed (exact instalments and total); a first instalment due today is charged")
    def create(self, code: FromPath[str], data: JSONBody[PlanIn], request: Request, services: Svc) -> PlanOut:
        with services.db.uow() as uow:
            currency = customer_by_code(uow, code).currency
        instalments = [payments.Instalment(n, row.due_on, Money.exact(str(row.amount), currency))
                       for n, row in enumerate(data.instalments, start=1)]
        plan_id, _ = payments.create_plan(
            services.db.uow, services.processor, customer_code=code, numbers=data.invoices, instalments=instalments,
            method_id=data.method_id, total=Money.exact(str(data.total), currency), now=dt.datetime.now(dt.UTC),
            today=dt.date.today(), actor=api_actor(request), branding=services.branding,
            defaults=services.settings.plan_defaults, note=data.agreement)
        return PlanOut.of(payments.plan_view(services.db.uow(), code, plan_id))

    @post("/{plan_id:int}/cancel", sync_to_thread=True, status_code=HTTP_200_OK,
          summary="End a plan: its unpaid instalments are not charged; dunning may ask for its invoices again")
    def cancel(self, code: FromPath[str], plan_id: FromPath[int], data: JSONBody[CancelIn], request: Request,
               services: Svc) -> PlanOut:
        payments.cancel_plan(services.db.uow(), customer_code=code, plan_id=plan_id, reason=data.reason,
                             today=dt.date.today(), actor=api_actor(request))
        return PlanOut.of(payments.plan_view(services.db.uow(), code, plan_id))
