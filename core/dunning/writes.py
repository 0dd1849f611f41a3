"""Writing a chunk's dunning notices: outbox messages and notice rows in bulk, in the chunk's transaction.

The same rules as `core.outbox.lifecycle`, a batch at a time: a dedupe key already queued (a rerun of the date,
or another process running the same date right now) inserts nothing and is reported back as not inserted,
never as an error that would roll the chunk back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from psycopg.sql import SQL, Composable, Identifier
from sqlalchemy import JSON, Table
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from core.dunning.models import DunningNotice
from core.dunning.rules import Ask, StagePolicy
from core.kernel.audit import Actor
from core.outbox.models import OutboxMessage

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[assignment]
NOTICES: Table = DunningNotice.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class QueuedNotice:
    """A notice ready to be written: who, what stage and channel, the texts, and what it asks for."""

    customer_id: int
    customer_code: str
    stage: StagePolicy
    ask: Ask
    days_over_terms: int
    channel: str
    recipient: str
    texts: dict[str, str]
    statement_id: int | None


def dedupe_key(customer_code: str, as_of: dt.date, channel: str) -> str:
    return f"dunning:{customer_code}:{as_of.isoformat()}:{channel}"


def insert_new(session: Session, table: Table, rows: list[dict], *returning: str) -> list[tuple]:
    """INSERT … ON CONFLICT DO NOTHING of `rows` (all with the same keys): a duplicate key is skipped, not an
    error. Returns the `returning` columns of the rows inserted."""
    if session.get_bind().dialect.name != "sqlite":
        return _insert_arrays(session, table, rows, returning)
    statement = sqlite.insert(table).on_conflict_do_nothing()
    if not returning:
        session.execute(statement, rows)
        return []
    return [tuple(row) for row in session.execute(statement.returning(*(table.c[n] for n in returning)), rows)]


def _insert_arrays(session: Session, table: Table, rows: list[dict], returning: tuple[str, ...]) -> list[tuple]:
    """PostgreSQL: one statement for the whole chunk, each column one array unnested beside the others.

    The arrays go in binary (psycopg's %b), straight on the session's connection, inside its transaction:
    SQLAlchemy would send them as text, and quoting every message body into an array literal costs more
    than the insert; a VALUES list of thousands of placeholders costs psycopg more still to parse.
    """
    dialect = session.get_bind().dialect
    names = list(rows[0])
    arrays: list[list] = []
    unnested: list[Composable] = []
    for name in names:
        column, values = table.c[name], [row[name] for row in rows]
        if isinstance(column.type, JSON):  # no binary JSON[]: JSON text, cast back row by row
            arrays.append([None if v is None else json.dumps(v) for v in values])
            unnested.append(SQL("unnest(%b::text[])::json"))
        else:
            arrays.append(values)
            unnested.append(SQL("unnest(%b::{}[])").format(SQL(column.type.compile(dialect=dialect))))
    statement = SQL("INSERT INTO {} ({}) SELECT {} ON CONFLICT DO NOTHING").format(
        Identifier(table.name), SQL(", ").join(map(Identifier, names)), SQL(", ").join(unnested))
    if returning:
        statement += SQL(" RETURNING {}").format(SQL(", ").join(map(Identifier, returning)))
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(statement, arrays)
    return [tuple(row) for row in cursor.fetchall()] if returning else []


def _message_row(notice: QueuedNotice, as_of: dt.date, actor: Actor, now: dt.datetime) -> dict:
    subject = notice.texts.get("subject") or f"{notice.stage.name or 'Payment reminder'} {notice.customer_code}"
    return {
        "channel": notice.channel, "recipient": notice.recipient, "customer_id": notice.customer_id,
        "template": f"{notice.stage.template}.{notice.channel}", "subject": subject[:300],
        "body_text": notice.texts["body_text"], "body_html": notice.texts.get("body_html"), "attachments": [],
        "reason": "dunning", "statement_id": notice.statement_id,
        "status": "approved" if notice.stage.auto_approve else "pending", "attempts": 0, "created_by": actor.name,
        "dedupe_key": dedupe_key(notice.customer_code, as_of, notice.channel), "respect_quiet_hours": True,
        "created_at": now, "updated_at": now,
    }


def write_notices(session: Session, notices: Sequence[QueuedNotice], as_of: dt.date, actor: Actor) -> set[int]:
    """Queue the messages and record the notices; returns the customers whose notice this call wrote."""
    if not notices:
        return set()
    now = dt.datetime.now(dt.UTC)
    rows = [_message_row(n, as_of, actor, now) for n in notices]
    inserted = {key: message_id for message_id, key in insert_new(session, OUTBOX, rows, "id", "dedupe_key")}
    rows = []  # the notices of the messages this call inserted
    for n in notices:
        message_id = inserted.get(dedupe_key(n.customer_code, as_of, n.channel))
        if message_id is not None:
            rows.append({"customer_id": n.customer_id, "run_date": as_of, "stage": n.stage.stage,
                         "channel": n.channel, "outbox_id": message_id, "balance_minor": n.ask.balance_minor,
                         "currency": n.ask.currency, "days_over_terms": n.days_over_terms,
                         "invoice_ids": [d.id for d in n.ask.named(as_of)], "created_at": now})
    if rows:
        insert_new(session, NOTICES, rows)
    return {row["customer_id"] for row in rows}
