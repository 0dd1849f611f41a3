"""Payment receipts: a PDF a finance team can send, generated once per succeeded payment and kept in the library.

Rendering (Jinja2 + WeasyPrint) takes a while and blocks, so it runs between two short transactions:
one reads what the receipt says, the other stores the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date
from sqlalchemy import select

from core.documents.files import FileInfo, FileStore
from core.documents.letterhead import SellerInfo, mailing_address
from core.documents.models import StoredFile
from core.documents.templates import TEMPLATES, environment
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid, NotFound
from core.kernel.money import Money
from core.ledger.balances import balance_on
from core.ledger.models import Allocation, Customer, Document, Payment
from core.payments.history import RECEIPT_KIND, method_label, receipt_filename
from core.payments.models import PaymentMethod

LOCALE = "en_US"


@dataclass(frozen=True)
class ReceiptLine:
    number: str
    applied: Money
    discount: Money
    short_reason: str | None
    still_open: Money  # what the invoice still asks for once this payment is applied


@dataclass(frozen=True)
class Receipt:
    """Everything printed on a receipt, read in one transaction and detached from the session."""

    payment_id: int
    customer_id: int
    received_on: dt.date
    customer_name: str
    customer_code: str
    address: tuple[str, ...]
    method: str
    processor_reference: str | None
    reference: str | None
    lines: tuple[ReceiptLine, ...]
    unapplied: Money
    total: Money
    balance_after: Money  # the account's balance in the payment's currency on the day, with the payment applied

    @property
    def number(self) -> str:
        return f"R-{self.payment_id}"

    @property
    def payment_reference(self) -> str:
        """The payment as the chat, the phone line and the console named it to the customer."""
        return f"P-{self.payment_id}"

    @property
    def filename(self) -> str:
        return receipt_filename(self.payment_id)


def render_receipt(uow: UnitOfWork, files: FileStore, payment_id: int, seller: SellerInfo) -> FileInfo:
    """The receipt of a succeeded payment: the stored one if it exists, else rendered and stored now."""
    receipt, existing = _read(uow, payment_id, seller.country)
    if existing is not None:
        return existing
    pdf = receipt_pdf_bytes(receipt, seller)
    return _store(uow, files, receipt, pdf)


def customer_receipt(
    uow: UnitOfWork, files: FileStore, customer_code: str, payment_id: int, seller: SellerInfo
) -> tuple[FileInfo, bytes]:
    """A customer's receipt and its bytes; another customer's payment is not found, not refused."""
    with uow:
        payment = uow.session.get(Payment, payment_id)
        customer = uow.session.scalar(select(Customer).where(Customer.code == customer_code))
        if payment is None or customer is None or payment.customer_id != customer.id:
            raise NotFound("payment", f"{payment_id} for customer {customer_code}")
    info = render_receipt(uow, files, payment_id, seller)
    with uow:
        stored = uow.session.get(StoredFile, info.id)
        assert stored is not None  # just stored or found; files are never deleted
        return info, files.get(stored.storage_key)


def _read(uow: UnitOfWork, payment_id: int, home_country: str) -> tuple[Receipt, FileInfo | None]:
    with uow:
        payment = uow.session.get(Payment, payment_id)
        if payment is None:
            raise NotFound("payment", payment_id)
        if payment.status != "succeeded":
            raise Invalid(f"payment {payment_id} is {payment.status}; only a succeeded payment has a receipt",
                          "payment")
        customer = uow.session.get(Customer, payment.customer_id)
        assert customer is not None  # a foreign key
        receipt = _receipt(uow, payment, customer, home_country)
        return receipt, _existing(uow, receipt)


def _receipt(uow: UnitOfWork, payment: Payment, customer: Customer, home_country: str) -> Receipt:
    method = uow.session.get(PaymentMethod, payment.method_id) if payment.method_id else None
    return Receipt(
        payment_id=payment.id, customer_id=customer.id, received_on=payment.received_on,
        customer_name=customer.name, customer_code=customer.code, address=mailing_address(customer, home_country),
        method=method_label(payment.method_kind, method), processor_reference=payment.processor_payment_id,
        reference=payment.reference, lines=_lines(uow, payment), unapplied=payment.unapplied, total=payment.amount,
        balance_after=_balance(uow, payment),
    )


def _balance(uow: UnitOfWork, payment: Payment) -> Money:
    return Money.from_minor(balance_on(uow.session, payment.customer_id, payment.currency, payment.received_on),
                            payment.currency)


def _lines(uow: UnitOfWork, payment: Payment) -> tuple[ReceiptLine, ...]:
    rows = uow.session.execute(
        select(Allocation, Document.number, Document.open_minor)
        .join(Document, Document.id == Allocation.invoice_id)
        .where(Allocation.payment_id == payment.id)
        .order_by(Allocation.id)
    )
    money = payment.currency
    return tuple(
        ReceiptLine(number, Money.from_minor(a.amount_minor, money), Money.from_minor(a.discount_minor, money),
                    a.short_reason, Money.from_minor(open_minor, money))
        for a, number, open_minor in rows
    )


def _existing(uow: UnitOfWork, receipt: Receipt) -> FileInfo | None:
    stored = uow.session.scalar(
        select(StoredFile)
        .where(StoredFile.customer_id == receipt.customer_id, StoredFile.kind == RECEIPT_KIND,
               StoredFile.filename == receipt.filename)
        .order_by(StoredFile.id)
        .limit(1)
    )
    return None if stored is None else _info(stored)


def _info(stored: StoredFile) -> FileInfo:
    return FileInfo(stored.id, stored.filename, stored.kind, stored.size, stored.sha256)


def _store(uow: UnitOfWork, files: FileStore, receipt: Receipt, pdf: bytes) -> FileInfo:
    with uow:
        # Another request may have rendered the same receipt meanwhile: keep the first, one receipt per payment.
        existing = _existing(uow, receipt)
        if existing is not None:
            return existing
        key = files.put(pdf)
        stored = StoredFile(
            customer_id=receipt.customer_id, kind=RECEIPT_KIND, source="generated", filename=receipt.filename,
            size=len(pdf), sha256=key, storage_key=key,
        )
        uow.session.add(stored)
        uow.commit()
        return _info(stored)



def receipt_html(receipt: Receipt, seller: SellerInfo) -> str:
    return environment().get_template("receipt.html").render(**_context(receipt, seller))


def receipt_pdf_bytes(receipt: Receipt, seller: SellerInfo) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only rendering needs

    pdf = HTML(string=receipt_html(receipt, seller), base_url=str(TEMPLATES)).write_pdf()
    assert pdf is not None  # write_pdf returns bytes when given no target
    return bytes(pdf)


def _context(receipt: Receipt, seller: SellerInfo) -> dict[str, Any]:
    def fmt(money: Money) -> str:
        return money.format(LOCALE)

    currency = receipt.total.currency
    applied = sum((line.applied for line in receipt.lines), Money.zero(currency))
    discounts = sum((line.discount for line in receipt.lines), Money.zero(currency))
    return {
        "seller_name": seller.name,
        "seller": seller,
        "receipt": receipt,
        "received_on": format_date(receipt.received_on, format="long", locale=LOCALE),
        "lines": [
            {"number": line.number, "applied": fmt(line.applied),
             "discount": fmt(line.discount) if line.discount.is_positive() else "",
             "short_reason": line.short_reason or "",
             "still_open": fmt(line.still_open) if line.still_open.is_positive() else ""}
            for line in receipt.lines
        ],
        "any_discount": any(line.discount.is_positive() for line in receipt.lines),
        "any_short": any(line.short_reason or line.still_open.is_positive() for line in receipt.lines),
        "balance_after": f"{fmt(-receipt.balance_after)} credit" if receipt.balance_after.is_negative()
        else fmt(receipt.balance_after),
        "applied": fmt(applied),
        "discounts": fmt(discounts) if discounts.is_positive() else "",
        "unapplied": fmt(receipt.unapplied),
        "has_unapplied": receipt.unapplied.is_positive(),
        "total": fmt(receipt.total),
        "currency": currency,
        "still_to_pay": receipt.balance_after.is_positive(),
    }
