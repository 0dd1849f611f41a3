"""Documents over HTTP: a customer's library, statement PDFs, and signed links that open one file.

`/api/...` needs an API key; `/d/{token}` proves itself by its signature and expiry (what an SMS carries).
"""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from core.bootstrap import Services
from core.documents import DEFAULT_TTL, document_link, link_secret, verify_document_token
from core.kernel import Invalid
from core.statements import LibraryEntry, customer_library, ensure_statement_pdf, statement_file_id, stored_file

Svc = NamedDependency[Services]


class LibraryRow(msgspec.Struct):
    file_id: int | None
    kind: str
    filename: str
    size: int | None
    created_at: dt.datetime
    statement_id: int | None
    statement_date: dt.date | None
    document_number: str | None

    @classmethod
    def of(cls, e: LibraryEntry) -> LibraryRow:
        return cls(e.file_id, e.kind, e.filename, e.size, e.created_at, e.statement_id, e.statement_date,
                   e.document_number)


class SignedLink(msgspec.Struct):
    url: str
    expires_at: dt.datetime


def _pdf(data: bytes, filename: str, *, download: bool) -> Response[bytes]:
    disposition = "attachment" if download else "inline"
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'{disposition}; filename="{filename}"',
                             "Cache-Control": "private, no-store"})


def _link(services: Services, file_id: int) -> SignedLink:
    now = dt.datetime.now(dt.UTC)
    return SignedLink(document_link(services.settings, file_id, now=now), now + DEFAULT_TTL)


class LibraryController(Controller):
    path = "/api"
    tags = ["Documents"]

    @get("/customers/{code:str}/documents", sync_to_thread=True, summary="The customer's documents, newest first")
    def library(self, code: FromPath[str], services: Svc) -> list[LibraryRow]:
        return [LibraryRow.of(e) for e in customer_library(services.db.uow(), code)]

    @get("/statements/{statement_id:int}/pdf", sync_to_thread=True, summary="A statement's PDF (rendered once)")
    def statement_pdf(
        self, statement_id: FromPath[int], services: Svc, download: FromQuery[bool] = False
    ) -> Response[bytes]:
        info, data = ensure_statement_pdf(services.db, services.files, statement_id)
        return _pdf(data, info.filename, download=download)

    @post("/statements/{statement_id:int}/link", sync_to_thread=True, summary="A signed, expiring link to it")
    def statement_link(self, statement_id: FromPath[int], services: Svc) -> SignedLink:
        file_id = statement_file_id(services.db.uow(), statement_id)
        if file_id is None:
            file_id = ensure_statement_pdf(services.db, services.files, statement_id)[0].id
        return _link(services, file_id)

    @post("/documents/{file_id:int}/link", sync_to_thread=True, summary="A signed, expiring link to a document")
    def document_link(self, file_id: FromPath[int], services: Svc) -> SignedLink:
        stored_file(services.db.uow(), services.files, file_id)  # 404 for a file that is not there
        return _link(services, file_id)


class SignedDocumentController(Controller):
    path = "/d"
    tags = ["Documents"]

    @get("/{token:str}", sync_to_thread=True, summary="Open a document by its signed link")
    def open(self, token: FromPath[str], services: Svc, download: FromQuery[bool] = False) -> Response[bytes]:
        try:
            file_id = verify_document_token(link_secret(services.settings), token)
        except Invalid as refused:
            return Response(str(refused).encode(), media_type="text/plain; charset=utf-8", status_code=403)
        stored, data = stored_file(services.db.uow(), services.files, file_id)
        return _pdf(data, stored.filename, download=download)
