"""One chunk of customers' dunning in one transaction: the chunk's reads, each customer's checks, the writes.

Every customer comes out as a `DunningResult`: queued, or skipped with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from jinja2 import TemplateError
from sqlalchemy.orm import Session

from core.documents import link_secret, pay_link
from core.dunning.models import DunningNotice
from core.dunning.reach import pick_channel
from core.dunning.reads import contact_points, last_notices, latest_statements, notices_on, open_debits, open_promises
from core.dunning.result import Candidate, DunningResult, skipped
from core.dunning.rules import LastNotice, OpenDebit, ask_for, held_back_by_cadence, most_severe, promise_holds_off
from core.dunning.texts import Addressee, NoticeTexts, notice_context
from core.dunning.writes import QueuedNotice, write_notices
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.errors import Invalid
from core.outbox import Reach

# The outbox's own recipient rules, so a bulk-written message meets the same checks as a queued one.
from core.outbox.lifecycle import checked_recipient


@dataclass(frozen=True)
class RunContext:
    settings: Settings
    as_of: dt.date
    actor: Actor
    texts: NoticeTexts
    held_invoices: Mapping[int, str] = field(default_factory=dict)  # invoice id → why it is held off (held_off)

    @cached_property
    def link_secret(self) -> str:
        """Read once per run: each notice carries a "Pay online" link signed with it."""
        return link_secret(self.settings)


@dataclass(frozen=True)
class _Reads:
    """What the chunk's second round of reads found, by customer id."""

    debits: dict[int, list[OpenDebit]]
    last: dict[int, LastNotice]
    statements: dict[int, tuple[int, dt.date]]


def _held_off(run: RunContext, c: Candidate, reach: Reach, promise: tuple[dt.date, int] | None,
              queued: DunningNotice | None) -> DunningResult | None:
    """Why the customer gets nothing today without looking at its invoices; None when it may."""
    picked = pick_channel(c.policy.channels, c.account.delivery, reach)
    if isinstance(picked, str):
        return skipped(c.ledger_view, picked)
    if queued is not None:
        return replace(c.ledger_view, stage=queued.stage, balance_minor=queued.balance_minor,
                       currency=queued.currency, days_over_terms=queued.days_over_terms, channel=queued.channel,
                       reason=f"already queued for {run.as_of.isoformat()}")
    if promise is not None and (why := promise_holds_off(promise[0], promise[1], run.as_of)):
        return skipped(c.ledger_view, why)
    return None


def _notice(run: RunContext, c: Candidate, reach: Reach, reads: _Reads) -> DunningResult | QueuedNotice:
    """The customer's notice, or why there is none once held and disputed invoices are left out."""
    cid, as_of = c.account.id, run.as_of
    asks = [ask_for(p.currency, p.balance_minor, reads.debits.get(cid, ())) for p in c.positions]
    chosen = most_severe(c.policy.stages, asks, as_of, c.account.currency)
    if chosen is None:
        ask = next((a for a in asks if a.currency == c.account.currency), asks[0])
        return skipped(c.ledger_view, f"nothing left to ask for: {ask.left_out or 'no open invoice'}", stage=None,
                       balance_minor=ask.balance_minor, currency=ask.currency)
    ask, stage = chosen
    days = ask.most_overdue_days(as_of)
    assert days is not None  # a stage is chosen only for a position with an open debit
    view = replace(c.ledger_view, stage=stage.stage, balance_minor=ask.balance_minor, currency=ask.currency,
                   days_over_terms=days)
    picked = pick_channel(stage.channels, c.account.delivery, reach)
    if isinstance(picked, str):
        return skipped(view, picked)
    channel, address = picked
    try:
        recipient = checked_recipient(channel, address)
    except Invalid as exc:
        return skipped(view, str(exc), channel=channel)
    if why := held_back_by_cadence(stage, reads.last.get(cid), as_of):
        return skipped(view, why, channel=channel)
    render = run.texts.renderer(stage.template, channel)
    if isinstance(render, str):
        return skipped(view, render, channel=channel)
    statement = reads.statements.get(cid)
    context = notice_context(run.settings, Addressee(c.account.code, c.account.name), stage, ask, as_of,
                             statement[1] if statement else None,
                             pay_link(run.settings, c.account.code, secret=run.link_secret))
    try:
        texts = render(context)
    except TemplateError as exc:
        return skipped(view, f"template {stage.template}.{channel}: {exc.message}", channel=channel)
    return QueuedNotice(cid, c.account.code, stage, ask, days, channel, recipient, texts,
                        statement[0] if statement else None)


def _queued_result(c: Candidate, n: QueuedNotice, last: LastNotice | None, written: bool,
                   as_of: dt.date) -> DunningResult:
    view = replace(c.ledger_view, stage=n.stage.stage, balance_minor=n.ask.balance_minor, currency=n.ask.currency,
                   days_over_terms=n.days_over_terms, channel=n.channel)
    if not written:  # another run of the same date queued it a moment ago
        return skipped(view, f"already queued for {as_of.isoformat()}")
    why = ("first notice" if last is None else f"escalated from stage {last.stage}" if n.stage.stage > last.stage
           else f"last notice {last.run_date.isoformat()}")
    left_out = f"; left out: {n.ask.left_out}" if n.ask.left_out else ""
    return replace(view, status="queued", reason=why + left_out)


def _with_holds(debits: dict[int, list[OpenDebit]], held: Mapping[int, str]) -> dict[int, list[OpenDebit]]:
    """The open debits, those dunning is held off marked with why (few: only customers with one are rebuilt)."""
    if not held:
        return debits
    for customer_id, found in debits.items():
        if any(d.id in held for d in found):
            debits[customer_id] = [d._replace(held_off=held[d.id]) if d.id in held else d for d in found]
    return debits


def dun_chunk(session: Session, run: RunContext, candidates: list[Candidate]) -> list[DunningResult]:
    """The chunk's reads in two rounds (the second only for customers nothing held off), then its writes."""
    ids = [c.account.id for c in candidates]
    contacts, promises = contact_points(session, ids), open_promises(session, ids)
    reach = {c.account.id: Reach(tuple(contacts.get(c.account.id, ())), c.account.fax) for c in candidates}
    queued_today = notices_on(session, ids, run.as_of)
    results: list[DunningResult] = []
    ready: list[Candidate] = []
    for c in candidates:
        held_off = _held_off(run, c, reach[c.account.id], promises.get(c.account.id), queued_today.get(c.account.id))
        if held_off is None:
            ready.append(c)
        else:
            results.append(held_off)
    ids = [c.account.id for c in ready]
    reads = _Reads(_with_holds(open_debits(session, ids, run.as_of, run.settings.dispute_reasons), run.held_invoices),
                   last_notices(session, ids, run.as_of), latest_statements(session, ids, run.as_of))
    notices: list[tuple[Candidate, QueuedNotice]] = []
    for c in ready:
        outcome = _notice(run, c, reach[c.account.id], reads)
        if isinstance(outcome, QueuedNotice):
            notices.append((c, outcome))
        else:
            results.append(outcome)
    written = write_notices(session, [n for _, n in notices], run.as_of, run.actor)
    results += [_queued_result(c, n, reads.last.get(c.account.id), c.account.id in written, run.as_of)
                for c, n in notices]
    return results
