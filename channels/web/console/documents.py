"""Documents tab: a customer's statements, receipts and invoice PDFs; preview, download, and send one now."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from channels.web.console.pages import actor, back, page, services_of
from core.kernel import Invalid, NotFound
from core.outbox import OutboxFilter, find_messages
from core.statements import customer_library, ensure_statement_pdf, send_file, send_options, send_statement, stored_file

SENT_REASONS = ("document", "statement", "statement_request", "payment_receipt")



def _pdf(data: bytes, filename: str, download: bool) -> Response[bytes]:
    disposition = "attachment" if download else "inline"
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})


def _tab(code: str) -> str:
    return f"/console/customers/{code}/documents"


class DocumentsController(Controller):
    path = "/customers/{code:str}"
    include_in_schema = False

    @get("/documents", sync_to_thread=True)
    def library(self, request: Request, code: FromPath[str], show: FromQuery[str] = "") -> Template:
        services = services_of(request)
        options = send_options(services.db.uow(), code)
        entries = customer_library(services.db.uow(), code)
        shown = next((e for e in entries if show in (f"f{e.file_id}", f"s{e.statement_id}")), None) if show else None
        sent = find_messages(services.db.uow(), OutboxFilter(status=None, customer_code=code, reasons=SENT_REASONS),
                             limit=8)
        return page("console/customer/documents.html", request, section="companies", title=options.name,
                    customer=options, tab="documents", entries=entries, shown=shown, sent=sent,
                    channels=options.channels)

    @get("/documents/{file_id:int}/pdf", sync_to_thread=True)
    def file(self, request: Request, code: FromPath[str], file_id: FromPath[int],
             download: FromQuery[bool] = False) -> Response[bytes]:
        services = services_of(request)
        if not any(e.file_id == file_id for e in customer_library(services.db.uow(), code)):
            raise NotFound("document", f"{file_id} of customer {code}")
        stored, data = stored_file(services.db.uow(), services.files, file_id)
        return _pdf(data, stored.filename, download)

    @get("/statements/{statement_id:int}/pdf", sync_to_thread=True)
    def statement(self, request: Request, code: FromPath[str], statement_id: FromPath[int],
                  download: FromQuery[bool] = False) -> Response[bytes]:
        services = services_of(request)
        if not any(e.statement_id == statement_id for e in customer_library(services.db.uow(), code)):
            raise NotFound("statement", f"{statement_id} of customer {code}")
        info, data = ensure_statement_pdf(services.db, services.files, statement_id)  # rendered on first use
        return _pdf(data, info.filename, download)

    @post("/documents/send", sync_to_thread=True, status_code=303)
    def send(self, request: Request, code: FromPath[str],
             data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Redirect:
        services, choice, channel = services_of(request), data.get("document", ""), data.get("channel", "")
        if not choice[1:].isdigit() or choice[:1] not in ("f", "s"):
            raise Invalid("choose a document to send", "document")
        if choice[0] == "s":
            queued = send_statement(services, code, int(choice[1:]), channel, actor(request))
        else:
            queued = send_file(services, code, int(choice[1:]), channel, actor(request))
        return back(f"{_tab(code)}?show={choice}", notice=f"Message #{queued.message_id} queued by {channel} to "
                    f"{queued.recipient}: {queued.status}; the outbox sends it on its next pass.")
