"""Payment receipts: rendered once per succeeded payment, readable as text, refused for money not yet received."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from channels.web.history import PaymentRow, payments_csv
from core.documents.letterhead import seller_info
from core.documents.models import StoredFile
from core.kernel.config import BankRemit, Settings
from core.kernel.errors import Invalid, NotFound
from core.kernel.money import Money
from core.ledger.models import Customer, Document, Payment
from core.ledger.posting import record_payment
from core.ledger.rules import AllocationRequest
from core.payments.history import payment_history
from core.payments.models import PaymentLine, PaymentMethod
from core.payments.receipts import customer_receipt, render_receipt
from tests.books import TEST_ACTOR, customer, invoice

SELLER = seller_info(Settings(), None)  # type: ignore[arg-type]  # no logo configured: no file store needed
PAID_ON = dt.date(2026, 11, 20)
REASONS = ("Damaged goods", "Other")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def usd(text: str) -> Money:
    return Money.of(text, "USD")


@pytest.fixture
def payment_id(db) -> int:
    """$1,400 by check: INV-1 in full with its 2% discount, INV-2 short, $250 left on account."""
    customer(db, name="Acme Corporation", address_line1="100 Market Street", address_line2="Suite 400",
             city="Springfield", region="IL", postal_code="62701", country="US")
    invoice(db, "INV-1", "1000.00", "2026-11-15", discount_percent="2", discount_days="10")
    invoice(db, "INV-2", "250.00", "2026-10-01")
    posted = record_payment(
        db.uow(), customer_code="ACME", amount=usd("1400.00"), received_on=PAID_ON,
        requests=[AllocationRequest("INV-1"), AllocationRequest("INV-2", usd("170.00"), "Damaged goods")],
        reasons=REASONS, actor=TEST_ACTOR, method_kind="check", reference="CHK-5521",
    )
    return posted.payment_id


def text_of(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def stored_bytes(services, file_id: int) -> bytes:
    with services.db.uow() as uow:
        stored = uow.session.get(StoredFile, file_id)
        assert stored is not None
        return services.files.get(stored.storage_key)


def test_receipt_shows_what_was_paid(services, payment_id):
    info = render_receipt(services.db.uow(), services.files, payment_id, SELLER)
    assert (info.kind, info.filename) == ("receipt", f"receipt-R-{payment_id}.pdf")
    pdf = stored_bytes(services, info.id)
    assert pdf.startswith(b"%PDF-") and info.size == len(pdf)
    text = text_of(pdf)
    assert "payment receipt" in text.lower()  # the title is set in small capitals
    for expected in (SELLER.name, f"R-{payment_id}", "November 20, 2026", "Acme Corporation",
                     "ACME", "100 Market Street", "Springfield, IL 62701", "Check", "CHK-5521",
                     "INV-1", "$980.00", "$20.00", "INV-2", "$170.00", "Damaged goods",
                     "$250.00", "$1,400.00", "$1,150.00"):
        assert expected in text, f"{expected!r} missing from the receipt:\n{text}"


def test_a_short_paid_receipt_says_what_is_still_open_whom_to_call_and_the_balance_after(services, payment_id):
    text = text_of(stored_bytes(services, render_receipt(services.db.uow(), services.files, payment_id, SELLER).id))
    # The payment as the chat named it; the seller's address and contact; INV-2 short by $80.00, less the $250.00
    # left on account: a credit of $170.00 (headings are set in capitals).
    for expected in (f"P-{payment_id}", "1200 Harbor Way", SELLER.phone, SELLER.email, "STILL OPEN", "$80.00",
                     "Your balance after this payment", "$170.00 credit", "Page 1 of 1"):
        assert expected in text, f"{expected!r} missing from the receipt:\n{text}"


def test_a_plain_payment_in_full_has_no_discount_boilerplate_and_no_empty_cells(services, db):
    customer(db)
    invoice(db, "INV-9", "500.00", "2026-11-01")
    paid = record_payment(db.uow(), customer_code="ACME", amount=usd("500.00"), received_on=PAID_ON,
                          requests=[AllocationRequest("INV-9")], reasons=REASONS, actor=TEST_ACTOR,
                          method_kind="check", reference="CHK-1")
    text = text_of(stored_bytes(services, render_receipt(db.uow(), services.files, paid.payment_id, SELLER).id))
    assert "discount" not in text.lower() and "—" not in text and "still open" not in text.lower()
    assert "Your balance after this payment" in text and "$0.00" in text


def test_a_receipt_leaving_a_balance_says_how_to_pay_it(services, db):
    customer(db)
    invoice(db, "INV-9", "500.00", "2026-11-01")
    invoice(db, "INV-10", "120.00", "2026-11-05")
    paid = record_payment(db.uow(), customer_code="ACME", amount=usd("500.00"), received_on=PAID_ON,
                          requests=[AllocationRequest("INV-9")], reasons=REASONS, actor=TEST_ACTOR,
                          method_kind="check", reference="CHK-2")
    bank = BankRemit("First Harbor Bank", "Northwind Supply Co.", "121000358", "0012345678")
    seller = replace(SELLER, bank=bank, remit_to=("Lockbox 7741", "San Francisco, CA 94139"))
    text = " ".join(text_of(stored_bytes(services, render_receipt(db.uow(), services.files, paid.payment_id,
                                                                  seller).id)).split())
    for expected in ("TO PAY THE $120.00 STILL OPEN", f"Phone: {SELLER.phone}",  # the heading is in capitals
                     "ACH or wire: to Northwind Supply Co., First Harbor Bank, routing (ABA) 121000358, account"
                     " 0012345678; reference ACME",
                     "Mail: a check to Northwind Supply Co., Lockbox 7741, San Francisco, CA 94139", "Page 1 of 1"):
        assert expected in text, f"{expected!r} missing from the receipt:\n{text}"


@pytest.mark.file_stores
def test_second_render_returns_the_same_file(services, payment_id):
    first = render_receipt(services.db.uow(), services.files, payment_id, SELLER)
    second = render_receipt(services.db.uow(), services.files, payment_id, SELLER)
    assert second == first
    with services.db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(StoredFile)) == 1
        stored = uow.session.get(StoredFile, first.id)
        assert stored is not None and stored.source == "generated"


def test_pending_payment_has_no_receipt(services, payment_id):
    with services.db.uow() as uow:
        uow.session.get(Payment, payment_id).status = "pending"  # type: ignore[union-attr]
        uow.commit()
    with pytest.raises(Invalid, match="pending"):
        render_receipt(services.db.uow(), services.files, payment_id, SELLER)
    with pytest.raises(NotFound):
        render_receipt(services.db.uow(), services.files, payment_id + 999, SELLER)


def test_another_customers_payment_is_not_found(services, payment_id):
    customer(services.db, "OTHER")
    with pytest.raises(NotFound):
        customer_receipt(services.db.uow(), services.files, "OTHER", payment_id, SELLER)
    info, pdf = customer_receipt(services.db.uow(), services.files, "ACME", payment_id, SELLER)
    assert pdf.startswith(b"%PDF-") and len(pdf) == info.size


def test_card_payment_names_brand_and_last_digits(services, payment_id):
    with services.db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
        method = PaymentMethod(customer_id=customer_id, processor="sandbox", token="tok_x", kind="card",
                               brand="visa", last4="4242")
        uow.session.add(method)
        uow.session.flush()
        payment = uow.session.get(Payment, payment_id)
        assert payment is not None
        payment.method_id, payment.method_kind, payment.processor_payment_id = method.id, "card", "py_abc123"
        uow.commit()
    info = render_receipt(services.db.uow(), services.files, payment_id, SELLER)
    text = text_of(stored_bytes(services, info.id))
    assert "4242" in text and "Visa" in text and "py_abc123" in text


def test_receipt_looks_right_as_an_image(services, payment_id, database_url):
    """Renders page 1 to tests/artifacts/receipt.png for a person to look at (needs poppler's pdftoppm)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("one picture is enough; the SQLite run makes it")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    info = render_receipt(services.db.uow(), services.files, payment_id, SELLER)
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "receipt.pdf"
    pdf_path.write_bytes(stored_bytes(services, info.id))
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", str(pdf_path), str(ARTIFACTS / "receipt")],
                   check=True)
    assert (ARTIFACTS / "receipt.png").stat().st_size > 10_000


