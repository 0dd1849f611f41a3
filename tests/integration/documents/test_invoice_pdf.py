"""Invoice PDFs: the ERP's when it sent one, otherwise rendered from the ledger, kept once per state of the invoice."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from core.documents.files import attach_invoice_pdf
from core.documents.invoice_pdfs import invoice_pdf
from core.documents.invoice_render import cached_invoice_pdf
from core.documents.models import StoredFile
from core.kernel.errors import NotFound
from core.kernel.money import Money
from core.ledger.posting import CreditSource, apply_credit, record_payment
from core.ledger.rules import AllocationRequest
from tests.books import TEST_ACTOR, customer, invoice

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ERP_PDF = b"%PDF-1.7\n% the ERP's own invoice\n%%EOF\n"


@pytest.fixture
def book(db) -> None:
    """INV-1: $1,000.00 on Nov 3, 2026, 2% 10 net 30, PO-7781, to Acme Corporation in Springfield."""
    customer(db, name="Acme Corporation", address_line1="100 Market Street", address_line2="Suite 400",
             city="Springfield", region="IL", postal_code="62701", country="US")
    customer(db, "BOLT", name="Bolt Industries")
    invoice(db, "INV-1", "1000.00", "2026-11-03", po="PO-7781", discount_percent="2", discount_days="10")
    invoice(db, "CM-1", "50.00", "2026-11-05", type="credit")


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def generated_files(services) -> list[int]:
    with services.db.uow() as uow:
        return list(uow.session.scalars(select(StoredFile.id).where(StoredFile.source == "generated")
                                        .order_by(StoredFile.id)))


def pay_part(services, amount: str, on: dt.date) -> None:
    record_payment(services.db.uow(), customer_code="ACME", amount=Money.of(amount, "USD"), received_on=on,
                   requests=[AllocationRequest("INV-1", Money.of(amount, "USD"), "Damaged goods")],
                   reasons=("Damaged goods",), actor=TEST_ACTOR, method_kind="check", reference="CHK-5521")


def test_an_invoice_without_an_erp_pdf_is_rendered_with_its_terms(services, book):
    info, pdf = invoice_pdf(services.db.uow(), services.files, "INV-1", services.settings, customer_code="ACME")
    assert (info.kind, info.filename, info.size) == ("invoice_pdf", "invoice-INV-1.pdf", len(pdf))
    text = text_of(pdf)
    for expected in ("INVOICE", "INV-1", "Nov 3, 2026", "Dec 3, 2026", "2% 10, Net 30 days", "PO-7781", "USD",
                     "Acme Corporation", "100 Market Street", "Springfield, IL 62701", services.settings.seller_name,
                     "$1,000.00", "pay $980.00 by Nov 13, 2026", "Page 1 of 1", "Remit to".upper()):
        assert expected in text, f"{expected!r} missing from the invoice:\n{text}"
    assert "None as of Nov 3, 2026" in text  # nothing applied yet


def test_a_partial_payment_and_a_credit_show_with_the_open_balance(services, book):
    first, _ = invoice_pdf(services.db.uow(), services.files, "INV-1", services.settings)
    pay_part(services, "400.00", dt.date(2026, 11, 10))
    apply_credit(services.db.uow(), customer_code="ACME", source=CreditSource(credit_number="CM-1"),
                 invoice_number="INV-1", applied_on=dt.date(2026, 11, 12), actor=TEST_ACTOR)
    info, pdf = invoice_pdf(services.db.uow(), services.files, "INV-1", services.settings)
    text = text_of(pdf)
    for expected in ("Nov 10, 2026", "CHK-5521", "$400.00", "Short: Damaged goods", "Credit memo CM-1", "$50.00",
                     "−$450.00", "Balance due as of Nov 12, 2026", "$550.00", "forfeited by a short payment"):
        assert expected in text, f"{expected!r} missing from the invoice:\n{text}"
    assert "pay $980.00" not in text
    assert info.id != first.id and generated_files(services) == [first.id, info.id]


@pytest.mark.file_stores
def test_the_same_state_renders_the_same_bytes_and_is_stored_once(services, book):
    first = invoice_pdf(services.db.uow(), services.files, "INV-1", services.settings)
    cached_invoice_pdf.cache_clear()  # not the process's cache: WeasyPrint itself gives the same bytes again
    again = invoice_pdf(services.db.uow(), services.files, "INV-1", services.settings)
    assert again == first and len(generated_files(services)) == 1


@pytest.mark.file_stores
def test_the_erps_pdf_wins(services, book):
    invoice_pdf(services.db.uow(), services.files, "INV-1", services.settings)  # rendered before the ERP sent one
    attach_invoice_pdf(services.db.uow(), services.files, "INV-1", ERP_PDF, TEST_ACTOR)
    info, pdf = invoice_pdf(services.db.uow(), services.files, "INV-1", services.settings, customer_code="ACME")
    assert pdf == ERP_PDF and info.filename == "invoice-INV-1.pdf"
    pay_part(services, "100.00", dt.date(2026, 11, 20))
    assert invoice_pdf(services.db.uow(), services.files, "INV-1", services.settings)[1] == ERP_PDF
    assert len(generated_files(services)) == 1  # nothing rendered once the ERP's is there


def test_unknown_and_other_customers_invoices_are_not_found(services, book):
    with pytest.raises(NotFound):
        invoice_pdf(services.db.uow(), services.files, "INV-404", services.settings)
    with pytest.raises(NotFound):
        invoice_pdf(services.db.uow(), services.files, "INV-1", services.settings, customer_code="BOLT")
    with pytest.raises(NotFound):  # a credit memo is the ERP's to issue: nothing to render
        invoice_pdf(services.db.uow(), services.files, "CM-1", services.settings)
    with services.db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_invoice_looks_right_as_an_image(services, book, database_url):
    """Renders page 1 to tests/artifacts/invoice.png for a person to look at (needs poppler's pdftoppm)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("one picture is enough; the SQLite run makes it")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pay_part(services, "400.00", dt.date(2026, 11, 10))
    _, pdf = invoice_pdf(services.db.uow(), services.files, "INV-1", services.settings)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "invoice.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(ARTIFACTS / "invoice.pdf"),
                    str(ARTIFACTS / "invoice")], check=True)
    assert (ARTIFACTS / "invoice.png").stat().st_size > 5_000
