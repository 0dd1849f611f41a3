"""Instalment plans: offer one within the customer class's policy, agree it (the customer's exact words kept), and
carry it on ordinary scheduled payments; staff create, change and cancel plans on a customer's behalf.

    offer_plan (the policy's nearest plan, priced to the cent) ─▶ chat: a "plan" quote ─YES─▶ agree_quoted
                                                               ─▶ console: review ─confirm─▶ create_plan
    agree / create: the plan, its invoices (open amounts then), one scheduled payment per instalment whose lines pay
    the invoices oldest first (reason "Instalment plan"; no invoice hold: the plan holds them, core.ledger.plans)
    change_plan: the unpaid instalments' payments canceled, new ones written for the new dates and amounts
    cancel_plan: the unpaid instalments' payments canceled; the invoices are free (and dunned) again

The scheduler charges the instalments like any scheduled payment (`jobs.charge_scheduled`); the daily check
(`plan_checks.check_plans`) completes a plan, reports a missed instalment and breaks a plan after the grace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.config import PlanDefaults
from core.kernel.db import UnitOfWork
from core.kernel.errors import Conflict, Invalid, NotFound
from core.kernel.money import Money
from core.ledger.models import (
    Customer,
    CustomerClass,
    Document,
    InvoiceHold,
    Payment,
    PaymentPlan,
    PlanInstalment,
    PlanInvoice,
)
from core.ledger.models import PlanPolicy as PolicyRow
from core.ledger.plans import PLAN_REASON, PlanTerms, in_current_plan, plan_terms
from core.ledger.posting import customer_by_code, lock_documents
from core.payments.attempts import charge_standing
from core.payments.history import method_label
from core.payments.initiation import InitiatedPayment, _active_method, _charge_request, _refuse_held, charge_key
from core.payments.jobs import cancel_payment, send_charge
from core.payments.method_choice import methods_on_file
from core.payments.models import PaymentAttempt, PaymentLine, PaymentMethod, PaymentQuote
from core.payments.notices import Branding
from core.payments.plan_rules import Instalment, Proposal, allocate, problems, propose
from core.payments.processor import ChargeRequest, PaymentProcessor

LIVE = ("scheduled", "pending")  # an instalment's payment still on its way
# A payment just written: itself, the charge to send once it commits (None: scheduled), the method's label.
Started = tuple[InitiatedPayment, ChargeRequest | None, str]


@dataclass(frozen=True)
class PlanOffer:
    customer_code: str
    invoices: tuple[tuple[str, Money], ...]  # (number, open), oldest due first: the order instalments pay them
    proposal: Proposal
    terms: PlanTerms

    @property
    def total(self) -> Money:
        return self.proposal.total


@dataclass(frozen=True)
class InstalmentView:
    seq: int
    due_on: dt.date
    amount: Money
    payment_id: int | None
    status: str  # the payment's status, or "missed", or "canceled" (the plan ended before it)
    missed_on: dt.date | None
    online: bool = False  # its payment was made by the customer on their pay page (core.payments.plan_pay)


@dataclass(frozen=True)
class PlanView:
    id: int
    customer_code: str
    status: str
    total: Money
    agreed_at: dt.datetime
    agreed_channel: str
    agreement_text: str
    agreed_reply: str | None
    method: str
    created_by: str
    invoices: tuple[str, ...]
    instalments: tuple[InstalmentView, ...]
    ended_on: dt.date | None
    end_reason: str | None

    @property
    def unpaid(self) -> tuple[InstalmentView, ...]:
        return tuple(i for i in self.instalments if i.status != "succeeded")


def terms_for(uow: UnitOfWork, customer_code: str, defaults: PlanDefaults) -> PlanTerms:
    with uow:
        customer = customer_by_code(uow, customer_code)
        return plan_terms(uow.session, customer.class_id, customer.currency, defaults)


def set_policy(uow: UnitOfWork, class_code: str, *, max_instalments: int, min_instalment: Money, max_days: int,
               first_due_now: bool, grace_days: int, actor: Actor) -> None:
    """The plan policy of a customer class (a new one, or changed), audited."""
    if max_instalments < 2 or not min_instalment.is_positive() or max_days < 1 or grace_days < 0:
        raise Invalid("a plan policy needs at least 2 instalments, a positive minimum, a length of a day or more "
                      "and no negative grace", "policy")
    with uow:
        klass = uow.session.scalar(select(CustomerClass).where(CustomerClass.code == class_code))
        if klass is None:
            raise NotFound("customer class", class_code)
        row = uow.session.get(PolicyRow, klass.id) or PolicyRow(class_id=klass.id)
        row.max_instalments, row.min_instalment_minor, row.max_days = max_instalments, min_instalment.minor, max_days
        row.first_due_now, row.grace_days = first_due_now, grace_days
        uow.session.add(row)
        audit.record(uow.session, actor, "plan_policy.set", customer_id=None, subject=f"class:{class_code}",
                     max_instalments=max_instalments, min_instalment=str(min_instalment.amount),
                     currency=min_instalment.currency, max_days=max_days, first_due_now=first_due_now,
                     grace_days=grace_days)
        uow.commit()


def _plan_invoices(uow: UnitOfWork, customer: Customer, numbers: Sequence[str]) -> list[Document]:
    """The invoices a plan would pay, locked, oldest due first; none in a payment or a plan already."""
    if not numbers:
        raise Invalid("a plan needs at least one open invoice", "invoices")
    docs = lock_documents(uow, customer, list(dict.fromkeys(numbers)))
    _refuse_held(uow, docs)
    for doc in docs.values():
        if doc.kind == "credit" or doc.open_minor <= 0:
            raise Invalid(f"{doc.number} has nothing open to pay", "invoices")
        if doc.currency != customer.currency:
            raise Invalid(f"{doc.number} is in {doc.currency}; a plan is in the account's currency", "currency")
    return sorted(docs.values(), key=lambda d: (d.due_date, d.number))


def offer_plan(uow: UnitOfWork, *, customer_code: str, numbers: Sequence[str], asked: int | None, today: dt.date,
               defaults: PlanDefaults) -> PlanOffer:
    """The plan within the class's policy nearest to `asked` instalments, for what is open on `numbers`. Moves no
    money and keeps nothing."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        docs = _plan_invoices(uow, customer, numbers)
        terms = plan_terms(uow.session, customer.class_id, customer.currency, defaults)
        total = Money.from_minor(sum(d.open_minor for d in docs), customer.currency)
        return PlanOffer(customer.code, tuple((d.number, d.open) for d in docs), propose(total, terms, today, asked),
                         terms)


