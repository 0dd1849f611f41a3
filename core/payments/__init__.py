"""Payments: the processor port and its adapters, quotes, initiation, jobs, settlement, webhooks, methods, receipts.

The public surface: what the channels, the bot and the scheduler may use. Other modules here are
private to the context."""

from __future__ import annotations

from core.payments.adapters.sandbox import SIGNATURE_HEADER, SandboxProcessor, sandbox_secrets
from core.payments.attempts import AttemptView
from core.payments.autopay import (
    Authorization as AutopayAuthorization,
)
from core.payments.autopay import (
    AutopayView,
    ChargeView,
    UpcomingCharge,
    autopay_charge,
    autopay_enrollments,
    autopay_rule,
    autopay_status,
    enroll_autopay,
    skip_autopay,
    turn_off_autopay,
)
from core.payments.autopay_links import SKIP_PATH as AUTOPAY_SKIP_PATH
from core.payments.autopay_links import read_skip_token
from core.payments.autopay_run import in_instalment_plan, run_autopay
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
from core.payments.pay_links import PayPage, link_payment, pay_page, pay_through_link, record_link_view, refuse_spent
from core.payments.plan_checks import check_plans
from core.payments.plan_pay import InstalmentQuote, PayableInstalment, payable_instalments, price_instalments
from core.payments.plan_rules import Instalment, Proposal
from core.payments.plans import (
    InstalmentView,
    PlanOffer,
    PlanView,
    cancel_plan,
    change_plan,
    create_plan,
    customer_plans,
    keep_offer,
    offer_plan,
    plan_on_behalf,
    plan_view,
    set_policy,
    terms_for,
)
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
from core.payments.retries import cancel_retry
from core.payments.signatures import verify as verify_signature
from core.payments.webhooks import Intake, WebhookRequest, receive_batch, record_bare

__all__ = [
    "AUTOPAY_SKIP_PATH",
    "AutopayAuthorization",
    "AutopayView",
    "ChargeView",
    "UpcomingCharge",
    "autopay_charge",
    "autopay_enrollments",
    "autopay_rule",
    "autopay_status",
    "enroll_autopay",
    "in_instalment_plan",
    "read_skip_token",
    "run_autopay",
    "skip_autopay",
    "turn_off_autopay",
    "AchAuthorization",
    "AttemptView",
    "BookFilters",
    "BookRow",
    "Branding",
    "Claim",
    "Confirmed",
    "CustomerHeading",
    "Decline",
    "Instalment",
    "InstalmentView",
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
    "PayableInstalment",
    "InstalmentQuote",
    "PlanOffer",
    "PlanView",
    "Proposal",
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
    "cancel_plan",
    "cancel_retry",
    "cancel_scheduled",
    "change_plan",
    "check_plans",
    "charge_scheduled",
    "confirm_payment",
    "confirm_quote",
    "create_plan",
    "customer_heading",
    "customer_plans",
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
    "keep_offer",
    "latest_succeeded_payment",
    "link_payment",
    "list_methods",
    "method_rows",
    "methods_on_file",
    "nonce_is_used",
    "offer_cancel",
    "offer_payment",
    "offer_plan",
    "pay_confirmed",
    "pay_page",
    "payable_instalments",
    "price_instalments",
    "pay_through_link",
    "payment_book",
    "payment_detail",
    "payment_history",
    "payment_status",
    "plan_on_behalf",
    "plan_view",
    "quote_payment",
    "reactivate_method",
    "receive_batch",
    "reconcile",
    "record_link_view",
    "record_bare",
    "refuse_spent",
    "sandbox_secrets",
    "scheduled_payments",
    "set_policy",
    "still_open",
    "submit_once",
    "terms_for",
    "use_nonce_once",
    "verify_signature",
]
