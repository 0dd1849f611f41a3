"""Property: every statement reconciles. Its balance forward plus its lines is its balance to the minor unit, the
aging (less the credits) adds up to the same balance, and each kind of line is what the book holds for the period.

Hypothesis books random accounts (invoices, finance charges, credit memos, some part paid in the ERP, payments in
full with early-payment discounts, short payments, deposits, credit applications, returned payments) through the
real services on SQLite and PostgreSQL, and runs two statement cycles: what is dated up to the first is posted
before it, the rest after, except entries posted late (dated before the first statement, posted after it), which
the second statement must show as a correction. The second cycle assesses finance charges. Each example books a
fresh customer, so examples never see each other's rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import or_, select

from core.kernel.db import Database
from core.kernel.errors import Invalid, NotFound
from core.kernel.money import Money
from core.ledger.book import aging_report
from core.ledger.models import DEBIT_KINDS, Allocation, Customer, Document, Payment
from core.ledger.posting import CreditSource, apply_credit, record_payment
from core.ledger.rules import AllocationRequest
from core.payments.processor import ProcessorEvent
from core.payments.settlement import MONEY_WENT_BACK, apply_event
from core.statements.cycle import run_statements
from core.statements.models import Statement
from core.statements.snapshots import StatementSnapshot
from tests.books import TEST_ACTOR, TEST_BRANDING, customer, load

START = dt.date(2026, 1, 1)
FIRST, SECOND = 45, 75  # the statement dates, in days from START
REASONS = ("Damaged goods", "Other")


def day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


@dataclass(frozen=True)
class NewDocument:
    kind: str  # invoice | finance_charge | credit
    minor: int
    day: int
    discount: bool  # 2% within 10 days
    erp_paid: int  # percent of it the ERP reports paid already (debits)
    late: bool  # dated up to the first statement, posted after it


@dataclass(frozen=True)
class PayInFull:
    picks: list[int]
    extra: int
    day: int


@dataclass(frozen=True)
class PayPromptly:
    """The latest invoice paid in full `after` days after its date: in time for its discount, if it has one."""

    after: int
    day: int


@dataclass(frozen=True)
class PayShort:
    pick: int
    percent: int
    day: int


@dataclass(frozen=True)
class Deposit:
    minor: int
    day: int
    late: bool


@dataclass(frozen=True)
class ApplyCredit:
    from_memo: bool
    source_pick: int
    pick: int
    day: int


@dataclass(frozen=True)
class Return:
    pick: int
    day: int


days = st.integers(FIRST - 31, SECOND) | st.integers(0, SECOND)  # mostly inside the statements' periods
picks, amounts = st.integers(0, 20), st.integers(1, 300_000)
operation = st.one_of(
    st.builds(NewDocument, kind=st.sampled_from(["invoice", "invoice", "invoice", "finance_charge", "credit"]),
              minor=amounts, day=days, discount=st.sampled_from([True, True, False]),
              erp_paid=st.sampled_from([0, 0, 0, 0, 40]), late=st.sampled_from([False, False, True])),
    st.builds(PayPromptly, after=st.integers(0, 12), day=days),
    st.builds(PayInFull, picks=st.lists(picks, min_size=1, max_size=3), extra=st.sampled_from([0, 0, 700]), day=days),
    st.builds(PayShort, pick=picks, percent=st.integers(1, 99), day=days),
    st.builds(Deposit, minor=amounts, day=days, late=st.booleans()),
    st.builds(ApplyCredit, from_memo=st.booleans(), source_pick=picks, pick=picks, day=days),
    st.builds(Return, pick=picks, day=days),
)


class Account:
    """One customer, booked through the services; `late` holds what was posted late: what, and how it moved the
    balance on its date."""

    def __init__(self, db: Database, currency: str) -> None:
        self.db, self.currency = db, currency
        self.code = f"S{uuid.uuid4().hex[:10].upper()}"
        customer(db, self.code, currency=currency, **{"class": "FIN"})
        self.debits: list[str] = []
        self.memos: list[str] = []
        self.payments: list[int] = []
        self.late: list[tuple[dt.date, str, int]] = []  # date, document number or payment id, effect

    def late_by(self, when: dt.date) -> int:
        """How much what was posted late, dated up to `when`, moved the balance."""
        return sum(effect for day_, _, effect in self.late if day_ <= when)

    def money(self, minor: int) -> Money:
        return Money.from_minor(minor, self.currency)

    def open_minor(self, number: str) -> int:
        with self.db.uow() as uow:
            return uow.session.scalar(select(Document.open_minor).where(Document.number == number)) or 0

    def play(self, op: object, limit: int) -> None:
        """Post one operation dated at most `limit`; quietly nothing when it does not apply."""
        if isinstance(op, NewDocument):
            self.document(op)
        elif isinstance(op, Deposit):
            self.pay(op.minor, [], op.day)
            if op.late and op.day <= FIRST:
                self.late.append((day(op.day), str(self.payments[-1]), -op.minor))
        elif isinstance(op, PayInFull) and self.debits:
            numbers = list(dict.fromkeys(self.debits[p % len(self.debits)] for p in op.picks))
            total = sum(self.open_minor(n) for n in numbers) + op.extra
            self.pay(max(total, 1), [AllocationRequest(n) for n in numbers], op.day)
        elif isinstance(op, PayPromptly) and self.debits:
            latest = self.debits[-1]
            on = self.prompt_day(latest, op.after, limit)
            self.pay(max(self.open_minor(latest), 1), [AllocationRequest(latest)], on)
        elif isinstance(op, PayShort) and self.debits:
            number = self.debits[op.pick % len(self.debits)]
            short = max(self.open_minor(number) * op.percent // 100, 1)
            self.pay(short, [AllocationRequest(number, self.money(short), "Damaged goods")], op.day)
        elif isinstance(op, ApplyCredit) and self.debits and (self.memos if op.from_memo else self.payments):
            source = (CreditSource(credit_number=self.memos[op.source_pick % len(self.memos)]) if op.from_memo
                      else CreditSource(payment_id=self.payments[op.source_pick % len(self.payments)]))
            apply_credit(self.db.uow(), customer_code=self.code, source=source, applied_on=day(op.day),
                         invoice_number=self.debits[op.pick % len(self.debits)], actor=TEST_ACTOR)
        elif isinstance(op, Return) and self.payments:
            self.give_back(self.payments[op.pick % len(self.payments)], op.day, limit)

    def document(self, op: NewDocument) -> None:
        number = f"{self.code}-{len(self.debits) + len(self.memos) + 1}"
        row = {"number": number, "customer": self.code, "date": day(op.day).isoformat(), "type": op.kind,
               "amount": str(self.money(op.minor).amount)}
        outstanding = op.minor
        if op.kind != "credit" and op.erp_paid:
            outstanding = op.minor * (100 - op.erp_paid) // 100
            row["open_amount"] = str(self.money(outstanding).amount)
        if op.kind != "credit" and op.discount:
            row |= {"discount_percent": "2", "discount_days": "10"}
        report = load(self.db, "invoices", [row])
        assert (report.loaded, report.rejected) == (1, []), report.rejected
        (self.memos if op.kind == "credit" else self.debits).append(number)
        if op.late and op.day <= FIRST:
            self.late.append((day(op.day), number, -outstanding if op.kind == "credit" else outstanding))

    def prompt_day(self, number: str, after: int, limit: int) -> int:
        """`after` days after the document's date, within the phase that ends on `limit`."""
        with self.db.uow() as uow:
            dated = uow.session.scalar(select(Document.doc_date).where(Document.number == number))
        assert dated is not None
        return max(min((dated - START).days + after, limit), 0 if limit == FIRST else FIRST + 1)

    def pay(self, minor: int, requests: list[AllocationRequest], on: int) -> None:
        posted = record_payment(self.db.uow(), customer_code=self.code, amount=self.money(minor),
                                received_on=day(on), requests=requests, reasons=REASONS, actor=TEST_ACTOR,
                                reference=f"PAY-{len(self.payments) + 1}")
        self.payments.append(posted.payment_id)

    def give_back(self, payment_id: int, on: int, limit: int) -> None:
        """The payment goes back (an ACH return), never before it or its applications were made."""
        with self.db.uow() as uow:
            received = uow.session.scalar(select(Payment.received_on).where(Payment.id == payment_id))
            applied = uow.session.scalars(select(Allocation.applied_on).where(Allocation.payment_id == payment_id))
            when = max(day(on), received, *applied)
        if when <= day(limit):
            returned = ProcessorEvent(f"evt-{uuid.uuid4().hex}", "payment.returned", None,
                                      dt.datetime.combine(when, dt.time(12), dt.UTC), "R01", str(payment_id))
            apply_event(self.db.uow(), returned, TEST_ACTOR, TEST_BRANDING)


