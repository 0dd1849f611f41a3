"""The database triggers that keep `customer_balances` in step with the ledger, in the same transaction as every
write to documents, payments and allocations, whoever writes: a posting, a settlement, an ERP import, a finance
charge inserted in bulk, a hand-written UPDATE. Written once here for both backends (a PL/pgSQL function per
table on PostgreSQL, a trigger per event on SQLite, the same statements inside).

What each row adds to its customer and currency:
- a document not voided with something open: its open amount to a bucket by its due date as of the aging day
  (`balance_aging`; invoices, finance charges; and the earliest due date), or to `credit_minor` (credit memos);
- a succeeded payment: its unapplied amount;
- every entry: its dates to `latest_on` (a document's date; a payment's receipt and return, once it has
  succeeded; an allocation's application and reversal, on the invoice's, the credit memo's and the payment's
  customer). An update takes the old row's share away and adds the new one's.

A migration that rebuilds one of these tables on SQLite (Alembic's batch mode copies it to a new table) drops
its triggers: it must call `create_triggers` again. `aragent books check` finds any drift.
"""

# The statements are put together from this module's own names and constants, never from input.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection

from core.ledger.models import BALANCE_BUCKET_COLUMNS, BALANCES_NEVER_AGED
from core.ledger.rules import BUCKETS, bucket_due_range

TABLE = "customer_balances"
NEVER_AGED = f"DATE '{BALANCES_NEVER_AGED.isoformat()}'"
COUNTED_STATUSES = "('succeeded', 'returned', 'refunded', 'disputed')"  # a payment that ever counted on a day


def _bucket_days() -> list[tuple[int | None, int | None]]:
    """Each bucket's due dates as days before the aging day: (from, before), as core.ledger.rules has them."""
    day = dt.date(2000, 1, 1)

    def before(bound: dt.date | None) -> int | None:
        return None if bound is None else (day - bound).days

    return [(before(since), before(until)) for since, until in (bucket_due_range(b, day) for b in BUCKETS)]


@dataclass(frozen=True)
class _Step:
    """One statement of a trigger, and the condition on the written row under which it does anything: SQLite
    runs the statement (the condition is in its WHERE too), PostgreSQL only when the condition holds."""

    when: str
    sql: str


@dataclass(frozen=True)
class _Dialect:
    postgres: bool

    @property
    def aged_on(self) -> str:
        """The aging day: on PostgreSQL a variable the function reads first (AGED_ON_FIRST)."""
        return "aged" if self.postgres else \
            f"(SELECT coalesce(max(aged_on), '{BALANCES_NEVER_AGED.isoformat()}') FROM balance_aging)"

    def days_before(self, days: int) -> str:
        if days == 0:
            return self.aged_on
        return f"{self.aged_on} - {days}" if self.postgres else f"date({self.aged_on}, '-{days} days')"

    def later(self, first: str, second_or_null: str) -> str:
        """The later of a date and a date that may be NULL."""
        if self.postgres:
            return f"GREATEST({first}, {second_or_null})"
        return f"max({first}, coalesce({second_or_null}, {first}))"

    def touch(self, when: str, keys: str, day: str) -> list[_Step]:
        """Make sure a balance exists for each (customer_id, currency) of `keys` and is dated `day` at least.
        Moving the date on is an UPDATE that most postings find nothing to do for; only a customer's first entry
        in a currency inserts."""
        missing = (f"NOT EXISTS (SELECT 1 FROM {TABLE} b "
                   "WHERE b.customer_id = k.customer_id AND b.currency = k.currency)")
        new = (f"SELECT c.code, k.currency, c.id, {day} FROM ({keys}) k JOIN customers c ON c.id = k.customer_id "
               f"WHERE {missing} AND {when}")
        columns = f"{TABLE} (customer_code, currency, customer_id, latest_on)"
        insert = f"INSERT INTO {columns} {new} ON CONFLICT DO NOTHING" if self.postgres else \
            f"INSERT OR IGNORE INTO {columns} {new}"
        later = (f"UPDATE {TABLE} SET latest_on = {day} "
                 f"WHERE latest_on < {day} AND (customer_id, currency) IN ({keys}) AND {when}")
        return [_Step(when, later), _Step(when, insert)]


def _key(row: str) -> str:
    return f"customer_id = {row}.customer_id AND currency = {row}.currency"


