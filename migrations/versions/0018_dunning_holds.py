"""Dunning holds ("Mahnstopp"): `dunning_holds`, a hold staff put on a customer or on one of its invoices, with a
reason, an optional last day, who put it and who lifted it (core.dunning.holds). No other table changes.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 23:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dunning_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('lifted_by', sa.String(length=120), nullable=True),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.ForeignKeyConstraint(['invoice_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dunning_holds', schema=None) as batch_op:
        batch_op.create_index('ix_dunning_holds_customer', ['customer_id', 'invoice_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dunning_holds', schema=None) as batch_op:
        batch_op.drop_index('ix_dunning_holds_customer')
    op.drop_table('dunning_holds')
