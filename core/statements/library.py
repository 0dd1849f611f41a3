"""A customer's document library as the outside sees it: what is there, and one file by id or by link."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from core.documents.files import FileStore
from core.documents.models import StoredFile
from core.kernel.db import UnitOfWork
from core.kernel.errors import NotFound
from core.ledger.models import Document
from core.ledger.posting import customer_by_code
from core.statements.models import Statement


@dataclass(frozen=True)
class LibraryEntry:
    file_id: int | None  # None: a statement whose PDF is rendered on first use
    kind: str  # statement | invoice_pdf | receipt
    filename: str
    size: int | None
    created_at: dt.datetime
    statement_id: int | None = None
    statement_date: dt.date | None = None
    document_number: str | None = None


def customer_library(uow: UnitOfWork, customer_code: str) -> list[LibraryEntry]:
    """Statements (rendered or not) and every stored file of the customer, newest first."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        files = uow.session.execute(
            select(StoredFile, Document.number).outerjoin(Document, Document.id == StoredFile.document_id)
            .where(StoredFile.customer_id == customer.id)
        ).all()
        statements = {s.file_id: s for s in uow.session.scalars(
            select(Statement).where(Statement.customer_id == customer.id))}
        entries = [LibraryEntry(f.id, f.kind, f.filename, f.size, f.created_at,
                                statements[f.id].id if f.id in statements else None,
                                statements[f.id].statement_date if f.id in statements else None, number)
                   for f, number in files]
        entries += [LibraryEntry(None, "statement", f"statement-{customer.code}-{s.statement_date}.pdf", None,
                                 s.created_at, s.id, s.statement_date)
                    for key, s in statements.items() if key is None]
        return sorted(entries, key=lambda e: (e.statement_date or e.created_at.date(), e.created_at), reverse=True)


def stored_file(uow: UnitOfWork, files: FileStore, file_id: int) -> tuple[StoredFile, bytes]:
    with uow:
        stored = uow.session.get(StoredFile, file_id)
        if stored is None:
            raise NotFound("document", file_id)
        uow.session.expunge(stored)
    return stored, files.get(stored.storage_key)


def statement_file_id(uow: UnitOfWork, statement_id: int) -> int | None:
    with uow:
        statement = uow.session.get(Statement, statement_id)
        if statement is None:
            raise NotFound("statement", statement_id)
        return statement.file_id