def _document(d: _Dialect, row: str, sign: str) -> list[_Step]:
    """`row`'s share (OLD or NEW) taken away (sign '-') or added ('+')."""
    counts = f"{row}.open_minor > 0 AND NOT {row}.voided"
    amount = f"{sign} {row}.open_minor"
    credit, debit = f"{row}.kind = 'credit' AND {counts}", f"{row}.kind <> 'credit' AND {counts}"
    buckets = []
    for column, (since, before) in zip(BALANCE_BUCKET_COLUMNS, _bucket_days(), strict=True):
        due = [f"{row}.due_date >= {d.days_before(since)}"] if since is not None else []
        due += [f"{row}.due_date < {d.days_before(before)}"] if before is not None else []
        buckets.append(f"{column} = {column} + CASE WHEN {' AND '.join(due)} THEN {amount} ELSE 0 END")
    if sign == "+":
        buckets.append(f"oldest_due = CASE WHEN oldest_due IS NULL OR {row}.due_date < oldest_due "
                       f"THEN {row}.due_date ELSE oldest_due END")
    steps = [
        _Step(credit, f"UPDATE {TABLE} SET credit_minor = credit_minor {amount} WHERE {_key(row)} AND {credit}"),
        _Step(debit, f"UPDATE {TABLE} SET {', '.join(buckets)} WHERE {_key(row)} AND {debit}"),
    ]
    if sign == "+":
        return steps
    # The earliest due date went: the next one is read off ix_documents_open_debits (the table is already written).
    earliest = (f"SELECT min(due_date) FROM documents WHERE customer_id = {row}.customer_id "
                f"AND currency = {row}.currency AND open_minor > 0 AND kind <> 'credit' AND NOT voided")
    again = (f"UPDATE {TABLE} SET oldest_due = ({earliest}) "
             f"WHERE {_key(row)} AND oldest_due = {row}.due_date AND {debit}")
    return [*steps, _Step(debit, again)]


def _payment(d: _Dialect, row: str, sign: str) -> list[_Step]:
    counts = f"{row}.status = 'succeeded' AND {row}.unapplied_minor <> 0"
    unapplied = _Step(counts, f"UPDATE {TABLE} SET unapplied_minor = unapplied_minor {sign} {row}.unapplied_minor "
                              f"WHERE {_key(row)} AND {counts}")
    if sign == "-":
        return [unapplied]
    dated = f"{row}.status IN {COUNTED_STATUSES}"
    keys = f"SELECT {row}.customer_id AS customer_id, {row}.currency AS currency"
    return [*d.touch(dated, keys, d.later(f"{row}.received_on", f"{row}.returned_on")), unapplied]


def _allocation(d: _Dialect, row: str) -> list[_Step]:
    keys = (f"SELECT customer_id, currency FROM documents WHERE id IN ({row}.invoice_id, {row}.credit_id) "
            f"UNION SELECT customer_id, currency FROM payments WHERE id = {row}.payment_id")
    return d.touch("true", keys, d.later(f"{row}.applied_on", f"{row}.reversed_on"))


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[str, ...]  # an update of any of these may change a balance

    def old(self, d: _Dialect) -> list[_Step]:
        if self.name == "documents":
            return _document(d, "OLD", "-")
        return _payment(d, "OLD", "-") if self.name == "payments" else []

    def new(self, d: _Dialect) -> list[_Step]:
        if self.name == "documents":
            keys = "SELECT NEW.customer_id AS customer_id, NEW.currency AS currency"
            return [*d.touch("true", keys, "NEW.doc_date"), *_document(d, "NEW", "+")]
        return _payment(d, "NEW", "+") if self.name == "payments" else _allocation(d, "NEW")


TABLES = (
    _Table("documents", ("customer_id", "currency", "kind", "doc_date", "due_date", "open_minor", "voided")),
    _Table("payments", ("customer_id", "currency", "status", "unapplied_minor", "received_on", "returned_on")),
    _Table("allocations", ("payment_id", "credit_id", "invoice_id", "applied_on", "reversed_on")),
)
RENAMED = "UPDATE customer_balances SET customer_code = NEW.code WHERE customer_id = NEW.id"