def keep_offer(uow: UnitOfWork, *, conversation_id: int, offer: PlanOffer, method_id: int, text: str,
               now: dt.datetime, expires_at: dt.datetime, actor: Actor) -> int:
    """The chat's plan quote: exactly the invoices, dates and amounts the customer reads, waiting for YES."""
    with uow:
        customer = customer_by_code(uow, offer.customer_code)
        lines = [{"number": number, "amount_minor": open_.minor} for number, open_ in offer.invoices]
        lines += [{"instalment": i.seq, "due_on": i.due_on.isoformat(), "amount_minor": i.amount.minor}
                  for i in offer.proposal.instalments]
        first = offer.proposal.instalments[0]
        row = PaymentQuote(conversation_id=conversation_id, customer_id=customer.id, kind="plan", lines=lines,
                           currency=offer.total.currency, total_minor=offer.total.minor, method_id=method_id,
                           pay_on=first.due_on, text=text, status="open", expires_at=expires_at, created_at=now)
        uow.session.add(row)
        uow.session.flush()
        audit.record(uow.session, actor, "quote.offered", customer_id=customer.id, subject=f"quote:{row.id}",
                     conversation_id=conversation_id, channel=actor.channel, kind="plan",
                     total=str(offer.total.amount), currency=offer.total.currency,
                     instalments=len(offer.proposal.instalments))
        uow.commit()
        return row.id


