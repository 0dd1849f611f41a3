"""How a payment form names what the payer chose, for the console's Make Payment and the customer's pay page.

One field with the invoice numbers (`invoices=1042,1043`) and one per invoice: `amount-1042` (empty, or the
full amount shown in `full-1042`: in full), `reason-1042` and `comment-1042` for a short payment. On the pay page,
a plan's missed instalment picked: `instalment-<plan>-<seq>=<its amount in minor units, as shown>`.
"""

from __future__ import annotations

from core.kernel import Invalid, Money
from core.ledger import AllocationRequest


def money_field(text: str, currency: str, what: str) -> Money:
    if not text.strip():
        raise Invalid(f"enter the amount for {what}", "amount")
    return Money.exact(text.strip(), currency)


def invoice_numbers(data: dict[str, str]) -> list[str]:
    return [n for n in data.get("invoices", "").split(",") if n]


def allocation_requests(data: dict[str, str], currency: str) -> list[AllocationRequest]:
    """Each invoice in full, unless less than the full amount shown was typed: then a short payment."""
    requests = []
    for number in invoice_numbers(data):
        typed, full = data.get(f"amount-{number}", "").strip(), data.get(f"full-{number}", "").strip()
        amount = None if not typed or (full and typed == full) else money_field(typed, currency, f"invoice {number}")
        requests.append(AllocationRequest(number, amount, data.get(f"reason-{number}") or None,
                                          data.get(f"comment-{number}", "").strip() or None))
    return requests


def instalment_picks(data: dict[str, str]) -> list[tuple[int, int, int]]:
    """The instalments picked: (plan id, seq, amount in minor units as shown)."""
    picks = []
    for name, value in data.items():
        plan, _, seq = name.removeprefix("instalment-").partition("-")
        if name.startswith("instalment-") and value:
            if not (plan.isdigit() and seq.isdigit() and value.isdigit()):
                raise Invalid("the instalment picked is not one this page offered", "instalments")
            picks.append((int(plan), int(seq), int(value)))
    return sorted(picks)
