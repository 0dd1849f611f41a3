"""A realistic demo book: a distributor's customers, invoices in every aging bucket, payments and credits.

Everything goes through the same import and posting services the ERP and the channels use, so
the demo exercises the real rules. Deterministic for a given `today` and seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from core import dunning, payments
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import ARError
from core.kernel.money import Money
from core.ledger.book import open_items
from core.ledger.erp import run_import
from core.ledger.models import Customer, Document
from core.ledger.posting import CreditSource, apply_credit, record_payment
from core.ledger.rules import AllocationRequest
from core.payments.adapters.sandbox import SandboxProcessor
from core.payments.methods import AchAuthorization, add_method

if TYPE_CHECKING:
    from core.bootstrap import Services

ACTOR = Actor("demo-data", "cli")
CLASSES = [
    {"code": "KEY", "name": "Key accounts", "allow_auto_statement": "true",
     "finance_charge_monthly_rate": "1.0", "finance_charge_grace_days": "10", "finance_charge_minimum": "5"},
    {"code": "TRADE", "name": "Trade contractors", "allow_auto_statement": "true",
     "finance_charge_monthly_rate": "1.5", "finance_charge_grace_days": "5", "finance_charge_minimum": "2"},
    {"code": "CASH", "name": "Cash and occasional buyers", "allow_auto_statement": "false"},
]
FIRST = ["Harbor", "Summit", "Keystone", "Redwood", "Granite", "Prairie", "Bayside", "Ironclad", "Northgate",
         "Lakeshore", "Pioneer", "Cedar", "Bluewater", "Frontier", "Sterling", "Oakridge", "Riverbend", "Canyon",
         "Maple", "Liberty"]
SECOND = ["Plumbing", "Electric", "HVAC", "Builders", "Roofing", "Mechanical", "Supply", "Contractors",
          "Facilities", "Construction", "Restoration", "Landscaping"]
SUFFIX = ["Inc.", "LLC", "Co.", "Ltd.", "Group"]
CITIES = [
    ("Chicago", "IL", "60607", "312", "America/Chicago"), ("Austin", "TX", "78701", "512", "America/Chicago"),
    ("Boston", "MA", "02110", "617", "America/New_York"), ("Denver", "CO", "80202", "303", "America/Denver"),
    ("Seattle", "WA", "98101", "206", "America/Los_Angeles"), ("Atlanta", "GA", "30303", "404", "America/New_York"),
    ("Phoenix", "AZ", "85004", "602", "America/Phoenix"), ("New York", "NY", "10001", "212", "America/New_York"),
]
STREETS = ["Industrial Pkwy", "Commerce Dr", "Market St", "Harbor Blvd", "Mill Rd", "Depot Ave", "Foundry Ln"]
DELIVERIES = ["email", "email", "email", "email;sms", "email;telegram", "print", "email;print", "fax", "sms"]
TERMS = [30, 30, 30, 45, 15, 60]


@dataclass(frozen=True)
class DemoSummary:
    customers: int
    invoices: int
    payments: int


def _customer_rows(rng: random.Random, count: int) -> list[dict[str, str]]:
    rows = []
    for i in range(count):
        city, region, postal, area, tz = CITIES[i % len(CITIES)]
        name = f"{FIRST[i % len(FIRST)]} {SECOND[(i * 7) % len(SECOND)]} {SUFFIX[i % len(SUFFIX)]}"
        slug = name.split()[0].lower() + name.split()[1].lower()
        delivery = DELIVERIES[i % len(DELIVERIES)]
        currency = "CAD" if i % 20 == 19 else "USD"
        rows.append({
            "code": f"C{1001 + i}", "name": name, "class": ["KEY", "TRADE", "TRADE", "CASH"][i % 4],
            "terms_days": str(TERMS[i % len(TERMS)]), "currency": currency, "email": f"ap@{slug}.example.com",
            "phone": f"+1{area}5550{100 + i % 100:03d}"[:12], "timezone": tz,
            "fax": f"+1{area}5550{199 - i % 100:03d}"[:12] if "fax" in delivery else "",
            "address_line1": f"{100 + rng.randrange(9000)} {rng.choice(STREETS)}", "city": city,
            "region": region, "postal_code": postal, "country": "US", "delivery": delivery,
        })
    return rows


def _document_rows(rng: random.Random, customers: list[dict[str, str]], today: dt.date) -> list[dict[str, str]]:
    rows, number = [], 104000
    for c in customers:
        for _ in range(rng.randint(6, 11)):
            number += 1
            age = rng.choice([rng.randint(0, 40), rng.randint(0, 75), rng.randint(20, 160)])
            row = {"number": str(number), "customer": c["code"], "type": "invoice",
                   "date": str(today - dt.timedelta(days=age)),
                   "amount": f"{rng.randint(8000, 950000) / 100:.2f}", "po": f"PO-{rng.randint(10000, 99999)}"}
            if rng.random() < 0.3:
                row |= {"discount_percent": "2", "discount_days": "10"}
            rows.append(row)
        if rng.random() < 0.45:
            rows.append({"number": f"CM-{number}", "customer": c["code"], "type": "credit",
                         "date": str(today - dt.timedelta(days=rng.randint(5, 60))),
                         "amount": f"{rng.randint(2500, 60000) / 100:.2f}"})
        if c["class"] != "CASH" and rng.random() < 0.25:
            rows.append({"number": f"FC-{number}", "customer": c["code"], "type": "finance_charge",
                         "date": str(today - dt.timedelta(days=rng.randint(25, 35))),
                         "amount": f"{rng.randint(500, 4000) / 100:.2f}"})
    return rows


def _post_payments(uow_factory, rng: random.Random, today: dt.date, reasons: tuple[str, ...]) -> int:  # type: ignore[no-untyped-def]
    """Pay some invoices in full (some within the discount window), short-pay a few, take deposits."""
    with uow_factory() as uow:
        customers = [(c.id, c.code, c.currency) for c in uow.session.query(Customer).order_by(Customer.code)]
    posted = 0
    for customer_id, code, currency in customers:
        with uow_factory() as uow:
            items = [i for i in open_items(uow.session, customer_id, today) if i.kind == "invoice"]
        paid_on = today - dt.timedelta(days=rng.randint(1, 6))
        candidates = [i for i in items if i.doc_date <= paid_on][: rng.randint(0, 4)]
        with uow_factory() as uow:
            early = uow.session.scalars(select(Document.number).where(
                Document.customer_id == customer_id, Document.discount_days.is_not(None), Document.open_minor > 0,
                Document.doc_date <= paid_on, Document.doc_date >= paid_on - dt.timedelta(days=10))).first()
        if early and rng.random() < 0.6:  # paid inside the early-payment window: the 2% discount is taken
            candidates += [i for i in items if i.number == early and i not in candidates]
        requests = [AllocationRequest(i.number) for i in candidates]
        if candidates and rng.random() < 0.2:
            first = candidates[0]
            short = Money(first.open.amount * rng.choice([50, 75, 90]) / 100, currency)
            requests[0] = AllocationRequest(first.number, short, rng.choice(reasons[:-1]))
        try:
            if requests:
                due = {i.number: i.open - (i.open.percent(Decimal(2)) if i.number == early else Money.zero(currency))
                       for i in candidates}
                total = sum((r.amount or due[r.number] for r in requests), Money.zero(currency))
                total += Money.of(rng.choice([0, 0, 0, 0, 25]), currency)  # now and then an overpayment
                record_payment(uow_factory(), customer_code=code, amount=total, received_on=paid_on,
                               requests=requests, reasons=reasons, actor=ACTOR, method_kind="check",
                               reference=f"CHK {rng.randint(1000, 9999)}")
                posted += 1
            if rng.random() < 0.12:
                deposit = record_payment(
                    uow_factory(), customer_code=code, amount=Money.of(f"{rng.randint(100, 900)}", currency),
                    received_on=today - dt.timedelta(days=rng.randint(1, 20)), requests=[], reasons=reasons,
                    actor=ACTOR, method_kind="wire", note="Deposit on account")
                posted += 1
                remaining = [i for i in items if i not in candidates]
                if remaining and rng.random() < 0.5:
                    apply_credit(uow_factory(), customer_code=code, source=CreditSource(payment_id=deposit.payment_id),
                                 invoice_number=remaining[-1].number, applied_on=today, actor=ACTOR)
            _apply_credit_memo(uow_factory, rng, customer_id, code, today)
        except ARError:
            continue  # a demo combination the rules refuse is simply not part of the book
    return posted


def _apply_credit_memo(uow_factory, rng: random.Random, customer_id: int, code: str, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        items = open_items(uow.session, customer_id, today)
    memos = [i for i in items if i.kind == "credit"]
    invoices = [i for i in items if i.kind == "invoice"]
    if memos and invoices and rng.random() < 0.5:
        apply_credit(uow_factory(), customer_code=code, source=CreditSource(credit_number=memos[0].number),
                     invoice_number=invoices[0].number, applied_on=today, actor=ACTOR)


def load_demo_book(
    uow_factory, today: dt.date, reasons: tuple[str, ...], *, customers: int = 60, seed: int = 7  # type: ignore[no-untyped-def]
) -> DemoSummary:
    rng = random.Random(seed)
    customer_rows = _customer_rows(rng, customers)
    document_rows = _document_rows(rng, customer_rows, today)
    for kind, rows in (("classes", CLASSES), ("customers", customer_rows), ("invoices", document_rows)):
        report = run_import(uow_factory(), kind, enumerate(rows, start=2), ACTOR, source="demo-data")
        if report.rejected:
            raise ARError(f"demo {kind} rejected: {report.rejected[:3]}")
    payments = _post_payments(uow_factory, rng, today, reasons)
    return DemoSummary(len(customer_rows), len(document_rows), payments)


# Saved sandbox methods, by the customer's place in the book (0 = C1001): most have a Visa that succeeds, every
# third an authorized ACH account too, every seventh a Mastercard instead of the Visa; every fifth has none, so
# adding one on the processor's page can be tried as well. Numbers are the sandbox's test numbers (README).
DEMO_CARDS = {"visa": "4242424242424242", "mastercard": "5555555555554444"}
DEMO_BANK = ("110000000", "000123456789")  # routing, account: debits succeed
DEMO_ACH_AUTHORIZATION = AchAuthorization("written", "Signed ACH debit authorization on file (demo)")


def _demo_methods(place: int) -> list[str]:
    if place % 5 == 4:
        return []
    card = "mastercard" if place % 7 == 6 else "visa"
    return [card, "ach"] if place % 3 == 0 else [card]


def save_demo_methods(uow_factory, sandbox: SandboxProcessor) -> int:  # type: ignore[no-untyped-def]
    """Sandbox test methods on the demo customers, so the first PAY in a demo works; how many were saved."""
    with uow_factory() as uow:
        customers = list(uow.session.execute(select(Customer.code, Customer.name).order_by(Customer.code)))
    saved = 0
    for place, (code, name) in enumerate(customers):
        for kind in _demo_methods(place):
            if kind == "ach":
                token = sandbox.tokenize_bank_account(*DEMO_BANK, holder=name, account_type="checking")
            else:
                # The sandbox checks an expiry against its own clock, not the demo's `today`.
                token = sandbox.tokenize_card(DEMO_CARDS[kind], 12, dt.date.today().year + 3, "123", name)
            method = sandbox.save_method(token, code)
            add_method(uow_factory(), customer_code=code, saved=method, processor="sandbox", actor=ACTOR,
                       authorization=DEMO_ACH_AUTHORIZATION if method.kind == "ach" else None)
            saved += 1
    return saved


def is_empty(uow: UnitOfWork) -> bool:
    with uow:
        return uow.session.query(Customer.id).limit(1).first() is None


# Customers that show what the book's newer features look like (the CLI's demo load; browser tests load the book
# without them): an instalment plan agreed on the phone, autopay on a card, a dunning hold, and a scheduled
# payment on a card the sandbox declines once (the retry pays it the day after).
DEMO_PLAN, DEMO_AUTOPAY, DEMO_HOLD, DEMO_RETRY = "C1042", "C1002", "C1043", "C1052"
DEMO_DECLINED_ONCE = "4000000000001117"


def show_features(services: Services, today: dt.date) -> list[str]:
    """Put one demo customer on each: a plan, autopay, a hold, a payment whose first charge is declined."""
    uow, sandbox = services.db.uow, services.processors["sandbox"]
    now = dt.datetime.combine(today, dt.time(10), tzinfo=dt.UTC)
    plan_id, _ = payments.plan_on_behalf(
        uow, sandbox, customer_code=DEMO_PLAN, asked=3, now=now, today=today, actor=ACTOR,
        branding=services.branding, defaults=services.settings.plan_defaults,
        note="Demo: agreed on the phone to pay the balance in 3 payments")
    card = next(m for m in payments.list_methods(uow(), DEMO_AUTOPAY) if m.kind == "card")
    payments.enroll_autopay(uow(), customer_code=DEMO_AUTOPAY, method_id=card.id, actor=ACTOR,
                            authorization=payments.AutopayAuthorization(
                                f"customer {DEMO_AUTOPAY}'s AP contact", now, "pay_link",
                                "Demo: autopay agreed on the pay page"))
    dunning.put_on_hold(uow(), DEMO_HOLD, "Demo: insolvency talks with the bank", ACTOR,
                        until=today + dt.timedelta(days=45), today=today)
    retry = _declined_once(services, today)
    return [f"{DEMO_PLAN} on instalment plan {plan_id}", f"{DEMO_AUTOPAY} on autopay ({card.label})",
            f"{DEMO_HOLD} on dunning hold", f"{DEMO_RETRY} has payment {retry} tomorrow on a card declined once"]


def _declined_once(services: Services, today: dt.date) -> int:
    sandbox = services.processors["sandbox"]
    assert isinstance(sandbox, SandboxProcessor)
    with services.db.uow() as uow:
        customer = uow.session.scalars(select(Customer).where(Customer.code == DEMO_RETRY)).one()
        invoice = next(item for item in open_items(uow.session, customer.id, today) if item.kind == "invoice")
        holder, number, amount = customer.name, invoice.number, invoice.open
    token = sandbox.tokenize_card(DEMO_DECLINED_ONCE, 12, dt.date.today().year + 3, "123", holder)
    method = add_method(services.db.uow(), customer_code=DEMO_RETRY, saved=sandbox.save_method(token, DEMO_RETRY),
                        processor="sandbox", actor=ACTOR, authorization=None)
    made, _ = payments.initiate_and_charge(
        services.db.uow, sandbox, customer_code=DEMO_RETRY, amount=amount, requests=[AllocationRequest(number, amount)],
        method_id=method.id, pay_on=today + dt.timedelta(days=1), today=today,
        reasons=services.settings.short_pay_reasons, actor=ACTOR, branding=services.branding)
    return made.payment_id
