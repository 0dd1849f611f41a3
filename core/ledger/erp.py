"""ERP sync: classes, customers and ledger documents upserted by their ERP keys, never duplicated.

The same functions serve `aragent import ...` (CSV) and the HTTP API (one object or a bulk list).
Rows are checked first, then written in chunks; a bad row is reported and the good ones still load.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.ledger.imports import (
    ClassRow,
    CustomerRow,
    InvoiceRow,
    parse_class,
    parse_customer,
    parse_invoice,
)
from core.ledger.models import Allocation, Contact, Customer, CustomerClass, Document
from core.ledger.rules import due_date_for

IMPORT_KINDS = ("classes", "customers", "invoices")
REQUIRED_COLUMNS = {
    "classes": ("code",),
    "customers": ("code", "name"),
    "invoices": ("number", "customer", "date", "amount"),
}
CHUNK = 1000


@dataclass
class ImportReport:
    loaded: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)  # rows loaded all the same

    def summary(self) -> str:
        said = f"loaded {self.loaded}, updated {self.updated}, rejected {len(self.rejected)}"
        return said + (f", {len(self.warnings)} warning(s)" if self.warnings else "")


def csv_rows(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each CSV record; the header is line 1, column names are case-blind."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(f"the file is not UTF-8 (byte {exc.start}); save it as UTF-8 CSV") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in next(reader, [])]
    ended = reader.line_num
    for record in reader:
        # A quoted field may span lines: report the line the record starts on, not the one it ends on.
        start, ended = ended + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        yield start, dict(zip(header, record, strict=False))


def missing_columns(kind: str, data: bytes) -> list[str]:
    """Required columns absent from the CSV header (every row would then be rejected)."""
    first = data.decode("utf-8-sig", errors="replace").splitlines()[:1]
    header = {name.strip().lower() for name in next(csv.reader(first), [])}
    return [c for c in REQUIRED_COLUMNS[kind] if c not in header]


# -- upserts: one row into the session, returning True when a new record was created --------------


def upsert_class(session: Session, row: ClassRow) -> bool:
    found = session.scalar(select(CustomerClass).where(CustomerClass.code == row.code))
    record = found or CustomerClass(code=row.code)
    record.name = row.name
    record.allow_auto_statement = row.allow_auto_statement
    record.finance_charge_monthly_rate = row.finance_charge_monthly_rate
    record.finance_charge_grace_days = row.finance_charge_grace_days
    record.finance_charge_minimum = row.finance_charge_minimum
    record.finance_charge_min_past_due = row.finance_charge_min_past_due
    record.finance_charge_compound = row.finance_charge_compound
    session.add(record)
    return found is None


def class_for(session: Session, code: str) -> CustomerClass:
    """The class by code; an unknown class is created with automatic statements off."""
    found = session.scalar(select(CustomerClass).where(CustomerClass.code == code))
    if found is None:
        found = CustomerClass(code=code, name=code.title(), allow_auto_statement=False)
        session.add(found)
        session.flush()
    return found


def upsert_customer(session: Session, row: CustomerRow, existing: Customer | None = None) -> tuple[Customer, bool]:
    customer_class = class_for(session, row.class_code)
    customer = existing or session.scalar(select(Customer).where(Customer.code == row.code))
    created = customer is None
    if customer is None:
        customer = Customer(code=row.code, customer_class=customer_class)
        session.add(customer)
    customer.name = row.name
    customer.customer_class = customer_class
    customer.terms_days = row.terms_days
    customer.currency = row.currency
    customer.timezone = row.timezone
    customer.fax = row.fax
    customer.delivery = ";".join(row.delivery)
    customer.finance_charge_exempt = row.finance_charge_exempt
    for column, value in row.address.items():
        setattr(customer, column, value)
    if row.email or row.phone:
        primary = next((c for c in customer.contacts if c.is_primary), None)
        if primary is None:
            primary = Contact(name=f"{row.name} billing", is_primary=True)
            customer.contacts.append(primary)
        primary.email = row.email or primary.email
        primary.phone = row.phone or primary.phone
    return customer, created


def _allocated_minor(session: Session, doc: Document) -> int:
    """What our own ledger has applied to (or, for a credit memo, from) this document."""
    if doc.id is None:
        return 0
    column = Allocation.credit_id if doc.kind == "credit" else Allocation.invoice_id
    total = session.scalar(
        select(func.coalesce(func.sum(Allocation.amount_minor + Allocation.discount_minor), 0)).where(
            column == doc.id
        )
    )
    return int(total or 0)


def upsert_document(
    session: Session, row: InvoiceRow, customer: Customer, existing: Document | None, actor: Actor
) -> tuple[Document, bool]:
    if existing is not None:
        if existing.customer_id != customer.id:
            raise Invalid(f"number: {row.number} already belongs to another customer", "number")
        if existing.kind != row.kind:
            raise Invalid(f"type: {row.number} is a {existing.kind}; it cannot become a {row.kind}", "type")
    doc = existing or Document(number=row.number, customer_id=customer.id, kind=row.kind)
    allocated = _allocated_minor(session, doc)
    if allocated and row.amount.currency != doc.currency:
        raise Invalid("currency: cannot change the currency of a document with payments applied", "currency")
    if row.amount.minor < allocated:
        applied = Money.from_minor(allocated, row.amount.currency).amount
        raise Invalid(f"amount: {row.amount.amount} is less than the {applied} already applied", "amount")
    erp_open = (row.open_amount or row.amount).minor
    # Never let a lagging ERP resurrect a balance we have already collected.
    new_open = min(erp_open, row.amount.minor - allocated)
    if existing is not None and (existing.amount_minor, existing.open_minor) != (row.amount.minor, new_open):
        audit.record(
            session, actor, "document.amounts_changed", customer_id=customer.id, subject=f"document:{row.number}",
            amount_from=existing.amount_minor, amount_to=row.amount.minor,
            open_from=existing.open_minor, open_to=new_open,
        )
    doc.doc_date = row.doc_date
    doc.due_date = row.due_date or due_date_for(row.doc_date, customer.terms_days)
    doc.currency = row.amount.currency
    doc.amount_minor = row.amount.minor
    doc.open_minor = new_open
    doc.po = row.po
    doc.discount_percent = row.discount_percent
    doc.discount_days = row.discount_days
    # The ERP reporting a partly paid invoice means a partial payment: the discount is gone.
    doc.discount_forfeited = doc.discount_forfeited or erp_open < row.amount.minor
    session.add(doc)
    return doc, existing is None


# -- the import loop --------------------------------------------------------------------------------


def _chunks(rows: Iterable[tuple[int, dict[str, str]]]) -> Iterator[list[tuple[int, dict[str, str]]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


RowWriter = Callable[[Session, list[tuple[int, dict[str, str]]], ImportReport], None]


def _write_classes(session: Session, chunk: list[tuple[int, dict[str, str]]], report: ImportReport) -> None:
    for line, raw in chunk:
        def one(raw: dict[str, str] = raw) -> bool:
            return upsert_class(session, parse_class(raw))

        _count(report, line, one)


def _customer_writer(default_country: str) -> RowWriter:
    def write(session: Session, chunk: list[tuple[int, dict[str, str]]], report: ImportReport) -> None:
        codes = [(raw.get("code") or "").strip() for _, raw in chunk]
        known = {c.code: c for c in session.scalars(select(Customer).where(Customer.code.in_(codes)))}
        for line, raw in chunk:
            def one(raw: dict[str, str] = raw, line: int = line) -> bool:
                row = parse_customer(raw, default_country)
                known[row.code], created = upsert_customer(session, row, known.get(row.code))
                report.warnings.extend((line, warning) for warning in row.warnings)
                session.flush()
                return created

            _count(report, line, one)

    return write


def _invoice_writer(actor: Actor) -> RowWriter:
    def write(session: Session, chunk: list[tuple[int, dict[str, str]]], report: ImportReport) -> None:
        codes = {(raw.get("customer") or "").strip() for _, raw in chunk}
        numbers = [(raw.get("number") or "").strip() for _, raw in chunk]
        customers = {c.code: c for c in session.scalars(select(Customer).where(Customer.code.in_(codes)))}
        docs = {d.number: d for d in session.scalars(select(Document).where(Document.number.in_(numbers)))}
        for line, raw in chunk:
            def one(raw: dict[str, str] = raw) -> bool:
                customer = customers.get((raw.get("customer") or "").strip())
                row = parse_invoice(raw, customer.currency if customer else None)
                assert customer is not None
                docs[row.number], created = upsert_document(session, row, customer, docs.get(row.number), actor)
                return created

            _count(report, line, one)

    return write


def _count(report: ImportReport, line: int, write_one: Callable[[], bool]) -> None:
    try:
        created = write_one()
    except Invalid as exc:
        report.rejected.append((line, str(exc)))
        return
    if created:
        report.loaded += 1
    else:
        report.updated += 1


def run_import(
    uow: UnitOfWork,
    kind: str,
    rows: Iterable[tuple[int, dict[str, str]]],
    actor: Actor,
    *,
    default_country: str = "US",
    source: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Load `rows` of one kind; each chunk commits on its own so a long file makes steady progress."""
    writers: dict[str, RowWriter] = {
        "classes": _write_classes,
        "customers": _customer_writer(default_country),
        "invoices": _invoice_writer(actor),
    }
    if kind not in writers:
        raise Invalid(f"unknown import kind {kind!r}; use {', '.join(IMPORT_KINDS)}")
    report = ImportReport()
    for chunk in _chunks(rows):
        with uow:
            writers[kind](uow.session, chunk, report)
            uow.commit()
        if progress:
            progress(len(chunk))
    with uow:
        audit.record(uow.session, actor, f"import.{kind}", customer_id=None, subject=source or kind,
                     loaded=report.loaded, updated=report.updated, rejected=len(report.rejected))
        uow.commit()
    return report
