"""Open invoices: filter, sort, choose columns, export CSV, pick some to pay; one invoice with its PDF and comments.

The table is a GET form to the payment page (`/customers/{code}/pay?invoice=…`); filters, sort and the chosen
columns live in the query string, so a page can be bookmarked and its CSV is exactly what it shows.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from channels.web.console.dunning_holds import holds_on_page
from channels.web.console.invoice_table import COLUMNS, KIND_LABELS, chosen_columns, row_cells, to_csv
from channels.web.console.pages import actor, back, form_date, page, services_of
from core import documents
from core.documents import InvoiceFilters, invoice_pdf
from core.ledger import BUCKETS, add_comment


class InvoicesController(Controller):
    path = "/customers/{code:str}/invoices"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def table(  # noqa: PLR0913 - one parameter per filter of the page
        self, request: Request, code: FromPath[str], bucket: FromQuery[str | None] = None,
        date_from: FromQuery[str | None] = None, date_to: FromQuery[str | None] = None, q: FromQuery[str | None] = None,
        sort: FromQuery[str] = "due_date", direction: Annotated[str, QueryParameter(name="dir")] = "asc",
        cols: FromQuery[str | None] = None, col: FromQuery[list[str] | None] = None,
        output: Annotated[str | None, QueryParameter(name="format")] = None,
    ) -> Template | Response[str] | Redirect:
        if col is not None:  # the Columns form: one `col` per box, kept as `cols=a,b` beside the filters
            return Redirect(request.url.path + page_query(request, cols=",".join(col)), status_code=303)
        filters = InvoiceFilters(bucket or None, form_date(date_from, "date_from"), form_date(date_to, "date_to"), q,
                                 sort, direction == "desc")
        table = documents.open_invoices(services_of(request).db.uow(), code, dt.date.today(), filters)
        columns = chosen_columns(cols)
        if output == "csv":
            name = f"{code}-open-invoices-{table.as_of}.csv"
            return Response(to_csv(table, columns), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
        return page("console/customer/invoices.html", request, section="companies", title=table.name,
                    customer=table, tab="invoices", table=table, columns=columns, all_columns=COLUMNS,
                    filters=filters, buckets=BUCKETS, kinds=KIND_LABELS, cells=row_cells,
                    **holds_on_page(request, code))

    @get("/{number:str}", sync_to_thread=True)
    def detail(self, request: Request, code: FromPath[str], number: FromPath[str]) -> Template:
        invoice = documents.invoice_detail(services_of(request).db.uow(), code, number, dt.date.today())
        return page("console/companies/invoice.html", request, section="companies", title=f"Invoice {number}",
                    customer=invoice, invoice=invoice, row=invoice.row, kinds=KIND_LABELS,
                    **holds_on_page(request, code))

    @get("/{number:str}/pdf", sync_to_thread=True)  # a worker thread: rendering blocks for a moment
    def pdf(
        self, request: Request, code: FromPath[str], number: FromPath[str], download: FromQuery[bool] = False
    ) -> Response[bytes]:
        services = services_of(request)
        info, data = invoice_pdf(services.db.uow(), services.files, number, services.settings, customer_code=code)
        disposition = "attachment" if download else "inline"
        return Response(data, media_type="application/pdf",
                        headers={"Content-Disposition": f'{disposition}; filename="{info.filename}"'})

    @post("/{number:str}/comments", sync_to_thread=True, status_code=303)
    def comment(
        self, request: Request, code: FromPath[str], number: FromPath[str],
        data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect:
        add_comment(services_of(request).db.uow(), code, number, data.get("body", ""), actor(request))
        return back(f"/console/customers/{code}/invoices/{number}", notice="Comment added.")


def page_query(request: Request, **changes: str) -> str:
    """The query string without the Columns form's boxes, with `changes`."""
    params = {k: v for k, v in request.query_params.items() if k not in ("col", "notice", "error")}
    return "?" + urlencode({**params, **changes})