# -- what the book says, read independently of the statement's queries ---------------------------------------


@dataclass
class Book:
    docs: list
    payments: list
    allocations: list

    def lines_by_kind(self, since: dt.date, until: dt.date, unposted: set[str]) -> dict[str, int]:
        """What each kind of statement line should total for (since, until], leaving out the documents and
        payments in `unposted` (by number, by id): not yet posted when the statement was made."""
        def within(when: dt.date | None) -> bool:
            return when is not None and since < when <= until

        totals = dict.fromkeys(("invoice", "finance_charge", "credit", "settled_in_erp", "payment",
                                "payment_returned", "discount", "discount_reversed"), 0)
        for doc in (d for d in self.docs if within(d.doc_date) and d.number not in unposted):
            debit = doc.kind in DEBIT_KINDS
            applied = sum(a.amount_minor + (a.discount_minor if debit else 0) for a in self.allocations
                          if (a.invoice_id if debit else a.credit_id) == doc.id and not (debit and a.reversed_on))
            settled_outside = doc.amount_minor - doc.open_minor - applied
            totals[doc.kind] += doc.amount_minor if debit else -doc.amount_minor
            totals["settled_in_erp"] += -settled_outside if debit else settled_outside
        for payment in (p for p in self.payments if str(p.id) not in unposted):
            if within(payment.received_on) and payment.status in ("succeeded", *MONEY_WENT_BACK):
                totals["payment"] -= payment.amount_minor
            if payment.status in MONEY_WENT_BACK and within(payment.returned_on):
                totals["payment_returned"] += payment.amount_minor
        for allocation in self.allocations:
            totals["discount"] -= allocation.discount_minor if within(allocation.applied_on) else 0
            totals["discount_reversed"] += allocation.discount_minor if within(allocation.reversed_on) else 0
        return totals


