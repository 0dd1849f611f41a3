"""What the phone line's steps read and do, through `core`: who is calling, the balance, the past-due amount
and paying it exactly, saving a card from <Pay>, and queueing a statement. Plain values in, sentences out:
`channels.twilio_voice` puts them into TwiML.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from bot import flows_methods
from bot.flows_account import balance_in
from bot.texts import statement_and_today
from core import conversations, ledger, outbox, payments
from core.bootstrap import Services
from core.documents import document_link, pay_link
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
    """The balance per currency and what of it is past due; an amount in dispute is not past due: it is told apart."""
    debits = ledger.open_debits(services.db.uow(), code, today, services.settings.dispute_reasons)
    sentences = []
    for row in conversations.phone_aging(services.db.uow(), code, today):
        disputed = [d for d in debits if d.disputed.is_positive() and d.open.currency == row.currency]
        in_dispute = Money.from_minor(sum(d.disputed.minor for d in disputed), row.currency)
        past_due = Money.from_minor(max(sum(row.buckets_minor[1:]) - sum(d.disputed.minor for d in disputed
                                                                           if d.days_past_due > 0), 0), row.currency)
        if row.balance_minor < 0:
            sentences.append(f"You have a credit of {(-row.balance).format()}.")
        elif row.balance_minor > 0:
            disputed_part = f"{in_dispute.format()} is in dispute" if in_dispute.is_positive() else ""
            if past_due.is_positive():
                told = f"of which {past_due.format()} is past due" + (f" and {disputed_part}" if disputed_part else "")
            else:
                told = "and nothing is past due" + (f"; {disputed_part}" if disputed_part else "")
            sentences.append(f"Your balance is {row.balance.format()}, {told}.")
    return " ".join(sentences) or "You have no balance due."


def _past_due_payable(services: Services, code: str, today: dt.date) -> list[str]:
    """The past-due debits the phone line may pay: not in a payment already, nothing of them in dispute."""
    debits = ledger.open_debits(services.db.uow(), code, today, services.settings.dispute_reasons)
    return [d.number for d in debits if d.days_past_due > 0 and d.in_bulk]


def past_due_quote(services: Services, code: str, today: dt.date) -> Quote | None:
    """Every past-due invoice not already in a payment nor in dispute, each in full, to the cent; None when there
    is none."""
    numbers = _past_due_payable(services, code, today)
    if not numbers:
        return None
    return quote_payment(services.db.uow(), customer_code=code, requests=[AllocationRequest(n) for n in numbers],
                         pay_on=today, reasons=services.settings.short_pay_reasons)


def offered_method(services: Services, code: str, picked: int | None = None) -> tuple[MethodView | None,
                                                                                     tuple[MethodView, ...]]:
    """The method the offer names, and every method on file (as the chat lists them: "card 2" is the second): the one
    the caller picked, else the default when the chat too would use it without asking (bot.flows_methods.chosen,
    core.payments' one rule); None: ask which."""
    on_file = payments.methods_on_file(services.db.uow(), code)
    return flows_methods.chosen(on_file, {"method_id": picked}), on_file.active


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
        numbers = _past_due_payable(services, code, today) if claim.payment_id is None else []
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


def send_statement(services: Services, code: str, channel: str, *, caller: str, call_sid: str,
                   today: dt.date | None = None) -> str:
    """Queue the latest statement to the caller's own number (else the number on file) or the email on file.
    By text it says the balance `today` beside the statement's amount (default: the wall clock's date)."""
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
    if channel == "sms":
        body = _statement_sms(services, found.snapshot, found.customer_id, link, today or dt.date.today())
    else:  # by email too, a past day's amount is told beside today's balance, first
        sentence, _ = _beside_today(services, found.snapshot, found.customer_id, today or dt.date.today())
        body = f"{sentence}\n\n{body}"
    outbox.queue_drafts(services.db.uow(), _caller_actor(caller), [outbox.Draft(
        channel=channel, recipient=recipient, template=f"statement.{channel}", subject=subject, body_text=body,
        reason="statement_request", customer_id=found.customer_id, statement_id=found.statement_id, approved=True,
        dedupe_key=f"voice:{call_sid}:statement:{channel}")])
    if channel == "sms":
        return f"Your statement is on its way by text message to the number ending in {' '.join(recipient[-4:])}."
    return "Your statement is on its way to the email address on file."


def _statement_sms(services: Services, snapshot: StatementSnapshot, customer_id: int, link: str,
                   today: dt.date) -> str:
    """The statement asked for by phone, by text: often asked just after paying, so its amount, a past day's, is
    told beside the balance today (as the chat tells it)."""
    sentence, balance = _beside_today(services, snapshot, customer_id, today)
    pay = "PAY to pay, " if balance.is_positive() else ""
    return f"{snapshot.seller.name}: {sentence} View: {link} Reply {pay}HELP for help, STOP to opt out."


def _beside_today(services: Services, snapshot: StatementSnapshot, customer_id: int, today: dt.date
                  ) -> tuple[str, Money]:
    """"Your statement of Nov 30 showed $X; your balance today is $Y.", and that balance."""
    shown = Money.from_minor(snapshot.amount_due_minor, snapshot.currency)
    balance, being_paid = balance_in(services, customer_id, snapshot.customer.code, shown.currency, today)
    return statement_and_today(snapshot.statement_date, shown, balance, being_paid), balance


def _statement_texts(services: Services, snapshot: StatementSnapshot, channel: str, link: str) -> tuple[str, str]:
    settings = services.settings

    def money(minor: int) -> str:
        return Money.from_minor(minor, snapshot.currency).format()

    context = dict(seller=snapshot.seller.name, customer_name=snapshot.customer.name,
                   customer_code=snapshot.customer.code, statement_date=snapshot.statement_date.strftime("%b %-d, %Y"),
                   amount_due=money(snapshot.amount_due_minor), reprints=[], telegram_bot=settings.telegram_bot,
                   past_due="", phone=snapshot.seller.phone, email=snapshot.seller.email, link=link,
                   pay_url=pay_link(settings, snapshot.customer.code))
    if channel == "email":
        return render("statement.email.subject.txt", **context), render("statement.email.txt", **context)
    subject = f"Statement {snapshot.statement_date.isoformat()} {snapshot.customer.code}"
    return subject, render("statement.sms.txt", **context)
