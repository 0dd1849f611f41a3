"""Messages to review: customer messages the bot did not understand, asked about, or was corrected on

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-09 10:00:00

Messages received before this revision are not reviewed after the fact: the transcript does not say how sure the
bot was of them, nor what it offered.
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('message_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('turn_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('today', sa.Date(), nullable=False),
    sa.Column('guessed_intent', sa.String(length=30), nullable=False),
    sa.Column('confidence', sa.Double(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('label_intent', sa.String(length=30), nullable=True),
    sa.Column('label_slots', sa.JSON(), nullable=True),
    sa.Column('reviewed_by', sa.String(length=120), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("reason IN ('not understood', 'asked which', 'corrected')", name='message_review_reason'),
    sa.CheckConstraint("status IN ('open', 'labelled', 'dismissed')", name='message_review_status'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ),
    sa.ForeignKeyConstraint(['turn_id'], ['conversation_turns.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('turn_id', name='uq_message_review_turn')
    )
    with op.batch_alter_table('message_reviews', schema=None) as batch_op:
        batch_op.create_index('ix_message_reviews_status', ['status', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('message_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_message_reviews_status')
    op.drop_table('message_reviews')