def agree_quoted(uow: UnitOfWork, row: PaymentQuote, customer: Customer, processor: str, now: dt.datetime,
                 today: dt.date, actor: Actor, reply: str | None) -> tuple[str, Started | None]:
    """YES to a plan quote, inside its claim's transaction: the invoices must still have open exactly what the
    customer read; then the plan is written as read. With the first instalment's charge when it is due today."""
    lines = list(row.lines or [])
    read = {line["number"]: int(line["amount_minor"]) for line in lines if "number" in line}
    instalments = [Instalment(int(line["instalment"]), dt.date.fromisoformat(line["due_on"]),
                              Money.from_minor(int(line["amount_minor"]), row.currency))
                   for line in lines if "instalment" in line]
    docs = _plan_invoices(uow, customer, list(read))
    if {d.number: d.open_minor for d in docs} != read:
        raise Conflict("your invoices changed since the plan was offered: nothing was agreed")
    if instalments[0].due_on < today:
        raise Conflict("the plan's first date has passed: nothing was agreed")
    assert row.method_id is not None  # a plan quote names its method
    plan_id, started = write_plan(uow, customer, docs, instalments, row.method_id, processor, now, today, actor,
                                  text=row.text, reply=reply)
    return f"plan {plan_id}: agreed, {len(instalments)} instalments", started


def write_plan(uow: UnitOfWork, customer: Customer, docs: list[Document], instalments: Sequence[Instalment],
               method_id: int, processor: str, now: dt.datetime, today: dt.date, actor: Actor, *, text: str,
               reply: str | None) -> tuple[int, Started | None]:
    """The plan, its invoices and one payment per instalment, in the caller's transaction."""
    method = _active_method(uow, customer.id, method_id)
    total = sum(d.open_minor for d in docs)
    plan = PaymentPlan(customer_id=customer.id, currency=customer.currency, total_minor=total, status="current",
                       method_id=method.id, agreed_at=now, agreed_channel=actor.channel,
                       agreement_text=text, agreed_reply=reply, created_by=actor.name)
    uow.session.add(plan)
    uow.session.flush()
    uow.session.add_all(PlanInvoice(plan_id=plan.id, invoice_id=d.id, open_minor=d.open_minor) for d in docs)
    started = _write_instalments(uow, customer, plan, method, docs, [(d, d.open_minor) for d in docs], instalments,
                                 processor, today, actor)
    audit.record(uow.session, actor, "plan.agreed", customer_id=customer.id, subject=f"plan:{plan.id}",
                 channel=actor.channel, total=str(Money.from_minor(total, customer.currency).amount),
                 currency=customer.currency, invoices=[d.number for d in docs], instalments=len(instalments),
                 first=instalments[0].due_on.isoformat(), last=instalments[-1].due_on.isoformat(),
                 method=method_label(method.kind, method), words=reply or "")
    return plan.id, started


