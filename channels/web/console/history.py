"""Payment history: every customer's (/console/payments) and one customer's Payments tab, with filters and CSV;
one payment's page (status, invoices, receipt) and canceling a scheduled payment.

    GET  /console/payments?status=&since=&until=&kind=&q=[&format=csv]
    GET  /console/customers/{code}/payments?…                       the customer's Payments tab
    GET  /console/customers/{code}/payments/{id}                    one payment
    GET  /console/customers/{code}/payments/{id}/receipt[?download=1]  the PDF receipt (succeeded payments)
    POST /console/customers/{code}/payments/{id}/cancel             a scheduled payment, before its date
    POST /console/customers/{code}/payments/{id}/cancel-retry       the planned retry of a declined scheduled charge
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath

from channels.web.console.pages import actor, back, form_date, page, services_of
from core.kernel import ARError
from core.ledger import PAYMENT_STATUSES
from core.payments import (
    METHOD_KINDS,
    BookFilters,
    BookRow,
    cancel_retry,
    cancel_scheduled,
    customer_heading,
    customer_receipt,
    payment_book,
    payment_detail,
)

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
LIMIT = 200
CSV_LIMIT = 10_000
CSV_COLUMNS = ("payment", "customer", "customer_name", "received_on", "status", "amount", "currency", "unapplied",
               "method", "channel", "initiated_by", "reference", "processor_payment_id", "invoices")



def _day(request: Request, name: str) -> dt.date | None:
    return form_date(request.query_params.get(name), name)


def _filters(request: Request) -> BookFilters:
    params = request.query_params
    return BookFilters(status=params.get("status") or None, since=_day(request, "since"), until=_day(request, "until"),
                       method_kind=params.get("kind") or None, search=params.get("q") or None)


def _csv(rows: list[BookRow], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([r.id, r.customer_code, r.customer_name, r.received_on, r.status, r.amount.amount,
                         r.amount.currency, r.unapplied.amount, r.method, r.channel, r.initiated_by, r.reference or "",
                         r.processor_payment_id or "", ";".join(r.invoices)])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                     headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _book(request: Request, template: str, code: str | None, **context: Any) -> Response:
    services, filters = services_of(request), _filters(request)
    as_csv = request.query_params.get("format") == "csv"
    rows = payment_book(services.db.uow(), filters, customer_code=code, limit=CSV_LIMIT if as_csv else LIMIT + 1)
    if as_csv:
        return _csv(rows, f"{code or 'all'}-payments.csv")
    return page(template, request, rows=rows[:LIMIT], more=len(rows) > LIMIT, filters=filters,
                statuses=PAYMENT_STATUSES, kinds=METHOD_KINDS, **context)


class PaymentHistoryController(Controller):
    path = "/"

    @get("/payments", sync_to_thread=True)
    def all_payments(self, request: Request) -> Response:
        return _book(request, "console/payments/index.html", None, section="payments", title="Payments",
                     customer=None)

    @get("/customers/{code:str}/payments", sync_to_thread=True)
    def customer_payments(self, request: Request, code: FromPath[str]) -> Response:
        customer = customer_heading(services_of(request).db.uow(), code)
        return _book(request, "console/customer/payments.html", code, section="companies", tab="payments",
                     title=f"Payments · {customer.name}", customer=customer)

    @get("/customers/{code:str}/payments/{payment_id:int}", sync_to_thread=True)
    def payment(self, request: Request, code: FromPath[str], payment_id: FromPath[int]) -> Response:
        detail = payment_detail(services_of(request).db.uow(), code, payment_id)
        return page("console/payments/detail.html", request, section="companies", tab="payments",
                    title=f"Payment {payment_id} · {detail.customer.name}", payment=detail,
                    customer=detail.customer)

    @get("/customers/{code:str}/payments/{payment_id:int}/receipt", sync_to_thread=True)
    def receipt(self, request: Request, code: FromPath[str], payment_id: FromPath[int]) -> Response:
        services = services_of(request)
        info, pdf = customer_receipt(services.db.uow(), services.files, code, payment_id,
                                     services.seller)
        disposition = "attachment" if request.query_params.get("download") else "inline"
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": f'{disposition}; filename="{info.filename}"'})

    @post("/customers/{code:str}/payments/{payment_id:int}/cancel", sync_to_thread=True, status_code=303)
    def cancel(self, request: Request, code: FromPath[str], payment_id: FromPath[int]) -> Response:
        cancel_scheduled(services_of(request).db.uow(), code, payment_id, actor(request))
        return back(f"/console/customers/{code}/payments/{payment_id}",
                    notice=f"Scheduled payment {payment_id} canceled; its invoices are open to pay again.")

    @post("/customers/{code:str}/payments/{payment_id:int}/cancel-retry", sync_to_thread=True, status_code=303)
    def cancel_retry(self, request: Request, code: FromPath[str], payment_id: FromPath[int], data: Form) -> Response:
        here = f"/console/customers/{code}/payments/{payment_id}"
        try:
            outcome = cancel_retry(services_of(request).db.uow(), code, payment_id, actor(request),
                                   data.get("reason", ""))
        except ARError as refused:
            return back(here, error=str(refused))
        return back(here, notice=f"{outcome.capitalize()}: it will not be charged again.")
