"""Contacts found by the start or the end of their phone number through an index (core.ledger.phone_keys):
`phone_national` (the national number's digits) and `phone_tail` (the E.164 digits reversed), filled for every
contact that has a phone.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 21:00:00
"""
import sqlalchemy as sa
from alembic import op

from core.ledger.phone_keys import phone_keys

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_national', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('phone_tail', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_contacts_phone_national'), ['phone_national'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_phone_tail'), ['phone_tail'], unique=False)

    contacts = sa.table('contacts', sa.column('id', sa.Integer), sa.column('phone', sa.String),
                        sa.column('phone_national', sa.String), sa.column('phone_tail', sa.String))
    conn = op.get_bind()
    rows = conn.execute(sa.select(contacts.c.id, contacts.c.phone).where(contacts.c.phone.is_not(None))).all()
    update = (contacts.update().where(contacts.c.id == sa.bindparam('contact_id'))
              .values(phone_national=sa.bindparam('national'), phone_tail=sa.bindparam('tail')))
    for start in range(0, len(rows), BATCH):
        batch = [dict(zip(('national', 'tail'), phone_keys(phone), strict=True), contact_id=contact_id)
                 for contact_id, phone in rows[start:start + BATCH]]
        conn.execute(update, batch)


def downgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_phone_tail'))
        batch_op.drop_index(batch_op.f('ix_contacts_phone_national'))
        batch_op.drop_column('phone_tail')
        batch_op.drop_column('phone_national')