def _write_instalments(uow: UnitOfWork, customer: Customer, plan: PaymentPlan, method: PaymentMethod,
                       docs: list[Document], owed: list[tuple[Document, int]], instalments: Sequence[Instalment],
                       processor: str, today: dt.date, actor: Actor) -> Started | None:
    """A payment per instalment, paying `owed` (invoice, minor units still to be paid by the plan) oldest first."""
    by_number = {d.number: d for d in docs}
    agreed = {row.invoice_id: row.open_minor for row in uow.session.scalars(
        select(PlanInvoice).where(PlanInvoice.plan_id == plan.id))}
    spread = allocate([i.amount.minor for i in instalments], [(d.number, minor) for d, minor in owed if minor])
    label = method_label(method.kind, method)
    started: Started | None = None
    for instalment, lines in zip(instalments, spread, strict=True):
        status = "scheduled" if instalment.due_on > today else "pending"
        payment = Payment(customer_id=customer.id, currency=customer.currency, amount_minor=instalment.amount.minor,
                          unapplied_minor=0, status=status, method_id=method.id, method_kind=method.kind,
                          channel=actor.channel, initiated_by=actor.name, received_on=instalment.due_on,
                          scheduled_for=instalment.due_on if status == "scheduled" else None, processor=processor,
                          note=f"Instalment {instalment.seq} of plan {plan.id}")
        uow.session.add(payment)
        uow.session.flush()
        for number, minor in lines:
            doc = by_number[number]
            whole = minor == agreed.get(doc.id)  # the plan pays this invoice in one go: no part payment
            uow.session.add(PaymentLine(payment_id=payment.id, invoice_id=doc.id, amount_minor=minor, discount_minor=0,
                                        short_reason=None if whole else PLAN_REASON))
        row = uow.session.scalar(select(PlanInstalment).where(PlanInstalment.plan_id == plan.id,
                                                              PlanInstalment.seq == instalment.seq))
        if row is None:
            row = PlanInstalment(plan_id=plan.id, seq=instalment.seq)
            uow.session.add(row)
        row.due_on, row.amount_minor, row.currency = instalment.due_on, instalment.amount.minor, customer.currency
        row.payment_id, row.missed_on = payment.id, None
        audit.record(uow.session, actor, f"payment.{status}", customer_id=customer.id, subject=f"payment:{payment.id}",
                     amount=str(instalment.amount.amount), currency=customer.currency, method=label,
                     invoices=[number for number, _ in lines], pay_on=str(instalment.due_on), status_to=status,
                     plan=plan.id, instalment=instalment.seq)
        if status == "pending":
            first = InitiatedPayment(payment.id, status, instalment.amount, Money.zero(customer.currency),
                                     charge_key(payment.id))
            started = (first, _charge_request(payment, method), label)
    uow.session.flush()
    return started


def create_plan(uow_factory: Callable[[], UnitOfWork], adapter: PaymentProcessor, *, customer_code: str,
                numbers: Sequence[str], instalments: Sequence[Instalment], method_id: int, total: Money,
                now: dt.datetime, today: dt.date, actor: Actor, branding: Branding, defaults: PlanDefaults,
                note: str) -> tuple[int, str]:
    """Staff's plan on the customer's behalf, exactly as reviewed (`total`: the open amounts confirmed), within the
    class's policy; a first instalment due today is charged at once. `note`: how the customer agreed (the call, the
    email), kept as the agreement's words."""
    plan_id, started = _create(uow_factory(), customer_code, numbers, instalments, method_id, total, adapter.name,
                               now, today, actor, defaults, note)
    if started is None:
        return plan_id, f"plan {plan_id}: agreed"
    charged = send_charge(uow_factory, adapter, started[0].payment_id, actor, branding, started[1])
    return plan_id, f"plan {plan_id}: agreed; first instalment {charged.outcome}"


def _create(uow: UnitOfWork, customer_code: str, numbers: Sequence[str], instalments: Sequence[Instalment],
            method_id: int, total: Money, processor: str, now: dt.datetime, today: dt.date, actor: Actor,
            defaults: PlanDefaults, note: str) -> tuple[int, Started | None]:
    with uow:
        customer = customer_by_code(uow, customer_code)
        docs = _plan_invoices(uow, customer, numbers)
        open_now = Money.from_minor(sum(d.open_minor for d in docs), customer.currency)
        if open_now != total:
            raise Conflict(f"the invoices now have {open_now.format()} open, not the {total.format()} reviewed: "
                           "nothing was agreed; review the plan again")
        terms = plan_terms(uow.session, customer.class_id, customer.currency, defaults)
        if found := problems(instalments, total, terms, today):
            raise Invalid("outside the plan policy: " + "; ".join(found), "instalments")
        text = plan_text(total, [d.number for d in docs], instalments)
        plan_id, started = write_plan(uow, customer, docs, list(instalments), method_id, processor, now, today,
                                      actor, text=text, reply=note.strip() or None)
        uow.commit()
        return plan_id, started


