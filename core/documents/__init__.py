"""Documents: the file store, the document library, signed links, PDF templates and invoice PDFs.

The public surface: what the channels, the bot and the scheduler may use. Other modules here are
private to the context."""

from __future__ import annotations

from core.documents.files import attach_invoice_pdf, stored_filename
from core.documents.invoice_pdfs import invoice_pdf
from core.documents.invoice_reads import InvoiceFilters, InvoiceRow, InvoiceTable, invoice_detail, open_invoices
from core.documents.links import DEFAULT_TTL, document_link, link_secret, verify_document_token
from core.documents.pay_links import PAY_PATH, PayGrant, PayLinkRefused, pay_link, read_pay_token

__all__ = [
    "DEFAULT_TTL",
    "PAY_PATH",
    "PayGrant",
    "PayLinkRefused",
    "InvoiceFilters",
    "InvoiceRow",
    "InvoiceTable",
    "attach_invoice_pdf",
    "document_link",
    "invoice_detail",
    "invoice_pdf",
    "link_secret",
    "open_invoices",
    "pay_link",
    "read_pay_token",
    "stored_filename",
    "verify_document_token",
]