# Payment history: the same book, plus a pending card payment and a deposit on account.


@pytest.fixture
def history(db, payment_id) -> dict[str, int]:
    deposit = record_payment(db.uow(), customer_code="ACME", amount=usd("75.00"), received_on=dt.date(2026, 11, 21),
                             requests=[], reasons=REASONS, actor=TEST_ACTOR, method_kind="wire", reference="WIRE-9")
    invoice(db, "INV-3", "300.00", "2026-11-01")
    with db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
        doc_id = uow.session.scalar(select(Document.id).where(Document.number == "INV-3"))
        method = PaymentMethod(customer_id=customer_id, processor="sandbox", token="tok_h", kind="card",
                               brand="visa", last4="4242")
        uow.session.add(method)
        uow.session.flush()
        pending = Payment(customer_id=customer_id, currency="USD", amount_minor=30000, unapplied_minor=0,
                          status="pending", method_id=method.id, method_kind="card", received_on=dt.date(2026, 11, 22),
                          processor="sandbox", processor_payment_id="py_pending_77")
        uow.session.add(pending)
        uow.session.flush()
        uow.session.add(PaymentLine(payment_id=pending.id, invoice_id=doc_id, amount_minor=30000))
        uow.commit()
        return {"check": payment_id, "deposit": deposit.payment_id, "pending": pending.id}


