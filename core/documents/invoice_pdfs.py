"""An invoice's PDF: the ERP's own when it attached one, otherwise rendered from the ledger and kept in the library.

A rendered PDF shows what has been applied and what is open, so it is kept once per state of the invoice: the
same state renders to the same bytes (found again by their SHA-256), and a payment, credit or return makes a
new one beside the old, which stays as it was sent. Rendering blocks for a moment: call this from a worker
thread. Like receipts, a rendered copy is not an audited act; sending one is (`core.statements.send_now`).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from core.documents.files import FileInfo, FileStore, document_by_number
from core.documents.invoice_reads import applied_to
from core.documents.invoice_render import InvoiceView, cached_invoice_pdf, invoice_html
from core.documents.letterhead import mailing_address, seller_info
from core.documents.models import StoredFile
from core.kernel.config import Settings
from core.kernel.db import UnitOfWork
from core.kernel.errors import NotFound
from core.ledger.models import Document
from core.ledger.posting import customer_document
from core.ledger.rules import DiscountTerms

INVOICE_KIND = "invoice_pdf"


def invoice_pdf(uow: UnitOfWork, files: FileStore, number: str, settings: Settings, *,
                customer_code: str | None = None) -> tuple[FileInfo, bytes]:
    """The PDF of document `number` (only of `customer_code`'s when given: another's is not found)."""
    view = _read(uow, files, number, customer_code, settings.default_country)
    if not isinstance(view, InvoiceView):
        return view  # the ERP's
    seller = seller_info(settings, files)
    logo = files.get(seller.logo_sha256) if seller.logo_sha256 else None
    pdf = cached_invoice_pdf(invoice_html(view, seller, logo))
    return _store(uow, files, view, pdf), pdf


def _read(uow: UnitOfWork, files: FileStore, number: str, customer_code: str | None, home_country: str
          ) -> InvoiceView | tuple[FileInfo, bytes]:
    with uow:
        doc = customer_document(uow, customer_code, number) if customer_code else document_by_number(uow, number)
        erp = _newest(uow, doc.id, "erp")
        if erp is not None:
            return _info(erp), files.get(erp.storage_key)
        if doc.kind == "credit":
            raise NotFound("PDF of credit memo", number)  # nothing to render: a credit memo is the ERP's own
        return _view(uow, doc, home_country)


def _newest(uow: UnitOfWork, document_id: int, source: str) -> StoredFile | None:
    return uow.session.scalar(
        select(StoredFile).where(StoredFile.document_id == document_id, StoredFile.kind == INVOICE_KIND,
                                 StoredFile.source == source).order_by(StoredFile.id.desc()).limit(1))


def _view(uow: UnitOfWork, doc: Document, home_country: str) -> InvoiceView:
    customer = doc.customer
    return InvoiceView(
        document_id=doc.id, customer_id=doc.customer_id, kind=doc.kind, number=doc.number, doc_date=doc.doc_date,
        due_date=doc.due_date, po=doc.po, amount=doc.amount, open=doc.open,
        discount=DiscountTerms(doc.discount_percent, doc.discount_days), discount_forfeited=doc.discount_forfeited,
        voided=doc.voided, customer_code=customer.code, customer_name=customer.name,
        address=mailing_address(customer, home_country), applied=applied_to(uow, doc),
    )


def _info(stored: StoredFile) -> FileInfo:
    return FileInfo(stored.id, stored.filename, stored.kind, stored.size, stored.sha256)


def _store(uow: UnitOfWork, files: FileStore, view: InvoiceView, pdf: bytes) -> FileInfo:
    sha256 = hashlib.sha256(pdf).hexdigest()
    with uow:
        # Two first views of one invoice take turns here, so the second finds the first's file.
        uow.session.scalar(select(Document.id).where(Document.id == view.document_id).with_for_update())
        stored = uow.session.scalar(
            select(StoredFile).where(StoredFile.document_id == view.document_id, StoredFile.source == "generated",
                                     StoredFile.kind == INVOICE_KIND, StoredFile.sha256 == sha256).limit(1))
        if stored is None:
            stored = StoredFile(customer_id=view.customer_id, document_id=view.document_id, kind=INVOICE_KIND,
                                source="generated", filename=view.filename, size=len(pdf), sha256=sha256,
                                storage_key=files.put(pdf))
            uow.session.add(stored)
            uow.commit()
        return _info(stored)
