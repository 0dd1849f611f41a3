"""Autopay: a customer's enrollment of a saved method, and each due date's charge with its notice

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 00:00:00

New tables only: documents, payments and allocations keep their triggers.
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'autopay_enrollments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('method_id', sa.Integer(), nullable=False),
        sa.Column('authorized_by', sa.String(length=200), nullable=False),
        sa.Column('authorized_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('channel', sa.String(length=40), nullable=False),
        sa.Column('authorization_text', sa.Text(), nullable=False),
        sa.Column('ach_recurring_reference', sa.String(length=200), nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_by', sa.String(length=200), nullable=True),
        sa.Column('end_reason', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id']),
        sa.ForeignKeyConstraint(['method_id'], ['payment_methods.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_autopay_enrollments_customer_id'), 'autopay_enrollments', ['customer_id'], unique=False)
    op.create_index('uq_autopay_enrollments_active', 'autopay_enrollments', ['customer_id'], unique=True,
                    postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))
    op.create_table(
        'autopay_charges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrollment_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('payment_id', sa.Integer(), nullable=False),
        sa.Column('invoices', sa.JSON(), nullable=False),
        sa.Column('notice_id', sa.Integer(), nullable=True),
        sa.Column('skipped_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('skipped_by', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id']),
        sa.ForeignKeyConstraint(['enrollment_id'], ['autopay_enrollments.id']),
        sa.ForeignKeyConstraint(['notice_id'], ['outbox_messages.id']),
        sa.ForeignKeyConstraint(['payment_id'], ['payments.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('customer_id', 'due_on', name=op.f('uq_autopay_charge_customer_day')),
        sa.UniqueConstraint('payment_id', name=op.f('uq_autopay_charges_payment_id')),
    )
    op.create_index(op.f('ix_autopay_charges_enrollment_id'), 'autopay_charges', ['enrollment_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_autopay_charges_enrollment_id'), table_name='autopay_charges')
    op.drop_table('autopay_charges')
    op.drop_index('uq_autopay_enrollments_active', table_name='autopay_enrollments')
    op.drop_index(op.f('ix_autopay_enrollments_customer_id'), table_name='autopay_enrollments')
    op.drop_table('autopay_enrollments')
