"""The sandbox processor: the embedded default `PaymentProcessor`, behaving like a real one.

It keeps its own ledger (`sandbox_charges`, `sandbox_cards`), answers a charge with `processing`, and
reports the outcome later by a signed webhook (`Sandbox-Signature: t=…,v1=…`, Stripe's scheme), which the
app posts to its own `/webhooks/payments/sandbox` (see `deliver_due`). Delays are constructor arguments so
tests run with 0.

Test tokens (what `save_method` and `charge` accept):

    tok_visa              card, Visa •4242          the charge succeeds after `card_delay`
    tok_mastercard        card, Mastercard •4444    the charge succeeds after `card_delay`
    tok_card_declined     card, Visa •0002          the charge fails at once: card_declined
    tok_card_insufficient card, Visa •9995          the charge fails at once: insufficient_funds (a soft decline)
    tok_card_insufficient_once  card, Visa •1117    the first charge on it fails at once (insufficient_funds),
                                                    every later one succeeds: a retried scheduled charge
    tok_ach_success       ACH, bank account •6789   succeeds after `ach_delay` (settlement)
    tok_ach_insufficient  ACH, bank account •1116   fails at settlement: insufficient_funds
    tok_ach_return        ACH, bank account •2227   succeeds, then is returned `return_delay` later

The sandbox's own card-entry page calls `tokenize_card` with one of these test numbers and gets a
`tok_<hex>` back; only brand, last 4, expiry and holder are kept. Any other number is refused, so a real
card typed into the sandbox is never accepted, and our own database never sees a number:

    4242 4242 4242 4242   Visa, succeeds
    5555 5555 5555 4444   Mastercard, succeeds
    4000 0000 0000 0002   Visa, declined
    4000 0000 0000 9995   Visa, declined: insufficient funds
    4000 0000 0000 1117   Visa, the first charge declined (insufficient funds), later ones succeed

Its bank-account page calls `tokenize_bank_account` the same way and gets a `btok_<hex>` back; only the bank
name ("Sandbox Bank"), last 4, holder and outcome are kept. The routing number must pass the ABA checksum
(e.g. 110000000, the sandbox's own bank) and the account must be one of the test accounts:

    000123456789   ACH, succeeds at settlement
    000111111116   ACH, fails at settlement: insufficient_funds
    000222222227   ACH, succeeds, then is returned
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import secrets
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.kernel.card_numbers import luhn_ok
from core.kernel.config import Settings
from core.kernel.db import Database
from core.kernel.errors import Conflict, Invalid, NotFound
from core.kernel.money import Money
from core.payments.adapters.sandbox_cards import (
    ACCOUNT_TYPES,
    BANK_NAME,
    BANK_TOKEN_PREFIX,
    TEST_BANK_ACCOUNTS,
    TEST_CARD_NUMBERS,
    TEST_TOKENS,
    Outcome,
    TestMethod,
    aba_ok,
    looks_like_card_number,
    random_token_body,
)
from core.payments.adapters.sandbox_models import SandboxCard, SandboxCharge
from core.payments.adapters.sandbox_timeline import (
    EVENT_STATUS,
    FAILURE_REASONS,
    advance,
    as_utc,
    charge_by_key,
    due_filter,
    replay,
    result_of,
    timeline,
    to_event,
)
from core.payments.method_links import LINK_PATH, LinkGrant, OnBehalf, link_for, read_link
from core.payments.processor import (
    ChargeRequest,
    ChargeResult,
    ProcessorEvent,
    RefundResult,
    SavedMethod,
)
from core.payments.signatures import sign, verify

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Sandbox-Signature"
@dataclass(frozen=True)
class DueEvent:
    """One webhook handed out: which charge and which step of its timeline, and the request to post."""

    charge_id: str
    index: int
    body: bytes
    headers: dict[str, str]


def sandbox_secrets(settings: Settings) -> list[str]:
    """The sandbox's webhook secret(s): configured, or one made once and kept in the data folder."""
    if settings.sandbox_webhook_secrets:
        return list(settings.sandbox_webhook_secrets)
    path = Path(settings.data_dir) / "sandbox_webhook_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("whsec_" + secrets.token_hex(24))
        path.chmod(0o600)
    return [path.read_text().strip()]


def _scripted(session: Session, token: str, method: TestMethod) -> TestMethod:
    """What this charge on the method does: `insufficient_once` declines the method's first charge only."""
    if method.outcome != "insufficient_once":
        return method
    charged_before = session.scalar(select(SandboxCharge.id).where(SandboxCharge.token == token).limit(1))
    return replace(method, outcome="succeeds" if charged_before else "insufficient_funds")


