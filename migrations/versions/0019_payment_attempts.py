"""Retries of failed scheduled charges: `payment_attempts`, one row per try at charging a scheduled payment (the
charge on its date, then each retry a soft decline plans), each under its own processor idempotency key. A new
table only: payments, documents and allocations keep their triggers (no table rebuild).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 23:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'payment_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('first_payment_id', sa.Integer(), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('of_attempts', sa.Integer(), nullable=False),
        sa.Column('payment_id', sa.Integer(), nullable=True),
        sa.Column('idempotency_key', sa.String(length=120), nullable=False),
        sa.Column('processor', sa.String(length=20), nullable=False),
        sa.Column('planned_on', sa.Date(), nullable=False),
        sa.Column('charged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('failure_code', sa.String(length=120), nullable=True),
        sa.Column('next_try_on', sa.Date(), nullable=True),
        sa.Column('note', sa.String(length=300), nullable=True),
        sa.CheckConstraint("outcome IN ('planned', 'charging', 'succeeded', 'failed', 'canceled')",
                           name='payment_attempt_outcome'),
        sa.ForeignKeyConstraint(['first_payment_id'], ['payments.id']),
        sa.ForeignKeyConstraint(['payment_id'], ['payments.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('first_payment_id', 'attempt', name='uq_payment_attempt'),
        sa.UniqueConstraint('idempotency_key', name='uq_payment_attempt_key'),
        sa.UniqueConstraint('payment_id', name='uq_payment_attempt_payment'),
    )
    op.create_index('ix_payment_attempts_first_payment_id', 'payment_attempts', ['first_payment_id'])
    op.create_index('ix_payment_attempts_planned_on', 'payment_attempts', ['planned_on'])


def downgrade() -> None:
    op.drop_index('ix_payment_attempts_planned_on', table_name='payment_attempts')
    op.drop_index('ix_payment_attempts_first_payment_id', table_name='payment_attempts')
    op.drop_table('payment_attempts')
