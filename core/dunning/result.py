"""What a dunning run reports per customer, and the checks that need nothing but the ledger pass, the account and
the holds gathered for the run: a balance above zero, no hold on the account, a class that allows automatic
statements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from core.dunning.policy import PolicyBook, PolicyInForce
from core.dunning.reads import Account
from core.dunning.rules import stage_for
from core.kernel.money import Money, minor_digits
from core.ledger.book import Aging

NOT_ALLOWED = "class does not allow automatic statements"
NOTHING_OWED = "balance is not above zero (credits and unapplied cash included)"


@dataclass(frozen=True, slots=True)
class DunningResult:
    """One customer's outcome, as `aragent dunning run --json` prints it.

    The balance is kept in minor units and made `Money` when asked for: a run reports on every customer
    with open items, and building 100,000 Money values up front is a second of the run for nothing.
    """

    customer: str
    stage: int | None
    balance_minor: int
    currency: str
    days_over_terms: int | None  # of the most overdue open invoice; zero or below when none is overdue
    channel: str | None
    status: str  # queued | skipped
    reason: str

    @property
    def balance(self) -> Money:
        return Money.from_minor(self.balance_minor, self.currency)

    def to_json(self) -> dict:
        return {"customer": self.customer, "stage": self.stage,
                "balance": amount_text(self.balance_minor, self.currency), "days_over_terms": self.days_over_terms,
                "channel": self.channel, "status": self.status, "reason": self.reason}


def amount_text(minor: int, currency: str) -> str:
    """str(Money.amount) straight from minor units: 1300.49, 0.00, -5.00, 1234 (JPY)."""
    digits = minor_digits(currency)
    sign, (whole, part) = "-" if minor < 0 else "", divmod(abs(minor), 10 ** digits)
    return f"{sign}{whole}.{part:0{digits}d}" if digits else f"{sign}{whole}"


def skipped(view: DunningResult, reason: str, **changes: object) -> DunningResult:
    return replace(view, status="skipped", reason=reason, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A customer who owes and whose class allows dunning, on the way to the chunk's reads."""

    account: Account
    positions: tuple[Aging, ...]  # per currency, balance above zero
    policy: PolicyInForce
    ledger_view: DunningResult  # stage, balance and days as the ledger alone has them


def _ledger_view(account: Account, positions: Sequence[Aging], policy: PolicyInForce) -> DunningResult:
    """The stage the ledger alone gives, before anything is left out: the most severe currency's."""
    def severity(a: Aging) -> tuple[int, bool, int]:
        stage = stage_for(policy.stages, a.balance_minor, a.most_overdue_days)
        return (stage.stage if stage else 0, a.currency == account.currency, a.most_overdue_days or 0)

    shown = positions[0] if len(positions) == 1 else max(positions, key=severity)
    days = shown.most_overdue_days
    stage = stage_for(policy.stages, shown.balance_minor, days)
    return DunningResult(account.code, stage.stage if stage else None, shown.balance_minor, shown.currency, days,
                         None, "skipped", "")


def nothing_open(account: Account) -> DunningResult:
    return DunningResult(account.code, None, 0, account.currency, None, None, "skipped", "nothing open")


def first_checks(policies: PolicyBook, account: Account, positions: Sequence[Aging],
                 on_hold: str | None = None) -> DunningResult | Candidate:
    """The balance, a hold on the account (`on_hold`: why, from `core.dunning.held_off`) and the class: what the
    ledger pass, the account and the run's holds tell without another read."""
    if not positions:
        return nothing_open(account)
    policy = policies.for_class(account.class_id)
    view = _ledger_view(account, positions, policy)
    owing = tuple(a for a in positions if a.balance_minor > 0)
    if not owing:
        return skipped(view, NOTHING_OWED, stage=None)
    if on_hold:
        return skipped(view, on_hold)
    if not account.allow_auto_statement:
        return skipped(view, NOT_ALLOWED)
    return Candidate(account, owing, policy, view)
