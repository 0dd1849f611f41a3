"""Balances kept per customer and currency for the whole-book aging and dunning candidates: `customer_balances`
and the day their buckets count from (`balance_aging`), the triggers that keep them as documents, payments and
allocations are written (core.ledger.balance_triggers), and every balance built from the ledger, bucketed as
of today (the daily `age_balances` moves them on).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-13 10:00:00
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

from core.ledger.balance_check import rebuild_balances
from core.ledger.balance_triggers import create_triggers, drop_triggers

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def _amount(name: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger(), nullable=False, server_default='0')


def upgrade() -> None:
    op.create_table('customer_balances',
    sa.Column('customer_code', sa.String(length=40), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    _amount('current_minor'),
    _amount('days_1_30_minor'),
    _amount('days_31_60_minor'),
    _amount('days_61_90_minor'),
    _amount('days_over_90_minor'),
    _amount('credit_minor'),
    _amount('unapplied_minor'),
    sa.Column('oldest_due', sa.Date(), nullable=True),
    sa.Column('latest_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('customer_code', 'currency'),
    sa.UniqueConstraint('customer_id', 'currency', name='uq_customer_balances_customer'),
    sqlite_with_rowid=False,
    postgresql_with={'fillfactor': '80'},
    )
    op.create_table('balance_aging',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('aged_on', sa.Date(), nullable=False),
    sa.CheckConstraint('id = 1', name='balance_aging_one_row'),
    sa.PrimaryKeyConstraint('id')
    )

    conn = op.get_bind()
    create_triggers(conn)
    rebuild_balances(conn, dt.date.today())


def downgrade() -> None:
    drop_triggers(op.get_bind())
    op.drop_table('balance_aging')
    op.drop_table('customer_balances')
