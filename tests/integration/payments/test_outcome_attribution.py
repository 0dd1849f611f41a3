"""Who the audit log names for a payment's outcome, on both backends: a card declined at charge time and a debit
that fails at settlement are the processor's doing, not the agent's who asked for the charge; the agent stays
named on the payment they started."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.bootstrap import Services
from core.kernel import Actor, Money
from core.ledger.models import Customer, Payment
from core.ledger.rules import AllocationRequest
from core.payments import SandboxProcessor, initiate_and_charge, reconcile
from core.payments.models import PaymentMethod
from core.staff import AuditFilter, actor_label, describe, search_audit
from tests.books import customer, invoice

TODAY = dt.date(2026, 11, 22)
AGENT = Actor("user:alice", "console")


def method(services: Services, token: str, kind: str, last4: str) -> int:
    with services.db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
        row = PaymentMethod(customer_id=customer_id, processor="sandbox", token=token, kind=kind,
                            brand="visa" if kind == "card" else "Sandbox Bank", last4=last4, exp_month=12,
                            exp_year=2030, active=True)
        uow.session.add(row)
        uow.commit()
        return row.id


def charge(services: Services, sandbox: SandboxProcessor, method_id: int, number: str) -> int:
    started, _ = initiate_and_charge(
        services.db.uow, sandbox, customer_code="ACME", amount=Money.of("250.00", "USD"),
        requests=[AllocationRequest(number)], method_id=method_id, pay_on=TODAY, today=TODAY, reasons=("Other",),
        actor=AGENT, branding=services.branding)
    return started.payment_id


def audited(services: Services, payment_id: int) -> dict[str, tuple[str, str]]:
    """Each action on the payment: (who, what) as the audit page shows them."""
    rows = search_audit(services.db.uow(), AuditFilter(action="payment.", customer_code="ACME")).rows
    return {r.action: (actor_label(r), describe(r)) for r in rows if r.subject == f"payment:{payment_id}"}


def test_a_card_declined_at_charge_time_is_the_processors_doing(services: Services) -> None:
    customer(services.db)
    invoice(services.db, "INV-7", "250.00", "2026-10-01")
    sandbox = SandboxProcessor(services.db, ["whsec_t"], card_delay=0, ach_delay=0, return_delay=0)

    payment_id = charge(services, sandbox, method(services, "tok_card_declined", "card", "0002"), "INV-7")

    assert audited(services, payment_id) == {
        "payment.pending": ("alice (console)",
                            f"Payment {payment_id} of $250.00 sent to the processor — Visa •0002, invoice INV-7"),
        "payment.failed": ("Processor (sandbox)", f"Declined by the processor: the card issuer declined the charge — "
                                                  f"payment {payment_id}, $250.00"),
    }
    with services.db.uow() as uow:
        assert uow.session.get(Payment, payment_id).initiated_by == "user:alice"  # type: ignore[union-attr]


def test_a_debit_that_fails_at_settlement_read_back_by_reconcile_is_the_processors_doing(services: Services) -> None:
    customer(services.db)
    invoice(services.db, "INV-8", "250.00", "2026-10-01")
    sandbox = SandboxProcessor(services.db, ["whsec_t"], card_delay=0, ach_delay=0, return_delay=0)
    payment_id = charge(services, sandbox, method(services, "tok_ach_insufficient", "ach", "1116"), "INV-8")

    reconcile(services.db.uow, sandbox, dt.timedelta(0), Actor("scheduler", "scheduler"), services.branding)

    who, what = audited(services, payment_id)["payment.failed"]
    assert (who, what) == ("Processor (sandbox)",
                           f"Declined by the processor: insufficient funds — payment {payment_id}, $250.00")
