"""The kept balances held against the ledger (`aragent books check`): recomputed from the documents, payments and
allocations with the ledger's own rules, compared balance by balance, rewritten when asked; and built afresh
(the migration that brought them, a bulk-loaded book).

The recomputation shares nothing with the triggers that keep the balances (SQL there; grouped reads and
`core.ledger.rules` here), so each checks the other. A kept `latest_on` later than the ledger's is no drift: the
triggers only ever move it on (a document's date corrected back leaves it), and a later one only sends the
reports of the days between to the ledger.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Connection, Date, cast, delete, func, insert, select, union_all, update

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.ledger.balance_triggers import TABLE, trigger_ddl
from core.ledger.models import (
    BALANCE_BUCKET_COLUMNS,
    BALANCES_NEVER_AGED,
    Allocation,
    BalanceAging,
    Customer,
    CustomerBalance,
    Document,
    Payment,
)
from core.ledger.rules import BUCKETS, aging_bucket, days_past_due

Key = tuple[int, str]  # customer id, currency
AMOUNTS = (*BALANCE_BUCKET_COLUMNS, "credit_minor", "unapplied_minor")
COMPARED = (*AMOUNTS, "oldest_due", "latest_on", "customer_code")
COUNTED_STATUSES = ("succeeded", "returned", "refunded", "disputed")  # a payment that ever counted on a day
kept = CustomerBalance.__table__

BOOKS_CHECK = Actor("books check", "system")


@dataclass(frozen=True)
class BalanceDrift:
    """One kept balance that is not what the ledger says: (what, kept, ledger) for each figure that differs."""

    customer_code: str
    currency: str
    differences: tuple[tuple[str, object, object], ...]


@dataclass(frozen=True)
class BalanceCheck:
    checked: int  # balances, kept or owed by the ledger
    drifts: tuple[BalanceDrift, ...]
    missing_triggers: tuple[str, ...]  # without them the balances drift from the next posting on
    fixed: bool = False

    @property
    def clean(self) -> bool:
        return not self.drifts and not self.missing_triggers


def check_balances(uow: UnitOfWork, *, fix: bool = False, actor: Actor = BOOKS_CHECK) -> BalanceCheck:
    """Every kept balance against the ledger; with `fix`, the drifted ones rewritten from it, each rewrite
    audited as `actor`'s (the figures before and after)."""
    with uow:
        conn = uow.session.connection(execution_options={"isolation_level": "REPEATABLE READ"}) \
            if uow.session.get_bind().dialect.name == "postgresql" else uow.session.connection()
        if fix and conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")  # no posting meanwhile
        stored = {(row.customer_id, row.currency): row._asdict() for row in conn.execute(select(kept))}
        ledger = ledger_balances(conn, conn.scalar(select(BalanceAging.aged_on)) or BALANCES_NEVER_AGED)
        keys = sorted({*stored, *ledger})
        codes = _codes(conn, keys)
        drifts = [_drift(codes[key], key, stored.get(key), ledger.get(key)) for key in keys]
        found = tuple(d for d in drifts if d is not None)
        unguarded = missing_triggers(conn)
        if fix and found:
            _rewrite(conn, [key for key, d in zip(keys, drifts, strict=True) if d is not None], stored, ledger, codes)
            for key, drift in zip(keys, drifts, strict=True):
                if drift is not None:
                    audit.record(uow.session, actor, "books.balance_fixed", customer_id=key[0],
                                 subject=f"balance:{drift.customer_code}:{drift.currency}",
                                 differences=[[name, _shown(kept), _shown(want)]
                                              for name, kept, want in drift.differences])
            uow.commit()
        return BalanceCheck(len(drifts), found, unguarded, fixed=fix and bool(found))


def _shown(value: Any) -> str | None:
    return None if value is None else str(value)


def rebuild_balances(conn: Connection, aged_on: dt.date) -> int:
    """Every kept balance afresh from the ledger, bucketed as of `aged_on`, in the caller's transaction."""
    ledger = ledger_balances(conn, aged_on)
    codes = _codes(conn, ledger)
    conn.execute(delete(CustomerBalance))
    conn.execute(delete(BalanceAging))
    conn.execute(insert(BalanceAging).values(id=1, aged_on=aged_on))
    # In the reports' order: PostgreSQL reads them in it off the primary key only while they are stored in it.
    rows = sorted((_row(key, codes[key], figures) for key, figures in ledger.items()),
                  key=lambda row: (row["customer_code"], row["currency"]))
    if rows:
        conn.execute(insert(CustomerBalance), rows)
    return len(rows)


def missing_triggers(conn: Connection) -> tuple[str, ...]:
    wanted = re.findall(r"CREATE TRIGGER (\w+)", "\n".join(trigger_ddl(conn.dialect.name == "postgresql")))
    catalog = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal" if conn.dialect.name == "postgresql" \
        else "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    present = set(conn.exec_driver_sql(catalog).scalars())
    return tuple(name for name in wanted if name not in present)


# -- the ledger's figures -------------------------------------------------------------------------------


