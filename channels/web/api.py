"""The /api controllers: ERP sync in, account data out. Handlers translate; `core` decides."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated

import anyio
import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from channels.web.schemas import (
    INVOICE_CSV_COLUMNS,
    ClassUpsert,
    Customer,
    CustomerUpsert,
    ImportResult,
    Invoice,
    InvoiceUpsert,
    StoredPdf,
    as_row,
)
from core import dunning, ledger
from core.bootstrap import Services
from core.documents import attach_invoice_pdf, invoice_pdf
from core.kernel import Actor, Invalid
from core.ledger import BUCKETS, run_import

Svc = NamedDependency[Services]


def api_actor(request: Request) -> Actor:
    return Actor(f"api:{request.scope.get('api_key_name', 'unknown')}", "api")


def _upsert_one(services: Services, request: Request, kind: str, row: dict[str, str]) -> bool:
    """One record through the same checks as a CSV line; returns True when it was created."""
    report = run_import(services.db.uow(), kind, [(1, row)], api_actor(request),
                        default_country=services.settings.default_country, source=f"PUT {request.url.path}")
    if report.rejected:
        message = report.rejected[0][1]
        raise Invalid(message, message.split(":", 1)[0] if ":" in message else None)
    return report.loaded == 1


def _status(created: bool) -> int:
    return HTTP_201_CREATED if created else HTTP_200_OK


class ClassController(Controller):
    path = "/api/classes"
    tags = ["ERP sync"]

    @put("/{code:str}", sync_to_thread=True, summary="Create or update a customer class")
    def upsert(
        self, code: FromPath[str], data: JSONBody[ClassUpsert], request: Request, services: Svc
    ) -> Response[dict]:
        created = _upsert_one(services, request, "classes", as_row(data, code=code))
        return Response({"code": code, "created": created}, status_code=_status(created))


class CustomerController(Controller):
    path = "/api/customers"
    tags = ["Customers"]

    @get("/{code:str}", sync_to_thread=True, summary="A customer with balance and aging per currency")
    def show(
        self, code: FromPath[str], services: Svc, as_of: FromQuery[dt.date | None] = None
    ) -> Customer:
        return Customer.of(ledger.account(services.db.uow(), code, as_of or dt.date.today()))

    @put("/{code:str}", sync_to_thread=True, summary="Create or update a customer (ERP sync)")
    def upsert(
        self, code: FromPath[str], data: JSONBody[CustomerUpsert], request: Request, services: Svc
    ) -> Response[Customer]:
        if data.code and data.code != code:
            raise Invalid(f"code: the body says {data.code!r} but the path says {code!r}", "code")
        created = _upsert_one(services, request, "customers", as_row(data, code=code))
        view = ledger.account(services.db.uow(), code, dt.date.today())
        return Response(Customer.of(view), status_code=_status(created))

    @get("/{code:str}/invoices", sync_to_thread=True, summary="The customer's invoices; CSV with format=csv")
    def invoices(
        self,
        code: FromPath[str],
        services: Svc,
        status: Annotated[str, QueryParameter(description="open | paid | void | all")] = "open",
        bucket: Annotated[str | None, QueryParameter(description=" | ".join(BUCKETS))] = None,
        q: Annotated[str | None, QueryParameter(description="search in number and PO")] = None,
        format: Annotated[str, QueryParameter(description="json | csv")] = "json",  # noqa: A002 - the query name
        limit: Annotated[int, QueryParameter(ge=1, le=10000)] = 1000,
    ) -> Response:
        lines = ledger.invoices(services.db.uow(), code, dt.date.today(), status=status, bucket=bucket,
                                  search=q, limit=limit)
        rows = [Invoice.of(line) for line in lines]
        if format == "csv":
            return Response(_invoices_csv(rows), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{code}-invoices.csv"'})
        if format != "json":
            raise Invalid(f"unknown format {format!r}; use json or csv", "format")
        return Response(rows)


def _invoices_csv(rows: list[Invoice]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(INVOICE_CSV_COLUMNS)
    for row in rows:
        values = (getattr(row, name) for name in Invoice.__struct_fields__)
        writer.writerow(["" if value is None else value for value in values])
    return out.getvalue()


class InvoiceController(Controller):
    path = "/api/invoices"
    tags = ["ERP sync"]

    @put("/{number:str}", sync_to_thread=True, summary="Create or update a ledger document (ERP sync)")
    def upsert(
        self, number: FromPath[str], data: JSONBody[InvoiceUpsert], request: Request, services: Svc
    ) -> Response[dict]:
        if data.number and data.number != number:
            raise Invalid(f"number: the body says {data.number!r} but the path says {number!r}", "number")
        created = _upsert_one(services, request, "invoices", as_row(data, number=number))
        return Response({"number": number, "created": created}, status_code=_status(created))

    @put("/{number:str}/pdf", summary="Attach the ERP's PDF of the document (body: the PDF)")
    async def attach_pdf(self, number: FromPath[str], request: Request, services: Svc) -> Response[StoredPdf]:
        body = await request.body()
        info = await anyio.to_thread.run_sync(
            lambda: attach_invoice_pdf(services.db.uow(), services.files, number, body, api_actor(request))
        )
        return Response(StoredPdf(info.id, info.filename, info.size, info.sha256), status_code=HTTP_201_CREATED)

    @get("/{number:str}/pdf", sync_to_thread=True,
         summary="The document's PDF: the latest the ERP attached, else one rendered from the ledger")
    def pdf(self, number: FromPath[str], services: Svc) -> Response[bytes]:
        info, data = invoice_pdf(services.db.uow(), services.files, number, services.settings)
        return Response(data, media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{info.filename}"'})


class BulkController(Controller):
    path = "/api/bulk"
    tags = ["ERP sync"]

    def _run(self, kind: str, rows: list[dict[str, str]], request: Request, services: Services) -> ImportResult:
        report = run_import(services.db.uow(), kind, enumerate(rows, start=1), api_actor(request),
                            default_country=services.settings.default_country, source=f"POST {request.url.path}")
        return ImportResult.of(report)

    @post("/classes", sync_to_thread=True, status_code=HTTP_200_OK,
          summary="Upsert many classes; each item is checked alone, `item` is its 1-based position")
    def classes(self, data: JSONBody[list[ClassUpsert]], request: Request, services: Svc) -> ImportResult:
        return self._run("classes", [as_row(item) for item in data], request, services)

    @post("/customers", sync_to_thread=True, status_code=HTTP_200_OK,
          summary="Upsert many customers; each item is checked alone, `item` is its 1-based position")
    def customers(self, data: JSONBody[list[CustomerUpsert]], request: Request, services: Svc) -> ImportResult:
        return self._run("customers", [as_row(item) for item in data], request, services)

    @post("/invoices", sync_to_thread=True, status_code=HTTP_200_OK,
          summary="Upsert many documents; each item is checked alone, `item` is its 1-based position")
    def invoices(self, data: JSONBody[list[InvoiceUpsert]], request: Request, services: Svc) -> ImportResult:
        return self._run("invoices", [as_row(item) for item in data], request, services)


class DunningStageIn(msgspec.Struct, forbid_unknown_fields=True):
    stage: int
    channels: list[str]
    days_over_terms_above: int | None = None  # None: any balance (stage 1 only)
    auto_approve: bool = False
    cadence_days: int = 7
    name: str = ""


class DunningStageOut(msgspec.Struct):
    stage: int
    name: str
    days_over_terms_above: int | None
    template: str
    channels: list[str]
    auto_approve: bool
    cadence_days: int


class DunningPolicy(msgspec.Struct):
    source: str  # "class ABC" | "default policy" | "built-in seed default"
    stages: list[DunningStageOut]

    @classmethod
    def of(cls, policy: dunning.PolicyInForce) -> DunningPolicy:
        return cls(policy.source, [DunningStageOut(s.stage, s.name, s.days_over_terms_above, s.template,
                                                   list(s.channels), s.auto_approve, s.cadence_days)
                                   for s in policy.stages])


class DunningController(Controller):
    path = "/api/dunning/stages"
    tags = ["Dunning"]

    @get("/", sync_to_thread=True, summary="The dunning stages in force for a class (no class: the default policy)")
    def show(self, services: Svc, class_code: Annotated[str | None, QueryParameter(name="class")] = None
             ) -> DunningPolicy:
        return DunningPolicy.of(dunning.policy_in_force(services.db.uow(), class_code))

    @put("/", sync_to_thread=True, summary="Replace a class's stages (all at once), checked before anything is saved")
    def replace(self, data: JSONBody[list[DunningStageIn]], request: Request, services: Svc,
                class_code: Annotated[str | None, QueryParameter(name="class")] = None) -> DunningPolicy:
        stages = [dunning.StagePolicy(s.stage, s.days_over_terms_above, f"dunning.stage{s.stage}", tuple(s.channels),
                                      s.auto_approve, s.cadence_days, s.name) for s in data]
        return DunningPolicy.of(dunning.set_stages(services.db.uow(), class_code, stages, api_actor(request)))