class SandboxProcessor:
    name = "sandbox"

    def __init__(
        self, db: Database, webhook_secrets: Sequence[str], card_delay: float = 2.0, ach_delay: float = 5.0,
        return_delay: float = 10.0, clock: Callable[[], float] = time.time,
    ) -> None:
        if not webhook_secrets:
            raise Invalid("the sandbox processor needs at least one webhook secret", field="webhook_secrets")
        self._db = db
        self._secrets = list(webhook_secrets)
        self._card_delay = dt.timedelta(seconds=card_delay)
        self._ach_delay = dt.timedelta(seconds=ach_delay)
        self._return_delay = dt.timedelta(seconds=return_delay)
        self._clock = clock

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._clock(), dt.UTC)

    # -- payment methods ------------------------------------------------------------------------------

    def method_entry_path(self, customer_ref: str, now: dt.datetime, ttl_seconds: int,
                          on_behalf: OnBehalf | None = None) -> str | None:
        """The sandbox's own card/bank page, with a link signed under a key derived from its webhook secret."""
        return f"{LINK_PATH}?link={link_for(customer_ref, self._secrets[0], now, ttl_seconds, on_behalf)}"

    def read_method_link(self, link: str, now: dt.datetime) -> LinkGrant:
        """What the entry page was opened for; LinkError when the link is forged or expired."""
        return read_link(link, self._secrets, now)

    def tokenize_card(self, number: str, exp_month: int, exp_year: int, cvc: str, holder: str) -> str:
        """What the sandbox's entry page calls: check a test card and keep only what may be shown."""
        digits = re.sub(r"[ \-]", "", number or "")
        # Messages never echo the number: they may end up in logs or on a screen.
        if not digits.isdigit() or not 12 <= len(digits) <= 19 or not luhn_ok(digits):
            raise Invalid("that is not a valid card number", field="number")
        if digits not in TEST_CARD_NUMBERS:
            raise Invalid("the sandbox takes only its test card numbers (e.g. 4242 4242 4242 4242)", field="number")
        self._check_expiry(exp_month, exp_year)
        if not re.fullmatch(r"\d{3,4}", cvc or ""):
            raise Invalid("the security code is 3 or 4 digits", field="cvc")
        brand, outcome = TEST_CARD_NUMBERS[digits]
        token = f"tok_{random_token_body()}"
        card = SandboxCard(token=token, brand=brand, last4=digits[-4:], exp_month=exp_month, exp_year=exp_year,
                           holder=(holder or "").strip()[:100], outcome=outcome)
        with self._db.uow() as uow:
            uow.session.add(card)
            uow.commit()
        return token

    def tokenize_bank_account(self, routing_number: str, account_number: str, holder: str, account_type: str) -> str:
        """What the sandbox's bank-account page calls: check a test account and keep only what may be shown."""
        routing = re.sub(r"[ \-]", "", routing_number or "")
        account = re.sub(r"[ \-]", "", account_number or "")
        # As with cards, no message repeats the numbers.
        if not aba_ok(routing):
            raise Invalid("not a valid routing number (9 digits with a correct checksum)", field="routing_number")
        if not account.isdigit() or not 4 <= len(account) <= 17:
            raise Invalid("that is not a valid account number (4 to 17 digits)", field="account_number")
        if account not in TEST_BANK_ACCOUNTS:
            raise Invalid("the sandbox takes only its test bank accounts (e.g. 000123456789)", field="account_number")
        if account_type not in ACCOUNT_TYPES:
            raise Invalid("the account type is checking or savings", field="account_type")
        name = (holder or "").strip()[:100]
        if not name:
            raise Invalid("the account holder's name is required", field="holder")
        token = f"{BANK_TOKEN_PREFIX}{random_token_body()}"
        bank = SandboxCard(token=token, brand=BANK_NAME, last4=account[-4:], exp_month=0, exp_year=0, holder=name,
                           outcome=TEST_BANK_ACCOUNTS[account])
        with self._db.uow() as uow:
            uow.session.add(bank)
            uow.commit()
        return token

    def _check_expiry(self, exp_month: int, exp_year: int) -> None:
        if not 1 <= exp_month <= 12:
            raise Invalid("the expiry month is 1 to 12", field="exp_month")
        today = self._now().date()
        if (exp_year, exp_month) < (today.year, today.month) or exp_year > today.year + 20:
            raise Invalid("the card has expired or its expiry year is wrong", field="exp_year")

    def save_method(self, token: str, customer_ref: str) -> SavedMethod:
        return self._method(token).method

    def _method(self, token: str) -> TestMethod:
        if looks_like_card_number(token or ""):
            raise Invalid("that looks like a card number; the sandbox takes only tokens", field="token")
        if token in TEST_TOKENS:
            return TEST_TOKENS[token]
        with self._db.uow() as uow:
            card = uow.session.get(SandboxCard, token)
            if card is None:
                raise Invalid(f"unknown sandbox token {token!r}", field="token")
            if card.token.startswith(BANK_TOKEN_PREFIX):
                saved = SavedMethod(card.token, "ach", card.brand, card.last4, holder=card.holder)
            else:
                saved = SavedMethod(card.token, "card", card.brand, card.last4, card.exp_month, card.exp_year,
                                    card.holder)
            return TestMethod(saved, cast(Outcome, card.outcome))

    # -- charges --------------------------------------------------------------------------------------

    def charge(self, request: ChargeRequest) -> ChargeResult:
        """Idempotent by `request.idempotency_key`: the same key is the same charge, never a second one."""
        if not request.amount.is_positive():
            raise Invalid("a charge must be for a positive amount", field="amount")
        method = self._method(request.method_token)
        try:
            with self._db.uow() as uow:
                existing = charge_by_key(uow.session, request.idempotency_key)
                if existing is not None:
                    return replay(existing, request)
                charge = self._new_charge(request, _scripted(uow.session, request.method_token, method))
                uow.session.add(charge)
                uow.commit()
                return result_of(charge)
        except IntegrityError:
            # Another call with the same key got there between our look and our insert: answer with its charge.
            with self._db.uow() as uow:
                existing = charge_by_key(uow.session, request.idempotency_key)
                if existing is None:
                    raise
                return replay(existing, request)

    def _new_charge(self, request: ChargeRequest, method: TestMethod) -> SandboxCharge:
        now = self._now()
        # A card is declined at once (for want of funds too); a bank debit fails or comes back days later.
        declined = method.outcome == "declined" or (method.method.kind == "card" and method.outcome != "succeeds")
        delay = self._card_delay if method.method.kind == "card" else self._ach_delay
        settle_at = now if declined else now + delay
        return SandboxCharge(
            id=f"py_{uuid.uuid4().hex[:24]}", idempotency_key=request.idempotency_key,
            token=request.method_token, amount_minor=request.amount.minor, currency=request.amount.currency,
            outcome=method.outcome, status="failed" if declined else "processing", settle_at=settle_at,
            return_at=settle_at + self._return_delay if method.outcome == "returned" else None,
            reference=request.metadata.get("payment_id"),
            failure_reason=FAILURE_REASONS[method.outcome] if declined else None,
            refunded_minor=0, refunds={}, events_sent=0, created_at=now,
        )

    def retrieve(self, processor_payment_id: str) -> ChargeResult:
        """The current view, advanced to now: a settlement shows here even if its webhook was lost."""
        with self._db.uow() as uow:
            charge = self._locked(uow.session, processor_payment_id)
            advance(charge, self._now())
            uow.commit()
            return result_of(charge)

    def refund(self, processor_payment_id: str, amount: Money, idempotency_key: str) -> RefundResult:
        with self._db.uow() as uow:
            charge = self._locked(uow.session, processor_payment_id)
            advance(charge, self._now())
            done = (charge.refunds or {}).get(idempotency_key)
            if done is not None:
                if done["amount"] != amount.minor:
                    raise Invalid(f"idempotency key {idempotency_key!r} was used for a different refund",
                                  field="idempotency_key")
                return RefundResult(done["id"], "succeeded")
            refund_id = self._apply_refund(charge, amount, idempotency_key)
            uow.commit()
        return RefundResult(refund_id, "succeeded")

    @staticmethod
    def _apply_refund(charge: SandboxCharge, amount: Money, idempotency_key: str) -> str:
        if charge.status not in ("succeeded", "refunded"):
            raise Conflict(f"charge {charge.id} is {charge.status}; only a succeeded charge can be refunded")
        if amount.currency != charge.currency or not amount.is_positive():
            raise Invalid("a refund is a positive amount in the charge's currency", field="amount")
        if charge.refunded_minor + amount.minor > charge.amount_minor:
            raise Invalid("a refund cannot exceed what is left of the charge", field="amount")
        refund_id = f"re_{uuid.uuid4().hex[:24]}"
        charge.refunded_minor += amount.minor
        # A new dict, so the JSON column sees the change.
        charge.refunds = {**(charge.refunds or {}), idempotency_key: {"id": refund_id, "amount": amount.minor}}
        if charge.refunded_minor == charge.amount_minor:
            charge.status = "refunded"
        return refund_id

    @staticmethod
    def _locked(session: Session, charge_id: str) -> SandboxCharge:
        charge = session.scalars(select(SandboxCharge).where(SandboxCharge.id == charge_id).with_for_update()).first()
        if charge is None:
            raise NotFound("sandbox charge", charge_id)
        return charge

    # -- webhooks -------------------------------------------------------------------------------------

    def due_events(self, now: dt.datetime | None = None) -> list[tuple[bytes, dict[str, str]]]:
        """Signed webhook requests for every step whose time has come; each is handed out once only."""
        return [(event.body, event.headers) for event in self._claim_due(now)]

    def deliver_due(self, post: Callable[[bytes, dict[str, str]], int], now: dt.datetime | None = None) -> int:
        """Post each due event; one that fails goes back to be retried by the next call. Returns how many."""
        delivered = 0
        failed_charges: set[str] = set()
        for event in self._claim_due(now):
            # A charge's later step (returned) must not overtake an earlier one (succeeded) that failed.
            if event.charge_id not in failed_charges and self._post(post, event):
                delivered += 1
                continue
            failed_charges.add(event.charge_id)
            self._unclaim(event)
        return delivered

    @staticmethod
    def _post(post: Callable[[bytes, dict[str, str]], int], event: DueEvent) -> bool:
        try:
            status = post(event.body, event.headers)
        except Exception:  # any transport failure: the event stays due
            log.warning("sandbox webhook for %s could not be delivered; will retry", event.charge_id, exc_info=True)
            return False
        if not 200 <= status < 300:
            log.warning("sandbox webhook for %s was answered %s; will retry", event.charge_id, status)
        return 200 <= status < 300

    def _claim_due(self, now: dt.datetime | None) -> list[DueEvent]:
        moment = as_utc(now) if now is not None else self._now()
        stamp = int(self._clock())
        events: list[DueEvent] = []
        with self._db.uow() as uow:
            # SKIP LOCKED: a second process claims other charges instead of waiting to re-claim these.
            # SQLite ignores FOR UPDATE; its BEGIN IMMEDIATE (core.kernel.db) already serializes claimers.
            query = (select(SandboxCharge).where(due_filter(moment)).order_by(SandboxCharge.settle_at)
                     .with_for_update(skip_locked=True))
            for charge in uow.session.scalars(query):
                advance(charge, moment)
                steps = timeline(charge)
                due = [i for i, (at, _) in enumerate(steps) if i >= charge.events_sent and at <= moment]
                events += [self._event(charge, i, steps[i][1], steps[i][0], stamp) for i in due]
                charge.events_sent = max(due, default=charge.events_sent - 1) + 1
            uow.commit()
        return events

    def _unclaim(self, event: DueEvent) -> None:
        with self._db.uow() as uow:
            uow.session.execute(update(SandboxCharge)
                                .where(SandboxCharge.id == event.charge_id, SandboxCharge.events_sent > event.index)
                                .values(events_sent=event.index))
            uow.commit()

    def _event(self, charge: SandboxCharge, index: int, kind: str, at: dt.datetime, stamp: int) -> DueEvent:
        # The id is derived, not random: a retried delivery is the same event, so the receiver's dedupe holds.
        event_id = "evt_" + hashlib.sha256(f"{charge.id}:{index}".encode()).hexdigest()[:24]
        failure = FAILURE_REASONS.get(charge.outcome) if kind != "payment.succeeded" else None
        payload = {
            "id": event_id, "type": kind, "created": int(as_utc(at).timestamp()),
            "data": {"object": {
                "id": charge.id, "amount": charge.amount_minor, "currency": charge.currency.lower(),
                "status": EVENT_STATUS[kind], "metadata": {"payment_id": charge.reference} if charge.reference else {},
                "failure_reason": failure,
            }},
        }
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = {SIGNATURE_HEADER: sign(body, self._secrets[0], stamp), "Content-Type": "application/json"}
        return DueEvent(charge.id, index, body, headers)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> ProcessorEvent:
        wanted = SIGNATURE_HEADER.lower()
        header = next((value for name, value in headers.items() if name.lower() == wanted), None)
        verify(body, header, self._secrets, now=self._clock())
        try:
            payload = json.loads(body)
            return to_event(payload)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise Invalid(f"signed sandbox webhook is not a readable event: {exc}") from exc
