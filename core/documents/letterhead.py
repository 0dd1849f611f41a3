"""The letterhead every PDF shares: the seller's branding, and the customer's mailing address.

Statements freeze the seller's branding into their snapshot (`to_json`/`from_json`); invoices read it as it
stands when they are rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.kernel.config import BankRemit, Settings
from core.kernel.errors import Invalid
from core.kernel.runtime import FileStore
from core.ledger.models import Customer


@dataclass(frozen=True)
class SellerInfo:
    name: str
    address: tuple[str, ...]
    phone: str
    email: str
    remit_to: tuple[str, ...]  # where mailed cheques go; the seller address when not configured
    color: str  # accent colour, CSS hex
    logo_sha256: str | None  # the logo kept in the file store, or None for the name in type
    telegram_bot: str  # "" when the bot is not configured
    bank: BankRemit | None = None  # ACH/wire details; None when not configured (and in statements made before)
    country: str = "US"  # the seller's own: a customer's address names its country only when it is another

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "address": list(self.address), "phone": self.phone, "email": self.email,
            "remit_to": list(self.remit_to), "color": self.color, "logo_sha256": self.logo_sha256,
            "telegram_bot": self.telegram_bot, "bank": self.bank.to_json() if self.bank else None,
            "country": self.country,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SellerInfo:
        return cls(
            name=data["name"], address=tuple(data["address"]), phone=data["phone"], email=data["email"],
            remit_to=tuple(data["remit_to"]), color=data["color"], logo_sha256=data["logo_sha256"],
            telegram_bot=data["telegram_bot"], bank=BankRemit(**data["bank"]) if data.get("bank") else None,
            country=data.get("country", "US"),
        )


def seller_info(settings: Settings, files: FileStore) -> SellerInfo:
    """The seller's branding from configuration; the logo goes into the file store, named by its SHA-256."""
    return SellerInfo(
        name=settings.seller_name, address=settings.seller_address, phone=settings.seller_phone,
        email=settings.seller_email, remit_to=settings.remit_to or settings.seller_address,
        color=settings.seller_color, logo_sha256=_stored_logo(settings.seller_logo, files),
        telegram_bot=settings.telegram_bot, bank=settings.remit_bank, country=settings.default_country,
    )


def _stored_logo(path: str, files: FileStore) -> str | None:
    if not path:
        return None
    logo = Path(path)
    if not logo.is_file():
        # Statements never change once made: better no cycle than a month of them without the logo.
        raise Invalid(f"the seller logo {path} is not a file; fix ARAGENT_SELLER_LOGO or leave it empty",
                      "seller_logo")
    return files.put(logo.read_bytes())


def mailing_address(customer: Customer, home_country: str) -> tuple[str, ...]:
    """The customer's address lines; the country last, and only when it is not the seller's own."""
    place = ", ".join(p for p in (customer.city, customer.region) if p)
    city_line = " ".join(p for p in (place, customer.postal_code or "") if p)
    country = customer.country if customer.country and customer.country.upper() != home_country.upper() else None
    return tuple(line for line in (customer.address_line1, customer.address_line2, city_line, country) if line)
