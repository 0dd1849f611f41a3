"""The daily autopay job: N days before a due date, an enrolled customer's invoices due that day become one ordinary
scheduled payment (the enrolled method, each invoice's exact amount, dated the due date) and a notice that says
so, with a way to skip it. `charge_scheduled` charges it on the date like any other scheduled payment.

An invoice is left out when it is disputed (in whole or part), already in a scheduled or pending payment, or in an
instalment plan. Each customer's charge is its own transaction, written once per due date (the charge row's unique
key): a rerun of the day, or a charge skipped, never makes a second. A customer the notice cannot reach is not
charged (audited: `autopay.not_scheduled`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.db import UnitOfWork
from core.kernel.errors import ARError, Invalid
from core.ledger.disputes import disputed_by_invoice
from core.ledger.models import Customer, Document, InvoiceHold
from core.ledger.plans import invoices_in_current_plans
from core.ledger.rules import AllocationRequest
from core.outbox import lifecycle as outbox
from core.outbox.messages import render
from core.outbox.recipients import first_reachable
from core.payments.autopay_links import skip_link
from core.payments.initiation import price
from core.payments.methods import MethodView
from core.payments.models import AutopayCharge, AutopayEnrollment, PaymentMethod
from core.payments.notices import CHANNELS, Branding
from core.payments.quotes import Confirmed, pay_exactly

AUTOPAY_ACTOR = Actor("scheduler (autopay)", "autopay")


def in_instalment_plan(uow: UnitOfWork, invoice_ids: Collection[int]) -> set[int]:
    """The invoices among `invoice_ids` that a current instalment plan pays: autopay leaves them to the plan."""
    return set(invoices_in_current_plans(uow.session, invoice_ids))


def _due_invoices(uow: UnitOfWork, customer: Customer, due_on: dt.date, today: dt.date,
                  dispute_reasons: tuple[str, ...]) -> list[Document]:
    """The customer's open invoices due on `due_on` that autopay may charge."""
    held = select(InvoiceHold.invoice_id)
    docs = list(uow.session.scalars(select(Document).where(
        Document.customer_id == customer.id, Document.kind == "invoice", Document.voided.is_(False),
        Document.open_minor > 0, Document.due_date == due_on, Document.id.not_in(held)).order_by(Document.number)))
    disputed = disputed_by_invoice(uow.session, customer.id, today, dispute_reasons)
    planned = in_instalment_plan(uow, [doc.id for doc in docs])
    return [doc for doc in docs if doc.number not in disputed and doc.id not in planned]


def run_autopay(uow_factory: Callable[[], UnitOfWork], settings: Settings, *, processor: str, today: dt.date,
                now: dt.datetime, branding: Branding, actor: Actor = AUTOPAY_ACTOR) -> list[str]:
    """Schedule and announce the charges due `settings.autopay_notice_days` after `today`; one line per charge
    made or refused."""
    due_on = today + dt.timedelta(days=settings.autopay_notice_days)
    with uow_factory() as uow:
        enrolled = uow.session.execute(select(AutopayEnrollment.id, Customer.code)
                                       .join(Customer, Customer.id == AutopayEnrollment.customer_id)
                                       .where(AutopayEnrollment.ended_at.is_(None)).order_by(Customer.code)).all()
    outcomes = []
    for enrollment_id, code in enrolled:
        try:
            line = _schedule(uow_factory(), settings, enrollment_id, due_on, processor, today, now, branding, actor)
        except ARError as refused:
            line = _refused(uow_factory(), enrollment_id, due_on, str(refused), actor)
        if line:
            outcomes.append(f"{code}: {line}")
    return outcomes