def test_history_is_newest_first_with_labels(services, history):
    views = payment_history(services.db.uow(), "ACME")
    assert [v.id for v in views] == [history["pending"], history["deposit"], history["check"]]
    pending, deposit, check = views
    assert (pending.status, pending.method, pending.invoices) == ("pending", "Visa \u20224242", ("INV-3",))
    assert (deposit.method, deposit.invoices, deposit.unapplied) == ("Wire", (), usd("75.00"))
    assert (check.method, check.invoices, check.amount, check.unapplied) == (
        "Check", ("INV-1", "INV-2"), usd("1400.00"), usd("250.00"))
    assert not check.receipt_available
    render_receipt(services.db.uow(), services.files, history["check"], SELLER)
    assert payment_history(services.db.uow(), "ACME", status="succeeded")[-1].receipt_available


def test_history_filters_and_search(services, history):
    def ids(**filters) -> list[int]:
        return [v.id for v in payment_history(services.db.uow(), "ACME", **filters)]

    assert ids(status="succeeded") == [history["deposit"], history["check"]]
    assert ids(since=dt.date(2026, 11, 21), until=dt.date(2026, 11, 21)) == [history["deposit"]]
    assert ids(search="inv-2") == [history["check"]]  # an invoice it paid, any case
    assert ids(search="INV-3") == [history["pending"]]  # an invoice a payment in flight will pay
    assert ids(search="chk-55") == [history["check"]]
    assert ids(search="py_pending") == [history["pending"]]
    assert ids(search="%") == []  # a literal, not a wildcard
    assert ids(limit=1) == [history["pending"]]
    with pytest.raises(Invalid, match="unknown status"):
        ids(status="paid")
    with pytest.raises(NotFound):
        payment_history(services.db.uow(), "NOPE")


def test_history_csv(services, history):
    rows = [PaymentRow.of(view) for view in payment_history(services.db.uow(), "ACME")]
    lines = payments_csv(rows).splitlines()
    assert lines[0] == ("id,received_on,status,amount,currency,unapplied,method,channel,reference,"
                        "processor_payment_id,invoices,receipt_available")
    assert lines[3] == f"{history['check']},2026-11-20,succeeded,1400.00,USD,250.00,Check,cli,CHK-5521,,INV-1;INV-2,no"
    assert len(lines) == 4
