"""Disputes: a customer's word that money asked of them is not owed, held out of dunning and bulk payments

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 10:00:00

Disputes reported in chat before this revision live only as audit events and staff emails; they are not made
into rows (what they held back was never recorded, and staff have answered them since).
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('amount_minor', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=True),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_by', sa.String(length=120), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=120), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status IN ('open', 'resolved')", name='dispute_status'),
    sa.CheckConstraint('amount_minor IS NULL OR amount_minor > 0', name='dispute_amount_positive'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index('ix_disputes_customer', ['customer_id', 'status'], unique=False)
        batch_op.create_index('ix_disputes_document_open', ['document_id', 'status'], unique=False)
        batch_op.create_index('ix_disputes_status', ['status', 'opened_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index('ix_disputes_status')
        batch_op.drop_index('ix_disputes_document_open')
        batch_op.drop_index('ix_disputes_customer')
    op.drop_table('disputes')
