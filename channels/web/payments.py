"""Money-moving HTTP: POST /api/payments (Idempotency-Key required) and processor webhooks."""

from __future__ import annotations

import datetime as dt

import anyio
import msgspec
from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from channels.web.api import api_actor
from channels.web.schemas import Amount, Problem
from core import idempotency
from core.audit import Actor
from core.bootstrap import Services
from core.errors import ARError, Conflict, NotFound
from core.model import Payment
from core.money import Money
from core.payment_jobs import cancel_scheduled, initiate_and_charge
from core.posting import customer_by_code
from core.rules import AllocationRequest
from core.webhooks import receive

Svc = NamedDependency[Services]


class PaymentLineIn(msgspec.Struct, forbid_unknown_fields=True):
    number: str
    amount: Amount | None = None  # omitted: pay the invoice in full (with any discount earned)
    reason: str | None = None
    comment: str | None = None


class PaymentCreate(msgspec.Struct, forbid_unknown_fields=True):
    customer: str
    amount: Amount  # the exact total the payer confirmed; refused when the invoices need another figure
    method_id: int
    invoices: list[PaymentLineIn] = []
    date: dt.date | None = None  # later than today: a scheduled payment


class PaymentCreated(msgspec.Struct):
    payment_id: int
    status: str
    amount: str
    currency: str
    unapplied: str
    outcome: str


def _create(services: Services, request_body: PaymentCreate, actor: Actor) -> PaymentCreated:
    with services.db.uow() as uow:
        currency = customer_by_code(uow, request_body.customer).currency
    lines = [
        AllocationRequest(line.number, Money.exact(str(line.amount), currency) if line.amount is not None else None,
                          line.reason, line.comment)
        for line in request_body.invoices
    ]
    today = dt.date.today()
    started, outcome = initiate_and_charge(
        services.db.uow, services.processor, customer_code=request_body.customer,
        amount=Money.exact(str(request_body.amount), currency), requests=lines, method_id=request_body.method_id,
        pay_on=request_body.date or today, today=today, reasons=services.settings.short_pay_reasons, actor=actor,
    )
    with services.db.uow() as uow:  # the status now: a declined card has already failed
        status = uow.session.get(Payment, started.payment_id).status  # type: ignore[union-attr]
    return PaymentCreated(started.payment_id, status, str(started.amount.amount), started.amount.currency,
                          str(started.unapplied.amount), outcome)


STATUS_OF = {NotFound: 404, Conflict: 409}


class PaymentController(Controller):
    path = "/api/payments"
    tags = ["Payments"]

    @post("/", summary="Pay invoices (or make a deposit) with a saved method; requires an Idempotency-Key")
    async def create(self, request: Request, services: Svc) -> Response:
        body = await request.body()
        key = request.headers.get("Idempotency-Key", "")
        scope = api_actor(request).name
        uow = services.db.uow
        digest = idempotency.body_hash(body)
        stored = await anyio.to_thread.run_sync(lambda: idempotency.begin(uow(), scope, key, digest))
        if stored is not None:
            return Response(content=stored.body.encode(), status_code=stored.status_code, media_type="application/json",
                            headers={"Idempotent-Replayed": "true"})
        try:
            data = msgspec.json.decode(body, type=PaymentCreate)
            answer = await anyio.to_thread.run_sync(lambda: _create(services, data, api_actor(request)))
            status, payload = 201, msgspec.json.encode(answer)
        except (ARError, msgspec.ValidationError, msgspec.DecodeError) as refused:
            status = next((code for kind, code in STATUS_OF.items() if isinstance(refused, kind)), 422)
            payload = msgspec.json.encode(Problem(str(refused), getattr(refused, "field", None)))
        except BaseException:
            await anyio.to_thread.run_sync(lambda: idempotency.abandon(uow(), scope, key))
            raise
        await anyio.to_thread.run_sync(lambda: idempotency.finish(uow(), scope, key, status, payload.decode()))
        return Response(content=payload, status_code=status, media_type="application/json")


class PaymentCancel(msgspec.Struct):
    customer: str


class PaymentCancelController(Controller):
    path = "/api/payments/{payment_id:int}/cancel"
    tags = ["Payments"]

    @post("/", sync_to_thread=True, status_code=200, summary="Cancel a scheduled payment before its date")
    def cancel(self, payment_id: FromPath[int], data: JSONBody[PaymentCancel], request: Request,
               services: Svc) -> dict[str, str]:
        return {"outcome": cancel_scheduled(services.db.uow(), data.customer, payment_id, api_actor(request))}


class WebhookController(Controller):
    path = "/webhooks/payments"
    tags = ["Webhooks"]

    @post("/{processor:str}", summary="Processor events, signed; a redelivery is a no-op")
    async def receive(self, processor: FromPath[str], request: Request, services: Svc) -> Response:
        adapter = services.processors.get(processor)
        if adapter is None:
            raise NotFound("processor", processor)
        body = await request.body()
        headers = dict(request.headers)
        actor = Actor(f"processor:{processor}", "webhook")
        intake = await anyio.to_thread.run_sync(lambda: receive(services.db.uow(), adapter, headers, body, actor))
        status = 200 if intake.accepted else 400
        return Response({"accepted": intake.accepted, "duplicate": intake.duplicate, "outcome": intake.outcome},
                        status_code=status)
