"""Two clerks post a payment for the same invoice at the same moment: the invoice is paid once."""

import datetime as dt
import threading

from sqlalchemy import func, select

from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.ledger.models import Allocation, Document
from core.ledger.posting import record_payment
from core.ledger.rules import AllocationRequest
from tests.books import TEST_ACTOR, customer, invoice


def test_two_threads_paying_the_same_invoice_pay_it_once(db):
    customer(db)
    invoice(db, "INV-1", "500.00", "2026-10-01")
    barrier, outcomes = threading.Barrier(2), []

    def pay() -> None:
        barrier.wait()
        try:
            record_payment(db.uow(), customer_code="ACME", amount=Money.of("500", "USD"),
                           received_on=dt.date(2026, 11, 1), requests=[AllocationRequest("INV-1")],
                           reasons=("Other",), actor=TEST_ACTOR)
            outcomes.append("paid")
        except Invalid as refused:
            outcomes.append(str(refused))

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["invoice INV-1 has nothing open to pay", "paid"]
    with db.uow() as uow:
        applied = uow.session.scalar(select(func.sum(Allocation.amount_minor)))
        open_minor = uow.session.scalar(select(Document.open_minor).where(Document.number == "INV-1"))
    assert (applied, open_minor) == (50000, 0)
