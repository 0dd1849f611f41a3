"""A customer's payment history and receipts over HTTP: /api/customers/{code}/payments."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated

import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from core.bootstrap import Services
from core.kernel import Invalid
from core.payments import PaymentView, customer_receipt, payment_history

Svc = NamedDependency[Services]


class PaymentRow(msgspec.Struct, omit_defaults=True):  # `attempt` only on attempts at a scheduled charge
    id: int
    received_on: dt.date
    status: str
    amount: str
    currency: str
    unapplied: str
    method: str
    channel: str
    reference: str | None
    processor_payment_id: str | None
    invoices: list[str]
    receipt_available: bool
    attempt: str | None = None  # an attempt at a scheduled charge: "Attempt 2 of 4 on …: declined, …; next try …"

    @classmethod
    def of(cls, view: PaymentView) -> PaymentRow:
        return cls(view.id, view.received_on, view.status, str(view.amount.amount), view.amount.currency,
                   str(view.unapplied.amount), view.method, view.channel, view.reference,
                   view.processor_payment_id, list(view.invoices), view.receipt_available, view.attempt)


# The CSV keeps its columns as they were (spreadsheets read them by position); the attempt line is in the JSON only.
PAYMENT_CSV_COLUMNS = tuple(name for name in PaymentRow.__struct_fields__ if name != "attempt")


def payments_csv(rows: list[PaymentRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PAYMENT_CSV_COLUMNS)
    for row in rows:
        values = (getattr(row, name) for name in PAYMENT_CSV_COLUMNS)
        writer.writerow([_cell(value) for value in values])
    return out.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)  # one cell per payment, the way spreadsheets keep a list
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


class PaymentHistoryController(Controller):
    path = "/api/customers/{code:str}/payments"
    tags = ["Customers"]

    @get("/", sync_to_thread=True, summary="The customer's payments, newest first; CSV with format=csv")
    def list_payments(
        self,
        code: FromPath[str],
        services: Svc,
        status: Annotated[str | None, QueryParameter(description="succeeded | pending | failed | ...")] = None,
        since: Annotated[dt.date | None, QueryParameter(description="received on or after")] = None,
        until: Annotated[dt.date | None, QueryParameter(description="received on or before")] = None,
        q: Annotated[str | None, QueryParameter(description="search reference, processor id, invoices")] = None,
        format: Annotated[str, QueryParameter(description="json | csv")] = "json",  # noqa: A002 - the query name
        limit: Annotated[int, QueryParameter(ge=1, le=10000)] = 500,
    ) -> Response:
        if format not in ("json", "csv"):
            raise Invalid(f"unknown format {format!r}; use json or csv", "format")
        views = payment_history(services.db.uow(), code, status=status, since=since, until=until, search=q,
                                limit=limit)
        rows = [PaymentRow.of(view) for view in views]
        if format == "csv":
            return Response(payments_csv(rows), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{code}-payments.csv"'})
        return Response(rows)

    @get("/{payment_id:int}/receipt", sync_to_thread=True,
         summary="The payment's PDF receipt, generated on first request; 422 unless the payment succeeded")
    def receipt(self, code: FromPath[str], payment_id: FromPath[int], services: Svc) -> Response[bytes]:
        info, data = customer_receipt(services.db.uow(), services.files, code, payment_id,
                                      services.seller)
        return Response(data, media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{info.filename}"'})
