"""Which saved method pays when the payer names none: one rule for the chat, the phone line and the console.

    1. the active method of the customer's latest payment that went through or is still on its way
       (scheduled, pending, succeeded …): the card they used last, and it worked;
    2. else the active method saved last that has never been declined: a customer whose card was declined and
       who then adds another means to pay with the new one;
    3. else (every active method's last charge was declined) the one saved last.

A method is "declined" when its latest payment failed or came back returned; one declined charge rules a method
out only while another is on file. Deactivated methods are never chosen. The console pre-selects the default only
when it was not declined (`preselected`): an agent picks a method whose last charge failed on purpose or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select

from core.kernel.db import UnitOfWork
from core.ledger.models import Payment
from core.ledger.posting import customer_by_code
from core.payments.methods import MethodView
from core.payments.models import PaymentMethod

DECLINED = frozenset({"failed", "returned"})
# Why the default is the default: "paid" (rule 1), "others_declined" (rule 2 while another method was declined),
# "saved_last" (rule 2 with no payment to go by, or rule 3): a guess by date a chat may rather ask about.
Because = Literal["paid", "others_declined", "saved_last"]


@dataclass(frozen=True)
class MethodsOnFile:
    active: tuple[MethodView, ...]  # oldest saved first
    default: MethodView | None  # None only when nothing is active
    because: Because | None
    declined: frozenset[int] = frozenset()  # ids of the active methods whose latest charge failed or was returned

    @property
    def preselected(self) -> MethodView | None:
        """The default, unless its latest charge failed: then none (the payer must choose)."""
        return self.default if self.default is not None and self.default.id not in self.declined else None


def choose_default(active: Sequence[MethodView], last_payment: Mapping[int, tuple[int, str]]) -> MethodsOnFile:
    """The rule above. `active`: oldest saved first; `last_payment`: method id → (its latest payment's id, status)."""
    declined = {m.id for m in active if m.id in last_payment and last_payment[m.id][1] in DECLINED}
    paid = [m for m in active if m.id in last_payment and m.id not in declined]
    marked = frozenset(declined)
    if paid:
        return MethodsOnFile(tuple(active), max(paid, key=lambda m: last_payment[m.id][0]), "paid", marked)
    fresh = [m for m in active if m.id not in declined]
    if fresh:
        return MethodsOnFile(tuple(active), fresh[-1], "others_declined" if declined else "saved_last", marked)
    return MethodsOnFile(tuple(active), active[-1] if active else None, "saved_last" if active else None, marked)


def methods_on_file(uow: UnitOfWork, customer_code: str) -> MethodsOnFile:
    """The customer's active methods and the default among them, in one query."""
    with uow:
        customer = customer_by_code(uow, customer_code)
        latest = (select(Payment.method_id, func.max(Payment.id).label("payment_id"))
                  .where(Payment.customer_id == customer.id, Payment.method_id.is_not(None))
                  .group_by(Payment.method_id).subquery())
        rows = uow.session.execute(
            select(PaymentMethod, Payment.id, Payment.status)
            .outerjoin(latest, latest.c.method_id == PaymentMethod.id)
            .outerjoin(Payment, Payment.id == latest.c.payment_id)
            .where(PaymentMethod.customer_id == customer.id, PaymentMethod.active.is_(True))
            .order_by(PaymentMethod.id)).all()
        return choose_default([MethodView.of(method) for method, _, _ in rows],
                              {method.id: (paid_by, status) for method, paid_by, status in rows if paid_by})


def default_method(uow: UnitOfWork, customer_code: str) -> MethodView | None:
    """The method a payment uses unless the payer picks another (the rule above)."""
    return methods_on_file(uow, customer_code).default