def _schedule(uow: UnitOfWork, settings: Settings, enrollment_id: int, due_on: dt.date, processor: str,
              today: dt.date, now: dt.datetime, branding: Branding, actor: Actor) -> str | None:
    with uow:
        enrollment = uow.session.get(AutopayEnrollment, enrollment_id, with_for_update=True)
        if enrollment is None or enrollment.ended_at is not None:
            return None  # turned off since the list was read
        customer = uow.session.get(Customer, enrollment.customer_id)
        assert customer is not None  # the enrollment's foreign key
        made = uow.session.scalar(select(AutopayCharge.id).where(AutopayCharge.customer_id == customer.id,
                                                                 AutopayCharge.due_on == due_on))
        if made is not None:
            return None  # this due date was done (made, skipped or canceled): never twice
        docs = _due_invoices(uow, customer, due_on, today, settings.dispute_reasons)
        if not docs:
            return None
        requests = tuple(AllocationRequest(doc.number) for doc in docs)
        quote = price(uow, customer, list(requests), due_on, settings.short_pay_reasons)
        confirmed = Confirmed(requests, quote.total, enrollment.method_id, due_on,
                              lines=tuple((line.number, line.pay.minor) for line in quote.lines))
        started, _, label = pay_exactly(uow, customer, confirmed, processor, today, settings.short_pay_reasons, actor)
        charge = AutopayCharge(enrollment_id=enrollment.id, customer_id=customer.id, due_on=due_on,
                               payment_id=started.payment_id, invoices=[doc.number for doc in docs], created_at=now)
        uow.session.add(charge)
        try:
            uow.session.flush()
        except IntegrityError:
            uow.rollback()
            return None  # another run made this due date's charge first
        charge.notice_id = _notice(uow, settings, customer, charge, quote.total.format(), label, branding, actor)
        audit.record(uow.session, actor, "autopay.scheduled", customer_id=customer.id,
                     subject=f"autopay_charge:{charge.id}", payment_id=started.payment_id, due_on=str(due_on),
                     amount=str(quote.total.amount), currency=quote.total.currency, method=label,
                     invoices=list(charge.invoices), notice_id=charge.notice_id)
        uow.commit()
        return f"payment {started.payment_id} of {quote.total.format()} scheduled for {due_on}, notice queued"


def _notice(uow: UnitOfWork, settings: Settings, customer: Customer, charge: AutopayCharge, amount: str, method: str,
            branding: Branding, actor: Actor) -> int:
    """Queue the notice of the charge (approved: it goes out without review); Invalid when no address reaches
    the customer, which undoes the charge."""
    found = first_reachable(customer, CHANNELS)
    if isinstance(found, str):
        raise Invalid(f"no autopay notice can reach the customer ({found}), so nothing is charged")
    channel, recipient = found
    context = dict(seller=branding.seller_name, customer_name=customer.name, date=charge.due_on.strftime("%b %-d, %Y"),
                   amount=amount, method=method, invoices=list(charge.invoices), phone=branding.seller_phone,
                   skip_link=skip_link(settings, charge.id, charge.due_on), telegram_bot=branding.telegram_bot)
    subject = render("autopay_notice.email.subject.txt", **context) if channel == "email" else ""
    message = outbox.queue(uow.session, actor, channel=channel, recipient=recipient,
                           template=f"autopay_notice.{channel}", subject=subject,
                           body_text=render(f"autopay_notice.{channel}.txt", **context), reason="autopay_notice",
                           customer_id=customer.id, dedupe_key=f"autopay:{charge.id}", approved=True)
    return message.id


def _refused(uow: UnitOfWork, enrollment_id: int, due_on: dt.date, reason: str, actor: Actor) -> str:
    """Audit why a due date's charge was not made (a deactivated method, no address for the notice)."""
    with uow:
        enrollment = uow.session.get(AutopayEnrollment, enrollment_id)
        assert enrollment is not None
        method = uow.session.get(PaymentMethod, enrollment.method_id)
        audit.record(uow.session, actor, "autopay.not_scheduled", customer_id=enrollment.customer_id,
                     subject=f"autopay:{enrollment_id}", due_on=str(due_on), reason=reason,
                     method=MethodView.of(method).label if method else "")
        uow.commit()
    return f"not scheduled for {due_on}: {reason}"
