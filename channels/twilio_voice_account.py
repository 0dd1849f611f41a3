"""What the phone line's steps read and do, through `core`: who is calling, the balance, the past-due amount
and paying it exactly, saving a card from <Pay>, and queueing a statement. Plain values in, sentences out:
`channels.twilio_voice` puts them into TwiML.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from core import conversations, outbox, payments
from core.bootstrap import Services
from core.documents import document_link
from core.kernel import Actor, ARError, Conflict, Money
from core.ledger import AllocationRequest
from core.outbox import render_message as render
from core.payments import (
    Confirmed,
    MethodView,
    PaymentMade,
    PriceChanged,
    Quote,
    SavedMethod,
    add_method,
    quote_payment,
)
from core.statements import StatementSnapshot, ensure_statement_pdf


def _caller_actor(caller: str) -> Actor:
    return Actor(f"caller:{caller or 'unknown'}", "voice")


def spoken_card(method: MethodView) -> str:
    return f"{method.brand.title() or 'card'} ending in {' '.join(method.last4)}"


def customer_by_phone(services: Services, phone: str) -> str | None:
    """The customer whose contact has this number; None when none or several do."""
    return conversations.customer_by_phone(services.db.uow(), phone)


def verify_account(services: Services, entered: str, zip_entered: str) -> str | None:
    """The customer whose account number and billing ZIP code both match (1040 keyed for C1040 will do)."""
    return conversations.customer_by_account_and_zip(services.db.uow(), entered, zip_entered)


def balance_sentence(services: Services, code: str, today: dt.date) -> str:
    sentences = []
    for row in conversations.phone_aging(services.db.uow(), code, today):
        past_due = Money.from_minor(sum(row.buckets_minor[1:]), row.currency)
        if row.balance_minor < 0:
            sentences.append(f"You have a credit of {(-row.balance).format()}.")
        elif row.balance_minor > 0:
            sentences.append(f"Your balance is {row.balance.format()}, "
                             + (f"of which {past_due.format()} is past due." if past_due.is_positive()
                                else "and nothing is past due."))
    return " ".join(sentences) or "You have no balance due."


def past_due_quote(services: Services, code: str, today: dt.date) -> Quote | None:
    """Every past-due invoice not already in a payment, each in full, to the cent; None when there is none."""
    numbers = conversations.past_due_unheld(services.db.uow(), code, today)
    if not numbers:
        return None
    return quote_payment(services.db.uow(), customer_code=code, requests=[AllocationRequest(n) for n in numbers],
                         pay_on=today, reasons=services.settings.short_pay_reasons)


def default_method(services: Services, code: str) -> MethodView | None:
    """The method the offer names: core.payments' one rule, as in the chat and the console."""
    return payments.default_method(services.db.uow(), code)


def pay_exactly(services: Services, code: str, amount: Money, method_id: int, *, caller: str, call_sid: str,
                today: dt.date) -> str | None:
    """Pay the past-due invoices if they still come to exactly `amount` (what the caller heard and confirmed);
    None when they do not any more. Once per call: a repeated callback hears the first outcome again."""
    scope, key = f"voice:{code}", f"pay:{call_sid}:{method_id}:{amount.amount}"
    try:
        claim = payments.idempotency_begin(services.db.uow(), scope, key, payments.idempotency_body_hash(key.encode()))
    except Conflict:  # the same key pressed twice at once: the first press is paying
        return "Your payment is already being processed."
    if isinstance(claim, payments.StoredAnswer):
        return claim.body
    try:
        # An earlier try of this press that wrote the payment, then died, is answered with that payment.
        numbers = conversations.past_due_unheld(services.db.uow(), code, today) if claim.payment_id is None else []
        if claim.payment_id is None and not numbers:
            payments.idempotency_abandon(services.db.uow(), claim)
            return "You have nothing past due any more."
        sentence = _pay(services, code, Confirmed(tuple(AllocationRequest(n) for n in numbers), amount, method_id,
                                                  today), caller, today, claim)
    except PriceChanged:
        payments.idempotency_abandon(services.db.uow(), claim)
        return None
    except BaseException:
        payments.idempotency_abandon(services.db.uow(), claim)
        raise
    payments.idempotency_finish(services.db.uow(), claim, 200, sentence)
    return sentence


