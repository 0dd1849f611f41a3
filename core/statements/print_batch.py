"""The daily batch for the print-and-mail partner: one combined PDF in mailing order and a manifest.

The batch takes every approved `print` message of a statement not yet mailed, orders the pieces for the
post (country, postal code, customer), and writes `statements-<date>.pdf` and `manifest-<date>.csv` to the
outbound folder. One batch per day (UNIQUE(batch_date)) and a statement is never mailed twice (the
batch items' primary key); the messages become `sent` with the batch as their provider reference.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.documents.models import StoredFile
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.runtime import Runtime
from core.ledger.models import Customer
from core.outbox.models import OutboxMessage
from core.statements.models import PrintBatch, PrintBatchItem, StatementDelivery

MANIFEST_COLUMNS = ("sequence", "customer", "name", "address_1", "address_2", "city", "region", "postal_code",
                    "country", "pages", "first_page", "statement_id")


@dataclass(frozen=True)
class PrintBatchSummary:
    batch_date: dt.date
    pieces: int
    pages: int
    pdf_path: str
    manifest_path: str
    already_made: bool = False


@dataclass(frozen=True)
class _Piece:
    message_id: int
    statement_id: int
    customer: Customer
    file_ids: tuple[int, ...]


def _summary(batch: PrintBatch, already_made: bool) -> PrintBatchSummary:
    return PrintBatchSummary(batch.batch_date, batch.pieces, batch.pages, batch.pdf_path, batch.manifest_path,
                             already_made)


def _pieces(services: Runtime) -> list[_Piece]:
    with services.db.uow() as uow:
        mailed = select(PrintBatchItem.statement_id)
        rows = uow.session.execute(
            select(OutboxMessage, Customer).join(Customer, Customer.id == OutboxMessage.customer_id)
            .where(OutboxMessage.channel == "print", OutboxMessage.status == "approved",
                   OutboxMessage.statement_id.is_not(None), OutboxMessage.statement_id.not_in(mailed))
            .order_by(Customer.country, Customer.postal_code, Customer.code, OutboxMessage.id)
        ).all()
        pieces, seen = [], set()
        for message, customer in rows:
            if message.statement_id is None or message.statement_id in seen:  # a statement is mailed once
                continue
            seen.add(message.statement_id)
            uow.session.expunge(customer)
            pieces.append(_Piece(message.id, message.statement_id, customer, tuple(message.attachments)))
        return pieces


def make_print_batch(services: Runtime, batch_date: dt.date, actor: Actor) -> PrintBatchSummary | None:
    """Write the day's batch; the day's batch again if it was made already; None when nothing is to mail."""
    with services.db.uow() as uow:
        made = uow.session.scalar(select(PrintBatch).where(PrintBatch.batch_date == batch_date))
        if made is not None:
            return _summary(made, already_made=True)
    pieces = _pieces(services)
    if not pieces:
        return None
    folder = services.settings.print_dir / batch_date.isoformat()
    pdf_path, manifest_path = folder / f"statements-{batch_date}.pdf", folder / f"manifest-{batch_date}.csv"
    pages, combined = _combine(services, pieces)
    _write(pdf_path, combined)
    _write(manifest_path, _manifest(pieces, pages).encode())
    try:
        return _record(services, batch_date, pieces, pages, pdf_path, manifest_path, actor)
    except IntegrityError:  # another process made today's batch meanwhile: theirs stands
        with services.db.uow() as uow:
            made = uow.session.scalar(select(PrintBatch).where(PrintBatch.batch_date == batch_date))
            assert made is not None
            return _summary(made, already_made=True)


def _combine(services: Runtime, pieces: list[_Piece]) -> tuple[list[int], bytes]:
    with services.db.uow() as uow:
        keys = dict(uow.session.execute(select(StoredFile.id, StoredFile.storage_key).where(
            StoredFile.id.in_({f for p in pieces for f in p.file_ids}))).all())
    writer, pages = PdfWriter(), []
    for piece in pieces:
        before = len(writer.pages)
        for file_id in piece.file_ids:
            writer.append(PdfReader(io.BytesIO(services.files.get(keys[file_id]))))
        if (len(writer.pages) - before) % 2:
            writer.add_blank_page()  # duplex printing: the next customer's letter starts on a fresh sheet
        pages.append(len(writer.pages) - before)
    out = io.BytesIO()
    writer.write(out)
    return pages, out.getvalue()


def _manifest(pieces: list[_Piece], pages: list[int]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    first = 1
    for sequence, (piece, count) in enumerate(zip(pieces, pages, strict=True), start=1):
        c = piece.customer
        writer.writerow([sequence, c.code, c.name, c.address_line1 or "", c.address_line2 or "", c.city or "",
                         c.region or "", c.postal_code or "", c.country or "", count, first, piece.statement_id])
        first += count
    return out.getvalue()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_bytes(data)
    partial.replace(path)  # the partner's pickup never sees half a file


def _record(services: Runtime, batch_date: dt.date, pieces: list[_Piece], pages: list[int], pdf_path: Path,
            manifest_path: Path, actor: Actor) -> PrintBatchSummary:
    now = dt.datetime.now(dt.UTC)
    with services.db.uow() as uow:
        batch = PrintBatch(batch_date=batch_date, pdf_path=str(pdf_path), manifest_path=str(manifest_path),
                           pieces=len(pieces), pages=sum(pages))
        uow.session.add(batch)
        uow.session.flush()
        uow.session.add_all([PrintBatchItem(statement_id=p.statement_id, batch_id=batch.id, outbox_id=p.message_id,
                                            sequence=n, pages=count)
                             for n, (p, count) in enumerate(zip(pieces, pages, strict=True), start=1)])
        ids = [p.message_id for p in pieces]
        uow.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status == "approved")
                            .values(status="sent", sent_at=now, provider_id=f"print-batch:{batch_date}",
                                    attempts=OutboxMessage.attempts + 1))
        uow.session.execute(update(StatementDelivery).where(StatementDelivery.outbox_id.in_(ids))
                            .values(status="sent"))
        audit.record(uow.session, actor, "print_batch.made", customer_id=None, subject=f"print-batch:{batch_date}",
                     pieces=len(pieces), pages=sum(pages), pdf=str(pdf_path))
        uow.commit()
        return _summary(batch, already_made=False)
