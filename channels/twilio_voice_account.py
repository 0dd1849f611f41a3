"""What the phone line's steps read and do, through `core`: who is calling, the balance, the past-due amount
and paying it exactly, saving a card from <Pay>, and queueing a statement. Plain values in, sentences out:
`channels.twilio_voice` puts them into TwiML.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from sqlalchemy import func, or_, select

from core import idempotency, outbox
from core.audit import Actor
from core.bootstrap import Services
from core.errors import ARError, Conflict
from core.ledger import aging_report, open_items
from core.links import document_link
from core.messages import render
from core.methods import MethodView, add_method, list_methods
from core.model import Contact, Customer, Document, InvoiceHold, Payment, Statement
from core.money import Money
from core.payment_jobs import initiate_and_charge
from core.payments import Quote, quote_payment
from core.posting import customer_by_code
from core.processor import SavedMethod
from core.rules import AllocationRequest
from core.snapshots import StatementSnapshot
from core.statement_pdf import ensure_statement_pdf


def _caller_actor(caller: str) -> Actor:
    return Actor(f"caller:{caller or 'unknown'}", "voice")


def spoken_card(method: MethodView) -> str:
    return f"{method.brand.title() or 'card'} ending in {' '.join(method.last4)}"


def customer_by_phone(services: Services, phone: str) -> str | None:
    """The customer whose contact has this number; None when none or several do."""
    if not phone:
        return None
    with services.db.uow() as uow:
        codes = set(uow.session.scalars(select(Customer.code).join(Contact, Contact.customer_id == Customer.id)
                                        .where(Contact.phone == phone)))
    return codes.pop() if len(codes) == 1 else None


def _alnum(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text).upper()


def verify_account(services: Services, entered: str, zip_entered: str) -> str | None:
    """The customer whose account number and billing ZIP code both match; None tells nothing about which
    of the two did not. A number may be keyed without its letters: 1040 for C1040."""
    key, digits, postal = _alnum(entered), re.sub(r"\D", "", entered), _alnum(zip_entered)
    if not key or not postal:
        return None
    query = select(Customer.code, Customer.postal_code).where(
        or_(func.upper(Customer.code) == key, *([Customer.code.like(f"%{digits}")] if digits else [])))
    with services.db.uow() as uow:
        rows = uow.session.execute(query.limit(50)).all()
    found = {code for code, on_file in rows
             if (_alnum(code) == key or re.sub(r"\D", "", code) == digits)
             and on_file and (_alnum(on_file) == postal or (len(postal) == 5 and _alnum(on_file)[:5] == postal))}
    return found.pop() if len(found) == 1 else None


def balance_sentence(services: Services, code: str, today: dt.date) -> str:
    with services.db.uow() as uow:
        rows = aging_report(uow.session, today, [customer_by_code(uow, code).id])
    sentences = []
    for row in rows:
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
    with services.db.uow() as uow:
        customer = customer_by_code(uow, code)
        held = set(uow.session.scalars(select(Document.number).join(InvoiceHold, InvoiceHold.invoice_id == Document.id)
                                       .where(Document.customer_id == customer.id)))
        items = open_items(uow.session, customer.id, today)
    numbers = [i.number for i in items if i.kind != "credit" and i.days_past_due > 0 and i.number not in held]
    if not numbers:
        return None
    return quote_payment(services.db.uow(), customer_code=code, requests=[AllocationRequest(n) for n in numbers],
                         pay_on=today, reasons=services.settings.short_pay_reasons)


def default_method(services: Services, code: str) -> MethodView | None:
    """The method saved last among the active ones."""
    methods = list_methods(services.db.uow(), code)
    return methods[-1] if methods else None


def pay_exactly(services: Services, code: str, amount: str, method_id: int, *, caller: str, call_sid: str,
                today: dt.date) -> str | None:
    """Pay the past-due invoices if they still come to exactly `amount` (what the caller heard and confirmed);
    None when they do not any more. Once per call: a repeated callback hears the first outcome again."""
    scope, key = f"voice:{code}", f"pay:{call_sid}:{method_id}:{amount}"
    try:
        stored = idempotency.begin(services.db.uow(), scope, key, idempotency.body_hash(key.encode()))
    except Conflict:  # the same key pressed twice at once: the first press is paying
        return "Your payment is already being processed."
    if stored is not None:
        return stored.body
    try:
        quote = past_due_quote(services, code, today)
        if quote is None or str(quote.total.amount) != amount:
            idempotency.abandon(services.db.uow(), scope, key)
            return None if quote is not None else "You have nothing past due any more."
        sentence = _charge(services, code, quote, method_id, caller, today)
    except BaseException:
        idempotency.abandon(services.db.uow(), scope, key)
        raise
    idempotency.finish(services.db.uow(), scope, key, 200, sentence)
    return sentence


def _charge(services: Services, code: str, quote: Quote, method_id: int, caller: str, today: dt.date) -> str:
    try:
        started, _ = initiate_and_charge(
            services.db.uow, services.processor, customer_code=code, amount=quote.total,
            requests=[AllocationRequest(line.number) for line in quote.lines], method_id=method_id, pay_on=today,
            today=today, reasons=services.settings.short_pay_reasons, actor=_caller_actor(caller),
            exact=True)
    except ARError:
        return "We could not take this payment. Nothing was charged. You can try again, or speak with an agent."
    with services.db.uow() as uow:
        payment = uow.session.get(Payment, started.payment_id)
        status = payment.status if payment else "pending"
    if status == "failed":
        return "Your card was declined, and nothing was charged."
    reference = " ".join(str(started.payment_id))
    return (f"Thank you. Your payment of {started.amount.format()} is being processed. "
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
    with services.db.uow() as uow:
        customer = customer_by_code(uow, code)
        statement = uow.session.scalar(select(Statement).where(Statement.customer_id == customer.id)
                                       .order_by(Statement.statement_date.desc()).limit(1))
        recipient = _statement_recipient(customer, channel, caller)
        if statement is None:
            return "There is no statement for your account yet."
        if recipient is None:
            return f"We have no {'mobile number' if channel == 'sms' else 'email address'} on file to send it to."
        statement_id, customer_id = statement.id, customer.id
        snapshot = StatementSnapshot.from_json(statement.snapshot)
    link = document_link(services.settings, ensure_statement_pdf(services.db, services.files, statement_id)[0].id) \
        if channel == "sms" else ""
    subject, body = _statement_texts(services, snapshot, channel, link)
    with services.db.uow() as uow:
        outbox.queue(uow.session, _caller_actor(caller), channel=channel, recipient=recipient,
                     template=f"statement.{channel}", subject=subject, body_text=body, reason="statement_request",
                     customer_id=customer_id, statement_id=statement_id, approved=True,
                     dedupe_key=f"voice:{call_sid}:statement:{channel}")
        uow.commit()
    if channel == "sms":
        return f"Your statement is on its way by text message to the number ending in {' '.join(recipient[-4:])}."
    return "Your statement is on its way to the email address on file."


def _statement_recipient(customer: Customer, channel: str, caller: str) -> str | None:
    contacts = sorted(customer.contacts, key=lambda c: (not c.is_primary, c.id))
    if channel == "email":
        return next((c.email for c in contacts if c.email and not c.email_opt_out), None)
    phones = [c.phone for c in contacts if c.phone and not c.sms_opt_out]
    return caller if caller in phones else next(iter(phones), None)


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