def plan_on_behalf(uow_factory: Callable[[], UnitOfWork], adapter: PaymentProcessor, *, customer_code: str,
                   asked: int | None, now: dt.datetime, today: dt.date, actor: Actor, branding: Branding,
                   defaults: PlanDefaults, note: str, numbers: Sequence[str] | None = None) -> tuple[int, str]:
    """The nearest plan within the policy for `numbers` (None: every open invoice in no payment or plan), on the
    customer's default method, agreed on their behalf in one call (the demo book, a script)."""
    if numbers is None:
        with uow_factory() as uow:
            customer = customer_by_code(uow, customer_code)
            free = ~in_current_plan(Document.id) & ~exists().where(InvoiceHold.invoice_id == Document.id)
            numbers = list(uow.session.scalars(select(Document.number).where(
                Document.customer_id == customer.id, Document.open_minor > 0, Document.kind != "credit",
                Document.voided.is_(False), Document.currency == customer.currency, free)))
    offer = offer_plan(uow_factory(), customer_code=customer_code, numbers=numbers, asked=asked, today=today,
                       defaults=defaults)
    method = methods_on_file(uow_factory(), customer_code).default
    if method is None:
        raise Invalid(f"customer {customer_code} has no active payment method for a plan", "method")
    return create_plan(uow_factory, adapter, customer_code=customer_code, numbers=[n for n, _ in offer.invoices],
                       instalments=offer.proposal.instalments, method_id=method.id, total=offer.total, now=now,
                       today=today, actor=actor, branding=branding, defaults=defaults, note=note)


def plan_text(total: Money, numbers: Sequence[str], instalments: Sequence[Instalment]) -> str:
    """The plan in words, as kept with an agreement made outside the chat."""
    rows = "\n".join(f"{i.seq}. {i.due_on.isoformat()}: {i.amount.format()}" for i in instalments)
    return f"Instalment plan for {', '.join(numbers)}: {total.format()} in {len(instalments)} payments\n{rows}"


def _locked_plan(uow: UnitOfWork, customer_code: str, plan_id: int) -> tuple[Customer, PaymentPlan]:
    customer = customer_by_code(uow, customer_code)
    plan = uow.session.get(PaymentPlan, plan_id, with_for_update=True)
    if plan is None or plan.customer_id != customer.id:
        raise NotFound("plan", f"{plan_id} for customer {customer_code}")
    if plan.status != "current":
        raise Conflict(f"plan {plan_id} is {plan.status}; only a current plan can change")
    return customer, plan


def standing(session: Session, plan_id: int) -> list[tuple[PlanInstalment, str | None]]:
    """Each instalment with where its money stands: its payment's status, or its retries' (core.payments.retries:
    "succeeded" when a retry went through, "retrying" while one is planned); None: no payment."""
    rows = session.execute(select(PlanInstalment, Payment.status).outerjoin(
        Payment, Payment.id == PlanInstalment.payment_id).where(PlanInstalment.plan_id == plan_id)
        .order_by(PlanInstalment.seq)).all()
    chains = charge_standing(session, [i.payment_id for i, _ in rows if i.payment_id is not None])
    return [(i, chains.get(i.payment_id or 0, status)) for i, status in rows]  # not charged yet: its own status


def _unpaid(uow: UnitOfWork, plan_id: int) -> list[tuple[PlanInstalment, str | None]]:
    return [(i, status) for i, status in standing(uow.session, plan_id) if status != "succeeded"]


