"""Card numbers typed into free text before 0010's code blanked them on write are blanked where they lie

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 14:10:00

Since revision 0010's release every flush blanks card numbers in the columns marked FREE_TEXT
(core.kernel.card_numbers); rows written before it may still hold one. This revision reads those columns, as
they stand at this revision (listed below, not read from the models, which will change), and blanks each card
number with the same rule, keeping the words around it. One audit event says how many values were blanked per
column, so the books show when and why stored text changed. There is no way back: the downgrade does nothing.
"""
from alembic import op
import sqlalchemy as sa

from core.kernel.card_numbers import scrub_card_numbers


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# (table, primary key, column, column type, length limit): the FREE_TEXT columns at this revision.
FREE_TEXT_COLUMNS = [
    ('customer_classes', 'id', 'name', sa.String(), 200),
    ('message_templates', 'name', 'body', sa.Text(), None),
    ('sandbox_cards', 'token', 'holder', sa.String(), 100),
    ('staff_users', 'id', 'full_name', sa.String(), 120),
    ('customers', 'id', 'name', sa.String(), 200),
    ('customers', 'id', 'address_line1', sa.String(), 200),
    ('customers', 'id', 'address_line2', sa.String(), 200),
    ('customers', 'id', 'city', sa.String(), 100),
    ('customers', 'id', 'region', sa.String(), 100),
    ('dunning_stages', 'id', 'name', sa.String(), 80),
    ('audit_events', 'id', 'details', sa.JSON(), None),
    ('contacts', 'id', 'name', sa.String(), 200),
    ('payment_methods', 'id', 'holder', sa.String(), 200),
    ('payment_promises', 'id', 'note', sa.Text(), None),
    ('conversations', 'id', 'context', sa.JSON(), None),
    ('invoice_comments', 'id', 'body', sa.Text(), None),
    ('payments', 'id', 'note', sa.Text(), None),
    ('allocations', 'id', 'short_comment', sa.Text(), None),
    ('conversation_turns', 'id', 'text', sa.Text(), None),
    ('payment_lines', 'id', 'short_comment', sa.Text(), None),
    ('payment_quotes', 'id', 'lines', sa.JSON(), None),
    ('payment_quotes', 'id', 'text', sa.Text(), None),
]

audit_events = sa.table(
    'audit_events', sa.column('occurred_at', sa.DateTime()), sa.column('actor', sa.String()),
    sa.column('channel', sa.String()), sa.column('action', sa.String()), sa.column('subject', sa.String()),
    sa.column('details', sa.JSON()),
)


def upgrade() -> None:
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    blanked: dict[str, int] = {}
    for name, key, column, kind, limit in FREE_TEXT_COLUMNS:
        if name not in existing:
            continue  # a table of a part not installed (the sandbox's, say)
        table = sa.table(name, sa.column(key), sa.column(column, kind))
        changes = []
        rows = bind.execute(sa.select(table.c[key], table.c[column]).where(table.c[column].is_not(None)))
        for row_key, value in rows:
            clean = scrub_card_numbers(value)
            if clean != value:
                if limit and isinstance(clean, str):
                    clean = clean[:limit]  # the note is longer than the number: a full column must still take it
                changes.append({'row_key': row_key, 'clean': clean})
        if changes:
            bind.execute(table.update().where(table.c[key] == sa.bindparam('row_key'))
                         .values({column: sa.bindparam('clean')}), changes)
            blanked[f'{name}.{column}'] = len(changes)
    if blanked:
        bind.execute(audit_events.insert().values(
            occurred_at=sa.func.now(), actor='system:migration 0011', channel='system',
            action='card_numbers.blanked', subject='stored free text',
            details={'values_blanked': blanked, 'why': 'card numbers are never stored'},
        ))


def downgrade() -> None:
    pass  # a blanked card number is gone for good, as it should be
