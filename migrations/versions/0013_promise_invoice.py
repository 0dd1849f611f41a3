"""A promise to pay keeps the invoices it names ("I'll pay 104108 on the 15th")

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 10:00:00

Promises made before this revision named no invoice: they keep an empty list, the account as a whole, as they
were made.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payment_promises', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invoice_ids', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table('payment_promises', schema=None) as batch_op:
        batch_op.alter_column('invoice_ids', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('payment_promises', schema=None) as batch_op:
        batch_op.drop_column('invoice_ids')
