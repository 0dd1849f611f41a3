"""What dunning leaves alone on a date, whatever the ledger says: customers it skips and invoices it leaves out of
what it asks for, each with the words that say why.

One function gathers it for a run (`held_off`), from every source in `SOURCES`. Today one source: the holds staff
put (`core.dunning.holds`). Another source (an instalment plan in good standing keeping dunning off its invoices,
say) is one more function `(session, customer_ids, as_of) -> HeldOff` added to `SOURCES`. A source reads tables
that dunning may read (its own, the ledger's and below): a fact owned by a context beside dunning (payments) is
put below both first, e.g. a ledger-level read of the invoices in a current plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dunning.holds import hold_words, in_force
from core.dunning.models import DunningHold
from core.dunning.reads import among


@dataclass(frozen=True)
class HeldOff:
    """By customer id: why dunning skips it (`on hold until 2027-01-15: …`). By invoice id: why dunning leaves it
    out, as read after its number (`1001 on hold until 2027-01-15: …`)."""

    customers: dict[int, str] = field(default_factory=dict)
    invoices: dict[int, str] = field(default_factory=dict)

    def __or__(self, other: HeldOff) -> HeldOff:
        """Both sources' holds; where both hold the same customer or invoice, both reasons."""
        return HeldOff(_joined(self.customers, other.customers), _joined(self.invoices, other.invoices))


def _joined(first: dict[int, str], second: dict[int, str]) -> dict[int, str]:
    return {**first, **second, **{key: f"{first[key]}; {second[key]}" for key in first.keys() & second.keys()}}


Source = Callable[[Session, Sequence[int] | None, dt.date], HeldOff]


def staff_holds(session: Session, customer_ids: Sequence[int] | None, as_of: dt.date) -> HeldOff:
    """The holds staff put that are in force on `as_of` (of `customer_ids`; None: the whole book, a short list)."""
    query = (select(DunningHold.customer_id, DunningHold.invoice_id, DunningHold.until, DunningHold.reason)
             .where(in_force(as_of)).order_by(DunningHold.id))
    if customer_ids is not None:
        query = query.where(among(session, DunningHold.customer_id, list(customer_ids)))
    found = HeldOff()
    for customer_id, invoice_id, until, reason in session.execute(query):
        (found.customers if invoice_id is None else found.invoices)[customer_id if invoice_id is None
                                                                     else invoice_id] = hold_words(until, reason)
    return found


SOURCES: tuple[Source, ...] = (staff_holds,)


def held_off(session: Session, customer_ids: Sequence[int] | None, as_of: dt.date,
             sources: Sequence[Source] = SOURCES) -> HeldOff:
    """Every source's customers and invoices dunning leaves alone on `as_of` (of `customer_ids`; None: all)."""
    found = HeldOff()
    for source in sources:
        found = found | source(session, customer_ids, as_of)
    return found
