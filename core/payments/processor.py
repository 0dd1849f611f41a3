"""The payment-processor port: what the AR engine needs from any processor, in plain values.

Adapters (`sandbox`, `stripe`) implement it. Outcomes arrive by webhook: a charge answer of
`processing` means "wait for the event"; only a verified event (or a reconcile lookup) settles it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from core.kernel.money import Money
from core.payments.method_links import OnBehalf

ChargeStatus = Literal["processing", "succeeded", "failed", "canceled"]
EventKind = Literal["payment.succeeded", "payment.failed", "payment.canceled", "payment.returned",
                    "payment.refunded", "payment.disputed", "other"]


@dataclass(frozen=True)
class SavedMethod:
    """What may be kept of a payment method: the processor's token and what a person may be shown."""

    token: str
    kind: Literal["card", "ach"]
    brand: str
    last4: str
    exp_month: int | None = None
    exp_year: int | None = None
    holder: str = ""


@dataclass(frozen=True)
class ChargeRequest:
    amount: Money
    method_token: str
    idempotency_key: str  # "charge:{payment_id}": a retried call never charges twice
    customer_ref: str
    description: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChargeResult:
    processor_payment_id: str
    status: ChargeStatus
    failure_reason: str | None = None


@dataclass(frozen=True)
class RefundResult:
    processor_refund_id: str
    status: Literal["pending", "succeeded", "failed"]


@dataclass(frozen=True)
class ProcessorEvent:
    """A verified webhook, reduced to what the ledger acts on."""

    event_id: str
    kind: EventKind
    processor_payment_id: str | None
    occurred_at: dt.datetime
    failure_reason: str | None = None
    reference: str | None = None  # our payment id, from the charge's metadata
    raw_type: str = ""


class PaymentProcessor(Protocol):
    name: str

    def save_method(self, token: str, customer_ref: str) -> SavedMethod:
        """Attach a token from the processor's own entry page to the customer; returns what may be shown."""
        ...

    def method_entry_path(self, customer_ref: str, now: dt.datetime, ttl_seconds: int,
                          on_behalf: OnBehalf | None = None) -> str | None:
        """A one-time path under our public URL to the processor's page where the customer types a card or bank
        account (or staff type it for a caller: `on_behalf`); None when this processor's hosted page is not wired
        here (methods are added elsewhere)."""
        ...

    def charge(self, request: ChargeRequest) -> ChargeResult: ...

    def refund(self, processor_payment_id: str, amount: Money, idempotency_key: str) -> RefundResult: ...

    def retrieve(self, processor_payment_id: str) -> ChargeResult:
        """The processor's current view of a payment (for reconcile after a crash or a lost webhook)."""
        ...

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> ProcessorEvent:
        """Verify the signature and read the event; raises SignatureError on anything unproven."""
        ...