def _empty() -> dict[str, Any]:
    return {**dict.fromkeys(AMOUNTS, 0), "oldest_due": None, "latest_on": None}


def ledger_balances(conn: Connection, aged_on: dt.date) -> dict[Key, dict[str, Any]]:
    """Per customer and currency, the kept figures as the ledger has them, the buckets as of `aged_on`."""
    d, p = Document.__table__, Payment.__table__
    figures: dict[Key, dict[str, Any]] = defaultdict(_empty)
    counts = [d.c.open_minor > 0, d.c.voided.is_(False)]
    debits = select(d.c.customer_id, d.c.currency, d.c.due_date, cast(func.sum(d.c.open_minor), BigInteger)) \
        .where(*counts, d.c.kind != "credit").group_by(d.c.customer_id, d.c.currency, d.c.due_date)
    for customer_id, currency, due, minor in conn.execute(debits):
        line = figures[(customer_id, currency)]
        bucket = BUCKETS.index(aging_bucket(days_past_due(due, aged_on)))
        line[BALANCE_BUCKET_COLUMNS[bucket]] += minor
        line["oldest_due"] = due if line["oldest_due"] is None else min(due, line["oldest_due"])
    credits = select(d.c.customer_id, d.c.currency, cast(func.sum(d.c.open_minor), BigInteger)) \
        .where(*counts, d.c.kind == "credit").group_by(d.c.customer_id, d.c.currency)
    unapplied = select(p.c.customer_id, p.c.currency, cast(func.sum(p.c.unapplied_minor), BigInteger)) \
        .where(p.c.status == "succeeded", p.c.unapplied_minor != 0).group_by(p.c.customer_id, p.c.currency)
    for name, query in (("credit_minor", credits), ("unapplied_minor", unapplied)):
        for customer_id, currency, minor in conn.execute(query):
            figures[(customer_id, currency)][name] += minor
    for customer_id, currency, day in conn.execute(_latest_days()):
        figures[(customer_id, currency)]["latest_on"] = day
    return dict(figures)


def _latest_days() -> Any:
    """(customer id, currency, the latest day) over every entry that dates a balance."""
    d, p, a = Document.__table__, Payment.__table__, Allocation.__table__
    counted = p.c.status.in_(COUNTED_STATUSES)
    parts = [select(d.c.customer_id, d.c.currency, d.c.doc_date.label("day")),
             *[select(p.c.customer_id, p.c.currency, day.label("day")).where(counted)
               for day in (p.c.received_on, p.c.returned_on)]]
    for source, on in ((d, d.c.id == a.c.invoice_id), (d, d.c.id == a.c.credit_id), (p, p.c.id == a.c.payment_id)):
        parts += [select(source.c.customer_id, source.c.currency, day.label("day")).select_from(a.join(source, on))
                  for day in (a.c.applied_on, a.c.reversed_on)]
    days = union_all(*parts).subquery("days")
    return select(days.c.customer_id, days.c.currency, func.max(days.c.day, type_=Date)) \
        .group_by(days.c.customer_id, days.c.currency)


def _codes(conn: Connection, keys: Iterable[Key]) -> dict[Key, str]:
    ids = {customer_id for customer_id, _ in keys}
    code_of = {row[0]: row[1] for row in conn.execute(select(Customer.id, Customer.code))} if ids else {}
    return {key: code_of.get(key[0], f"#{key[0]}") for key in keys}


def _drift(code: str, key: Key, stored: dict[str, Any] | None, ledger: dict[str, Any] | None) -> BalanceDrift | None:
    want = ledger or _empty()
    if stored is None:
        if ledger is None:
            return None
        return BalanceDrift(code, key[1], (("balance", None, "kept by the ledger's entries"),))
    differences = [(name, stored[name], want[name]) for name in (*AMOUNTS, "oldest_due") if stored[name] != want[name]]
    if want["latest_on"] is not None and stored["latest_on"] < want["latest_on"]:
        differences.append(("latest_on", stored["latest_on"], want["latest_on"]))
    if stored["customer_code"] != code:
        differences.append(("customer_code", stored["customer_code"], code))
    return BalanceDrift(code, key[1], tuple(differences)) if differences else None


def _row(key: Key, code: str, figures: dict[str, Any]) -> dict[str, Any]:
    # A customer and currency the ledger names has an entry, and an entry a day.
    return {**figures, "customer_id": key[0], "currency": key[1], "customer_code": code}


def _rewrite(conn: Connection, keys: list[Key], stored: dict[Key, dict[str, Any]], ledger: dict[Key, dict[str, Any]],
             codes: dict[Key, str]) -> None:
    for key in keys:
        want = ledger.get(key) or _empty()
        if key not in stored:
            conn.execute(insert(CustomerBalance).values(_row(key, codes[key], want)))
            continue
        latest = max(day for day in (stored[key]["latest_on"], want["latest_on"]) if day is not None)
        conn.execute(update(CustomerBalance).where(CustomerBalance.customer_id == key[0],
                                                   CustomerBalance.currency == key[1]).values(
            **{name: want[name] for name in (*AMOUNTS, "oldest_due")}, latest_on=latest, customer_code=codes[key]))
