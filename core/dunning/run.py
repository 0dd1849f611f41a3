"""The dunning run: every customer with something open is evaluated, and those who owe get one notice, at
the most severe stage of their class's policy, through the first channel they opted in to and can be
reached on. The messages wait in the outbox (pending, unless the stage auto-approves) naming the customer's
latest statement, which the dispatcher attaches when it sends them within the customer's quiet hours.

The checks, in order, each reported as the skip reason when it fails: a balance above zero (credits and
unapplied cash included); a class that allows automatic statements; an opted-in channel with an address;
not already queued for the date; no promise to pay still running; something left to ask for once
invoices in a scheduled or pending payment and amounts in dispute are left out; the stage's cadence.
A hold staff put (`core.dunning.held_off`, read once per run) skips the customer after the balance check, or
leaves its invoice out of what is asked for, and the reason says so.

One read finds every position (`core.ledger.aging_report`: the balances kept per customer and currency, aged
to the run's date first). The customers who pass the first checks are taken in chunks, each one transaction
of a handful of set-based reads (`core.dunning.reads`), texts from templates compiled once per run
(`core.dunning.texts`) and bulk inserts (`core.dunning.writes`). A rerun of the date queues nothing twice:
the outbox's dedupe key and the notice's unique key see to it, also against another process running the same
date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

# The follow-ups live beside the run; callers find them here.
from core.dunning.cancel import cancel_paid_dunning as cancel_paid_dunning
from core.dunning.chunk import RunContext, dun_chunk
from core.dunning.held_off import HeldOff, held_off
from core.dunning.policy import PolicyBook, load_policies
from core.dunning.promises import cancel_promise as cancel_promise
from core.dunning.promises import record_promise as record_promise
from core.dunning.reads import Account, accounts
from core.dunning.result import Candidate, DunningResult, first_checks
from core.dunning.texts import NoticeTexts
from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.errors import NotFound
from core.kernel.runtime import Runtime

# A run makes objects by the hundred thousand and keeps them in no cycle; CPython's collector would walk the
# whole heap again and again meanwhile (a tenth of the run). The ledger's reports pause it for the same reason.
from core.ledger import age_balances
from core.ledger.book import Aging, aging_report, no_gc_pauses

__all__ = ["DunningResult", "cancel_paid_dunning", "cancel_promise", "record_promise", "run_dunning"]

# Each chunk's queries name its customers a few times over; SQLite takes at most 32,766 parameters.
CHUNK = 2000


def run_dunning(services: Runtime, as_of: dt.date, actor: Actor, *,
                customer_codes: Sequence[str] | None = None) -> list[DunningResult]:
    """Evaluate every customer with something open (or those of `customer_codes`) and queue their notices.

    Returns one result per customer, in customer code order.
    """
    if customer_codes is None:
        # The day's cycle: the whole book's aging comes off the kept balances once they count from today.
        age_balances(services.db.uow(), as_of, forward_only=True)
    with no_gc_pauses():
        with services.db.uow() as uow:
            book = accounts(uow.session, customer_codes)
            if customer_codes is not None and (unknown := sorted(set(customer_codes) - set(book))):
                raise NotFound("customer", ", ".join(unknown))
            positions = _positions(aging_report(uow.session, as_of, _ids(book, customer_codes)))
            policies, texts = load_policies(uow.session), NoticeTexts.load(uow.session)
            held = held_off(uow.session, _ids(book, customer_codes), as_of)
            results, candidates = _first_checks(policies, book, positions, customer_codes, held)
        run = RunContext(services.settings, as_of, actor, texts, held.invoices)
        for start in range(0, len(candidates), CHUNK):
            with services.db.uow() as uow:
                results += dun_chunk(uow.session, run, candidates[start:start + CHUNK])
                uow.commit()
    _record_run(services, run, results)
    return sorted(results, key=lambda r: r.customer)


def _ids(book: dict[str, Account], codes: Sequence[str] | None) -> list[int] | None:
    return None if codes is None else [book[code].id for code in codes]


def _positions(agings: Iterable[Aging]) -> dict[str, list[Aging]]:
    by_code: dict[str, list[Aging]] = defaultdict(list)
    for aging in agings:
        by_code[aging.customer_code].append(aging)
    return by_code


def _first_checks(policies: PolicyBook, book: dict[str, Account], positions: dict[str, list[Aging]],
                  codes: Sequence[str] | None, held: HeldOff) -> tuple[list[DunningResult], list[Candidate]]:
    """Customers the ledger pass, the account and the holds settle at once, and the candidates for the chunks."""
    results: list[DunningResult] = []
    candidates: list[Candidate] = []
    for code in sorted(positions if codes is None else set(codes)):
        account = book[code]
        outcome = first_checks(policies, account, positions.get(code, []), held.customers.get(account.id))
        if isinstance(outcome, DunningResult):
            results.append(outcome)
        else:
            candidates.append(outcome)
    return results, candidates


def _record_run(services: Runtime, run: RunContext, results: list[DunningResult]) -> None:
    queued = sum(r.status == "queued" for r in results)
    with services.db.uow() as uow:
        audit.record(uow.session, run.actor, "dunning.run", customer_id=None, subject=f"dunning:{run.as_of}",
                     evaluated=len(results), queued=queued, skipped=len(results) - queued)
        uow.commit()