def end_unpaid(uow: UnitOfWork, customer: Customer, plan: PaymentPlan, actor: Actor) -> list[int]:
    """Cancel the scheduled payments of the plan's unpaid instalments and the retries planned for declined ones;
    refused while one is being charged (it runs its course first)."""
    unpaid = _unpaid(uow, plan.id)
    if busy := [i.seq for i, status in unpaid if status == "pending"]:
        raise Conflict(f"instalment {busy[0]} of plan {plan.id} is being charged now; try again once it settles")
    canceled = []
    for instalment, status in unpaid:
        if instalment.payment_id is not None and status == "scheduled":
            cancel_payment(uow, customer, instalment.payment_id, actor, by_plan=True)
            canceled.append(instalment.payment_id)
        elif instalment.payment_id is not None and status == "retrying":
            stop_retries(uow.session, customer, instalment.payment_id, plan.id, actor)
    return canceled


def stop_retries(session: Session, customer: Customer, first_id: int, plan_id: int, actor: Actor, *,
                 why: str = "") -> None:
    """The retries planned for a declined instalment: canceled, as the plan's instalments are rewritten or end (or
    the customer pays the instalment online: core.payments.plan_pay)."""
    for planned in session.scalars(select(PaymentAttempt).where(
            PaymentAttempt.first_payment_id == first_id, PaymentAttempt.outcome == "planned").with_for_update()):
        if planned.payment_id is not None:
            raise Conflict(f"a retry of payment {first_id} is being charged now; try again once it settles")
        why = why or f"plan {plan_id} changed or ended"
        planned.outcome, planned.note = "canceled", why
        audit.record(session, actor, "payment.retry_canceled", customer_id=customer.id, subject=f"payment:{first_id}",
                     attempt=planned.attempt, of=planned.of_attempts, reason=why)


def cancel_plan(uow: UnitOfWork, *, customer_code: str, plan_id: int, reason: str, today: dt.date,
                actor: Actor) -> str:
    """Staff end a plan: its unpaid instalments are not charged; its invoices are open to payments and dunning."""
    with uow:
        customer, plan = _locked_plan(uow, customer_code, plan_id)
        canceled = end_unpaid(uow, customer, plan, actor)
        plan.status, plan.ended_on, plan.end_reason = "canceled", today, (reason.strip() or "canceled by staff")[:300]
        audit.record(uow.session, actor, "plan.canceled", customer_id=customer.id, subject=f"plan:{plan.id}",
                     reason=plan.end_reason, payments_canceled=canceled)
        uow.commit()
        return f"plan {plan_id}: canceled; {len(canceled)} scheduled instalments canceled"


def change_plan(uow: UnitOfWork, *, customer_code: str, plan_id: int, instalments: Sequence[tuple[dt.date, Money]],
                today: dt.date, processor: str, actor: Actor, defaults: PlanDefaults) -> str:
    """New dates and amounts for the unpaid instalments (a missed one included): they must add up to what those
    had left to pay, within the policy (its length counted from the agreement). Their payments are written anew."""
    with uow:
        customer, plan = _locked_plan(uow, customer_code, plan_id)
        unpaid = _unpaid(uow, plan.id)
        owed_by_doc = _owed(uow, plan.id, [i.payment_id for i, _ in unpaid if i.payment_id is not None])
        left = Money.from_minor(sum(i.amount_minor for i, _ in unpaid), plan.currency)
        paid_seqs = set(uow.session.scalars(select(PlanInstalment.seq).where(PlanInstalment.plan_id == plan.id))) \
            - {i.seq for i, _ in unpaid}
        paid, next_seq = len(paid_seqs), max(paid_seqs, default=0) + 1
        new = [Instalment(next_seq + n, on, amount) for n, (on, amount) in enumerate(instalments)]
        terms = plan_terms(uow.session, customer.class_id, customer.currency, defaults)
        found = problems(new, left, terms, today, agreed_on=plan.agreed_at.date())
        if paid + len(new) > terms.max_instalments:
            found.append(f"at most {terms.max_instalments} instalments in all ({paid} paid already)")
        if found:
            raise Invalid("outside the plan policy: " + "; ".join(found), "instalments")
        end_unpaid(uow, customer, plan, actor)
        for instalment, _ in unpaid:
            uow.session.delete(instalment)  # replaced by the new ones (the audit keeps the old payments)
        uow.session.flush()
        method = uow.session.get(PaymentMethod, plan.method_id) if plan.method_id else None
        if method is None or not method.active:
            raise Invalid("the plan's payment method is no longer active; cancel the plan and make a new one", "method")
        docs = [d for d, _ in owed_by_doc]
        _write_instalments(uow, customer, plan, method, docs, owed_by_doc, new, processor, today, actor)
        audit.record(uow.session, actor, "plan.changed", customer_id=customer.id, subject=f"plan:{plan.id}",
                     total=str(left.amount), currency=left.currency,
                     instalments=[[i.due_on.isoformat(), str(i.amount.amount)] for i in new])
        uow.commit()
        return f"plan {plan_id}: {len(new)} instalments rescheduled"