def read_book(db: Database, customer_id: int) -> Book:
    documents, payments, allocations = Document.__table__, Payment.__table__, Allocation.__table__
    with db.uow() as uow:
        docs = uow.session.execute(select(documents).where(documents.c.customer_id == customer_id)).all()
        ids = [d.id for d in docs]
        paid = uow.session.execute(select(payments).where(payments.c.customer_id == customer_id)).all()
        applied = uow.session.execute(select(allocations).where(
            or_(allocations.c.invoice_id.in_(ids), allocations.c.credit_id.in_(ids)))).all()
        return Book(docs, paid, applied)


def ledger_balance(db: Database, customer_id: int, as_of: dt.date) -> int:
    with db.uow() as uow:
        rows = aging_report(uow.session, as_of, [customer_id])
    return rows[0].balance_minor if rows else 0


def statements(db: Database, customer_id: int) -> dict[dt.date, tuple[StatementSnapshot, int]]:
    with db.uow() as uow:
        rows = uow.session.execute(select(Statement.statement_date, Statement.snapshot, Statement.balance_minor)
                                   .where(Statement.customer_id == customer_id))
        return {when: (StatementSnapshot.from_json(snapshot), balance) for when, snapshot, balance in rows}


def assert_reconciles(db: Database, account: Account, customer_id: int) -> None:
    book, stated = read_book(db, customer_id), statements(db, customer_id)
    first = stated.get(day(FIRST))
    for when, (snapshot, stored_balance) in sorted(stated.items()):
        # The first statement was made before the late postings: the book as it was then.
        unposted = {ref for _, ref, _ in account.late} if when == day(FIRST) else set()

        def balance_then(as_of: dt.date, when: dt.date = when) -> int:
            return ledger_balance(db, customer_id, as_of) - (account.late_by(as_of) if when == day(FIRST) else 0)

        forward_on, forward = snapshot.balance_forward_on, snapshot.balance_forward_minor
        assert forward_on is not None and forward is not None
        assert forward + sum(line.amount_minor for line in snapshot.activity) == snapshot.balance_minor, when
        assert sum(snapshot.aging_minor.values()) - snapshot.credits_minor == snapshot.balance_minor, when
        assert snapshot.balance_minor == stored_balance == balance_then(when), when
        correction = 0
        if when == day(SECOND) and first is not None:
            assert (forward_on, forward) == (day(FIRST), first[1])  # the previous statement's, as it stated it
            correction = account.late_by(day(FIRST))  # what was posted late, and nothing else
            event(f"correction on the second statement: {bool(correction)}")
        else:  # a first statement: the book's balance 31 days back
            assert (forward_on, forward) == (when - dt.timedelta(31), balance_then(forward_on)), when
        by_kind = {kind: 0 for kind in book.lines_by_kind(forward_on, when, unposted)} | {"correction": 0}
        for line in snapshot.activity:
            event(f"line: {line.kind}")
            assert forward_on < line.date <= when and line.kind in by_kind, line
            by_kind[line.kind] += line.amount_minor
        assert by_kind == {**book.lines_by_kind(forward_on, when, unposted), "correction": correction}, when


# No "explain" phase: its line tracing makes every database round trip many times slower.
@settings(max_examples=40, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(currency=st.sampled_from(["USD", "USD", "JPY", "KWD"]), operations=st.lists(operation, min_size=3, max_size=14))
def test_every_statement_reconciles_to_the_minor_unit(services, currency, operations):
    db = services.db
    load(db, "classes", [{"code": "FIN", "finance_charge_monthly_rate": "1.5"}])
    account = Account(db, currency)
    with db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == account.code))
    on_time = [op.day <= FIRST and not getattr(op, "late", False) for op in operations]
    before = [op for op, early in zip(operations, on_time, strict=True) if early]
    after = [op for op, early in zip(operations, on_time, strict=True) if not early]  # late ones included
    for ops, limit, charges_on in ((before, FIRST, None), (after, SECOND, day(SECOND))):
        for op in ops:
            try:
                account.play(op, limit)
            except (Invalid, NotFound):  # the rules refuse it (a returned payment is no credit to apply)
                event(f"refused {type(op).__name__}")
        run_statements(db, services.settings, services.files, statement_date=day(limit),
                       finance_charges_on=charges_on, actor=TEST_ACTOR)
    event(f"statements: {len(statements(db, customer_id))}")
    assert_reconciles(db, account, customer_id)
