"""The document library: files kept per customer in a store (a local folder by default, or object storage).

Files are content-addressed (SHA-256), so storing the same PDF twice keeps one copy.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from core.documents.models import StoredFile
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid, NotFound
from core.kernel.runtime import FileStore
from core.ledger.models import Document

MAX_PDF_BYTES = 25 * 1024 * 1024


class LocalFileStore:
    """Files in a folder of this machine, `<root>/<first two hex digits>/<sha256>`; core.documents.s3_store keeps
    them in object storage instead, for several machines."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        path = self._path(key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.part")
            partial.write_bytes(data)
            partial.replace(path)  # atomic: a reader never sees half a file
        return key

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound("file", key) from None


@dataclass(frozen=True)
class FileInfo:
    id: int
    filename: str
    kind: str
    size: int
    sha256: str


def stored_filename(uow: UnitOfWork, file_id: int) -> str | None:
    with uow:
        stored = uow.session.get(StoredFile, file_id)
        return stored.filename if stored else None


def document_by_number(uow: UnitOfWork, number: str) -> Document:
    """The ledger document `number`, of whichever customer (NotFound when none)."""
    doc = uow.session.scalar(select(Document).where(Document.number == number))
    if doc is None:
        raise NotFound("invoice", number)
    return doc


def attach_invoice_pdf(uow: UnitOfWork, store: FileStore, number: str, data: bytes, actor: Actor) -> FileInfo:
    """Keep the ERP's own PDF of a document in its customer's library; a newer upload supersedes it."""
    if not data.startswith(b"%PDF-"):
        raise Invalid("the body is not a PDF (it must start with %PDF-)", "body")
    if len(data) > MAX_PDF_BYTES:
        raise Invalid(f"the PDF is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB", "body")
    with uow:
        doc = document_by_number(uow, number)
        key = store.put(data)
        stored = StoredFile(
            customer_id=doc.customer_id, document_id=doc.id, kind="invoice_pdf", source="erp",
            filename=f"{doc.kind}-{doc.number}.pdf", size=len(data), sha256=key, storage_key=key,
        )
        uow.session.add(stored)
        audit.record(uow.session, actor, "document.pdf_attached", customer_id=doc.customer_id,
                     subject=f"document:{number}", sha256=key, size=len(data))
        uow.commit()
        return FileInfo(stored.id, stored.filename, stored.kind, stored.size, stored.sha256)


def latest_invoice_pdf(uow: UnitOfWork, store: FileStore, number: str) -> tuple[FileInfo, bytes]:
    with uow:
        doc = document_by_number(uow, number)
        stored = uow.session.scalar(
            select(StoredFile)
            .where(StoredFile.document_id == doc.id, StoredFile.kind == "invoice_pdf")
            .order_by(StoredFile.id.desc())
            .limit(1)
        )
        if stored is None:
            raise NotFound("PDF of invoice", number)
        info = FileInfo(stored.id, stored.filename, stored.kind, stored.size, stored.sha256)
        return info, store.get(stored.storage_key)