def _owed(uow: UnitOfWork, plan_id: int, payment_ids: list[int]) -> list[tuple[Document, int]]:
    """What the given (unpaid) instalment payments were to pay on the plan's invoices, per invoice, oldest due
    first (an instalment paid online may share its payment with other invoices: core.payments.plan_pay)."""
    owed: dict[int, int] = {}
    mine = select(PlanInvoice.invoice_id).where(PlanInvoice.plan_id == plan_id)
    for line in uow.session.scalars(select(PaymentLine).where(PaymentLine.payment_id.in_(payment_ids),
                                                              PaymentLine.invoice_id.in_(mine))):
        owed[line.invoice_id] = owed.get(line.invoice_id, 0) + line.amount_minor
    docs = uow.session.scalars(select(Document).where(Document.id.in_(owed))).all()
    return [(d, owed[d.id]) for d in sorted(docs, key=lambda d: (d.due_date, d.number))]


def customer_plans(uow: UnitOfWork, customer_code: str) -> list[PlanView]:
    """The customer's plans, newest first, with each instalment as it stands."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        plans = uow.session.scalars(select(PaymentPlan).where(PaymentPlan.customer_id == customer.id)
                                    .order_by(PaymentPlan.id.desc())).all()
        return [_view(uow, customer, plan) for plan in plans]


def plan_view(uow: UnitOfWork, customer_code: str, plan_id: int) -> PlanView:
    with uow:
        customer = customer_by_code(uow, customer_code)
        plan = uow.session.get(PaymentPlan, plan_id)
        if plan is None or plan.customer_id != customer.id:
            raise NotFound("plan", f"{plan_id} for customer {customer_code}")
        return _view(uow, customer, plan)


def _view(uow: UnitOfWork, customer: Customer, plan: PaymentPlan) -> PlanView:
    numbers = uow.session.scalars(select(Document.number).join(PlanInvoice, PlanInvoice.invoice_id == Document.id)
                                  .where(PlanInvoice.plan_id == plan.id).order_by(Document.due_date, Document.number))
    rows = standing(uow.session, plan.id)
    online = set(uow.session.scalars(select(Payment.id).where(  # the pay page's channel (pay_links.CHANNEL)
        Payment.id.in_([i.payment_id for i, _ in rows if i.payment_id]), Payment.channel == "pay_link")))
    instalments = tuple(InstalmentView(
        i.seq, i.due_on, Money.from_minor(i.amount_minor, i.currency), i.payment_id,
        "missed" if i.missed_on and status not in ("succeeded", "pending") else (status or "canceled"), i.missed_on,
        i.payment_id in online)
        for i, status in rows)
    method = uow.session.get(PaymentMethod, plan.method_id) if plan.method_id else None
    return PlanView(plan.id, customer.code, plan.status, Money.from_minor(plan.total_minor, plan.currency),
                    plan.agreed_at, plan.agreed_channel, plan.agreement_text, plan.agreed_reply,
                    method_label(method.kind if method else "", method), plan.created_by, tuple(numbers), instalments,
                    plan.ended_on, plan.end_reason)
