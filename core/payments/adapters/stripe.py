"""The Stripe processor: the `PaymentProcessor` port over the official `stripe` SDK (a `StripeClient`).

Tokens are Stripe PaymentMethod ids (`pm_…`) from Stripe.js / Checkout; card numbers never reach us.

Charges are PaymentIntents created with `confirm=True, off_session=True` and our `idempotency_key` as the
request's Idempotency-Key, so a retried call is the same PaymentIntent. ACH (`us_bank_account`) charges
rely on the mandate Stripe stored when the customer authorised the account in Checkout / a SetupIntent:
Stripe reuses it for off-session PaymentIntents, so we pass no `mandate` of our own.

A card decline (`stripe.CardError`, HTTP 402) is an answer, not a fault: it becomes a `failed` result with
the decline code. Any other Stripe error is raised: the caller leaves the payment pending for reconcile.

Webhooks are verified with `stripe.Webhook.construct_event`, trying each configured secret (rotation).
Event mapping (`reference` is `metadata.payment_id`, which we set on the PaymentIntent; Stripe copies a
PaymentIntent's metadata onto its charges):

    payment_intent.succeeded        payment.succeeded   id = the PaymentIntent
    payment_intent.payment_failed   payment.failed      reason = last_payment_error decline code / code
    payment_intent.canceled         payment.canceled    reason = cancellation_reason
    charge.refunded                 payment.refunded    id = charge.payment_intent
    charge.dispute.created          payment.disputed    id = dispute.payment_intent (no metadata on disputes)
    charge.failed                   payment.returned    only for us_bank_account with an ACH return code
                                                        (account_closed, insufficient_funds, no_account,
                                                        debit_not_authorized): a debit returned by the bank
    anything else                   other

A failure before settlement also arrives as `payment_intent.payment_failed`, so the ledger may see a
`payment.returned` for a payment it already marked failed; treating both as "the money did not arrive" keeps
that harmless.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any, cast

import stripe

from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.payments.method_links import OnBehalf
from core.payments.processor import (
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    EventKind,
    ProcessorEvent,
    RefundResult,
    SavedMethod,
)
from core.payments.signatures import TOLERANCE_SECONDS, SignatureError

SIGNATURE_HEADER = "Stripe-Signature"
REQUEST_TIMEOUT_SECONDS = 20.0
ACH_RETURN_CODES = frozenset({"account_closed", "insufficient_funds", "no_account", "debit_not_authorized"})

# PaymentIntent status -> the port's status. `requires_capture` is money authorised, not yet ours.
INTENT_STATUS: dict[str, ChargeStatus] = {
    "succeeded": "succeeded", "processing": "processing", "requires_capture": "processing", "canceled": "canceled",
}
REFUND_STATUS = {"succeeded": "succeeded", "pending": "pending", "requires_action": "pending",
                 "failed": "failed", "canceled": "failed"}
INTENT_EVENTS: dict[str, EventKind] = {
    "payment_intent.succeeded": "payment.succeeded",
    "payment_intent.payment_failed": "payment.failed",
    "payment_intent.canceled": "payment.canceled",
}
CHARGE_EVENTS: dict[str, EventKind] = {
    "charge.refunded": "payment.refunded",
    "charge.dispute.created": "payment.disputed",
}


class StripeProcessor:
    name = "stripe"

    def __init__(self, api_key: str, webhook_secrets: Sequence[str], api_base: str | None = None,
                 timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        if not api_key:
            raise Invalid("the Stripe processor needs an API key", field="api_key")
        if not webhook_secrets:
            raise Invalid("the Stripe processor needs at least one webhook secret", field="webhook_secrets")
        self._secrets = list(webhook_secrets)
        # No SDK retries: the caller's reconcile owns retrying, and a retry must reuse our idempotency key.
        self._client = stripe.StripeClient(
            api_key, base_addresses={"api": api_base} if api_base else {},
            http_client=stripe.RequestsClient(timeout=timeout), max_network_retries=0,
        )
        self._api = self._client.v1

    # -- payment methods ------------------------------------------------------------------------------

    def method_entry_path(self, customer_ref: str, now: dt.datetime, ttl_seconds: int,
                          on_behalf: OnBehalf | None = None) -> str | None:
        """Stripe's hosted entry (Checkout in setup mode, then its webhook) is not wired yet: None, so the
        channels say where to add a card instead of sending a link to a page that would not save it."""
        return None

    def save_method(self, token: str, customer_ref: str) -> SavedMethod:
        if not (token or "").startswith("pm_"):
            raise Invalid("a Stripe payment method id (pm_…) is expected", field="token")
        method = self._api.payment_methods.retrieve(token)
        customer = self._customer_id(customer_ref, method)
        if method.customer != customer:
            method = self._api.payment_methods.attach(token, {"customer": customer})
        return _saved(method)

    def _customer_id(self, customer_ref: str, method: stripe.PaymentMethod) -> str:
        if customer_ref.startswith("cus_"):
            return customer_ref
        if isinstance(method.customer, str):  # already attached on an earlier save: keep that customer
            return method.customer
        # The key makes a retried save find the customer it created instead of making a second one.
        created = self._api.customers.create({"metadata": {"ref": customer_ref}},
                                             {"idempotency_key": f"customer:{customer_ref}"})
        return created.id

    # -- charges --------------------------------------------------------------------------------------

    def charge(self, request: ChargeRequest) -> ChargeResult:
        if not request.amount.is_positive():
            raise Invalid("a charge must be for a positive amount", field="amount")
        params: dict[str, Any] = {
            "amount": request.amount.minor, "currency": request.amount.currency.lower(),
            "customer": self._charge_customer(request), "payment_method": request.method_token,
            "payment_method_types": ["card", "us_bank_account"], "confirm": True, "off_session": True,
            "metadata": dict(request.metadata),
        }
        if request.description:
            params["description"] = request.description
        try:
            intent = self._api.payment_intents.create(cast(Any, params),
                                                      {"idempotency_key": request.idempotency_key})
        except stripe.CardError as decline:
            return _declined(decline)
        return _intent_result(intent)

    def _charge_customer(self, request: ChargeRequest) -> str:
        # A method saved under our own ref lives on the customer save_method created: ask the method.
        if request.customer_ref.startswith("cus_"):
            return request.customer_ref
        customer = self._api.payment_methods.retrieve(request.method_token).customer
        if not customer:
            raise Invalid("the payment method is not attached to a Stripe customer", field="method_token")
        return customer if isinstance(customer, str) else customer.id

    def retrieve(self, processor_payment_id: str) -> ChargeResult:
        return _intent_result(self._api.payment_intents.retrieve(processor_payment_id))

    def refund(self, processor_payment_id: str, amount: Money, idempotency_key: str) -> RefundResult:
        refund = self._api.refunds.create({"payment_intent": processor_payment_id, "amount": amount.minor},
                                          {"idempotency_key": idempotency_key})
        return RefundResult(refund.id, cast(Any, REFUND_STATUS.get(refund.status or "", "pending")))

    # -- webhooks -------------------------------------------------------------------------------------

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> ProcessorEvent:
        header = next((v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER.lower()), None)
        if not header:
            raise SignatureError("missing Stripe-Signature header")
        self._verify(body, header)
        # Read the verified bytes as plain JSON: the mapping needs dicts, not the SDK's typed objects.
        try:
            return _to_event(json.loads(body))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise Invalid(f"signed Stripe webhook is not a readable event: {exc}") from exc

    def _verify(self, body: bytes, header: str) -> None:
        # The SDK refuses only old timestamps; a stamp far in the future would let a capture live longer.
        stamp = next((p.partition("=")[2] for p in header.split(",") if p.strip().startswith("t=")), "")
        if stamp.strip().isdigit() and int(stamp) - time.time() > TOLERANCE_SECONDS:
            raise SignatureError(f"signature timestamp is more than {TOLERANCE_SECONDS} s in the future")
        for secret in self._secrets:
            try:
                stripe.Webhook.construct_event(body, header, secret)
                return
            except stripe.SignatureVerificationError:
                continue  # maybe signed with another current secret
            except ValueError as exc:  # the SDK parses the JSON; unreadable bytes prove nothing
                raise SignatureError("webhook body is not JSON") from exc
        raise SignatureError("Stripe signature does not match any webhook secret, or is too old")


def _saved(method: stripe.PaymentMethod) -> SavedMethod:
    holder = (method.billing_details.name if method.billing_details else None) or ""
    if method.type == "card" and method.card is not None:
        card = method.card
        return SavedMethod(method.id, "card", card.brand, card.last4, card.exp_month, card.exp_year, holder)
    if method.type == "us_bank_account" and method.us_bank_account is not None:
        bank = method.us_bank_account
        return SavedMethod(method.id, "ach", bank.bank_name or "Bank account", bank.last4 or "", holder=holder)
    raise Invalid(f"Stripe payment method type {method.type!r} is not accepted (card or US bank account)",
                  field="token")


def _intent_result(intent: stripe.PaymentIntent) -> ChargeResult:
    status = INTENT_STATUS.get(intent.status, "failed")
    if status in ("succeeded", "processing"):
        return ChargeResult(intent.id, status)
    error = intent.last_payment_error
    reason = (error.decline_code or error.code or error.message) if error else None
    if status == "canceled":
        reason = reason or intent.cancellation_reason
    return ChargeResult(intent.id, status, reason or intent.status)


def _declined(decline: stripe.CardError) -> ChargeResult:
    error = decline.error
    # Stripe puts the declined PaymentIntent on the error; reconcile looks the payment up by its id.
    intent = error.payment_intent if error is not None else None
    intent_id = intent.id if intent is not None else ""
    reason = (error.decline_code or decline.code or error.message) if error is not None else decline.code
    return ChargeResult(str(intent_id), "failed", reason or "card_declined")


def _to_event(payload: dict[str, Any]) -> ProcessorEvent:
    raw_type = str(payload["type"])
    obj = payload["data"]["object"]
    if not isinstance(obj, dict):
        raise TypeError("data.object must be an object")
    kind, payment_id, reason = _classify(raw_type, obj)
    metadata = obj.get("metadata") or {}
    return ProcessorEvent(
        event_id=str(payload["id"]), kind=kind, processor_payment_id=payment_id,
        occurred_at=dt.datetime.fromtimestamp(int(payload["created"]), dt.UTC),
        failure_reason=reason, reference=metadata.get("payment_id"), raw_type=raw_type,
    )


def _classify(raw_type: str, obj: dict[str, Any]) -> tuple[EventKind, str | None, str | None]:
    """The port's kind, our processor payment id (always the PaymentIntent) and a failure reason."""
    if raw_type in INTENT_EVENTS:
        return INTENT_EVENTS[raw_type], obj.get("id"), _intent_reason(raw_type, obj)
    intent_id = _id_of(obj.get("payment_intent"))
    if raw_type in CHARGE_EVENTS:
        return CHARGE_EVENTS[raw_type], intent_id, obj.get("reason")
    if raw_type == "charge.failed" and _is_ach_return(obj):
        return "payment.returned", intent_id, obj.get("failure_code")
    return "other", intent_id or obj.get("id"), None


def _intent_reason(raw_type: str, obj: dict[str, Any]) -> str | None:
    if raw_type == "payment_intent.canceled":
        return obj.get("cancellation_reason") or "canceled"
    error = obj.get("last_payment_error") or {}
    if raw_type == "payment_intent.payment_failed":
        return error.get("decline_code") or error.get("code") or error.get("message") or "payment_failed"
    return None


def _is_ach_return(charge: dict[str, Any]) -> bool:
    method_type = (charge.get("payment_method_details") or {}).get("type")
    return method_type == "us_bank_account" and charge.get("failure_code") in ACH_RETURN_CODES


def _id_of(value: Any) -> str | None:
    # Expandable fields arrive as an id, or as the object when expanded.
    if isinstance(value, dict):
        return value.get("id")
    return value if isinstance(value, str) else None
