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
from core.payments.declines import Decline, decline, decline_words
from core.payments.history import (
    PaymentView,
    ScheduledPayment,
    latest_succeeded_payment,
    payment_history,
    payment_status,
    scheduled_payments,
    still_open,
)
from core.payments.idempotency import Claim, StoredAnswer
from core.payments.idempotency import abandon as idempotency_abandon
from core.payments.idempotency import begin as idempotency_begin
from core.payments.idempotency import body_hash as idempotency_body_hash
from core.payments.idempotency import finish as idempotency_finish
from core.payments.idempotency import is_used as nonce_is_used
from core.payments.idempotency import use_once as use_nonce_once
from core.payments.initiation import Quote, quote_payment
from core.payments.jobs import cancel_scheduled, charge_scheduled, initiate_and_charge, reconcile
from core.payments.method_choice import MethodsOnFile, default_method, methods_on_file
from core.payments.method_links import LINK_PATH, LINK_TTL, LinkError, LinkGrant, OnBehalf
from core.payments.method_list import METHOD_STATUSES, MethodFilter, MethodListPage, all_methods
from core.payments.methods import (
    AchAuthorization,
    MethodView,
    add_method,
    deactivate_method,
    list_methods,
    reactivate_method,
)
from core.payments.notices import Branding
from core.payments.pay_links import PayPage, link_payment, pay_page, pay_through_link, refuse_spent
from core.payments.processor import SavedMethod
from core.payments.quotes import (
    Confirmed,
    PaymentMade,
    PriceChanged,
    QuoteOutcome,
    QuoteView,
    confirm_quote,
    decline_quote,
    offer_cancel,
    offer_payment,
    pay_confirmed,
)
from core.payments.receipts import customer_receipt
from core.payments.signatures import verify as verify_signature
from core.payments.webhooks import Intake, WebhookRequest, receive_batch, record_bare

__all__ = [
    "AchAuthorization",
    "BookFilters",
    "BookRow",
    "Branding",
    "Claim",
    "Confirmed",
    "CustomerHeading",
    "Decline",
    "Intake",
    "LINK_PATH",
    "LINK_TTL",
    "LinkError",
    "LinkGrant",
    "METHOD_KINDS",
    "METHOD_STATUSES",
    "MethodFilter",
    "MethodListPage",
    "MethodView",
    "MethodsOnFile",
    "OnBehalf",
    "PayPage",
    "PaymentMade",
    "PaymentView",
    "PriceChanged",
    "Quote",
    "QuoteOutcome",
    "QuoteView",
    "SIGNATURE_HEADER",
    "SandboxProcessor",
    "SavedMethod",
    "ScheduledPayment",
    "StoredAnswer",
    "WebhookRequest",
    "add_method",
    "all_methods",
    "cancel_scheduled",
    "charge_scheduled",
    "confirm_payment",
    "confirm_quote",
    "customer_heading",
    "customer_receipt",
    "deactivate_method",
    "decline",
    "decline_quote",
    "decline_words",
    "default_method",
    "due_dates",
    "idempotency_abandon",
    "idempotency_begin",
    "idempotency_body_hash",
    "idempotency_finish",
    "initiate_and_charge",
    "latest_succeeded_payment",
    "link_payment",
    "list_methods",
    "method_rows",
    "methods_on_file",
    "nonce_is_used",
    "offer_cancel",
    "offer_payment",
    "pay_confirmed",
    "pay_page",
    "pay_through_link",
    "payment_book",
    "payment_detail",
    "payment_history",
    "payment_status",
    "quote_payment",
    "reactivate_method",
    "receive_batch",
    "reconcile",
    "record_bare",
    "refuse_spent",
    "sandbox_secrets",
    "scheduled_payments",
    "still_open",
    "submit_once",
    "use_nonce_once",
    "verify_signature",
]
