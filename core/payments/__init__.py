"""Payments: the processor port and its adapters, quotes, initiation, jobs, settlement, webhooks, methods, receipts.

The public surface: what the channels, the bot and the scheduler may use. Other modules here are
private to the context."""

from __future__ import annotations

from core.payments.adapters.sandbox import SIGNATURE_HEADER, SandboxProcessor, sandbox_secrets
from core.payments.book import METHOD_KINDS, BookFilters, BookRow, payment_book
from core.payments.console import (
    CustomerHeading,
    confirm_payment,
    customer_heading,
    due_dates,
    method_rows,
    payment_detail,
    submit_once,
)
from core.payments.history import PaymentView, method_label, payment_history, payment_status
from core.payments.idempotency import Claim, StoredAnswer
from core.payments.idempotency import abandon as idempotency_abandon
from core.payments.idempotency import begin as idempotency_begin
from core.payments.idempotency import body_hash as idempotency_body_hash
from core.payments.idempotency import finish as idempotency_finish
from core.payments.idempotency import is_used as nonce_is_used
from core.payments.idempotency import use_once as use_nonce_once
from core.payments.initiation import InitiatedPayment, Quote, quote_payment
from core.payments.jobs import cancel_scheduled, charge_scheduled, initiate_and_charge, reconcile
from core.payments.jobs import resume as resume_payment
from core.payments.method_links import LINK_PATH, LinkError, LinkGrant, link_for, read_link
from core.payments.methods import (
    AchAuthorization,
    MethodView,
    add_method,
    deactivate_method,
    list_methods,
    reactivate_method,
)
from core.payments.models import PaymentLine, PaymentMethod, PaymentQuote, WebhookEvent
from core.payments.processor import SavedMethod
from core.payments.receipts import customer_receipt
from core.payments.signatures import verify as verify_signature
from core.payments.webhooks import Intake, WebhookRequest, receive_batch

__all__ = [
    "AchAuthorization",
    "BookFilters",
    "BookRow",
    "Claim",
    "CustomerHeading",
    "InitiatedPayment",
    "Intake",
    "LINK_PATH",
    "LinkError",
    "LinkGrant",
    "METHOD_KINDS",
    "MethodView",
    "PaymentLine",
    "PaymentMethod",
    "PaymentQuote",
    "PaymentView",
    "Quote",
    "SIGNATURE_HEADER",
    "SandboxProcessor",
    "SavedMethod",
    "StoredAnswer",
    "WebhookEvent",
    "WebhookRequest",
    "add_method",
    "cancel_scheduled",
    "charge_scheduled",
    "confirm_payment",
    "customer_heading",
    "customer_receipt",
    "deactivate_method",
    "due_dates",
    "idempotency_abandon",
    "idempotency_begin",
    "idempotency_body_hash",
    "idempotency_finish",
    "initiate_and_charge",
    "link_for",
    "list_methods",
    "method_label",
    "method_rows",
    "nonce_is_used",
    "payment_book",
    "payment_detail",
    "payment_history",
    "payment_status",
    "quote_payment",
    "reactivate_method",
    "read_link",
    "receive_batch",
    "reconcile",
    "resume_payment",
    "sandbox_secrets",
    "submit_once",
    "use_nonce_once",
    "verify_signature",
]