def _pay(services: Services, code: str, confirmed: Confirmed, caller: str, today: dt.date,
         claim: payments.Claim) -> str:
    try:
        made = payments.pay_confirmed(
            services.db.uow, services.processor, confirmed, customer_code=code, today=today,
            reasons=services.settings.short_pay_reasons, actor=_caller_actor(caller), branding=services.branding,
            claim=claim)
    except PriceChanged:
        raise
    except ARError:
        return "We could not take this payment. Nothing was charged. You can try again, or speak with an agent."
    return _spoken(made)


def _spoken(made: PaymentMade) -> str:
    if made.status == "failed":
        return "Your card was declined, and nothing was charged."
    reference = " ".join(str(made.payment_id))
    return (f"Thank you. Your payment of {made.amount.format()} is being processed. "
            f"Your reference number is {reference}.")


def save_card(services: Services, code: str, params: Mapping[str, str], *, caller: str) -> str | None:
    """Keep the token <Pay> returned (never the number: Twilio sends it masked); the card as spoken."""
    expiry = params.get("ExpirationDate", "")  # MMYY
    month, year = (int(expiry[:2]), 2000 + int(expiry[2:])) if len(expiry) == 4 and expiry.isdigit() else (None, None)
    saved = SavedMethod(token=params["PaymentToken"], kind="card", brand=params.get("PaymentCardType", "").lower(),
                        last4=re.sub(r"\D", "", params.get("PaymentCardNumber", ""))[-4:], exp_month=month,
                        exp_year=year)
    try:
        view = add_method(services.db.uow(), customer_code=code, saved=saved, processor=services.settings.processor,
                          actor=_caller_actor(caller), authorization=None)
    except ARError:
        return None
    return spoken_card(view)


def send_statement(services: Services, code: str, channel: str, *, caller: str, call_sid: str) -> str:
    """Queue the latest statement to the caller's own number (else the number on file) or the email on file."""
    found = conversations.latest_statement(services.db.uow(), code, channel, caller)
    if found is None:
        return "There is no statement for your account yet."
    if (recipient := found.recipient) is None:
        return f"We have no {'mobile number' if channel == 'sms' else 'email address'} on file to send it to."
    link = ""
    if channel == "sms":
        link = document_link(services.settings, ensure_statement_pdf(services.db, services.files,
                                                                     found.statement_id)[0].id)
    subject, body = _statement_texts(services, found.snapshot, channel, link)
    outbox.queue_drafts(services.db.uow(), _caller_actor(caller), [outbox.Draft(
        channel=channel, recipient=recipient, template=f"statement.{channel}", subject=subject, body_text=body,
        reason="statement_request", customer_id=found.customer_id, statement_id=found.statement_id, approved=True,
        dedupe_key=f"voice:{call_sid}:statement:{channel}")])
    if channel == "sms":
        return f"Your statement is on its way by text message to the number ending in {' '.join(recipient[-4:])}."
    return "Your statement is on its way to the email address on file."


def _statement_texts(services: Services, snapshot: StatementSnapshot, channel: str, link: str) -> tuple[str, str]:
    settings = services.settings

    def money(minor: int) -> str:
        return Money.from_minor(minor, snapshot.currency).format()

    context = dict(seller=snapshot.seller.name, customer_name=snapshot.customer.name,
                   customer_code=snapshot.customer.code, statement_date=snapshot.statement_date.strftime("%b %-d, %Y"),
                   amount_due=money(snapshot.amount_due_minor), reprints=[], telegram_bot=settings.telegram_bot,
                   past_due="", phone=snapshot.seller.phone, email=snapshot.seller.email, link=link)
    if channel == "email":
        return render("statement.email.subject.txt", **context), render("statement.email.txt", **context)
    subject = f"Statement {snapshot.statement_date.isoformat()} {snapshot.customer.code}"
    return subject, render("statement.sms.txt", **context)
