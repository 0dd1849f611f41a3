"""Instalment plans: `plan_policies` (per customer class: how many instalments, the least one, how long, whether the
first is due at once, the grace after a missed one), `payment_plans` (the agreement: when, where, the exact text),
`plan_invoices` (what each plan pays, held out of other payments and of dunning while the plan is current) and
`plan_instalments` (each date and amount, and the scheduled payment carrying it). No other table changes.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 23:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                      nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                      nullable=False)]


def upgrade() -> None:
    op.create_table('plan_policies',
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('max_instalments', sa.Integer(), nullable=False),
    sa.Column('min_instalment_minor', sa.BigInteger(), nullable=False),
    sa.Column('max_days', sa.Integer(), nullable=False),
    sa.Column('first_due_now', sa.Boolean(), nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    *_stamps(),
    sa.CheckConstraint('max_instalments >= 2 AND min_instalment_minor > 0 AND max_days > 0 AND grace_days >= 0',
                       name='plan_policy_limits'),
    sa.ForeignKeyConstraint(['class_id'], ['customer_classes.id']),
    sa.PrimaryKeyConstraint('class_id')
    )
    op.create_table('payment_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('method_id', sa.Integer(), nullable=True),
    sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('agreed_channel', sa.String(length=20), nullable=False),
    sa.Column('agreement_text', sa.Text(), nullable=False),
    sa.Column('agreed_reply', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=300), nullable=True),
    *_stamps(),
    sa.CheckConstraint("status IN ('current', 'completed', 'broken', 'canceled')",
                       name='payment_plan_status'),
    sa.CheckConstraint('total_minor > 0', name='payment_plan_total_positive'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id']),
    sa.ForeignKeyConstraint(['method_id'], ['payment_methods.id']),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_payment_plans_customer', 'payment_plans', ['customer_id', 'status'], unique=False)
    op.create_table('plan_invoices',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('open_minor', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['documents.id']),
    sa.ForeignKeyConstraint(['plan_id'], ['payment_plans.id']),
    sa.PrimaryKeyConstraint('plan_id', 'invoice_id')
    )
    op.create_index(op.f('ix_plan_invoices_invoice_id'), 'plan_invoices', ['invoice_id'], unique=False)
    op.create_table('plan_instalments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('missed_on', sa.Date(), nullable=True),
    sa.CheckConstraint('amount_minor > 0', name='plan_instalment_amount_positive'),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id']),
    sa.ForeignKeyConstraint(['plan_id'], ['payment_plans.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'seq', name='uq_plan_instalment_seq')
    )
    op.create_index(op.f('ix_plan_instalments_payment_id'), 'plan_instalments', ['payment_id'], unique=False)
    op.create_index(op.f('ix_plan_instalments_plan_id'), 'plan_instalments', ['plan_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_plan_instalments_plan_id'), table_name='plan_instalments')
    op.drop_index(op.f('ix_plan_instalments_payment_id'), table_name='plan_instalments')
    op.drop_table('plan_instalments')
    op.drop_index(op.f('ix_plan_invoices_invoice_id'), table_name='plan_invoices')
    op.drop_table('plan_invoices')
    op.drop_index('ix_payment_plans_customer', table_name='payment_plans')
    op.drop_table('payment_plans')
    op.drop_table('plan_policies')
