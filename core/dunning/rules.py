"""Dunning rules on plain values: which debt stage a customer is at, what a notice may ask for, and when.

The seed's default policy: stage 1 when the balance is above zero and the most overdue open invoice is at
most 15 days over terms (an invoice not yet due counts), stage 2 more than 15 days over, stage 3 more than
30; one notice per customer per run, at the most severe stage only; a balance at or below zero (credit
memos and unapplied cash included) is excluded. "Days over terms" are days past the invoice's due date,
the due date being the document date plus the customer's terms.

No database here; unit tests call these directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class StagePolicy:
    """One debt stage: reached when the most overdue invoice is more than `days_over_terms_above` days over
    terms (None: any positive balance). `channels` in order of preference."""

    stage: int
    days_over_terms_above: int | None
    template: str  # e.g. dunning.stage2: dunning.stage2.email.txt, dunning.stage2.sms.txt …
    channels: tuple[str, ...] = ("email",)
    auto_approve: bool = False
    cadence_days: int = 7
    name: str = ""


SEED_STAGES = (
    StagePolicy(1, None, "dunning.stage1", name="Reminder"),
    StagePolicy(2, 15, "dunning.stage2", name="Second notice"),
    StagePolicy(3, 30, "dunning.stage3", name="Final notice"),
)


def days_over_terms(due_date: dt.date, as_of: dt.date) -> int:
    """Days past the due date; zero or below while the invoice is not yet due."""
    return (as_of - due_date).days


def stage_for(stages: Sequence[StagePolicy], balance_minor: int, most_overdue_days: int | None) -> StagePolicy | None:
    """The most severe stage the most overdue invoice has passed; None when nothing is owed."""
    if balance_minor <= 0 or most_overdue_days is None:
        return None
    passed = [s for s in stages if s.days_over_terms_above is None or most_overdue_days > s.days_over_terms_above]
    return max(passed, key=lambda s: (s.days_over_terms_above is not None, s.days_over_terms_above or 0, s.stage),
               default=None)


# -- what a notice asks for ------------------------------------------------------------------------------


class OpenDebit(NamedTuple):
    """An open invoice or finance charge as of the run date, and whether dunning must leave it out.

    A named tuple, not a dataclass: a run makes one per open invoice of every customer it may dun.
    """

    id: int
    number: str
    currency: str
    due_date: dt.date
    open_minor: int
    held: bool = False  # in a scheduled or pending payment
    disputed_minor: int = 0  # what of it is in dispute (core.ledger.disputes): never asked for
    held_off: str = ""  # why dunning leaves it alone (a hold staff put: core.dunning.held_off); "" when it does not

    @property
    def asked_minor(self) -> int:
        """What a notice asks for on it: the open amount less what is in dispute."""
        return self.open_minor - self.disputed_minor


@dataclass(frozen=True)
class Ask:
    """What a notice in one currency asks for, once held and disputed invoices are left out."""

    currency: str
    balance_minor: int  # the ledger balance (credits and unapplied cash included) less what is left out
    debits: tuple[OpenDebit, ...]  # the open debits asked for (less what is in dispute), most overdue first
    held: int = 0  # invoices left out: in a scheduled or pending payment
    disputed: int = 0  # invoices with an amount in dispute, left out of what is asked
    in_dispute: tuple[OpenDebit, ...] = ()  # those invoices, to be named as in dispute
    held_off: tuple[OpenDebit, ...] = ()  # invoices left out because dunning is held off them (on hold), with why

    def most_overdue_days(self, as_of: dt.date) -> int | None:
        return days_over_terms(self.debits[0].due_date, as_of) if self.debits else None

    def overdue(self, as_of: dt.date) -> tuple[OpenDebit, ...]:
        return tuple(d for d in self.debits if days_over_terms(d.due_date, as_of) > 0)

    def named(self, as_of: dt.date) -> tuple[OpenDebit, ...]:
        """The invoices a notice names, and a reply to it pays: the overdue ones; with none overdue, the open ones."""
        return self.overdue(as_of) or self.debits

    @property
    def left_out(self) -> str:
        parts = [f"{self.held} in a scheduled or pending payment" if self.held else "",
                 f"{self.disputed} in dispute" if self.disputed else "",
                 f"{len(self.held_off)} held off ({'; '.join(f'{d.number} {d.held_off}' for d in self.held_off)})"
                 if self.held_off else ""]
        return ", ".join(p for p in parts if p)


def ask_for(currency: str, ledger_balance_minor: int, debits: Iterable[OpenDebit]) -> Ask:
    """Leave out invoices in a payment or held off (on hold), and amounts in dispute, from the balance and from the
    most overdue alike: an invoice wholly in dispute is not asked for; one partly in dispute, for the rest."""
    mine = [d for d in debits if d.currency == currency]

    def by_due(found: Iterable[OpenDebit]) -> tuple[OpenDebit, ...]:
        return tuple(sorted(found, key=lambda d: (d.due_date, d.number)))

    asked = by_due(d for d in mine if not d.held and not d.held_off and d.asked_minor > 0)
    left_out = sum(d.open_minor if d.held or d.held_off else min(d.disputed_minor, d.open_minor) for d in mine)
    in_dispute = by_due(d for d in mine if d.disputed_minor > 0 and not d.held and not d.held_off)
    return Ask(currency, ledger_balance_minor - left_out, asked, held=sum(d.held for d in mine),
               disputed=len(in_dispute), in_dispute=in_dispute,
               held_off=by_due(d for d in mine if d.held_off and not d.held))


def most_severe(stages: Sequence[StagePolicy], asks: Iterable[Ask], as_of: dt.date,
                home_currency: str) -> tuple[Ask, StagePolicy] | None:
    """One notice per customer: the currency whose stage is most severe (the account's own on a tie)."""
    staged = [(a, s) for a in asks if (s := stage_for(stages, a.balance_minor, a.most_overdue_days(as_of)))]
    if not staged:
        return None
    return max(staged, key=lambda pair: (pair[1].stage, pair[0].currency == home_currency,
                                         pair[0].most_overdue_days(as_of) or 0))


# -- when -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LastNotice:
    stage: int
    run_date: dt.date


def held_back_by_cadence(stage: StagePolicy, last: LastNotice | None, as_of: dt.date) -> str | None:
    """Why the notice must wait, or None when it may go now.

    Escalation to a more severe stage goes at once. The same stage (or a milder one, after the invoices
    behind a severe notice were paid) waits `cadence_days` from the last notice.
    """
    if last is None or stage.stage > last.stage:
        return None
    next_on = last.run_date + dt.timedelta(days=stage.cadence_days)
    if as_of >= next_on:
        return None
    return (f"stage {last.stage} notice sent {last.run_date.isoformat()}; next not before "
            f"{next_on.isoformat()} (every {stage.cadence_days} days)")


def promise_holds_off(promised_for: dt.date, grace_days: int, as_of: dt.date) -> str | None:
    """A promise to pay holds dunning off until its date plus grace; after that dunning resumes."""
    until = promised_for + dt.timedelta(days=grace_days)
    if as_of > until:
        return None
    return f"promised to pay by {promised_for.isoformat()}; held off until {until.isoformat()}"

