"""Idempotency keys hold a lease and the payment their request wrote

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 11:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('idempotency_records') as batch:
        batch.add_column(sa.Column('attempt', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('payment_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('idempotency_records') as batch:
        batch.drop_column('payment_id')
        batch.drop_column('locked_at')
        batch.drop_column('attempt')
