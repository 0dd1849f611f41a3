"""Stored files: every PDF and attachment the book keeps."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.kernel.models import Base, utcnow


class StoredFile(Base):
    """A file in a customer's document library: an ERP invoice PDF, a statement, a receipt."""

    __tablename__ = "stored_files"
    __table_args__ = (Index("ix_stored_files_customer", "customer_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # invoice_pdf | statement | receipt
    source: Mapped[str] = mapped_column(String(20), default="erp")  # erp | generated
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