def _changed(d: _Dialect, columns: tuple[str, ...]) -> str:
    if d.postgres:
        return f"({', '.join(f'OLD.{c}' for c in columns)}) IS DISTINCT FROM ({', '.join(f'NEW.{c}' for c in columns)})"
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


# The aging day, read after taking the balances' write lock: `age_balances` holds the stronger lock that waits
# for every posting holding this one, and the next statement of a function sees what committed before it began.
# So a posting counts from the day before a move or the day after, whole. (Postings run at READ COMMITTED; at
# REPEATABLE READ the read below would see the day the transaction began with.)
AGED_ON_FIRST = (f"LOCK TABLE {TABLE} IN ROW EXCLUSIVE MODE;\n  "
                 "SELECT aged_on INTO aged FROM balance_aging;\n  "
                 f"aged := coalesce(aged, {NEVER_AGED});\n  ")


def _plpgsql(steps: list[_Step]) -> str:
    return "\n    ".join(f"{step.sql};" if step.when == "true" else f"IF {step.when} THEN {step.sql}; END IF;"
                          for step in steps)


def _postgres_ddl() -> list[str]:
    d = _Dialect(postgres=True)
    ddl = []
    for table in TABLES:
        function = f"{TABLE}_on_{table.name}"
        old, new = _plpgsql(table.old(d)), _plpgsql(table.new(d))
        body = (f"IF TG_OP <> 'INSERT' THEN\n    {old}\n  END IF;\n  " if old else "") + \
               f"IF TG_OP <> 'DELETE' THEN\n    {new}\n  END IF;\n  RETURN NULL;"
        if table.name == "documents":
            body = AGED_ON_FIRST + body
        ddl.append(f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
                   f"{'DECLARE aged date;' if table.name == 'documents' else ''}\nBEGIN\n  {body}\nEND\n$body$")
        events = "INSERT OR DELETE" if old else "INSERT"
        ddl.append(f"CREATE TRIGGER {function} AFTER {events} ON {table.name} FOR EACH ROW "
                   f"EXECUTE FUNCTION {function}()")
        ddl.append(f"CREATE TRIGGER {function}_update AFTER UPDATE OF {', '.join(table.columns)} ON {table.name} "
                   f"FOR EACH ROW WHEN ({_changed(d, table.columns)}) EXECUTE FUNCTION {function}()")
    ddl.append(f"CREATE FUNCTION {TABLE}_on_customers() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
               f"BEGIN\n  {RENAMED};\n  RETURN NULL;\nEND\n$body$")
    ddl.append(f"CREATE TRIGGER {TABLE}_on_customers AFTER UPDATE OF code ON customers FOR EACH ROW "
               f"WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION {TABLE}_on_customers()")
    return ddl


def _sqlite_ddl() -> list[str]:
    d = _Dialect(postgres=False)
    ddl = []

    def trigger(name: str, event: str, steps: list[_Step]) -> None:
        if steps:
            body = ";\n  ".join(step.sql for step in steps)
            ddl.append(f"CREATE TRIGGER {name} AFTER {event} BEGIN\n  {body};\nEND")

    for table in TABLES:
        name = f"{TABLE}_on_{table.name}"
        trigger(f"{name}_insert", f"INSERT ON {table.name}", table.new(d))
        trigger(f"{name}_update", f"UPDATE OF {', '.join(table.columns)} ON {table.name} "
                                  f"WHEN {_changed(d, table.columns)}", [*table.old(d), *table.new(d)])
        trigger(f"{name}_delete", f"DELETE ON {table.name}", table.old(d))
    trigger(f"{TABLE}_on_customers_update", "UPDATE OF code ON customers", [_Step("true", RENAMED)])
    return ddl


def trigger_ddl(postgres: bool) -> list[str]:
    """The statements that create the triggers (and on PostgreSQL their functions)."""
    return _postgres_ddl() if postgres else _sqlite_ddl()


def create_triggers(conn: Connection) -> None:
    for statement in trigger_ddl(conn.dialect.name == "postgresql"):
        conn.exec_driver_sql(statement)


def drop_triggers(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        for table in (*[t.name for t in TABLES], "customers"):
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {TABLE}_on_{table}() CASCADE")  # and its triggers
        return
    for table in (*[t.name for t in TABLES], "customers"):
        for event in ("insert", "update", "delete"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {TABLE}_on_{table}_{event}")
