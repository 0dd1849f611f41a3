"""The sandbox's test methods: the tokens, card numbers and bank accounts it accepts, and the checks a number
passes before the sandbox's entry page takes it (see `core.payments.adapters.sandbox` for the tables)."""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from typing import Literal

from core.payments.processor import SavedMethod

# `insufficient_once`: the first charge on the method is declined for want of funds, every later one succeeds (a
# retried scheduled charge that goes through: core.payments.retries).
Outcome = Literal["succeeds", "declined", "insufficient_funds", "insufficient_once", "returned"]


@dataclass(frozen=True)
class TestMethod:
    method: SavedMethod
    outcome: Outcome


def _card(token: str, brand: str, last4: str, outcome: Outcome) -> TestMethod:
    return TestMethod(SavedMethod(token, "card", brand, last4, 12, 2034, "Sandbox Tester"), outcome)


def _bank(token: str, last4: str, outcome: Outcome) -> TestMethod:
    return TestMethod(SavedMethod(token, "ach", "Sandbox Bank", last4, holder="Sandbox Tester"), outcome)


TEST_TOKENS: dict[str, TestMethod] = {
    "tok_visa": _card("tok_visa", "visa", "4242", "succeeds"),
    "tok_mastercard": _card("tok_mastercard", "mastercard", "4444", "succeeds"),
    "tok_card_declined": _card("tok_card_declined", "visa", "0002", "declined"),
    "tok_card_insufficient": _card("tok_card_insufficient", "visa", "9995", "insufficient_funds"),
    "tok_card_insufficient_once": _card("tok_card_insufficient_once", "visa", "1117", "insufficient_once"),
    "tok_ach_success": _bank("tok_ach_success", "6789", "succeeds"),
    "tok_ach_insufficient": _bank("tok_ach_insufficient", "1116", "insufficient_funds"),
    "tok_ach_return": _bank("tok_ach_return", "2227", "returned"),
}

# The only numbers the entry page takes: brand and what a charge on the card will do.
TEST_CARD_NUMBERS: dict[str, tuple[str, Outcome]] = {
    "4242424242424242": ("visa", "succeeds"),
    "5555555555554444": ("mastercard", "succeeds"),
    "4000000000000002": ("visa", "declined"),
    "4000000000009995": ("visa", "insufficient_funds"),  # declined at once, as Stripe's card of that number
    "4000000000001117": ("visa", "insufficient_once"),  # the first charge declined (insufficient funds), then fine
}

# The only bank accounts the entry page takes, and what a debit from each will do.
TEST_BANK_ACCOUNTS: dict[str, Outcome] = {
    "000123456789": "succeeds",
    "000111111116": "insufficient_funds",
    "000222222227": "returned",
}
ACCOUNT_TYPES = ("checking", "savings")
BANK_NAME = "Sandbox Bank"
# Bank tokens share `sandbox_cards` with cards (no migration for the sandbox's own records); the prefix,
# like Stripe's `btok_`, tells them apart, and their expiry columns hold 0 since an account has none.
BANK_TOKEN_PREFIX = "btok_"

_CARD_LIKE = re.compile(r"^[\d \-]{12,}$")


def random_token_body() -> str:
    """24 random letters: random hex holds a run of 12+ digits about one time in twenty, and such a token
    is rightly refused as possibly a card number (core.payments.methods)."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(24))


def looks_like_card_number(text: str) -> bool:
    """Digits (with the spaces or dashes people type) long enough to be a PAN: never a token."""
    return bool(_CARD_LIKE.match(text.strip())) and 12 <= len(re.sub(r"\D", "", text)) <= 19


def aba_ok(routing: str) -> bool:
    """The ABA routing-number checksum: weights 3, 7, 1 over the nine digits sum to a multiple of 10."""
    if not re.fullmatch(r"\d{9}", routing):
        return False
    return sum(int(digit) * (3, 7, 1)[i % 3] for i, digit in enumerate(routing)) % 10 == 0
