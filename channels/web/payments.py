"""Money-moving HTTP: POST /api/payments (Idempotency-Key required) and processor webhooks."""

from __future__ import annotations

import datetime as dt

import anyio
import msgspec
from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from channels.web.api import api_actor
from channels.web.intake import WebhookIntake
from channels.web.schemas import Amount, Problem
from core import payments
from core.bootstrap import Services
from core.kernel import Actor, ARError, Conflict, Money, NotFound, reconnecting
from core.ledger import AllocationRequest, customer_by_code
from core.payments import WebhookRequest, cancel_scheduled, initiate_and_charge, payment_status, quote_payment

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


def _create(services: Services, request_body: PaymentCreate, actor: Actor,
            claim: payments.Claim) -> PaymentCreated:
    with services.db.uow() as uow:
        currency = customer_by_code(uow, request_body.customer).currency
    lines = _lines(request_body, currency)
    today = dt.date.today()
    started, outcome = initiate_and_charge(
        services.db.uow, services.processor, customer_code=request_body.customer,
        amount=Money.exact(str(request_body.amount), currency), requests=lines, method_id=request_body.method_id,
        pay_on=request_body.date or today, today=today, reasons=services.settings.short_pay_reasons, actor=actor,
        claim=claim, branding=services.branding,
    )
    status = payment_status(services.db.uow(), started.payment_id)  # a declined card has already failed
    return PaymentCreated(started.payment_id, status, str(started.amount.amount), started.amount.currency,
                          str(started.unapplied.amount), outcome)


class PaymentPreviewIn(msgspec.Struct, forbid_unknown_fields=True):
    customer: str
    invoices: list[PaymentLineIn] = []
    deposit: Amount | None = None  # an amount on account on top of the invoices (or alone)
    date: dt.date | None = None


class QuoteLineOut(msgspec.Struct):
    number: str
    open_amount: str
    pay: str
    discount: str
    short_reason: str | None
    note: str | None


class PaymentPreview(msgspec.Struct):
    customer: str
    date: dt.date
    currency: str
    lines: list[QuoteLineOut]
    deposit: str
    total: str


def _lines(body: PaymentCreate | PaymentPreviewIn, currency: str) -> list[AllocationRequest]:
    return [
        AllocationRequest(line.number, Money.exact(str(line.amount), currency) if line.amount is not None else None,
                          line.reason, line.comment)
        for line in body.invoices
    ]


def _preview(services: Services, body: PaymentPreviewIn) -> PaymentPreview:
    with services.db.uow() as uow:
        currency = customer_by_code(uow, body.customer).currency
    deposit = Money.exact(str(body.deposit), currency) if body.deposit is not None else None
    quote = quote_payment(services.db.uow(), customer_code=body.customer, requests=_lines(body, currency),
                          pay_on=body.date or dt.date.today(), reasons=services.settings.short_pay_reasons,
                          deposit=deposit)
    lines = [QuoteLineOut(q.number, str(q.open.amount), str(q.pay.amount), str(q.discount.amount), q.short_reason,
                          q.note) for q in quote.lines]
    return PaymentPreview(quote.customer_code, quote.pay_on, currency, lines, str(quote.deposit.amount),
                          str(quote.total.amount))


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
        digest = payments.idempotency_body_hash(body)
        lease = dt.timedelta(seconds=services.settings.idempotency_lease_seconds)
        # Safe to repeat on a lost connection: a second try finds the first one's record (409, retry shortly).
        claim = await anyio.to_thread.run_sync(
            lambda: reconnecting(lambda: payments.idempotency_begin(uow(), scope, key, digest, lease=lease)))
        if isinstance(claim, payments.StoredAnswer):
            return Response(content=claim.body.encode(), status_code=claim.status_code, media_type="application/json",
                            headers={"Idempotent-Replayed": "true"})
        try:
            data = msgspec.json.decode(body, type=PaymentCreate)
            answer = await anyio.to_thread.run_sync(lambda: _create(services, data, api_actor(request), claim))
            status, payload = 201, msgspec.json.encode(answer)
        except (ARError, msgspec.ValidationError, msgspec.DecodeError) as refused:
            status = next((code for kind, code in STATUS_OF.items() if isinstance(refused, kind)), 422)
            payload = msgspec.json.encode(Problem(str(refused), getattr(refused, "field", None)))
        except BaseException:
            # A payment this request wrote stays bound to the key: a retry answers with it, never pays again.
            await anyio.to_thread.run_sync(lambda: payments.idempotency_abandon(uow(), claim))
            raise
        await anyio.to_thread.run_sync(lambda: payments.idempotency_finish(uow(), claim, status, payload.decode()))
        headers = {"Idempotent-Replayed": "true"} if claim.payment_id is not None else {}
        return Response(content=payload, status_code=status, media_type="application/json", headers=headers)


class PaymentPreviewController(Controller):
    path = "/api/payments/preview"
    tags = ["Payments"]

    @post("/", sync_to_thread=True, status_code=200,
          summary="The exact amounts a payment would take, with discounts earned or forfeited; moves no money")
    def preview(self, data: JSONBody[PaymentPreviewIn], services: Svc) -> PaymentPreview:
        return _preview(services, data)


class PaymentCancel(msgspec.Struct):
    customer: str


class PaymentCancelController(Controller):
    path = "/api/payments/{payment_id:int}/cancel"
    tags = ["Payments"]

    @post("/", sync_to_thread=True, status_code=200, summary="Cancel a scheduled payment before its date")
    def cancel(self, payment_id: FromPath[int], data: JSONBody[PaymentCancel], request: Request,
               services: Svc) -> dict[str, str]:
        return {"outcome": cancel_scheduled(services.db.uow(), data.customer, payment_id, api_actor(request))}


def intake_of(request: Request) -> WebhookIntake:
    return request.app.state.webhook_intake  # type: ignore[no-any-return]


class WebhookController(Controller):
    path = "/webhooks/payments"
    tags = ["Webhooks"]

    @post("/{processor:str}", summary="Processor events, signed; a redelivery is a no-op")
    async def receive(self, processor: FromPath[str], request: Request, services: Svc) -> Response:
        adapter = services.processors.get(processor)
        if adapter is None:
            raise NotFound("processor", processor)
        intake = await intake_of(request).submit(WebhookRequest(adapter, dict(request.headers), await request.body()))
        status = 500 if intake.failed else 200 if intake.accepted else 400
        return Response({"accepted": intake.accepted, "duplicate": intake.duplicate, "outcome": intake.outcome},
                        status_code=status)
