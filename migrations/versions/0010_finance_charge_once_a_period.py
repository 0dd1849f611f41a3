"""A finance charge carries its period; UNIQUE(customer, period) assesses it once, whatever the run dates

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:30:00

The charges the cycle assessed before (numbered FC-<customer>-<YYYYMMDD> of their assessment date) get their
period: each customer's first charge in a month claims the month. Repeat charges from before, the ones this
revision stops, keep no period and stay on the ledger as they are: voiding or crediting them is for staff to
decide, not for a migration. Finance charges imported from the ERP keep none either.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

CHARGED_PERIODS = 'charge_period IS NOT NULL'

documents = sa.table(
    'documents', sa.column('id', sa.Integer()), sa.column('customer_id', sa.Integer()),
    sa.column('kind', sa.String()), sa.column('number', sa.String()), sa.column('doc_date', sa.Date()),
    sa.column('charge_period', sa.Date()),
)
customers = sa.table('customers', sa.column('id', sa.Integer()), sa.column('code', sa.String()))


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('charge_period', sa.Date(), nullable=True))
    _claim_periods_of_assessed_charges()
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('uq_documents_finance_charge_period', ['customer_id', 'charge_period'], unique=True,
                              postgresql_where=sa.text(CHARGED_PERIODS), sqlite_where=sa.text(CHARGED_PERIODS))


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('uq_documents_finance_charge_period', postgresql_where=sa.text(CHARGED_PERIODS),
                            sqlite_where=sa.text(CHARGED_PERIODS))
        batch_op.drop_column('charge_period')


def _claim_periods_of_assessed_charges() -> None:
    bind = op.get_bind()
    charges = bind.execute(
        sa.select(documents.c.id, documents.c.customer_id, customers.c.code, documents.c.number,
                  documents.c.doc_date)
        .select_from(documents.join(customers, customers.c.id == documents.c.customer_id))
        .where(documents.c.kind == 'finance_charge')
        .order_by(documents.c.customer_id, documents.c.doc_date, documents.c.id)
    )
    claimed: set[tuple[int, object]] = set()
    updates = []
    for doc_id, customer_id, code, number, doc_date in charges:
        if number != f'FC-{code}-{doc_date:%Y%m%d}':
            continue  # not assessed by the cycle
        period = doc_date.replace(day=1)
        if (customer_id, period) not in claimed:
            claimed.add((customer_id, period))
            updates.append({'doc_id': doc_id, 'period': period})
    if updates:
        bind.execute(
            documents.update().where(documents.c.id == sa.bindparam('doc_id'))
            .values(charge_period=sa.bindparam('period')),
            updates,
        )
